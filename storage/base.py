"""The object store interface the pipeline codes against, whichever backend keeps the bytes.

The store is sohoa's system of record: originals are written once under their SHA-256 and
never change. Create-only writes and integrity checks are therefore part of the interface
rather than something each caller re-implements with exists()-then-put races. Errors carry
their retry policy so flow code can decide what to do without knowing which backend raised.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

DEFAULT_CONTENT_TYPE = "application/octet-stream"


class StoreError(Exception):
    """Base of every error a store raises on purpose, so callers can catch the store as a whole."""

    retryable = False


class ObjectNotFoundError(StoreError):
    """Retrying cannot help: the key has no object."""


class ObjectExistsError(StoreError):
    """A create-only write lost to an existing object, which was left untouched."""


class StoreUnavailableError(StoreError):
    """The backend could not be reached or failed transiently; the same call may succeed later."""

    retryable = True


class IntegrityError(StoreError):
    """The bytes did not hash to the SHA-256 the caller expected; nothing was stored."""


def verify_sha256(key: str, digest: str, expected: str | None) -> None:
    """Raise IntegrityError unless the bytes' hex `digest` is the `expected` one (either case) or none is."""
    if expected is not None and digest != expected.lower():
        raise IntegrityError(f"object {key!r}: expected SHA-256 {expected}, got {digest}")


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    sha256: str | None  # None when the store cannot vouch for a hash, e.g. bytes written by another tool
    content_type: str
    metadata: dict[str, str]
    modified: datetime  # time zone aware


def check_key(key: str) -> None:
    """Refuse keys that could reach outside a local root or mean different things to different backends.

    A key is "/"-separated, non-empty segments, none of them "." or "..", with no backslash or
    NUL. A first segment starting with "." is reserved for a backend's own files (temp files,
    sidecars), so no object can shadow them.
    """
    if not key:
        raise ValueError("object key is empty")
    if "\\" in key or "\0" in key:
        raise ValueError(f"object key {key!r} contains a backslash or NUL")
    segments = key.split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        raise ValueError(f"object key {key!r} must be a relative path without empty, '.' or '..' parts")
    if segments[0].startswith("."):
        raise ValueError(f"object key {key!r} starts with '.', which is reserved for the store's own files")


def check_metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    """Copy metadata, refusing anything but text, which is all every backend can give back unchanged."""
    copy = dict(metadata or {})
    if not all(isinstance(name, str) and isinstance(value, str) for name, value in copy.items()):
        raise TypeError("object metadata names and values must be str")
    return copy


@runtime_checkable
class ObjectStore(Protocol):
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
        """Store `data` atomically: readers see the old object or the new one, never a mix.

        With `overwrite=False` the write is create-only and raises ObjectExistsError if the key is
        taken, even when another process is racing for it. With `sha256` the bytes are verified
        before they become visible and IntegrityError is raised (nothing stored) on a mismatch.
        """
        ...

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
        """Like put_bytes, but streams the file so originals of any size fit in bounded memory."""
        ...

    def get_bytes(self, key: str) -> bytes: ...

    def open(self, key: str) -> BinaryIO:
        """A stream to read large objects without holding them in memory; the caller closes it."""
        ...

    def stat(self, key: str) -> ObjectInfo: ...

    def exists(self, key: str) -> bool: ...

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every object whose key starts with `prefix` (a plain string prefix, as in S3), sorted by key."""
        ...

    def delete(self, key: str) -> None: ...

    def url(self, key: str) -> str:
        """Where a client outside this process can fetch the object (a file:// URI or a presigned URL)."""
        ...
