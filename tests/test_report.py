"""pipeline.report: the batch report a clerk checks, in the shape record.md promises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.ingest import DUPLICATE, INDEXED, QUARANTINED, DocumentResult
from pipeline.report import BatchReport

SHA_A = "a" * 64
SHA_B = "b" * 64
SHA_C = "c" * 64
DOCUMENT_FIELDS = {"source", "status", "id", "reason", "doc_type", "pages", "needs_review"}


def _documents() -> list[DocumentResult]:
    return [
        DocumentResult(source="batch/doc_0001.pdf", status=INDEXED, id=SHA_A, doc_type="cccd", pages=3),
        DocumentResult(source="batch/hồ sơ/doc_0002.tif", status=INDEXED, id=SHA_B, doc_type="other", pages=2,
                       needs_review=True),
        DocumentResult(source="batch/copy_of_0001.pdf", status=DUPLICATE, id=SHA_A, doc_type="cccd", pages=3),
        DocumentResult(source="batch/dup_review.pdf", status=DUPLICATE, id=SHA_B, doc_type="other", pages=2,
                       needs_review=True),
        DocumentResult(source="batch/broken.pdf", status=QUARANTINED, id=SHA_C,
                       reason="The PDF is password-protected: ask the sender for an unprotected copy."),
        DocumentResult(source="batch/missing.pdf", status=QUARANTINED, id=None,
                       reason="The file cannot be read (No such file or directory): check it exists."),
    ]


def test_summary_counts() -> None:
    summary = BatchReport(batch="20250421-101500-ab12", documents=_documents(), seconds=30.0).summary
    assert summary["files"] == 6
    assert summary["indexed"] == 2
    assert summary["duplicate"] == 2
    assert summary["quarantined"] == 2
    assert summary["needs_review"] == 1  # only documents indexed by this batch count
    assert summary["pages_ocred"] == 5  # duplicates cost no OCR
    assert summary["seconds"] == 30.0


def test_pages_per_minute() -> None:
    assert BatchReport("b", _documents(), seconds=30.0).summary["pages_per_minute"] == 10.0
    assert BatchReport("b", _documents(), seconds=90.0).summary["pages_per_minute"] == pytest.approx(3.3)


def test_zero_seconds_has_no_rate() -> None:
    summary = BatchReport("b", _documents(), seconds=0.0).summary
    assert summary["pages_per_minute"] is None


def test_empty_batch() -> None:
    summary = BatchReport("b").summary
    assert summary["files"] == summary["indexed"] == summary["pages_ocred"] == 0
    assert summary["pages_per_minute"] is None


def test_report_json_has_the_record_md_fields(tmp_path: Path) -> None:
    report = BatchReport(batch="20250421-101500-ab12", documents=_documents(), seconds=30.04)
    path = tmp_path / "report.json"
    report.write(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) >= {"batch", "documents", "summary"}
    assert data["batch"] == "20250421-101500-ab12"
    assert len(data["documents"]) == 6
    for document in data["documents"]:
        assert set(document) >= DOCUMENT_FIELDS
        assert document["status"] in {"indexed", "duplicate", "quarantined"}
        assert isinstance(document["source"], str)
        assert isinstance(document["pages"], int)
        assert isinstance(document["needs_review"], bool)
        if document["status"] == "quarantined":
            assert document["reason"]
        else:
            assert document["reason"] is None
            assert document["id"] is not None
    assert data["documents"][0] == {
        "source": "batch/doc_0001.pdf", "status": "indexed", "id": SHA_A, "reason": None,
        "doc_type": "cccd", "pages": 3, "needs_review": False,
    }
    assert data["documents"][-1]["id"] is None  # quarantined before it could be stored
    assert data["summary"] == report.summary
    assert data["summary"]["seconds"] == 30.0


def test_report_keeps_vietnamese_readable(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    BatchReport("b", _documents(), seconds=1.0).write(path)
    raw = path.read_text(encoding="utf-8")
    assert "batch/hồ sơ/doc_0002.tif" in raw  # not \\u escapes: clerks open this file
    assert json.loads(raw)["documents"][1]["source"] == "batch/hồ sơ/doc_0002.tif"


def test_document_order_is_kept(tmp_path: Path) -> None:
    documents = _documents()
    data = BatchReport("b", documents, seconds=1.0).to_dict()
    assert [d["source"] for d in data["documents"]] == [d.source for d in documents]
