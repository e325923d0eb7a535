"""The scale-out shape, for real: a Prefect server, a process worker and an S3 server on 127.0.0.1.

The ingest deployment from prefect.yaml runs on a small generated batch; the
records must land in the S3 bucket and in the worker's index.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import SOHOA, free_ports, stop, wait_until_answers
from tests.s3_server import ACCESS_KEY, SECRET_KEY

pytest_plugins = ["tests.s3_server"]
pytestmark = [pytest.mark.s3, pytest.mark.tesseract, pytest.mark.slow]

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.fixture
def stack(tmp_path, s3_server):
    """Prefect server + one process worker configured for S3, both stopped afterwards."""
    port = free_ports(1)[0]
    api = f"http://127.0.0.1:{port}/api"
    bucket = s3_server.new_bucket()
    env = dict(os.environ)
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_API_URL=api,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_WORKER_QUERY_SECONDS="2",
        SOHOA_CHECKOUT=str(PROJECT),
        SOHOA_HOME=str(tmp_path / "sohoa"),
        SOHOA_STORE="s3",
        SOHOA_S3_ENDPOINT=f"http://{s3_server.endpoint}",
        SOHOA_S3_ACCESS_KEY=ACCESS_KEY,
        SOHOA_S3_SECRET_KEY=SECRET_KEY,
        SOHOA_S3_BUCKET=bucket,
    )
    processes = []
    try:
        server_log = tmp_path / "server.log"
        server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                  env=env, stdout=server_log.open("wb"), stderr=subprocess.STDOUT)
        processes.append(server)
        wait_until_answers(f"{api}/health", server, server_log)
        prefect = [str(BIN / "prefect"), "--no-prompt"]
        subprocess.run([*prefect, "work-pool", "create", "sohoa", "--type", "process"], env=env, check=True,
                       capture_output=True)
        subprocess.run([*prefect, "deploy", "--name", "ingest-folder"], env=env, cwd=PROJECT, check=True,
                       capture_output=True)
        worker_log = tmp_path / "worker.log"
        processes.append(subprocess.Popen([*prefect, "worker", "start", "--pool", "sohoa", "--limit", "1"],
                                          env=env, stdout=worker_log.open("wb"), stderr=subprocess.STDOUT))
        yield env, s3_server.client().client(), bucket, worker_log
    finally:
        for process in reversed(processes):
            stop(process, timeout=20)


def test_the_ingest_deployment_runs_on_a_worker_and_stores_in_s3(stack, sample_batch, tmp_path):
    env, client, bucket, worker_log = stack
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    scans = sorted(p for p in sample_batch.iterdir() if p.suffix in {".pdf", ".tif", ".jpg", ".png"})[:2]
    for scan in scans:
        shutil.copy(scan, inbox / scan.name)
    run = subprocess.run(
        [str(BIN / "prefect"), "--no-prompt", "deployment", "run", "ingest/ingest-folder",
         "--params", json.dumps({"paths": [str(inbox)]}), "--watch", "--watch-timeout", "600"],
        env=env, capture_output=True, text=True, timeout=700,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:] + worker_log.read_text()[-3000:]

    records, originals = (
        [obj["Key"] for obj in client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]
        for prefix in ("records/", "originals/")
    )
    assert len(records) == len(originals) == len(scans)
    listed = subprocess.run([*SOHOA, "search", "", "--json"], env=env, capture_output=True, text=True, check=True)
    hits = json.loads(listed.stdout)["hits"]
    assert sorted(hit["filename"] for hit in hits) == sorted(scan.name for scan in scans)
    shown = subprocess.run([*SOHOA, "show", hits[0]["id"], "--json"], env=env, capture_output=True, text=True,
                           check=True)
    assert json.loads(shown.stdout)["storage"]["original"] in originals
