"""The embedded object store: plain files under one folder, so sohoa runs without a server.

Layout under the root::

    <key>           the object's bytes, readable with ordinary tools if sohoa itself is gone
    .meta/<key>     its sidecar: UTF-8 JSON with SHA-256, size, time, content type and metadata
    .tmp/           unfinished writes; safe to empty while no writer is running
    .lock           taken by writers while they commit

Sidecars live in a parallel tree rather than next to the bytes (``<key>.meta.json``) so the data
tree mirrors the keys exactly: no key can collide with a sidecar, ``list`` walks data only, and
two keys clash in ``.meta`` exactly when they would already clash as files.

An object is two files, which cannot be renamed in one step, so the order of steps keeps them
honest: a sidecar only ever exists while it describes the bytes beside it. Commits hold the lock,
remove the old sidecar before the bytes change and write the new one after, and every step is
fsynced before the next. A crash or a reader racing a commit can therefore find bytes without a
sidecar (stat then reports sha256=None, the default content type and no metadata) but never
bytes paired with another version's hash. ObjectInfo is read from the sidecar alone, so it
describes one version even while that version is being replaced.

POSIX only: it relies on flock, hard links and fsync of directories.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from stat import S_ISREG
from typing import BinaryIO

from storage.base import (
    DEFAULT_CONTENT_TYPE,
    ObjectExistsError,
    ObjectInfo,
    ObjectNotFoundError,
    check_key,
    check_metadata,
    verify_sha256,
)

_CHUNK = 1 << 20
# What the OS raises for a key with no file behind it, including when a folder is in the way.
_MISSING = (FileNotFoundError, NotADirectoryError, IsADirectoryError)


class LocalObjectStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self._tmp = self.root / ".tmp"
        self._meta = self.root / ".meta"
        self._lock = self.root / ".lock"
        self._tmp.mkdir(parents=True, exist_ok=True)
        self._meta.mkdir(exist_ok=True)

    def __repr__(self) -> str:
        return f"LocalObjectStore({str(self.root)!r})"

    def put_bytes(
        self,
        key: str,
        data: bytes,
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
        metadata: Mapping[str, str] | None = None,
        sha256: str | None = None,
        overwrite: bool = True,
    ) -> ObjectInfo:
        return self._put(key, [data], content_type, metadata, sha256, overwrite)

    def put_file(
        self,
        key: str,
        path: Path,
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
        metadata: Mapping[str, str] | None = None,
        sha256: str | None = None,
        overwrite: bool = True,
    ) -> ObjectInfo:
        with open(path, "rb") as source:
            chunks = iter(lambda: source.read(_CHUNK), b"")
            return self._put(key, chunks, content_type, metadata, sha256, overwrite)

    def get_bytes(self, key: str) -> bytes:
        with self.open(key) as stream:
            return stream.read()

    def open(self, key: str) -> BinaryIO:
        check_key(key)
        try:
            return (self.root / key).open("rb")
        except _MISSING as exc:
            raise ObjectNotFoundError(f"no object {key!r}") from exc

    def stat(self, key: str) -> ObjectInfo:
        check_key(key)
        try:
            st = os.stat(self.root / key)
        except _MISSING as exc:
            raise ObjectNotFoundError(f"no object {key!r}") from exc
        if not S_ISREG(st.st_mode):
            raise ObjectNotFoundError(f"no object {key!r}")
        return self._info(key, st)

    def exists(self, key: str) -> bool:
        check_key(key)
        return (self.root / key).is_file()

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        folder, slash, name_start = prefix.rpartition("/")
        if slash:
            check_key(folder)  # the folder part becomes a path, so it must not escape the root
        return self._walk(self.root / folder, folder + slash, name_start)

    def delete(self, key: str) -> None:
        check_key(key)
        path = self.root / key
        with self._commit_lock():
            if not path.is_file():
                raise ObjectNotFoundError(f"no object {key!r}")
            self._drop_sidecar(key)
            path.unlink()
            _fsync_dir(path.parent)

    def url(self, key: str) -> str:
        check_key(key)
        return (self.root / key).as_uri()

    def _put(
        self,
        key: str,
        chunks: Iterable[bytes],
        content_type: str,
        metadata: Mapping[str, str] | None,
        sha256: str | None,
        overwrite: bool,
    ) -> ObjectInfo:
        check_key(key)
        metadata = check_metadata(metadata)
        path = self.root / key
        if not overwrite and path.is_file():
            # Spares streaming a large duplicate to disk; the hard link below still decides races.
            raise ObjectExistsError(f"object {key!r} already exists")
        data_tmp = self._tmp / uuid.uuid4().hex
        sidecar_tmp = self._tmp / uuid.uuid4().hex
        try:
            digest, st = _write_new(data_tmp, chunks)
            verify_sha256(key, digest, sha256)
            info = ObjectInfo(
                key, st.st_size, digest, content_type, metadata, datetime.fromtimestamp(st.st_mtime, UTC)
            )
            _write_new(sidecar_tmp, [_encode_sidecar(info)])
            sidecar = self._meta / key
            _make_dirs(path.parent)
            _make_dirs(sidecar.parent)
            with self._commit_lock():
                if overwrite:
                    self._drop_sidecar(key)
                    os.replace(data_tmp, path)
                else:
                    try:
                        os.link(data_tmp, path)
                    except FileExistsError:
                        raise ObjectExistsError(f"object {key!r} already exists") from None
                _fsync_dir(path.parent)
                os.replace(sidecar_tmp, sidecar)
                _fsync_dir(sidecar.parent)
        finally:
            data_tmp.unlink(missing_ok=True)
            sidecar_tmp.unlink(missing_ok=True)
        return info

    @contextlib.contextmanager
    def _commit_lock(self) -> Iterator[None]:
        """Serialise commits across processes, or two overwrites could leave one's sidecar on the other's bytes."""
        with self._lock.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _drop_sidecar(self, key: str) -> None:
        sidecar = self._meta / key
        with contextlib.suppress(FileNotFoundError):
            sidecar.unlink()
            _fsync_dir(sidecar.parent)

    def _info(self, key: str, st: os.stat_result) -> ObjectInfo:
        try:
            doc = json.loads((self._meta / key).read_bytes())
        except _MISSING:
            # Bytes without a sidecar: a commit interrupted by a crash, or one in progress.
            return ObjectInfo(
                key, st.st_size, None, DEFAULT_CONTENT_TYPE, {}, datetime.fromtimestamp(st.st_mtime, UTC)
            )
        return ObjectInfo(
            key,
            doc["size"],
            doc["sha256"],
            doc["content_type"],
            doc["metadata"],
            datetime.fromisoformat(doc["modified"]),
        )

    def _walk(self, folder: Path, key_prefix: str, name_start: str) -> Iterator[ObjectInfo]:
        """Yield objects depth-first in key order, without collecting the whole tree first.

        Sorting a folder's entries by name, with "/" appended to sub-folder names, orders them
        as their full keys would sort, so the depth-first walk comes out sorted.
        """
        try:
            with os.scandir(folder) as scan:
                entries = [
                    entry
                    for entry in scan
                    if entry.name.startswith(name_start) and (key_prefix or not entry.name.startswith("."))
                ]
        except _MISSING:
            return
        entries.sort(key=lambda entry: entry.name + "/" if entry.is_dir(follow_symlinks=False) else entry.name)
        for entry in entries:
            key = key_prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                yield from self._walk(Path(entry.path), key + "/", "")
            elif entry.is_file(follow_symlinks=False):
                try:
                    st = entry.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue  # deleted while we were listing
                yield self._info(key, st)


def _write_new(path: Path, chunks: Iterable[bytes]) -> tuple[str, os.stat_result]:
    """Write and fsync a new file, hashing on the way so a large original is read only once."""
    digest = hashlib.sha256()
    # Mode 0o666 lets the umask decide, as for any other file (tempfile.mkstemp would force 0o600).
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb") as out:
        for chunk in chunks:
            out.write(chunk)
            digest.update(chunk)
        out.flush()
        os.fsync(out.fileno())
        return digest.hexdigest(), os.fstat(out.fileno())


def _encode_sidecar(info: ObjectInfo) -> bytes:
    doc = {
        "sha256": info.sha256,
        "size": info.size,
        "content_type": info.content_type,
        "metadata": info.metadata,
        "modified": info.modified.isoformat(),
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def _make_dirs(folder: Path) -> None:
    """mkdir -p that fsyncs each parent, so a committed object's folder survives a power cut too."""
    if folder.is_dir():
        return
    _make_dirs(folder.parent)
    with contextlib.suppress(FileExistsError):
        folder.mkdir()
    _fsync_dir(folder.parent)


def _fsync_dir(folder: Path) -> None:
    """Make renames, links and unlinks in `folder` durable; fsyncing the file alone does not."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
