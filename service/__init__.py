"""The HTTP service: officers find and review records, citizens see and reuse their own papers.

HTTP lives in `app`, `api` and `pages`; everything they decide is in plain modules
(`access`, `records`, `reuse`, `audit`, `searching`, `auth`, `signing`, `thumbnails`)
so it is tested without a server.
"""
