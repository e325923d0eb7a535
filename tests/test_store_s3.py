"""What the S3 store promises beyond the contract: a bucket fit for a system of record, and S3's own ways of failing.

Everything runs against the session's real S3 server (tests/s3_server.py), except the error
translation table, which needs a server that fails on demand.
"""

from __future__ import annotations

import ast
import base64
import contextlib
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
from botocore.awsrequest import AWSPreparedRequest
from botocore.config import Config
from botocore.exceptions import ClientError

from storage.base import (
    IntegrityError,
    ObjectExistsError,
    ObjectNotFoundError,
    StoreError,
    StoreUnavailableError,
)
from storage.s3 import COMPLIANCE, GOVERNANCE, MIN_PART_SIZE, S3Connection, S3ObjectStore, from_url

if TYPE_CHECKING:
    from botocore.client import BaseClient

    from tests.s3_server import S3Server

# Loaded as a plugin, not imported, so the session shares one server whichever module asks first.
pytest_plugins = ["tests.s3_server"]
pytestmark = pytest.mark.s3

PROJECT = Path(__file__).resolve().parents[1]
HOLDER = {"họ-và-tên": "Nguyễn Thị Ánh Tuyết", "nơi-thường-trú": "Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh"}
NO_RETRIES = Config(retries={"total_max_attempts": 1})


@pytest.fixture
def connection(s3_server: S3Server) -> S3Connection:
    return s3_server.client()


@pytest.fixture
def client(connection: S3Connection) -> BaseClient:
    """A client of its own, to look at the bucket behind the store's back."""
    return connection.client()


@pytest.fixture
def bucket(s3_server: S3Server) -> str:
    return s3_server.new_bucket()


@pytest.fixture
def store(connection: S3Connection, bucket: str) -> S3ObjectStore:
    return S3ObjectStore(connection, bucket)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_random(path: Path, size: int) -> bytes:
    data = os.urandom(size)
    path.write_bytes(data)
    return data


def incomplete_uploads(client: BaseClient, bucket: str) -> list[Any]:
    return client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])


def s3_code(refused: pytest.ExceptionInfo[ClientError]) -> str:
    return refused.value.response["Error"]["Code"]


def flip_first_bit(request: AWSPreparedRequest, **kwargs: Any) -> None:
    body = request.body
    if hasattr(body, "read"):  # bytes come as a stream, which a retry reads again: leave it unread
        stream, position = body, body.tell()
        body = stream.read()
        stream.seek(position)
    if body:
        request.body = bytes([body[0] ^ 1]) + body[1:]


class CorruptingConnection(S3Connection):
    """Flips one bit of every upload's body after botocore has hashed and signed it: damage on the wire."""

    def client(self) -> BaseClient:
        client = super().client()
        for operation in ("PutObject", "UploadPart"):
            client.meta.events.register(f"before-send.s3.{operation}", flip_first_bit)
        return client


def test_first_use_creates_a_versioned_bucket_with_object_lock(connection: S3Connection, client: BaseClient,
                                                               bucket: str) -> None:
    store = S3ObjectStore(connection, bucket)
    with pytest.raises(ClientError):
        client.head_bucket(Bucket=bucket)

    assert list(store.list()) == []

    assert client.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    lock = client.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
    assert lock["ObjectLockEnabled"] == "Enabled"
    S3ObjectStore(connection, bucket).put_bytes("records/again", b"an existing bucket is used as it is")


def test_without_object_lock_the_bucket_is_still_versioned(connection: S3Connection, client: BaseClient,
                                                           bucket: str) -> None:
    S3ObjectStore(connection, bucket, object_lock=False).put_bytes("records/r", b"x")

    assert client.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    with pytest.raises(ClientError) as refused:
        client.get_object_lock_configuration(Bucket=bucket)
    assert s3_code(refused) == "ObjectLockConfigurationNotFoundError"


def test_overwrites_and_deletes_keep_earlier_versions(store: S3ObjectStore, client: BaseClient, bucket: str) -> None:
    store.put_bytes("originals/ab/abc", b"v1")
    first = client.head_object(Bucket=bucket, Key="originals/ab/abc")["VersionId"]
    store.put_bytes("originals/ab/abc", b"v2")

    store.delete("originals/ab/abc")

    versions = client.list_object_versions(Bucket=bucket, Prefix="originals/")
    assert (len(versions.get("Versions", [])), len(versions.get("DeleteMarkers", []))) == (2, 1)
    old = client.get_object(Bucket=bucket, Key="originals/ab/abc", VersionId=first)["Body"]
    assert old.read() == b"v1"


@pytest.mark.parametrize("mode", [GOVERNANCE, COMPLIANCE])
def test_objects_are_written_under_retention(connection: S3Connection, client: BaseClient, bucket: str,
                                             tmp_path: Path, mode: str) -> None:
    store = S3ObjectStore(connection, bucket, retention_days=30, retention_mode=mode, part_size=MIN_PART_SIZE)
    write_random(tmp_path / "big", MIN_PART_SIZE + 1)

    store.put_bytes("originals/small", b"scan")
    store.put_file("originals/big", tmp_path / "big")  # multipart: retention is set when the upload is created

    for key in ("originals/small", "originals/big"):
        retention = client.get_object_retention(Bucket=bucket, Key=key)["Retention"]
        assert retention["Mode"] == mode
        assert abs(retention["RetainUntilDate"] - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=5)
    version = client.head_object(Bucket=bucket, Key="originals/small")["VersionId"]
    with pytest.raises(ClientError) as refused:
        client.delete_object(Bucket=bucket, Key="originals/small", VersionId=version)
    assert s3_code(refused) == "AccessDenied"


def test_legal_hold_freezes_a_version_until_released(store: S3ObjectStore, client: BaseClient, bucket: str) -> None:
    store.put_bytes("records/disputed", b"x")
    version = client.head_object(Bucket=bucket, Key="records/disputed")["VersionId"]

    store.set_legal_hold("records/disputed", True)

    assert client.get_object_legal_hold(Bucket=bucket, Key="records/disputed")["LegalHold"]["Status"] == "ON"
    with pytest.raises(ClientError):
        client.delete_object(Bucket=bucket, Key="records/disputed", VersionId=version)

    store.set_legal_hold("records/disputed", False)

    assert client.get_object_legal_hold(Bucket=bucket, Key="records/disputed")["LegalHold"]["Status"] == "OFF"
    client.delete_object(Bucket=bucket, Key="records/disputed", VersionId=version)
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
def test_inconsistent_options_are_refused(connection: S3Connection, bucket: str, options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        S3ObjectStore(connection, bucket, **options)


def test_presigned_url_works_then_expires(connection: S3Connection, bucket: str) -> None:
    store = S3ObjectStore(connection, bucket, url_expiry=timedelta(seconds=2))
    store.put_bytes("originals/u/ảnh.png", b"\x89PNG")
    url = store.url("originals/u/ảnh.png")

    with urllib.request.urlopen(url) as response:
        assert response.read() == b"\x89PNG"
    time.sleep(3)
    with pytest.raises(urllib.error.HTTPError) as expired:
        urllib.request.urlopen(url)
    assert expired.value.code == 403


def test_the_server_records_the_checksum_we_send(store: S3ObjectStore, client: BaseClient, bucket: str) -> None:
    store.put_bytes("records/c", b"checked")

    found = client.head_object(Bucket=bucket, Key="records/c", ChecksumMode="ENABLED")
    assert found["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(b"checked").digest()).decode()


def test_bytes_damaged_in_transit_are_refused_by_the_server(
    s3_server: S3Server, store: S3ObjectStore, client: BaseClient, bucket: str, tmp_path: Path
) -> None:
    store.put_bytes("records/kept", b"good")  # creates the bucket through an honest client
    damaging = S3ObjectStore(
        CorruptingConnection(
            f"http://{s3_server.endpoint}", s3_server.access_key, s3_server.secret_key, config=NO_RETRIES
        ),
        bucket,
        part_size=MIN_PART_SIZE,
    )
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
    assert incomplete_uploads(client, bucket) == []


def test_multipart_upload_round_trips(connection: S3Connection, client: BaseClient, bucket: str,
                                      tmp_path: Path) -> None:
    store = S3ObjectStore(connection, bucket, part_size=MIN_PART_SIZE)
    data = write_random(tmp_path / "scan.pdf", 12 << 20)

    info = store.put_file("originals/mp", tmp_path / "scan.pdf", content_type="application/pdf", metadata=HOLDER)

    assert (info.size, info.sha256, info.metadata) == (12 << 20, sha(data), HOLDER)
    assert client.head_object(Bucket=bucket, Key="originals/mp")["ETag"].strip('"').endswith("-3")  # 3 parts
    got = store.stat("originals/mp")
    assert (got.size, got.sha256, got.content_type, got.metadata) == (12 << 20, sha(data), "application/pdf", HOLDER)
    assert store.get_bytes("originals/mp") == data


def test_multipart_sha256_mismatch_aborts_the_upload(connection: S3Connection, client: BaseClient, bucket: str,
                                                     tmp_path: Path) -> None:
    store = S3ObjectStore(connection, bucket, part_size=MIN_PART_SIZE)
    write_random(tmp_path / "scan", 12 << 20)

    with pytest.raises(IntegrityError):
        store.put_file("originals/bad", tmp_path / "scan", sha256=sha(b"something else"))

    assert not store.exists("originals/bad")
    assert incomplete_uploads(client, bucket) == []


def test_multipart_create_only_is_decided_by_the_server(
    connection: S3Connection, client: BaseClient, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = S3ObjectStore(connection, bucket, part_size=MIN_PART_SIZE)
    store.put_bytes("originals/taken", b"first")
    # Lose the race after the early check: another writer commits while our parts are on the way.
    monkeypatch.setattr(store, "exists", lambda key: False)

    with pytest.raises(ObjectExistsError):
        store.put_bytes("originals/taken", os.urandom(MIN_PART_SIZE + 1), overwrite=False)

    assert store.get_bytes("originals/taken") == b"first"
    assert incomplete_uploads(client, bucket) == []


def test_metadata_survives_s3s_rules_and_stays_readable(store: S3ObjectStore, client: BaseClient,
                                                        bucket: str) -> None:
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
    stored = client.head_object(Bucket=bucket, Key="records/m")["Metadata"]
    assert stored["kind"] == "record"  # plain entries are left for other tools to read
    assert stored["sohoa-sha256"] == sha(b"x")


def test_missing_bucket_is_not_found(connection: S3Connection, client: BaseClient, bucket: str) -> None:
    store = S3ObjectStore(connection, bucket, object_lock=False)
    store.put_bytes("records/r", b"x")
    client.delete_bucket(Bucket=bucket)

    with pytest.raises(ObjectNotFoundError):
        store.get_bytes("records/r")
    with pytest.raises(ObjectNotFoundError):
        store.stat("records/r")


def test_unreachable_server_is_retryable(bucket: str) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    offline = S3Connection(f"http://127.0.0.1:{port}", "key", "secret", config=NO_RETRIES)

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


class TamperingS3(FailingS3):
    """Serves every object with the bytes changed after the server computed their SHA-256."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("x-amz-checksum-sha256", base64.b64encode(hashlib.sha256(b"scan").digest()).decode())
        self.send_header("Content-Length", "4")
        self.end_headers()
        self.wfile.write(b"scam")


@contextlib.contextmanager
def serving(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[S3Connection]:
    """A fake S3 on a free port, and a connection to it that does not retry."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield S3Connection(f"http://127.0.0.1:{server.server_address[1]}", "key", "secret", config=NO_RETRIES)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def failing_s3() -> Iterator[tuple[type[FailingS3], S3Connection]]:
    handler = type("Handler", (FailingS3,), {})
    with serving(handler) as connection:
        yield handler, connection


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
    failing_s3: tuple[type[FailingS3], S3Connection], status: int, code: str, error: type[StoreError]
) -> None:
    handler, connection = failing_s3
    handler.status, handler.code = status, code

    with pytest.raises(StoreError) as raised:
        S3ObjectStore(connection, "bucket").get_bytes("records/r")

    assert type(raised.value) is error
    assert raised.value.retryable == error.retryable


@pytest.mark.parametrize(
    ("status", "error"), [(404, ObjectNotFoundError), (503, StoreUnavailableError), (403, StoreError)]
)
def test_bodiless_errors_are_translated_by_status(
    failing_s3: tuple[type[FailingS3], S3Connection], status: int, error: type[StoreError]
) -> None:
    handler, connection = failing_s3
    handler.status = status

    with pytest.raises(StoreError) as raised:
        S3ObjectStore(connection, "bucket").stat("records/r")  # a HEAD: errors come without a body

    assert type(raised.value) is error


def test_bytes_damaged_on_the_way_back_are_caught_and_retryable() -> None:
    with serving(TamperingS3) as connection, pytest.raises(StoreUnavailableError):
        S3ObjectStore(connection, "bucket").get_bytes("records/r")


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


def private_reaches(source: str) -> list[str]:
    """Every place `source` reaches into another object's or library's private parts.

    That is `x._name` on anything but `self` (the module's own objects keep their state so),
    getattr and friends with a "_" name, and imports of "_" names or modules; `_typeshed`
    exists only for type checkers. Dunders are public protocol.
    """

    def private(name: str) -> bool:
        return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and private(node.attr):
            if not (isinstance(node.value, ast.Name) and node.value.id == "self"):
                found.append(ast.unparse(node))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in ("getattr", "setattr", "hasattr", "delattr") and len(node.args) > 1:
                name = node.args[1]
                if not isinstance(name, ast.Constant) or not isinstance(name.value, str) or private(name.value):
                    found.append(ast.unparse(node))
        elif isinstance(node, ast.ImportFrom | ast.Import):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names = [alias.name for alias in node.names]
            parts = [part for dotted in modules + names for part in dotted.split(".")]
            if any(private(part) for part in parts if part != "_typeshed"):
                found.append(ast.unparse(node))
    return found


@pytest.mark.parametrize(
    "reach",
    [
        "self._client._execute(method='PUT', bucket_name=b)",  # what the minio version of the store did
        "client._base_url.host",
        "getattr(self._client, '_url_open')",
        "getattr(client, name)",
        "from minio.helpers import _metadata_to_headers",
        "from botocore._helpers import x",
    ],
)
def test_the_private_reach_check_sees_a_reach(reach: str) -> None:
    assert private_reaches(reach)


def test_the_store_uses_only_public_apis_of_its_client() -> None:
    """A minor release of boto3 may change anything private; the store must not notice."""
    assert private_reaches((PROJECT / "storage" / "s3.py").read_text(encoding="utf-8")) == []
