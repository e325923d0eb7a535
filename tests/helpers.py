"""Helpers for tests that run the real `sohoa` command, and servers in processes of their own."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

SOHOA = [str(Path(sys.executable).parent / "sohoa")]  # the console script installed beside this interpreter


def sohoa_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SOHOA_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        COLUMNS="200",
    )
    return env


def run_sohoa(home: Path, *args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [*SOHOA, *args], env=sohoa_env(home), capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"sohoa {' '.join(args)} exited {result.returncode}:\n{result.stderr[-4000:]}")
    return result


def run_json(home: Path, *args: str) -> dict:
    return json.loads(run_sohoa(home, *args, "--json").stdout)


def tesseract_has(*languages: str) -> bool:
    """Whether Tesseract and these language packs are installed (tests that run it skip otherwise)."""
    from ocr import probe
    from ocr.errors import MissingDependencyError

    try:
        return set(languages) <= probe.tesseract_languages()
    except MissingDependencyError:
        return False


def free_ports(count: int) -> list[int]:
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def wait_until_answers(url: str, process: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    """Until a GET of `url` succeeds; RuntimeError with the log's end if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout} s:\n{log.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    """Terminate, and kill what does not stop in time."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def serving_sohoa(home: Path, *args: str) -> Iterator[str]:
    """`sohoa serve` on a free local port, answering; yields its base URL and stops it afterwards."""
    port = free_ports(1)[0]
    log = home / f"serve-{port}.log"
    with log.open("wb") as sink:
        server = subprocess.Popen([*SOHOA, "serve", *args, "--host", "127.0.0.1", "--port", str(port)],
                                  env=sohoa_env(home), stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(f"{base}/healthz", server, log, timeout=60)
        yield base
    finally:
        stop(server)
