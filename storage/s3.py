"""The S3 object store: sohoa's system of record on any S3-compatible server, through the minio client.

Why it is built the way it is:

- Originals must survive bugs and careless operators, so the bucket is created with versioning
  (an overwrite or delete leaves the older versions in place) and, by default, object lock, which
  can only be chosen when a bucket is created. With `retention_days` every object is written with
  a retention period, and `set_legal_hold` freezes a record under dispute for as long as needed.
- Create-only writes are conditional requests (``If-None-Match: *``), so the server decides a
  race and exactly one writer wins. A stat before a multipart upload only spares sending a large
  duplicate; it decides nothing.
- Every upload carries ``x-amz-checksum-sha256`` (per part for multipart uploads), so the server
  refuses bytes damaged on the way; not every S3 server checks the signed payload hash. The
  object's SHA-256 is known before the upload starts (the caller's, or one extra read of a large
  file) because it is stored as metadata, and the bytes actually sent are checked against it
  before the object becomes visible: a mismatch aborts the upload and stores nothing.
- minio 7.2's put_object can send neither ``If-None-Match`` nor ``x-amz-checksum-sha256``, so
  writes go through the client's request layer (``Minio._execute``): the same signing,
  credentials, region cache and connection pool, with PutObject and the multipart calls spelled
  out here. Everything else uses minio's public API.
- S3 user metadata is ASCII only, comes back lowercased and loses empty values, while sohoa's
  metadata is Vietnamese text. Names and values that would not survive are encoded and decoded
  on the way back; names and values that would are stored as they are, for other tools to read.
- Third-party errors are translated by S3 error code or exception type, never by message text.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import os
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urlsplit
from xml.etree import ElementTree

import urllib3
from minio import Minio
from minio.commonconfig import COMPLIANCE, GOVERNANCE
from minio.credentials import Provider
from minio.datatypes import Object
from minio.error import S3Error, ServerError
from minio.helpers import DictType
from minio.time import to_iso8601utc
from minio.versioningconfig import ENABLED, VersioningConfig

from storage.base import (
    DEFAULT_CONTENT_TYPE,
    ObjectExistsError,
    ObjectInfo,
    ObjectNotFoundError,
    StoreError,
    StoreUnavailableError,
    check_key,
    check_metadata,
    verify_sha256,
)

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer
    from urllib3 import BaseHTTPResponse

MIN_PART_SIZE = 5 << 20  # S3's floor for every part but the last
MAX_PART_SIZE = 5 << 30
DEFAULT_PART_SIZE = 16 << 20  # one part is held in memory while it is sent
DEFAULT_URL_EXPIRY = timedelta(hours=1)

_META = "x-amz-meta-"
_RESERVED = "sohoa-"  # metadata names sohoa keeps for itself; user names starting so are encoded
_SHA256 = _RESERVED + "sha256"
# What S3 returns unchanged: lowercase ASCII names that pass any proxy, printable values without edge spaces.
_PLAIN_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PLAIN_VALUE = re.compile(r"[!-~](?:[ -~]*[!-~])?")
_ENCODED_VALUE = re.compile(r"=\?utf-8\?b\?([A-Za-z0-9+/]*=*)\?=", re.IGNORECASE)

_NOT_FOUND = frozenset({"NoSuchKey", "NoSuchBucket"})
_EXISTS = frozenset({"PreconditionFailed"})
# Server trouble, and bytes damaged in transit: they were hashed before sending, so sending again can succeed.
_TRANSIENT = frozenset(
    {
        "SlowDown",
        "ServiceUnavailable",
        "InternalError",
        "RequestTimeout",
        "ConditionalRequestConflict",
        "BadDigest",
        "XAmzContentSHA256Mismatch",
        "XAmzContentChecksumMismatch",
    }
)
_CHUNK = 1 << 20


class S3ObjectStore:
    def __init__(
        self,
        client: Minio,
        bucket: str,
        *,
        retention_days: int | None = None,
        retention_mode: str = GOVERNANCE,
        object_lock: bool = True,
        part_size: int = DEFAULT_PART_SIZE,
        url_expiry: timedelta = DEFAULT_URL_EXPIRY,
    ) -> None:
        if retention_mode not in (GOVERNANCE, COMPLIANCE):
            raise ValueError(f"retention_mode must be {GOVERNANCE!r} or {COMPLIANCE!r}, not {retention_mode!r}")
        if retention_days is not None and (retention_days < 1 or not object_lock):
            raise ValueError("retention_days needs a positive number of days and object_lock=True")
        if not MIN_PART_SIZE <= part_size <= MAX_PART_SIZE:
            raise ValueError(f"part_size must be between {MIN_PART_SIZE} and {MAX_PART_SIZE} bytes")
        self._client = client
        self._bucket = bucket
        self._retention_days = retention_days
        self._retention_mode = retention_mode
        self._object_lock = object_lock
        self._part_size = part_size
        self._url_expiry = url_expiry
        self._bucket_ready = False

    def __repr__(self) -> str:
        return f"S3ObjectStore({_client_args(self._client)['endpoint']!r}, bucket={self._bucket!r})"

    def __getstate__(self) -> dict[str, Any]:
        """A minio client must not be shared across processes (its docs say so), so pickle what builds a new one.

        Carried over: endpoint, TLS, region and credentials provider. A custom HTTP pool is not:
        the unpickled store gets minio's default one.
        """
        state = self.__dict__.copy()
        state["_client"] = _client_args(self._client)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._client = Minio(**state["_client"])

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
        check_key(key)
        metadata = check_metadata(metadata)
        with io.BytesIO(data) as source:
            return self._put(key, source, len(data), sha256, content_type, metadata, overwrite)

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
        check_key(key)
        metadata = check_metadata(metadata)
        with open(path, "rb") as source:
            size = os.fstat(source.fileno()).st_size
            return self._put(key, source, size, sha256, content_type, metadata, overwrite)

    def get_bytes(self, key: str) -> bytes:
        with self.open(key) as stream:
            return stream.read()

    def open(self, key: str) -> BinaryIO:
        check_key(key)
        self._ensure_bucket()
        with _translated(key):
            response = self._client.get_object(bucket_name=self._bucket, object_name=key)
        return io.BufferedReader(_Download(response, key), buffer_size=_CHUNK)

    def stat(self, key: str) -> ObjectInfo:
        check_key(key)
        self._ensure_bucket()
        return self._stat(key)

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
        except ObjectNotFoundError:
            return False
        return True

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """S3 lists keys in UTF-8 byte order, which is Python's str order, so no sorting is needed here.

        A listing carries neither content type nor metadata, so each object costs one HEAD.
        """
        self._ensure_bucket()
        with _translated(prefix):
            for found in self._client.list_objects(bucket_name=self._bucket, prefix=prefix, recursive=True):
                try:
                    yield self._stat(found.object_name)
                except ObjectNotFoundError:
                    continue  # deleted while we were listing

    def delete(self, key: str) -> None:
        """Hide the object behind a delete marker; its versions stay in the bucket, retained if configured."""
        check_key(key)
        self._ensure_bucket()
        self._stat(key)  # S3 deletes succeed on missing keys, but a caller deleting nothing has a bug
        with _translated(key):
            self._client.remove_object(bucket_name=self._bucket, object_name=key)

    def url(self, key: str) -> str:
        check_key(key)
        self._ensure_bucket()
        with _translated(key):
            return self._client.presigned_get_object(
                bucket_name=self._bucket, object_name=key, expires=self._url_expiry
            )

    def set_legal_hold(self, key: str, on: bool) -> None:
        """Freeze the current version of a record under dispute, regardless of retention, until released."""
        check_key(key)
        self._ensure_bucket()
        self._stat(key)  # not every server answers NoSuchKey here; some fail with a 500
        with _translated(key):
            if on:
                self._client.enable_object_legal_hold(bucket_name=self._bucket, object_name=key)
            else:
                self._client.disable_object_legal_hold(bucket_name=self._bucket, object_name=key)

    def _ensure_bucket(self) -> None:
        """Create the bucket on first use, so a new deployment needs no setup step.

        A bucket that already exists is left as its owner configured it.
        """
        if self._bucket_ready:
            return
        with _translated(self._bucket):
            if not self._client.bucket_exists(bucket_name=self._bucket):
                try:
                    self._client.make_bucket(bucket_name=self._bucket, object_lock=self._object_lock)
                except S3Error as exc:
                    if exc.code != "BucketAlreadyOwnedByYou":  # another worker created it first
                        raise
                self._client.set_bucket_versioning(bucket_name=self._bucket, config=VersioningConfig(ENABLED))
        self._bucket_ready = True

    def _stat(self, key: str) -> ObjectInfo:
        with _translated(key):
            found = self._client.stat_object(bucket_name=self._bucket, object_name=key)
        return _info(key, found)

    def _put(
        self,
        key: str,
        source: BinaryIO,
        size: int,
        sha256: str | None,
        content_type: str,
        metadata: dict[str, str],
        overwrite: bool,
    ) -> ObjectInfo:
        self._ensure_bucket()
        expected = sha256.lower() if sha256 is not None else None
        if size <= self._part_size:
            data = source.read()
            digest = hashlib.sha256(data).hexdigest()
            verify_sha256(key, digest, expected)
            headers = self._object_headers(content_type, metadata, digest)
            headers["x-amz-checksum-sha256"] = _checksum(digest)
            if not overwrite:
                headers["If-None-Match"] = "*"
            with _translated(key):
                response = self._client._execute(
                    method="PUT", bucket_name=self._bucket, object_name=key, body=data, headers=headers
                )
            size = len(data)
        else:
            if not overwrite and self.exists(key):
                raise ObjectExistsError(f"object {key!r} already exists")
            if expected is None:
                expected = _hash_stream(source)
                source.seek(0)
            headers = self._object_headers(content_type, metadata, expected)
            response, size = self._put_multipart(key, source, expected, headers, overwrite)
            digest = expected
        return ObjectInfo(key, size, digest, content_type, metadata, _server_time(response))

    def _put_multipart(
        self, key: str, source: BinaryIO, expected: str, headers: DictType, overwrite: bool
    ) -> tuple[BaseHTTPResponse, int]:
        """Send `source` in parts, each checked by the server, and complete only if the whole hashes as expected."""
        with _translated(key):
            created = self._client._execute(
                method="POST",
                bucket_name=self._bucket,
                object_name=key,
                headers={**headers, "x-amz-checksum-algorithm": "SHA256"},
                query_params={"uploads": ""},
            )
        upload_id = _xml_text(created, "UploadId")
        upload: DictType = {"uploadId": upload_id}
        try:
            digest = hashlib.sha256()
            size = 0
            completion = ElementTree.Element("CompleteMultipartUpload")
            while part := source.read(self._part_size):
                digest.update(part)
                size += len(part)
                checksum = _checksum(hashlib.sha256(part).hexdigest())
                number = str(len(completion) + 1)
                with _translated(key):
                    sent = self._client._execute(
                        method="PUT",
                        bucket_name=self._bucket,
                        object_name=key,
                        body=part,
                        headers={"x-amz-checksum-sha256": checksum},
                        query_params={**upload, "partNumber": number},
                    )
                entry = ElementTree.SubElement(completion, "Part")
                ElementTree.SubElement(entry, "PartNumber").text = number
                ElementTree.SubElement(entry, "ETag").text = sent.headers["etag"]
                ElementTree.SubElement(entry, "ChecksumSHA256").text = checksum
            verify_sha256(key, digest.hexdigest(), expected)
            complete_headers: DictType = {"Content-Type": "application/xml"}
            if not overwrite:
                complete_headers["If-None-Match"] = "*"
            with _translated(key):
                completed = self._client._execute(
                    method="POST",
                    bucket_name=self._bucket,
                    object_name=key,
                    body=ElementTree.tostring(completion),
                    headers=complete_headers,
                    query_params=upload,
                )
                if ElementTree.fromstring(completed.data).tag.endswith("Error"):
                    # S3 may report a failed completion in the body of a 200 response.
                    raise S3Error.fromxml(completed)
        except BaseException:
            with contextlib.suppress(StoreError), _translated(key):
                self._client._execute(
                    method="DELETE", bucket_name=self._bucket, object_name=key, query_params=upload
                )
            raise
        return completed, size

    def _object_headers(self, content_type: str, metadata: Mapping[str, str], sha256: str) -> DictType:
        headers: DictType = {"Content-Type": content_type, _META + _SHA256: sha256}
        headers.update((_META + _encode_name(name), _encode_value(value)) for name, value in metadata.items())
        if self._retention_days is not None:
            until = datetime.now(UTC) + timedelta(days=self._retention_days)
            headers["x-amz-object-lock-mode"] = self._retention_mode
            headers["x-amz-object-lock-retain-until-date"] = str(to_iso8601utc(until))
        return headers


def from_url(
    endpoint: str,
    access_key: str,
    secret_key: str,
    bucket: str,
    *,
    secure: bool | None = None,
    region: str | None = None,
    retention_days: int | None = None,
    retention_mode: str = GOVERNANCE,
    object_lock: bool = True,
    part_size: int = DEFAULT_PART_SIZE,
    url_expiry: timedelta = DEFAULT_URL_EXPIRY,
) -> S3ObjectStore:
    """Build the store from settings, where the endpoint is naturally written as a URL.

    `endpoint` is "http(s)://host:port", whose scheme decides TLS, or a bare "host:port", where
    `secure` does (default True).
    """
    parts = urlsplit(endpoint if "://" in endpoint else f"//{endpoint}")
    if parts.path.strip("/") or parts.query or parts.fragment or not parts.netloc:
        raise ValueError(f"S3 endpoint {endpoint!r} must be a scheme and host[:port] only")
    if parts.scheme not in ("", "http", "https"):
        raise ValueError(f"S3 endpoint {endpoint!r} must use http or https")
    if parts.scheme and secure is not None and secure != (parts.scheme == "https"):
        raise ValueError(f"S3 endpoint {endpoint!r} contradicts secure={secure}")
    client = Minio(
        endpoint=parts.netloc,
        access_key=access_key,
        secret_key=secret_key,
        secure=parts.scheme == "https" if parts.scheme else secure is not False,
        region=region,
    )
    return S3ObjectStore(
        client,
        bucket,
        retention_days=retention_days,
        retention_mode=retention_mode,
        object_lock=object_lock,
        part_size=part_size,
        url_expiry=url_expiry,
    )


class _Download(io.RawIOBase):
    """A GET response as a file: read errors mean the server went away, and closing returns the connection."""

    def __init__(self, response: BaseHTTPResponse, key: str) -> None:
        super().__init__()
        self._response = response
        self._key = key

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        with _translated(self._key):
            return self._response.readinto(memoryview(buffer))

    def close(self) -> None:
        if not self.closed:
            self._response.close()
            self._response.release_conn()
        super().close()


@contextlib.contextmanager
def _translated(subject: str) -> Iterator[None]:
    """Turn minio and urllib3 errors into the store's, by S3 error code, HTTP status or exception type."""
    try:
        yield
    except S3Error as exc:
        message = f"{subject!r}: S3 error {exc.code}: {exc.message}"
        if exc.code in _NOT_FOUND:
            raise ObjectNotFoundError(message) from exc
        if exc.code in _EXISTS:
            raise ObjectExistsError(message) from exc
        if exc.code in _TRANSIENT:
            raise StoreUnavailableError(message) from exc
        raise StoreError(message) from exc
    except ServerError as exc:  # an error status without an S3 error document
        error = StoreUnavailableError if exc.status_code >= 500 else StoreError
        raise error(f"{subject!r}: {exc}") from exc
    except urllib3.exceptions.HTTPError as exc:  # refused, reset, timed out, or 5xx until retries ran out
        raise StoreUnavailableError(f"{subject!r}: {exc}") from exc


def _client_args(client: Minio) -> dict[str, Any]:
    """What it takes to build an equivalent client; minio exposes it only on private attributes."""
    base_url = client._base_url
    provider: Provider | None = client._provider
    return {"endpoint": base_url.host, "secure": base_url.is_https, "region": base_url.region, "credentials": provider}


def _info(key: str, found: Object) -> ObjectInfo:
    sha256 = None
    metadata = {}
    for name, value in (found.metadata or {}).items():
        name = name.lower()
        if not name.startswith(_META):
            continue
        name = name.removeprefix(_META)
        if name == _SHA256:
            sha256 = value
        else:
            metadata[_decode_name(name)] = _decode_value(value)
    return ObjectInfo(
        key,
        int(found.size or 0),
        sha256,
        found.content_type or DEFAULT_CONTENT_TYPE,
        metadata,
        found.last_modified or datetime.now(UTC),
    )


def _encode_name(name: str) -> str:
    """Keep plain names readable; anything else becomes "-" plus base32, which no plain name can start with."""
    if _PLAIN_NAME.fullmatch(name) and not name.startswith(_RESERVED):
        return name
    return "-" + base64.b32encode(name.encode()).decode().rstrip("=").lower()


def _decode_name(name: str) -> str:
    if not name.startswith("-"):
        return name
    encoded = name[1:].upper()
    return base64.b32decode(encoded + "=" * (-len(encoded) % 8)).decode()


def _encode_value(value: str) -> str:
    """RFC 2047, as S3 itself uses for non-ASCII metadata, for any value S3 would not return unchanged."""
    if _PLAIN_VALUE.fullmatch(value) and not value.startswith("=?"):
        return value
    return "=?UTF-8?B?" + base64.b64encode(value.encode()).decode() + "?="


def _decode_value(value: str) -> str:
    encoded = _ENCODED_VALUE.fullmatch(value)
    return base64.b64decode(encoded[1]).decode() if encoded else value


def _hash_stream(source: BinaryIO) -> str:
    digest = hashlib.sha256()
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _checksum(sha256: str) -> str:
    """A hex SHA-256 as S3's checksum headers spell it: base64 of the raw digest."""
    return base64.b64encode(bytes.fromhex(sha256)).decode()


def _xml_text(response: BaseHTTPResponse, tag: str) -> str:
    found = ElementTree.fromstring(response.data).find(f"{{*}}{tag}")
    if found is None or not found.text:
        raise StoreError(f"S3 response has no {tag}: {response.data[:200]!r}")
    return found.text


def _server_time(response: BaseHTTPResponse) -> datetime:
    """The server's clock, as Last-Modified will be; a writer's clock may be off."""
    date = response.headers.get("date")
    return parsedate_to_datetime(date) if date else datetime.now(UTC)
