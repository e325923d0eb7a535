"""ingest_file and set_aside as plain functions, without Prefect."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import pytest

from pipeline import keys
from pipeline.ingest import IngestOptions, Services, ingest_file, set_aside
from pipeline.manifest import Declared
from samples.batch import make_page
from search.base import Filters
from search.sqlite import SqliteIndex
from storage.local import LocalObjectStore


@pytest.fixture
def services(tmp_path):
    with ThreadPoolExecutor(2) as pool:
        index = SqliteIndex(tmp_path / "index.sqlite3")
        yield Services(store=LocalObjectStore(tmp_path / "store"), index=index, pool=pool)
        index.close()


def _ingest(path: Path, services: Services, declared: Declared = Declared()):
    return ingest_file(str(path), path, declared=declared, batch="b1", services=services, options=IngestOptions())


@pytest.mark.tesseract
def test_a_scan_is_indexed_once_then_found_duplicate(tmp_path, services):
    image, truth, _ = make_page(3, "clean", dpi=200)
    scan = tmp_path / "giay.png"
    cv2.imwrite(str(scan), image)
    first = _ingest(scan, services, Declared(owner_id="079203001234", doc_type="residence_confirmation"))
    assert (first.status, first.pages, first.doc_type) == ("indexed", 1, "residence_confirmation")
    record = json.loads(services.store.get_bytes(keys.record(first.id)))
    assert record["owner_id"] == "079203001234"
    assert services.store.get_bytes(keys.original(first.id)) == scan.read_bytes()
    again = _ingest(scan, services)
    assert (again.status, again.id) == ("duplicate", first.id)
    assert services.index.search("", Filters(owner_id="079203001234")).total == 1


def test_a_file_that_is_not_a_scan_is_quarantined_with_its_bytes(tmp_path, services):
    notes = tmp_path / "notes.pdf"
    notes.write_text("Danh sách hồ sơ cần bổ sung", encoding="utf-8")
    result = _ingest(notes, services)
    assert result.status == "quarantined"
    assert "not a PDF, TIFF, JPEG or PNG" in result.reason
    assert services.store.get_bytes(keys.quarantined(result.id)) == notes.read_bytes()
    assert not services.store.exists(keys.record(result.id))


def test_a_missing_file_is_reported_not_raised(tmp_path, services):
    result = _ingest(tmp_path / "gone.pdf", services)
    assert (result.status, result.id) == ("quarantined", None)
    assert "cannot be read" in result.reason


def test_a_processing_failure_sets_the_file_aside_with_the_error(tmp_path, services):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 whatever")
    result = set_aside(str(scan), scan, TimeoutError("tesseract took too long"), batch="b1", store=services.store)
    assert result.status == "quarantined"
    assert "tesseract took too long" in result.reason
    note = json.loads(services.store.get_bytes(keys.quarantine_note(result.id)))
    assert note["reason"] == result.reason
    assert services.store.get_bytes(keys.quarantined(result.id)) == scan.read_bytes()


def _text(*pages: str):
    from ocr.document import DocumentText, PageText

    return DocumentText(
        pages=[PageText(n, text, "ocr", 0.95, 0, 0.0) for n, text in enumerate(pages, start=1)], searchable_pdf=b""
    )


def _record(declared: Declared, *pages: str) -> dict:
    from pipeline.ingest import build_record

    return build_record(sha="ab" * 32, path=Path("giay.pdf"), media_type="application/pdf", size=10, batch="b1",
                        declared=declared, text=_text(*pages))


def test_the_printed_title_gives_the_doc_type_when_nothing_was_declared():
    record = _record(Declared(), "Bìa hồ sơ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nGIẤY KHAI SINH\nHọ và tên: Lê Thị Hà")
    assert record["doc_type"] == "birth_certificate"
    assert record["classification"]["evidence"] == "giay khai sinh"
    assert not record["needs_review"]


def test_a_declared_type_wins_but_a_disagreement_is_flagged_for_review():
    record = _record(Declared(doc_type="marriage_certificate"), "GIẤY KHAI SINH\nHọ và tên: Lê Thị Hà")
    assert record["doc_type"] == "marriage_certificate"
    assert record["needs_review"]
    assert any("reads as birth_certificate" in issue for issue in record["issues"])
    agreeing = _record(Declared(doc_type="birth_certificate"), "GIẤY KHAI SINH")
    assert not agreeing["needs_review"]
