"""A generated batch of scanned Vietnamese papers through the real `sohoa` command, end to end."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from pipeline import keys
from search.folding import fold
from tests.helpers import run_json, run_sohoa
from samples.quality import cer

pytestmark = [pytest.mark.tesseract, pytest.mark.slow]

RECORD_KEYS = {"id", "sha256", "source", "doc_type", "owner_id", "dossier_code", "pages", "fields",
               "needs_review", "storage", "ingested_at"}


def ground_truth(batch: Path) -> dict[str, dict]:
    documents = json.loads((batch / "ground_truth.json").read_text(encoding="utf-8"))["documents"]
    return {doc["file"]: doc for doc in documents}


def by_file(report: dict) -> dict[str, dict]:
    return {Path(doc["source"]).name: doc for doc in report["documents"]}


def test_every_generated_document_is_indexed_with_its_pages(sample_batch, ingested):
    _, report = ingested
    truth = ground_truth(sample_batch)
    results = by_file(report)
    # The batch folder also holds ground_truth.json and manifest.csv: not scans, so quarantined with a reason.
    for name in ("ground_truth.json", "manifest.csv"):
        assert results[name]["status"] == "quarantined"
        assert "not a PDF, TIFF, JPEG or PNG" in results[name]["reason"]
    for name, doc in truth.items():
        assert results[name]["status"] == "indexed", results[name]
        assert results[name]["pages"] == len(doc["pages"])
    assert report["summary"]["indexed"] == len(truth)


def test_record_follows_the_contract_and_reads_the_page(sample_batch, ingested):
    home, report = ingested
    truth = ground_truth(sample_batch)
    for name, result in by_file(report).items():
        if name not in truth:
            continue
        record = run_json(home, "show", result["id"][:12])
        assert RECORD_KEYS <= record.keys()
        assert record["id"] == result["id"] == record["sha256"]
        assert record["owner_id"] == truth[name]["owner_id"]  # from the manifest
        assert record["dossier_code"] == truth[name]["dossier_code"]
        assert record["ingested_at"][-6] in "+-"  # time zone present
        for page, expected in zip(record["pages"], truth[name]["pages"]):
            assert page["text"] == unicodedata.normalize("NFC", page["text"])
            assert page["source"] == "ocr"
            assert 0 <= page["confidence"] <= 1
        if truth[name]["level"] == "clean":
            for page, expected in zip(record["pages"], truth[name]["pages"]):
                assert cer(expected, page["text"]) < 0.03, name


def test_stored_original_is_byte_identical_and_searchable_pdf_has_text(sample_batch, ingested):
    home, report = ingested
    result = next(doc for doc in report["documents"] if doc["status"] == "indexed")
    record = run_json(home, "show", result["id"])
    original = home / "store" / record["storage"]["original"]
    assert original.read_bytes() == (sample_batch / Path(result["source"]).name).read_bytes()
    import subprocess

    pdf = home / "store" / record["storage"]["searchable_pdf"]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert len(text.split()) > 20
    assert text.count("\f") == len(record["pages"])


def test_name_typed_without_diacritics_finds_the_paper(sample_batch, ingested):
    home, report = ingested
    truth = ground_truth(sample_batch)
    ids = {Path(doc["source"]).name: doc["id"] for doc in report["documents"]}
    name, doc = next((n, d) for n, d in truth.items() if d["level"] == "clean")
    plain = fold(doc["full_name"])
    assert plain != doc["full_name"].lower()  # the query really lacks diacritics
    found = run_json(home, "search", plain)
    assert ids[name] in [hit["id"] for hit in found["hits"]]
    hit = next(hit for hit in found["hits"] if hit["id"] == ids[name])
    assert "«" in hit["snippet"]


def test_search_filters_by_owner_and_by_dossier_code(sample_batch, ingested):
    home, report = ingested
    truth = ground_truth(sample_batch)
    ids = {Path(doc["source"]).name: doc["id"] for doc in report["documents"]}
    name, doc = next(iter(truth.items()))
    by_owner = run_json(home, "search", "", "--owner", doc["owner_id"])
    assert ids[name] in [hit["id"] for hit in by_owner["hits"]]
    assert all(hit["owner_id"] == doc["owner_id"] for hit in by_owner["hits"])
    by_code = run_json(home, "search", doc["dossier_code"])
    assert by_code["hits"][0]["dossier_code"] == doc["dossier_code"]


def test_running_the_batch_again_finds_duplicates_and_reindex_rebuilds(sample_batch, ingested):
    home, first = ingested
    again = run_json(home, "ingest", str(sample_batch))
    firsts = by_file(first)
    for name, doc in by_file(again).items():
        if firsts[name]["status"] == "indexed":
            assert doc["status"] == "duplicate"
            assert doc["id"] == firsts[name]["id"]
    before = run_json(home, "search", "", "--limit", "100")["total"]
    (home / "index.sqlite3").unlink()
    for suffix in ("-wal", "-shm"):
        (home / f"index.sqlite3{suffix}").unlink(missing_ok=True)
    run_sohoa(home, "reindex")
    assert run_json(home, "search", "", "--limit", "100")["total"] == before == first["summary"]["indexed"]


def test_verify_reports_an_original_whose_bytes_changed(ingested):
    home, report = ingested
    assert run_json(home, "verify")["damaged"] == []
    record_id = next(doc["id"] for doc in report["documents"] if doc["status"] == "indexed")
    original = home / "store" / keys.original(record_id)
    pristine = original.read_bytes()
    try:
        original.write_bytes(pristine[:100] + bytes([pristine[100] ^ 0xFF]) + pristine[101:])
        result = run_sohoa(home, "verify", "--json", check=False)
        assert result.returncode == 1
        damaged = json.loads(result.stdout)["damaged"]
        assert [(item["id"], item["status"]) for item in damaged] == [(record_id, "changed")]
    finally:
        original.write_bytes(pristine)
