"""Where each thing lives in the object store.

Content addressing makes the SHA-256 of the original its key, its record id
and its index id at once: re-running a batch can only find what is there.
"""

from __future__ import annotations


def original(sha256: str) -> str:
    return f"originals/{sha256[:2]}/{sha256}"


RECORDS_PREFIX = "records/"  # every record, and nothing else, lives under it (reindex lists it)


def record(sha256: str) -> str:
    return f"{RECORDS_PREFIX}{sha256[:2]}/{sha256}.json"


def searchable_pdf(sha256: str) -> str:
    return f"derivatives/{sha256[:2]}/{sha256}/searchable.pdf"


def words(sha256: str) -> str:
    return f"derivatives/{sha256[:2]}/{sha256}/words.json"


def quarantined(sha256: str) -> str:
    return f"quarantine/{sha256[:2]}/{sha256}"


def quarantine_note(sha256: str) -> str:
    return f"quarantine/{sha256[:2]}/{sha256}.json"

