"""Fixity: a flipped byte or a vanished original is reported."""

from __future__ import annotations

import hashlib
import json

from pipeline import keys
from pipeline.verify import CHANGED, MISSING, OK, verify_store
from storage.local import LocalObjectStore


def _store_record(store: LocalObjectStore, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    store.put_bytes(keys.original(sha), data, sha256=sha, overwrite=False)
    record = {"id": sha, "sha256": sha, "storage": {"original": keys.original(sha)}}
    store.put_bytes(keys.record(sha), json.dumps(record).encode())
    return sha


def test_intact_changed_and_missing_originals_are_told_apart(tmp_path):
    store = LocalObjectStore(tmp_path / "store")
    intact = _store_record(store, b"%PDF-1.4 giay khai sinh")
    flipped = _store_record(store, b"%PDF-1.4 can cuoc cong dan")
    gone = _store_record(store, b"%PDF-1.4 xac nhan cu tru")
    on_disk = tmp_path / "store" / keys.original(flipped)
    data = bytearray(on_disk.read_bytes())
    data[5] ^= 0x01  # one bit, as storage rot would do it
    on_disk.write_bytes(bytes(data))
    (tmp_path / "store" / keys.original(gone)).unlink()

    statuses = {result.id: result.status for result in verify_store(store)}
    assert statuses == {intact: OK, flipped: CHANGED, gone: MISSING}
