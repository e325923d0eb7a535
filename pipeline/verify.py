"""Fixity: re-read every stored original and say which ones no longer match their SHA-256.

An archive is only as good as its last check. The record names the digest
the original had when it was received; anything else found now (a flipped
bit, a truncated copy, a vanished object) is reported, never repaired here.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

from pipeline.reindex import stored_records
from storage.base import ObjectNotFoundError, ObjectStore

OK, CHANGED, MISSING = "ok", "changed", "missing"
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class FixityResult:
    id: str
    key: str
    status: str
    found_sha256: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def sha256_of_object(store: ObjectStore, key: str) -> str:
    digest = hashlib.sha256()
    with store.open(key) as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_object(store: ObjectStore, record_id: str, key: str, expected: str) -> FixityResult:
    try:
        found = sha256_of_object(store, key)
    except ObjectNotFoundError:
        return FixityResult(record_id, key, MISSING)
    return FixityResult(record_id, key, OK if found == expected else CHANGED, found)


def verify_store(store: ObjectStore) -> list[FixityResult]:
    return [
        check_object(store, record["id"], record["storage"]["original"], record["sha256"])
        for record in stored_records(store)
    ]
