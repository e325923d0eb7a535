"""Two clerks ingest overlapping batches at the same moment into the same store and index."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.helpers import SOHOA, run_json, sohoa_env

pytestmark = [pytest.mark.tesseract, pytest.mark.slow]


def test_overlapping_batches_leave_exactly_one_record_per_original(sample_batch, tmp_path):
    scans = sorted(p for p in sample_batch.iterdir() if p.suffix in {".pdf", ".tif", ".jpg", ".png"})[:5]
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, chosen in ((first, scans[:4]), (second, scans[1:])):
        folder.mkdir()
        for scan in chosen:
            shutil.copy(scan, folder / scan.name)
    home = tmp_path / "home"
    processes = [
        subprocess.Popen([*SOHOA, "ingest", str(folder), "--json"], env=sohoa_env(home),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for folder in (first, second)
    ]
    reports = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=900)
        assert process.returncode == 0, stderr[-3000:]
        reports.append(json.loads(stdout))

    records = sorted((home / "store" / "records").rglob("*.json"))
    assert len(records) == len(scans)
    statuses: dict[str, list[str]] = {}
    for report in reports:
        for doc in report["documents"]:
            statuses.setdefault(doc["id"], []).append(doc["status"])
    assert len(statuses) == len(scans)
    for record_id, seen in statuses.items():
        assert seen.count("indexed") == 1, (record_id, seen)  # the other run saw a duplicate
    listed = run_json(home, "search", "", "--limit", "100")
    assert listed["total"] == len(scans)
    assert len({hit["id"] for hit in listed["hits"]}) == len(scans)
