"""What the S3 store promises beyond the contract: a bucket fit for a system of record, and S3's own ways of failing.

Everything runs against the session's real S3 server (tests/s3_server.py), except the error
translation table, which needs a server that fails on demand.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import os
import pickle
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import urllib3
from minio import Minio
from minio.commonconfig import COMPLIANCE, GOVERNANCE
from minio.error import S3Error

from storage.base import (
    IntegrityError,
    ObjectExistsError,
    ObjectNotFoundError,
    StoreError,
    StoreUnavailableError,
)
from storage.s3 import MIN_PART_SIZE, S3ObjectStore, from_url

if TYPE_CHECKING:
    from tests.s3_server import S3Server

# Loaded as a plugin, not imported, so the session shares one server whichever module asks first.
pytest_plugins = ["tests.s3_server"]
pytestmark = pytest.mark.s3

PROJECT = Path(__file__).resolve().parents[1]
HOLDER = {"họ-và-tên": "Nguyễn Thị Ánh Tuyết", "nơi-thường-trú": "Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh"}


@pytest.fixture
def client(s3_server: S3Server) -> Minio:
    return s3_server.client()


@pytest.fixture
def bucket(s3_server: S3Server) -> str:
    return s3_server.new_bucket()


@pytest.fixture
def store(client: Minio, bucket: str) -> S3ObjectStore:
    return S3ObjectStore(client, bucket)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_random(path: Path, size: int) -> bytes:
    data = os.urandom(size)
    path.write_bytes(data)
    return data


def incomplete_uploads(client: Minio, bucket: str) -> list[Any]:
    return list(client._list_multipart_uploads(bucket_name=bucket).uploads)


class CorruptingPool(urllib3.PoolManager):
    """Flips one bit of every request body after minio has hashed and signed it: damage on the wire."""

    def urlopen(  # type: ignore[override]  # PoolManager's own signature, narrower than its base's
        self, method: str, url: str, redirect: bool = True, **kw: Any
    ) -> urllib3.BaseHTTPResponse:
        body = kw.get("body")
        if method == "PUT" and body:
            kw["body"] = bytes([body[0] ^ 1]) + body[1:]
        return super().urlopen(method, url, redirect=redirect, **kw)


def test_first_use_creates_a_versioned_bucket_with_object_lock(client: Minio, bucket: str) -> None:
    store = S3ObjectStore(client, bucket)
    assert not client.bucket_exists(bucket_name=bucket)

    assert list(store.list()) == []

    assert client.get_bucket_versioning(bucket_name=bucket).status == "Enabled"
    client.get_object_lock_config(bucket_name=bucket)  # raises ObjectLockConfigurationNotFoundError without lock
    S3ObjectStore(client, bucket).put_bytes("records/again", b"an existing bucket is used as it is")


def test_without_object_lock_the_bucket_is_still_versioned(client: Minio, bucket: str) -> None:
    S3ObjectStore(client, bucket, object_lock=False).put_bytes("records/r", b"x")

    assert client.get_bucket_versioning(bucket_name=bucket).status == "Enabled"
    with pytest.raises(S3Error) as refused:
        client.get_object_lock_config(bucket_name=bucket)
    assert refused.value.code == "ObjectLockConfigurationNotFoundError"


def test_overwrites_and_deletes_keep_earlier_versions(store: S3ObjectStore, client: Minio, bucket: str) -> None:
    store.put_bytes("originals/ab/abc", b"v1")
    first = client.stat_object(bucket_name=bucket, object_name="originals/ab/abc").version_id
    store.put_bytes("originals/ab/abc", b"v2")

    store.delete("originals/ab/abc")

    versions = list(client.list_objects(bucket_name=bucket, prefix="originals/", recursive=True, include_version=True))
    assert sorted(version.is_delete_marker for version in versions) == [False, False, True]
    with client.get_object(bucket_name=bucket, object_name="originals/ab/abc", version_id=first) as old:
        assert old.read() == b"v1"


@pytest.mark.parametrize("mode", [GOVERNANCE, COMPLIANCE])
def test_objects_are_written_under_retention(client: Minio, bucket: str, tmp_path: Path, mode: str) -> None:
    store = S3ObjectStore(client, bucket, retention_days=30, retention_mode=mode, part_size=MIN_PART_SIZE)
    write_random(tmp_path / "big", MIN_PART_SIZE + 1)

    store.put_bytes("originals/small", b"scan")
    store.put_file("originals/big", tmp_path / "big")  # multipart: retention is set when the upload is created

    for key in ("originals/small", "originals/big"):
        retention = client.get_object_retention(bucket_name=bucket, object_name=key)
        assert retention is not None and retention.retain_until_date is not None
        assert retention.mode == mode
        assert abs(retention.retain_until_date - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=5)
    version = client.stat_object(bucket_name=bucket, object_name="originals/small").version_id
    with pytest.raises(S3Error) as refused:
        client.remove_object(bucket_name=bucket, object_name="originals/small", version_id=version)
    assert refused.value.code == "AccessDenied"


def test_legal_hold_freezes_a_version_until_released(store: S3ObjectStore, client: Minio, bucket: str) -> None:
    store.put_bytes("records/disputed", b"x")
    version = client.stat_object(bucket_name=bucket, object_name="records/disputed").version_id

    store.set_legal_hold("records/disputed", True)

    assert client.is_object_legal_hold_enabled(bucket_name=bucket, object_name="records/disputed")
    with pytest.raises(S3Error):
        client.remove_object(bucket_name=bucket, object_name="records/disputed", version_id=version)

    store.set_legal_hold("records/disputed", False)

    assert not client.is_object_legal_hold_enabled(bucket_name=bucket, object_name="records/disputed")
    client.remove_object(bucket_name=bucket, object_name="records/disputed", version_id=version)
    with pytest.raises(ObjectNotFoundError):
        store.set_legal_hold("records/disputed", True)
    with pytest.raises(ValueError):
        store.set_legal_hold("../x", True)


@pytest.mark.parametrize(
    "options",
    [
        {"retention_days": 30, "object_lock": False},
        {"retention_days": 0},
        {"retention_mode": "governance"},
        {"part_size": MIN_PART_SIZE - 1},
    ],
)
def test_inconsistent_options_are_refused(client: Minio, bucket: str, options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        S3ObjectStore(client, bucket, **options)


def test_presigned_url_works_then_expires(client: Minio, bucket: str) -> None:
    store = S3ObjectStore(client, bucket, url_expiry=timedelta(seconds=2))
    store.put_bytes("originals/u/ảnh.png", b"\x89PNG")
    url = store.url("originals/u/ảnh.png")

    with urllib.request.urlopen(url) as response:
        assert response.read() == b"\x89PNG"
    time.sleep(3)
    with pytest.raises(urllib.error.HTTPError) as expired:
        urllib.request.urlopen(url)
    assert expired.value.code == 403


def test_the_server_records_the_checksum_we_send(store: S3ObjectStore, client: Minio, bucket: str) -> None:
    store.put_bytes("records/c", b"checked")

    headers = client.stat_object(
        bucket_name=bucket, object_name="records/c", extra_headers={"x-amz-checksum-mode": "ENABLED"}
    ).metadata
    assert headers is not None
    assert headers["x-amz-checksum-sha256"] == base64.b64encode(hashlib.sha256(b"checked").digest()).decode()


def test_bytes_damaged_in_transit_are_refused_by_the_server(
    s3_server: S3Server, store: S3ObjectStore, bucket: str, tmp_path: Path
) -> None:
    store.put_bytes("records/kept", b"good")  # creates the bucket through an honest client
    damaging = S3ObjectStore(s3_server.client(http_client=CorruptingPool()), bucket, part_size=MIN_PART_SIZE)
    write_random(tmp_path / "big", MIN_PART_SIZE + 1)

    with pytest.raises(StoreUnavailableError) as refused:
        damaging.put_bytes("records/damaged", b"scan")
    with pytest.raises(StoreUnavailableError):
        damaging.put_file("records/damaged", tmp_path / "big")
    with pytest.raises(StoreUnavailableError):
        damaging.put_bytes("records/kept", b"evil")

    assert refused.value.retryable
    assert [info.key for info in store.list()] == ["records/kept"]
    assert store.get_bytes("records/kept") == b"good"
    assert incomplete_uploads(store._client, bucket) == []


def test_multipart_upload_round_trips(client: Minio, bucket: str, tmp_path: Path) -> None:
    store = S3ObjectStore(client, bucket, part_size=MIN_PART_SIZE)
    data = write_random(tmp_path / "scan.pdf", 12 << 20)

    info = store.put_file("originals/mp", tmp_path / "scan.pdf", content_type="application/pdf", metadata=HOLDER)

    assert (info.size, info.sha256, info.metadata) == (12 << 20, sha(data), HOLDER)
    assert str(client.stat_object(bucket_name=bucket, object_name="originals/mp").etag).endswith("-3")  # 3 parts
    got = store.stat("originals/mp")
    assert (got.size, got.sha256, got.content_type, got.metadata) == (12 << 20, sha(data), "application/pdf", HOLDER)
    assert store.get_bytes("originals/mp") == data


def test_multipart_sha256_mismatch_aborts_the_upload(client: Minio, bucket: str, tmp_path: Path) -> None:
    store = S3ObjectStore(client, bucket, part_size=MIN_PART_SIZE)
    write_random(tmp_path / "scan", 12 << 20)

    with pytest.raises(IntegrityError):
        store.put_file("originals/bad", tmp_path / "scan", sha256=sha(b"something else"))

    assert not store.exists("originals/bad")
    assert incomplete_uploads(client, bucket) == []


def test_multipart_create_only_is_decided_by_the_server(
    client: Minio, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = S3ObjectStore(client, bucket, part_size=MIN_PART_SIZE)
    store.put_bytes("originals/taken", b"first")
    # Lose the race after the early check: another writer commits while our parts are on the way.
    monkeypatch.setattr(store, "exists", lambda key: False)

    with pytest.raises(ObjectExistsError):
        store.put_bytes("originals/taken", os.urandom(MIN_PART_SIZE + 1), overwrite=False)

    assert store.get_bytes("originals/taken") == b"first"
    assert incomplete_uploads(client, bucket) == []


def test_metadata_survives_s3s_rules_and_stays_readable(store: S3ObjectStore, client: Minio, bucket: str) -> None:
    metadata = {
        "kind": "record",
        "Kind": "upper case name",
        "empty": "",
        "padded": "  spaces at the edges ",
        "looks-encoded": "=?UTF-8?B?eA==?=",
        "sohoa-sha256": "a user's entry, not ours",
        "line": "two\nlines",
        **HOLDER,
    }

    info = store.put_bytes("records/m", b"x", metadata=metadata)

    assert store.stat("records/m").metadata == metadata
    assert (info.sha256, store.stat("records/m").sha256) == (sha(b"x"), sha(b"x"))
    headers = client.stat_object(bucket_name=bucket, object_name="records/m").metadata
    assert headers is not None
    assert headers["x-amz-meta-kind"] == "record"  # plain entries are left for other tools to read
    assert headers["x-amz-meta-sohoa-sha256"] == sha(b"x")


def test_missing_bucket_is_not_found(client: Minio, bucket: str) -> None:
    store = S3ObjectStore(client, bucket, object_lock=False)
    store.put_bytes("records/r", b"x")
    client.remove_bucket(bucket_name=bucket)

    with pytest.raises(ObjectNotFoundError):
        store.get_bytes("records/r")
    with pytest.raises(ObjectNotFoundError):
        store.stat("records/r")


def test_unreachable_server_is_retryable(bucket: str) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    offline = Minio(endpoint=f"127.0.0.1:{port}", secure=False, http_client=urllib3.PoolManager(retries=False))

    with pytest.raises(StoreUnavailableError) as unavailable:
        S3ObjectStore(offline, bucket).get_bytes("records/r")
    assert unavailable.value.retryable


class FailingS3(http.server.BaseHTTPRequestHandler):
    """Says the bucket exists, then fails every object request with the configured S3 error."""

    status = 500
    code = "InternalError"

    def do_HEAD(self) -> None:
        self.send_response(200 if self.path.count("/") == 1 else self.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        # The message is another error's, so only a translation by code gets it right.
        body = (
            f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{self.code}</Code>"
            "<Message>The specified key does not exist.</Message></Error>"
        ).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def failing_s3() -> Iterator[tuple[type[FailingS3], Minio]]:
    handler = type("Handler", (FailingS3,), {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client = Minio(
        endpoint=f"127.0.0.1:{server.server_address[1]}",
        access_key="key",
        secret_key="secret",
        secure=False,
        region="us-east-1",
        http_client=urllib3.PoolManager(retries=False),
    )
    try:
        yield handler, client
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (404, "NoSuchKey", ObjectNotFoundError),
        (404, "NoSuchBucket", ObjectNotFoundError),
        (412, "PreconditionFailed", ObjectExistsError),
        (503, "SlowDown", StoreUnavailableError),
        (503, "ServiceUnavailable", StoreUnavailableError),
        (500, "InternalError", StoreUnavailableError),
        (400, "RequestTimeout", StoreUnavailableError),
        (403, "AccessDenied", StoreError),
        (400, "InvalidArgument", StoreError),
    ],
)
def test_s3_errors_are_translated_by_code(
    failing_s3: tuple[type[FailingS3], Minio], status: int, code: str, error: type[StoreError]
) -> None:
    handler, client = failing_s3
    handler.status, handler.code = status, code

    with pytest.raises(StoreError) as raised:
        S3ObjectStore(client, "bucket").get_bytes("records/r")

    assert type(raised.value) is error
    assert raised.value.retryable == error.retryable


@pytest.mark.parametrize(("status", "error"), [(503, StoreUnavailableError), (403, StoreError)])
def test_bodiless_errors_are_translated_by_status(
    failing_s3: tuple[type[FailingS3], Minio], status: int, error: type[StoreError]
) -> None:
    handler, client = failing_s3
    handler.status = status

    with pytest.raises(StoreError) as raised:
        S3ObjectStore(client, "bucket").stat("records/r")  # a HEAD: errors come without a body

    assert type(raised.value) is error


def test_a_pickled_store_builds_its_own_client(store: S3ObjectStore) -> None:
    store.put_bytes("records/p", b"before")

    copy = pickle.loads(pickle.dumps(store))

    assert copy._client is not store._client
    assert copy.get_bytes("records/p") == b"before"
    copy.put_bytes("records/p", b"after")
    assert store.get_bytes("records/p") == b"after"


def test_from_url_takes_a_url_or_a_host(s3_server: S3Server, bucket: str) -> None:
    keys = (s3_server.access_key, s3_server.secret_key)
    from_url(f"http://{s3_server.endpoint}", *keys, bucket).put_bytes("records/u", b"x")

    bare = from_url(s3_server.endpoint, *keys, bucket, secure=False)
    assert bare.get_bytes("records/u") == b"x"
    for endpoint, secure in [
        (f"https://{s3_server.endpoint}", False),
        (f"http://{s3_server.endpoint}/path", None),
        (f"ftp://{s3_server.endpoint}", None),
    ]:
        with pytest.raises(ValueError):
            from_url(endpoint, *keys, bucket, secure=secure)


def test_storage_does_not_depend_on_the_test_server() -> None:
    for path in (PROJECT / "storage").glob("*.py"):
        assert "seaweed" not in path.read_text(encoding="utf-8").lower(), path
