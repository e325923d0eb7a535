"""Rebuild the search index from the object store, the system of record."""

from __future__ import annotations

import json
from collections.abc import Iterator

from pipeline import keys
from search.base import Index
from storage.base import ObjectStore


def stored_records(store: ObjectStore) -> Iterator[dict]:
    for info in store.list(keys.RECORDS_PREFIX):
        if info.key.endswith(".json"):
            yield json.loads(store.get_bytes(info.key))


def reindex(store: ObjectStore, index: Index) -> int:
    return index.rebuild(stored_records(store))
