"""Every awkward file of a peer project's test corpus through `sohoa ingest` in one batch.

Nothing may crash the batch; every file ends indexed, duplicate or
quarantined with a reason, and a quarantined file's bytes are kept.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pipeline import keys
from tests.helpers import run_sohoa

pytestmark = [pytest.mark.tesseract, pytest.mark.slow]

SCANS = (".pdf", ".png", ".jpg", ".tif")

# What a clerk must be told, from the corpus MANIFEST: (file, words the reason must contain)
MUST_QUARANTINE = {
    "empty_zero_bytes.pdf": "empty",
    "invalid.pdf": "damaged",
    "francais_truncated_half.pdf": "incomplete",
    "baiona_truncated.png": "damaged",
    "jbig2_encrypted_40.pdf": "password",
    "jbig2_encrypted_128_n.pdf": "password",
    "jbig2_encrypted_128_y.pdf": "password",
    "jbig2_encrypted_256.pdf": "password",
    "hugemono.pdf": "megapixels",
    "linn.txt": "not a PDF, TIFF, JPEG or PNG",
}
MUST_INDEX_WITH_OCR = ["cardinal.pdf", "ccitt.pdf", "linn_300dpi_g4.tif", "multipage_linn_typewriter_g4.tif",
                       "francais_owner_password_only_aes256.pdf", "baiona_cmyk.jpg", "skew.pdf", "palette.pdf"]
MUST_USE_TEXT_LAYER = ["graph_ocred.pdf", "tagged.pdf"]


@pytest.fixture(scope="module")
def corpus_run(corpus_dir, tmp_path_factory):
    home = tmp_path_factory.mktemp("corpus-home")
    report = home / "report.json"
    inputs = [str(p) for p in sorted((corpus_dir / "resources").iterdir()) if p.suffix in SCANS + (".txt",)]
    inputs.append(str(corpus_dir / "derived"))
    run_sohoa(home, "ingest", *inputs, "--report", str(report))  # within pytest's own timeout
    return home, json.loads(report.read_text(encoding="utf-8"))


def _results(report: dict) -> dict[str, dict]:
    return {Path(doc["source"]).name: doc for doc in report["documents"]}


def test_batch_finishes_and_accounts_for_every_file(corpus_run, corpus_dir):
    _, report = corpus_run
    expected = {p.name for p in (corpus_dir / "resources").iterdir() if p.suffix in SCANS + (".txt",)}
    expected |= {p.name for p in (corpus_dir / "derived").iterdir()}
    results = _results(report)
    assert set(results) == expected
    for name, doc in results.items():
        assert doc["status"] in {"indexed", "duplicate", "quarantined"}, name
        if doc["status"] == "quarantined":
            assert doc["reason"], name
        else:
            assert doc["id"] and doc["pages"] >= 1, name


def test_bad_files_are_quarantined_with_a_reason_and_kept(corpus_run, corpus_dir):
    home, report = corpus_run
    results = _results(report)
    for name, words in MUST_QUARANTINE.items():
        doc = results[name]
        assert doc["status"] == "quarantined", (name, doc)
        assert words in doc["reason"], (name, doc["reason"])
        source = next((corpus_dir / d / name) for d in ("resources", "derived") if (corpus_dir / d / name).exists())
        sha = hashlib.sha256(source.read_bytes()).hexdigest()
        kept = home / "store" / keys.quarantined(sha)
        assert kept.read_bytes() == source.read_bytes()
        note = json.loads((home / "store" / keys.quarantine_note(sha)).read_text(encoding="utf-8"))
        assert note["reason"] == doc["reason"]


def test_awkward_but_valid_files_are_read(corpus_run):
    home, report = corpus_run
    results = _results(report)
    for name in MUST_INDEX_WITH_OCR + MUST_USE_TEXT_LAYER:
        assert results[name]["status"] == "indexed", (name, results[name])
    record = json.loads(run_sohoa(home, "show", results["cardinal.pdf"]["id"], "--json").stdout)
    # cardinal.pdf: the same page four times, turned 0/90/180/270 degrees.
    assert sorted(page["rotation"] for page in record["pages"]) == [0, 90, 180, 270]
    assert all("LinnSequencer" in page["text"] for page in record["pages"])
    for name in MUST_USE_TEXT_LAYER:
        record = json.loads(run_sohoa(home, "show", results[name]["id"], "--json").stdout)
        assert any(page["source"] == "text-layer" for page in record["pages"]), name
