"""Full-text search over indexed records; see `search.base` for the contract."""

from search.base import Index, SearchHit, SearchResults
from search.sqlite import SqliteIndex

__all__ = ["Index", "SearchHit", "SearchResults", "SqliteIndex"]
