"""The S3 object store: sohoa's system of record on any S3-compatible server, through boto3.

Why it is built the way it is:

- Originals must survive bugs and careless operators, so the bucket is created with versioning
  (an overwrite or delete leaves the older versions in place) and, by default, object lock, which
  can only be chosen when a bucket is created. With `retention_days` every object is written with
  a retention period, and `set_legal_hold` freezes a record under dispute for as long as needed.
- Create-only writes are conditional requests (``IfNoneMatch="*"`` on PutObject and on
  CompleteMultipartUpload), so the server decides a race and exactly one writer wins. A HEAD
  before a multipart upload only spares sending a large duplicate; it decides nothing.
- Every upload carries ``ChecksumSHA256`` (per part for multipart uploads), so the server refuses
  bytes damaged on the way; not every S3 server checks the signed payload hash. The object's
  SHA-256 is known before the upload starts (the caller's, or one extra read of a large file)
  because it is stored as metadata, and the bytes actually sent are checked against it before the
  object becomes visible: a mismatch aborts the upload and stores nothing. Downloads of objects
  written in one part are checked by botocore against the server's SHA-256 as they are read.
- boto3, not minio: minio 7.2's public API can send neither ``If-None-Match`` nor
  ``x-amz-checksum-sha256`` (its ``put_object`` turns unknown headers into user metadata and runs
  its own unchecked multipart upload), so it could only do this through its private request
  layer, which any minor release may change. boto3 is the reference S3 client, generated from
  the S3 API model: every request above is a documented, public parameter of a public call.
- A boto3 client can be neither pickled nor asked for its credentials, so the store keeps an
  `S3Connection` (where and as whom) and each process builds its own client from it.
- S3 user metadata is ASCII only, comes back lowercased and loses empty values, while sohoa's
  metadata is Vietnamese text. Names and values that would not survive are encoded and decoded
  on the way back; names and values that would are stored as they are, for other tools to read.
- Third-party errors are translated by S3 error code, HTTP status or exception type, never by
  message text.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, FlexibleChecksumError, HTTPClientError
from botocore.exceptions import ConnectionError as EndpointError

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
    from botocore.client import BaseClient
    from botocore.response import StreamingBody

GOVERNANCE = "GOVERNANCE"
COMPLIANCE = "COMPLIANCE"
MIN_PART_SIZE = 5 << 20  # S3's floor for every part but the last
MAX_PART_SIZE = 5 << 30
DEFAULT_PART_SIZE = 16 << 20  # one part is held in memory while it is sent
DEFAULT_URL_EXPIRY = timedelta(hours=1)

# Path-style URLs work with any endpoint (an IP, a compose service name) where bucket subdomains
# may not resolve. The store sends its own SHA-256 with every write, so botocore adds no checksum
# of its own: a second one in a chunked body is what some S3-compatible servers refuse.
_CLIENT_DEFAULTS = Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_required")

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


@dataclass(frozen=True)
class S3Connection:
    """Where and as whom to reach S3: what each process needs to build its own boto3 client.

    Without keys boto3's own chain applies (environment, config files, instance role); without
    a region, its default. `config` is merged over the store's defaults (path-style addressing,
    no checksums beyond the store's own), e.g. to change retries or time-outs.
    """

    endpoint_url: str | None = None  # None: AWS itself
    access_key: str | None = None
    secret_key: str | None = field(default=None, repr=False)
    region: str | None = None
    config: Config | None = None

    def client(self) -> BaseClient:
        config = _CLIENT_DEFAULTS if self.config is None else _CLIENT_DEFAULTS.merge(self.config)
        # A session per client: boto3's shared default session is not safe to use from several threads.
        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=config,
        )


class S3ObjectStore:
    def __init__(
        self,
        connection: S3Connection,
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
        self._connection = connection
        self._client = connection.client()
        self._bucket = bucket
        self._retention_days = retention_days
        self._retention_mode = retention_mode
        self._object_lock = object_lock
        self._part_size = part_size
        self._url_expiry = url_expiry
        self._bucket_ready = False

    def __repr__(self) -> str:
        return f"S3ObjectStore({self._client.meta.endpoint_url!r}, bucket={self._bucket!r})"

    def __getstate__(self) -> dict[str, Any]:
        """A boto3 client cannot be pickled, so the unpickled store builds its own from the connection."""
        state = self.__dict__.copy()
        del state["_client"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._client = self._connection.client()

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
            response = self._client.get_object(Bucket=self._bucket, Key=key)
        return io.BufferedReader(_Download(response["Body"], key), buffer_size=_CHUNK)

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
        pages = self._client.get_paginator("list_objects_v2").paginate(Bucket=self._bucket, Prefix=prefix)
        with _translated(prefix):
            for page in pages:
                for found in page.get("Contents", []):
                    try:
                        yield self._stat(found["Key"])
                    except ObjectNotFoundError:
                        continue  # deleted while we were listing

    def delete(self, key: str) -> None:
        """Hide the object behind a delete marker; its versions stay in the bucket, retained if configured."""
        check_key(key)
        self._ensure_bucket()
        self._stat(key)  # S3 deletes succeed on missing keys, but a caller deleting nothing has a bug
        with _translated(key):
            self._client.delete_object(Bucket=self._bucket, Key=key)

    def url(self, key: str) -> str:
        check_key(key)
        self._ensure_bucket()
        with _translated(key):
            return self._client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self._bucket, "Key": key},
                ExpiresIn=int(self._url_expiry.total_seconds()),
            )

    def set_legal_hold(self, key: str, on: bool) -> None:
        """Freeze the current version of a record under dispute, regardless of retention, until released."""
        check_key(key)
        self._ensure_bucket()
        self._stat(key)  # not every server answers NoSuchKey here; some fail with a 500
        with _translated(key):
            self._client.put_object_legal_hold(
                Bucket=self._bucket, Key=key, LegalHold={"Status": "ON" if on else "OFF"}
            )

    def _ensure_bucket(self) -> None:
        """Create the bucket on first use, so a new deployment needs no setup step.

        A bucket that already exists is left as its owner configured it.
        """
        if self._bucket_ready:
            return
        with _translated(self._bucket):
            if not self._bucket_exists():
                try:
                    self._client.create_bucket(**self._new_bucket())
                except ClientError as exc:
                    if _code(exc) != "BucketAlreadyOwnedByYou":  # another worker created it first
                        raise
                self._client.put_bucket_versioning(
                    Bucket=self._bucket, VersioningConfiguration={"Status": "Enabled"}
                )
        self._bucket_ready = True

    def _bucket_exists(self) -> bool:
        try:
            self._client.head_bucket(Bucket=self._bucket)
        except ClientError as exc:
            if _status(exc) == 404:
                return False
            raise
        return True

    def _new_bucket(self) -> dict[str, Any]:
        """CreateBucket's arguments; outside us-east-1, S3 wants the client's region restated."""
        fields: dict[str, Any] = {"Bucket": self._bucket, "ObjectLockEnabledForBucket": self._object_lock}
        region = self._client.meta.region_name
        if region and region != "us-east-1":
            fields["CreateBucketConfiguration"] = {"LocationConstraint": region}
        return fields

    def _stat(self, key: str) -> ObjectInfo:
        with _translated(key):
            found = self._client.head_object(Bucket=self._bucket, Key=key)
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
        create_only = {} if overwrite else {"IfNoneMatch": "*"}
        if size <= self._part_size:
            data = source.read()
            digest = hashlib.sha256(data).hexdigest()
            verify_sha256(key, digest, expected)
            with _translated(key):
                response = self._client.put_object(
                    **self._object_fields(key, content_type, metadata, digest),
                    Body=data,
                    ChecksumSHA256=_checksum(digest),
                    **create_only,
                )
            size = len(data)
        else:
            if not overwrite and self.exists(key):
                raise ObjectExistsError(f"object {key!r} already exists")
            if expected is None:
                expected = _hash_stream(source)
                source.seek(0)
            fields = self._object_fields(key, content_type, metadata, expected)
            response, size = self._put_multipart(fields, source, expected, create_only)
            digest = expected
        return ObjectInfo(key, size, digest, content_type, metadata, _server_time(response))

    def _put_multipart(
        self, fields: dict[str, Any], source: BinaryIO, expected: str, create_only: dict[str, str]
    ) -> tuple[dict[str, Any], int]:
        """Send `source` in parts, each checked by the server, and complete only if the whole hashes as expected."""
        key = fields["Key"]
        with _translated(key):
            created = self._client.create_multipart_upload(**fields, ChecksumAlgorithm="SHA256")
        upload = {"Bucket": self._bucket, "Key": key, "UploadId": created["UploadId"]}
        try:
            digest = hashlib.sha256()
            size = 0
            parts: list[dict[str, Any]] = []
            while part := source.read(self._part_size):
                digest.update(part)
                size += len(part)
                checksum = _checksum(hashlib.sha256(part).hexdigest())
                number = len(parts) + 1
                with _translated(key):
                    sent = self._client.upload_part(**upload, PartNumber=number, Body=part, ChecksumSHA256=checksum)
                parts.append({"PartNumber": number, "ETag": sent["ETag"], "ChecksumSHA256": checksum})
            verify_sha256(key, digest.hexdigest(), expected)
            with _translated(key):
                # botocore raises for a failure S3 reports in the body of a 200 response.
                completed = self._client.complete_multipart_upload(
                    **upload, MultipartUpload={"Parts": parts}, **create_only
                )
        except BaseException:
            with contextlib.suppress(StoreError), _translated(key):
                self._client.abort_multipart_upload(**upload)
            raise
        return completed, size

    def _object_fields(self, key: str, content_type: str, metadata: Mapping[str, str], sha256: str) -> dict[str, Any]:
        """What PutObject and CreateMultipartUpload both take: the object's type, metadata and retention."""
        stored = {_SHA256: sha256}
        stored.update((_encode_name(name), _encode_value(value)) for name, value in metadata.items())
        fields: dict[str, Any] = {"Bucket": self._bucket, "Key": key, "ContentType": content_type, "Metadata": stored}
        if self._retention_days is not None:
            fields["ObjectLockMode"] = self._retention_mode
            fields["ObjectLockRetainUntilDate"] = datetime.now(UTC) + timedelta(days=self._retention_days)
        return fields


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
    scheme = parts.scheme or ("http" if secure is False else "https")
    connection = S3Connection(f"{scheme}://{parts.netloc}", access_key, secret_key, region)
    return S3ObjectStore(
        connection,
        bucket,
        retention_days=retention_days,
        retention_mode=retention_mode,
        object_lock=object_lock,
        part_size=part_size,
        url_expiry=url_expiry,
    )


class _Download(io.RawIOBase):
    """A GET response body as a file: read errors mean the server went away, and closing frees the connection."""

    def __init__(self, body: StreamingBody, key: str) -> None:
        super().__init__()
        self._body = body
        self._key = key

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        with _translated(self._key):
            chunk = self._body.read(len(view))
        view[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


@contextlib.contextmanager
def _translated(subject: str) -> Iterator[None]:
    """Turn botocore errors into the store's, by S3 error code, HTTP status or exception type."""
    try:
        yield
    except ClientError as exc:
        code, status = _code(exc), _status(exc)
        message = f"{subject!r}: S3 error {code}: {exc.response.get('Error', {}).get('Message', '')}"
        if code == str(status):  # no S3 error document, as for every HEAD: only the status tells
            if status >= 500:
                raise StoreUnavailableError(message) from exc
            code = {404: "NoSuchKey", 412: "PreconditionFailed"}.get(status, code)
        if code in _NOT_FOUND:
            raise ObjectNotFoundError(message) from exc
        if code in _EXISTS:
            raise ObjectExistsError(message) from exc
        if code in _TRANSIENT:
            raise StoreUnavailableError(message) from exc
        raise StoreError(message) from exc
    # Refused, reset, timed out, or bytes that did not match the server's checksum on the way back.
    except (EndpointError, HTTPClientError, FlexibleChecksumError) as exc:
        raise StoreUnavailableError(f"{subject!r}: {exc}") from exc
    except BotoCoreError as exc:  # e.g. no credentials found: retrying cannot help
        raise StoreError(f"{subject!r}: {exc}") from exc


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def _info(key: str, found: Mapping[str, Any]) -> ObjectInfo:
    sha256 = None
    metadata = {}
    for name, value in found.get("Metadata", {}).items():
        name = name.lower()
        if name == _SHA256:
            sha256 = value
        else:
            metadata[_decode_name(name)] = _decode_value(value)
    return ObjectInfo(
        key,
        int(found.get("ContentLength", 0)),
        sha256,
        found.get("ContentType") or DEFAULT_CONTENT_TYPE,
        metadata,
        found.get("LastModified") or datetime.now(UTC),
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


def _server_time(response: Mapping[str, Any]) -> datetime:
    """The server's clock, as Last-Modified will be; a writer's clock may be off."""
    date = response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("date")
    return parsedate_to_datetime(date) if date else datetime.now(UTC)
