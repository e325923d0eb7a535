"""What every ObjectStore backend promises the pipeline, checked the same way for each.

Add a backend by adding a param to the `store` fixture. Assertions here must hold for any
backend; what depends on how a backend keeps its bytes belongs in its own test module.
The race tests ship the store to spawned processes, so a backend must be picklable.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import urllib.request
from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest

from storage.base import (
    DEFAULT_CONTENT_TYPE,
    IntegrityError,
    ObjectExistsError,
    ObjectNotFoundError,
    ObjectStore,
    StoreError,
    StoreUnavailableError,
)
from storage.local import LocalObjectStore
from storage.s3 import S3ObjectStore

pytest_plugins = ["tests.s3_server"]

HOLDER = {"họ-và-tên": "Nguyễn Thị Ánh Tuyết", "nơi-thường-trú": "Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh"}


def local_store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    return LocalObjectStore(tmp_path / "store")


def s3_store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    """A new bucket on the session's S3 server, asked for lazily so `-m "not s3"` never starts one."""
    server = request.getfixturevalue("s3_server")
    return S3ObjectStore(server.client(), server.new_bucket())


@pytest.fixture(
    params=[pytest.param(local_store, id="local"), pytest.param(s3_store, id="s3", marks=pytest.mark.s3)]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    """A fresh, empty store of each backend."""
    return request.param(request, tmp_path)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def keys(store: ObjectStore, prefix: str = "") -> list[str]:
    return [info.key for info in store.list(prefix)]


def test_backend_satisfies_the_protocol(store: ObjectStore) -> None:
    assert isinstance(store, ObjectStore)


def test_error_policy() -> None:
    assert StoreUnavailableError.retryable
    for error in (StoreError, ObjectNotFoundError, ObjectExistsError, IntegrityError):
        assert not error.retryable
    for error in (ObjectNotFoundError, ObjectExistsError, StoreUnavailableError, IntegrityError):
        assert issubclass(error, StoreError)


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7\n\x00\xff binary", bytes(range(256)) * 1000])
def test_bytes_round_trip(store: ObjectStore, data: bytes) -> None:
    info = store.put_bytes("originals/ab/abcdef", data)

    assert store.get_bytes("originals/ab/abcdef") == data
    assert (info.key, info.size, info.sha256) == ("originals/ab/abcdef", len(data), sha(data))
    assert (info.content_type, info.metadata) == (DEFAULT_CONTENT_TYPE, {})
    assert info.modified.tzinfo is not None
    assert abs(datetime.now(UTC) - info.modified) < timedelta(minutes=5)
    assert store.exists("originals/ab/abcdef")


def test_stat_agrees_with_put(store: ObjectStore) -> None:
    put = store.put_bytes("records/abc.json", b"{}", content_type="application/json", metadata={"kind": "record"})
    got = store.stat("records/abc.json")

    assert (got.key, got.size, got.sha256, got.content_type, got.metadata) == (
        put.key,
        put.size,
        put.sha256,
        put.content_type,
        put.metadata,
    )
    assert abs(got.modified - put.modified) < timedelta(seconds=2)


def test_vietnamese_key_round_trip(store: ObjectStore) -> None:
    store.put_bytes("hồ-sơ/giấy khai sinh.pdf", b"pdf")

    assert store.get_bytes("hồ-sơ/giấy khai sinh.pdf") == b"pdf"
    assert keys(store) == ["hồ-sơ/giấy khai sinh.pdf"]


def test_large_file_is_streamed_both_ways(store: ObjectStore, tmp_path: Path) -> None:
    source = tmp_path / "scan.pdf"
    expected = hashlib.sha256()
    with source.open("wb") as out:
        for _ in range(50):
            chunk = os.urandom(1 << 20)
            out.write(chunk)
            expected.update(chunk)

    info = store.put_file("originals/5a/big", source, content_type="application/pdf", sha256=expected.hexdigest())

    assert (info.size, info.sha256) == (50 << 20, expected.hexdigest())
    read_back = hashlib.sha256()
    with store.open("originals/5a/big") as stream:
        while chunk := stream.read(1 << 20):
            read_back.update(chunk)
    assert read_back.hexdigest() == expected.hexdigest()


def test_put_file_round_trip_with_metadata(store: ObjectStore, tmp_path: Path) -> None:
    source = tmp_path / "cccd.jpg"
    source.write_bytes(b"\xff\xd8\xff jpeg")

    info = store.put_file("originals/cc/cccd", source, content_type="image/jpeg", metadata=HOLDER)

    assert store.get_bytes("originals/cc/cccd") == b"\xff\xd8\xff jpeg"
    assert (info.content_type, info.metadata) == ("image/jpeg", HOLDER)


def test_content_type_and_vietnamese_metadata_round_trip(store: ObjectStore) -> None:
    store.put_bytes("originals/vn/1", b"x", content_type="application/pdf", metadata=HOLDER)

    for info in (store.stat("originals/vn/1"), next(store.list("originals/vn/"))):
        assert info.content_type == "application/pdf"
        assert info.metadata == HOLDER


def test_metadata_must_be_text(store: ObjectStore) -> None:
    with pytest.raises(TypeError):
        store.put_bytes("records/n", b"x", metadata={"pages": 3})  # type: ignore[dict-item]
    assert not store.exists("records/n")


def test_overwrite_replaces_bytes_and_metadata(store: ObjectStore) -> None:
    store.put_bytes("records/r.json", b"old", content_type="text/plain", metadata={"v": "1"})
    store.put_bytes("records/r.json", b"new", content_type="application/json", metadata={"w": "2"})

    info = store.stat("records/r.json")
    assert store.get_bytes("records/r.json") == b"new"
    assert (info.sha256, info.content_type, info.metadata) == (sha(b"new"), "application/json", {"w": "2"})


def test_create_only_refuses_and_keeps_the_original(store: ObjectStore, tmp_path: Path) -> None:
    store.put_bytes("originals/ab/abc", b"first", content_type="image/png", metadata={"v": "1"})
    other = tmp_path / "other"
    other.write_bytes(b"second")

    with pytest.raises(ObjectExistsError):
        store.put_bytes("originals/ab/abc", b"second", metadata={"v": "2"}, overwrite=False)
    with pytest.raises(ObjectExistsError):
        store.put_file("originals/ab/abc", other, overwrite=False)

    info = store.stat("originals/ab/abc")
    assert store.get_bytes("originals/ab/abc") == b"first"
    assert (info.sha256, info.content_type, info.metadata) == (sha(b"first"), "image/png", {"v": "1"})


def test_create_only_succeeds_on_a_free_key(store: ObjectStore) -> None:
    info = store.put_bytes("originals/ab/new", b"data", overwrite=False)

    assert info.sha256 == sha(b"data")
    assert store.get_bytes("originals/ab/new") == b"data"


def _attempt(
    store: ObjectStore,
    contested: list[str],
    writer: int,
    overwrite: bool,
    barrier: Barrier,
    results: Queue[tuple[str, int, str]],
) -> None:
    """One racer: every racer starts each key together, to make the collision as tight as we can."""
    for key in contested:
        barrier.wait(timeout=60)
        try:
            store.put_bytes(key, f"writer {writer}".encode(), metadata={"writer": str(writer)}, overwrite=overwrite)
        except ObjectExistsError:
            results.put((key, writer, "exists"))
        else:
            results.put((key, writer, "stored"))


def race(store: ObjectStore, contested: list[str], overwrite: bool, writers: int = 8) -> list[tuple[str, int, str]]:
    """Race `writers` spawned processes for each key; spawned, not forked, so each rebuilds the store as a worker would."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(writers, timeout=60)  # a writer that dies must not leave the rest waiting
    results = context.Queue()
    processes = [
        context.Process(target=_attempt, args=(store, contested, writer, overwrite, barrier, results))
        for writer in range(writers)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in range(writers * len(contested))]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return outcomes


@pytest.mark.timeout(300)
def test_create_only_race_has_exactly_one_winner(store: ObjectStore) -> None:
    contested = [f"originals/race/{n}" for n in range(5)]

    outcomes = race(store, contested, overwrite=False)

    for key in contested:
        winners = [writer for k, writer, outcome in outcomes if k == key and outcome == "stored"]
        losers = [writer for k, writer, outcome in outcomes if k == key and outcome == "exists"]
        assert len(winners) == 1 and len(losers) == 7
        info = store.stat(key)
        assert store.get_bytes(key) == f"writer {winners[0]}".encode()
        assert (info.sha256, info.metadata) == (sha(f"writer {winners[0]}".encode()), {"writer": str(winners[0])})


@pytest.mark.timeout(300)
def test_racing_overwrites_leave_a_consistent_object(store: ObjectStore) -> None:
    contested = [f"records/race/{n}.json" for n in range(5)]

    outcomes = race(store, contested, overwrite=True)

    assert {outcome for _, _, outcome in outcomes} == {"stored"}
    for key in contested:
        data = store.get_bytes(key)
        info = store.stat(key)
        assert info.sha256 == sha(data)
        assert data == f"writer {info.metadata['writer']}".encode()


def test_matching_sha256_is_accepted(store: ObjectStore) -> None:
    info = store.put_bytes("originals/ok", b"scan", sha256=sha(b"scan"))

    assert info.sha256 == sha(b"scan")


def test_sha256_mismatch_stores_nothing(store: ObjectStore, tmp_path: Path) -> None:
    source = tmp_path / "scan"
    source.write_bytes(b"scan")

    with pytest.raises(IntegrityError):
        store.put_bytes("originals/bad", b"scan", sha256=sha(b"other"))
    with pytest.raises(IntegrityError):
        store.put_file("originals/bad", source, sha256=sha(b"other"), overwrite=False)

    assert not store.exists("originals/bad")
    assert keys(store) == []


def test_sha256_mismatch_keeps_the_existing_object(store: ObjectStore) -> None:
    store.put_bytes("records/r", b"good", metadata={"v": "1"})

    with pytest.raises(IntegrityError):
        store.put_bytes("records/r", b"evil", sha256=sha(b"something else"))

    assert store.get_bytes("records/r") == b"good"
    assert store.stat("records/r").metadata == {"v": "1"}


def test_list_is_sorted_recursive_and_filtered_by_string_prefix(store: ObjectStore) -> None:
    # "-" < "/" < "0": a walk that sorts folder by folder would put "a/…" before "a-c".
    wanted = ["a-c", "a/a/z", "a/b", "a0", "b/deep/er/still", "originals/ab/1", "originals/ac/2", "records/1.json"]
    for key in reversed(wanted):
        store.put_bytes(key, key.encode())

    assert keys(store) == sorted(wanted) == wanted
    assert keys(store, "a/") == ["a/a/z", "a/b"]
    assert keys(store, "a") == ["a-c", "a/a/z", "a/b", "a0"]
    assert keys(store, "orig") == ["originals/ab/1", "originals/ac/2"]
    assert keys(store, "originals/ab") == ["originals/ab/1"]
    assert keys(store, "records/1.json") == ["records/1.json"]
    assert keys(store, "nothing/here/") == []
    assert keys(store, "originals/zz") == []
    assert [info.size for info in store.list("b/")] == [len(b"b/deep/er/still")]


def test_list_of_an_empty_store(store: ObjectStore) -> None:
    assert keys(store) == []


def test_list_shows_only_objects_after_failed_and_deleted_writes(store: ObjectStore) -> None:
    store.put_bytes("records/kept", b"1", metadata={"a": "b"})
    store.put_bytes("records/gone", b"2", metadata={"a": "b"})
    store.delete("records/gone")
    with pytest.raises(IntegrityError):
        store.put_bytes("records/bad", b"3", sha256=sha(b"4"))
    with pytest.raises(ObjectExistsError):
        store.put_bytes("records/kept", b"5", overwrite=False)

    assert keys(store) == ["records/kept"]


@pytest.mark.parametrize("call", ["get_bytes", "open", "stat", "delete"])
def test_missing_key_raises_not_found(store: ObjectStore, call: str) -> None:
    store.put_bytes("records/present", b"x")

    with pytest.raises(ObjectNotFoundError):
        getattr(store, call)("records/absent")
    with pytest.raises(ObjectNotFoundError):
        getattr(store, call)("records")  # a prefix of real keys is not an object
    assert not store.exists("records/absent")
    assert not store.exists("records")


def test_delete_removes_bytes_and_metadata(store: ObjectStore) -> None:
    store.put_bytes("records/d", b"x", content_type="text/plain", metadata={"v": "1"})

    store.delete("records/d")

    assert not store.exists("records/d")
    with pytest.raises(ObjectNotFoundError):
        store.get_bytes("records/d")
    recreated = store.put_bytes("records/d", b"y", overwrite=False)
    assert (recreated.content_type, recreated.metadata) == (DEFAULT_CONTENT_TYPE, {})
    assert store.stat("records/d").metadata == {}


BAD_KEYS = [
    "",
    "/etc/passwd",
    "..",
    "../outside",
    "a/../../outside",
    "a/./b",
    "a//b",
    "a/",
    "a\\b",
    "a\x00b",
    ".tmp/x",
    ".meta/x",
    ".hidden",
]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_invalid_keys_are_rejected_everywhere(store: ObjectStore, key: str, tmp_path: Path) -> None:
    source = tmp_path / "f"
    source.write_bytes(b"x")
    calls = [
        lambda: store.put_bytes(key, b"x"),
        lambda: store.put_file(key, source),
        lambda: store.get_bytes(key),
        lambda: store.open(key),
        lambda: store.stat(key),
        lambda: store.exists(key),
        lambda: store.delete(key),
        lambda: store.url(key),
    ]
    for call in calls:
        with pytest.raises(ValueError):
            call()
    assert keys(store) == []


def test_url_can_be_fetched(store: ObjectStore) -> None:
    store.put_bytes("originals/u/ảnh chụp.png", b"\x89PNG bytes", content_type="image/png")

    with urllib.request.urlopen(store.url("originals/u/ảnh chụp.png")) as response:
        assert response.read() == b"\x89PNG bytes"
