"""Real signed administrative documents through `sohoa ingest`: every page read, every snippet found.

`../shared/corpus/vbhc-quangngai/` holds eight documents of a provincial
People's Committee (scans at 100 and 300 dpi whose only text layer is the
signature stamp, a born-digital one, blank back pages) with verbatim
snippets of each page read by eye. Nobody here made them, so they measure
what our own generator cannot.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.folding import tokens
from tests.helpers import run_json, run_sohoa

pytestmark = [pytest.mark.tesseract, pytest.mark.slow]

VBHC = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "vbhc-quangngai"


def _plain(text: str) -> str:
    """Compared as a search compares: folded words (no diacritics, case or punctuation), in order."""
    return f" {' '.join(tokens(text))} "


@pytest.fixture(scope="module")
def truth() -> list[dict]:
    if not VBHC.is_dir():
        pytest.skip(f"real signed documents not found at {VBHC}")
    return json.loads((VBHC / "truth.json").read_text(encoding="utf-8"))["documents"]


@pytest.fixture(scope="module")
def ingested(truth, tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """SOHOA_HOME after ingesting the whole set, and each document's record by file name."""
    home = tmp_path_factory.mktemp("vbhc-home")
    report_path = home / "report.json"
    run_sohoa(home, "ingest", str(VBHC / "files"), "--report", str(report_path))
    report = json.loads(report_path.read_text(encoding="utf-8"))
    records = {Path(doc["source"]).name: run_json(home, "show", doc["id"]) for doc in report["documents"]}
    return home, records


def test_every_document_is_indexed_with_all_its_pages(truth, ingested) -> None:
    _, records = ingested
    for document in truth:
        record = records[document["file"]]
        assert len(record["pages"]) == document["pages"], document["file"]


def test_stamp_only_pages_are_read_and_keep_the_stamp(truth, ingested) -> None:
    """A scan whose only text layer is the signature stamp is OCRed; the stamp's words stay searchable."""
    _, records = ingested
    for document in truth:
        record = records[document["file"]]
        for page, kind in zip(record["pages"], document["page_kinds"]):
            if kind == "scanned":
                assert page["source"] == "ocr", (document["file"], page["number"])
            if kind == "born_digital":
                assert page["source"] == "text-layer", (document["file"], page["number"])
        stamp = record["pages"][0]["text"]
        assert "ttcbth@quangngai.gov.vn" in stamp or "Ký bởi" in stamp or "Người ký" in stamp, document["file"]


def test_every_snippet_is_in_its_page_text(truth, ingested) -> None:
    _, records = ingested
    missing = []
    for document in truth:
        pages = records[document["file"]]["pages"]
        for snippet in document["snippets"]:
            if _plain(snippet["text"]) not in _plain(pages[snippet["page"] - 1]["text"]):
                missing.append(f"{document['file']} p{snippet['page']}: {snippet['text']}")
    assert not missing, "\n".join(missing)


def test_every_snippet_finds_its_document(truth, ingested) -> None:
    home, records = ingested
    not_found = []
    for document in truth:
        wanted = records[document["file"]]["id"]
        for snippet in document["snippets"]:
            hits = run_json(home, "search", snippet["text"], "--limit", "20")["hits"]
            if wanted not in {hit["id"] for hit in hits}:
                not_found.append(f"{document['file']}: {snippet['text']}")
    assert not not_found, "\n".join(not_found)
