"""What the embedded store does on disk: layout, atomicity and what a crash leaves behind."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest

from storage.base import DEFAULT_CONTENT_TYPE, IntegrityError, ObjectExistsError
from storage.local import LocalObjectStore

HOLDER = {"họ-và-tên": "Nguyễn Văn An"}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def store(root: Path) -> LocalObjectStore:
    return LocalObjectStore(root)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def test_objects_are_plain_files_with_json_sidecars(store: LocalObjectStore, root: Path) -> None:
    info = store.put_bytes("originals/ab/abcdef", b"scan", content_type="application/pdf", metadata=HOLDER)

    assert (root / "originals/ab/abcdef").read_bytes() == b"scan"
    raw = (root / ".meta/originals/ab/abcdef").read_bytes()
    assert "Nguyễn Văn An".encode() in raw  # readable UTF-8, not \u escapes
    assert json.loads(raw) == {
        "sha256": sha(b"scan"),
        "size": 4,
        "content_type": "application/pdf",
        "metadata": HOLDER,
        "modified": info.modified.isoformat(),
    }
    assert sorted(path.name for path in root.iterdir()) == [".lock", ".meta", ".tmp", "originals"]
    assert files_under(root / ".tmp") == []
    assert LocalObjectStore(root).stat("originals/ab/abcdef") == info


def test_files_follow_the_umask(store: LocalObjectStore, root: Path) -> None:
    previous = os.umask(0o027)
    try:
        store.put_bytes("records/r.json", b"{}", metadata=HOLDER)
    finally:
        os.umask(previous)

    assert (root / "records/r.json").stat().st_mode & 0o777 == 0o640
    assert (root / ".meta/records/r.json").stat().st_mode & 0o777 == 0o640


def test_refused_writes_leave_no_temp_files_or_sidecars(store: LocalObjectStore, root: Path) -> None:
    store.put_bytes("originals/a", b"1")
    with pytest.raises(ObjectExistsError):
        store.put_bytes("originals/a", b"2", overwrite=False)
    with pytest.raises(IntegrityError):
        store.put_bytes("originals/b", b"3", sha256=sha(b"4"))

    assert files_under(root / ".tmp") == []
    assert files_under(root / ".meta") == [root / ".meta/originals/a"]


def test_temp_leftovers_are_invisible(store: LocalObjectStore, root: Path) -> None:
    store.put_bytes("originals/a", b"1")
    (root / ".tmp/0123abcd").write_bytes(b"half a scan")
    (root / ".meta/originals/orphan").write_text("{}")

    assert [info.key for info in store.list()] == ["originals/a"]
    assert [info.key for info in store.list("originals/")] == ["originals/a"]
    assert not store.exists("originals/orphan")


def _put_from(store: LocalObjectStore, key: str, path: Path) -> None:
    store.put_file(key, path)


@pytest.mark.timeout(60)
def test_killed_writer_leaves_only_an_invisible_temp_file(store: LocalObjectStore, root: Path, tmp_path: Path) -> None:
    scanner = tmp_path / "scanner"
    os.mkfifo(scanner)
    writer = multiprocessing.get_context("spawn").Process(target=_put_from, args=(store, "originals/ab/x", scanner))
    writer.start()
    with scanner.open("wb") as pipe:  # blocks until the writer opens its end
        pipe.write(b"x" * (3 << 20))
        deadline = time.monotonic() + 30
        while not any(path.stat().st_size >= 1 << 20 for path in files_under(root / ".tmp")):
            assert time.monotonic() < deadline, "the writer never started writing"
            time.sleep(0.01)
        writer.kill()  # before the pipe closes: EOF would let the write finish
        writer.join()

    leftovers = files_under(root / ".tmp")
    assert len(leftovers) == 1 and leftovers[0].stat().st_size >= 1 << 20
    assert not store.exists("originals/ab/x")
    assert list(store.list()) == []
    assert files_under(root / ".meta") == []
    store.put_bytes("originals/ab/x", b"retried", overwrite=False)
    assert store.get_bytes("originals/ab/x") == b"retried"


def test_bytes_without_sidecar_are_an_object_of_unknown_hash(store: LocalObjectStore, root: Path) -> None:
    # What a crash between committing the bytes and writing the sidecar leaves behind.
    (root / "records").mkdir()
    (root / "records/r.json").write_bytes(b"{}")

    info = store.stat("records/r.json")
    assert (info.size, info.sha256, info.content_type, info.metadata) == (2, None, DEFAULT_CONTENT_TYPE, {})
    assert [listed.key for listed in store.list()] == ["records/r.json"]
    with pytest.raises(ObjectExistsError):
        store.put_bytes("records/r.json", b"[]", overwrite=False)
    assert store.put_bytes("records/r.json", b"[]").sha256 == store.stat("records/r.json").sha256 == sha(b"[]")


def test_readers_never_see_a_partial_or_mismatched_object(store: LocalObjectStore) -> None:
    payloads = [b"a" * (3 << 20), b"b" * (5 << 20)]
    size_of = {sha(data): len(data) for data in payloads}
    store.put_bytes("records/hot", payloads[0])

    def overwrite_repeatedly() -> None:
        for turn in range(30):
            store.put_bytes("records/hot", payloads[turn % 2])

    reads = 0
    with ThreadPoolExecutor(1) as pool:
        writing = pool.submit(overwrite_repeatedly)
        while not writing.done():
            assert store.get_bytes("records/hot") in payloads
            info = store.stat("records/hot")
            assert info.sha256 is None or info.size == size_of[info.sha256]
            reads += 1
        writing.result()
    assert reads > 0


def test_put_file_holds_a_chunk_at_a_time(store: LocalObjectStore, tmp_path: Path) -> None:
    source = tmp_path / "big"
    with source.open("wb") as out:
        out.truncate(64 << 20)

    tracemalloc.start()
    try:
        store.put_file("originals/big", source)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < 8 << 20


@pytest.mark.parametrize("prefix", ["/", "../", "a/../../", ".tmp/", ".meta/originals/", "a//"])
def test_list_prefix_cannot_reach_outside_the_objects(store: LocalObjectStore, prefix: str) -> None:
    with pytest.raises(ValueError):
        store.list(prefix)


@pytest.mark.parametrize("prefix", [".", ".t", ".me"])
def test_list_prefix_never_matches_internal_files(store: LocalObjectStore, prefix: str) -> None:
    store.put_bytes("records/r", b"x", metadata=HOLDER)

    assert list(store.list(prefix)) == []


def test_url_is_a_file_uri_of_the_stored_bytes(store: LocalObjectStore) -> None:
    store.put_bytes("originals/ảnh/1 2.png", b"png")

    url = store.url("originals/ảnh/1 2.png")

    assert url.startswith("file:///")
    assert Path(url2pathname(urlparse(url).path)).read_bytes() == b"png"

