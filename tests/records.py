"""Records shaped as in specs/record.md, for the search tests of every backend."""

from __future__ import annotations

from typing import Any

from search.base import Filters, Index

FILLER = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    "Giấy tiếp nhận hồ sơ và hẹn trả kết quả. Bộ phận tiếp nhận và trả kết quả đã nhận hồ sơ của công dân."
)


def make_record(
    record_id: str,
    *pages: str,
    doc_type: str = "application_form",
    owner_id: str | None = None,
    dossier_code: str | None = None,
    procedure_code: str | None = None,
    agency: str | None = None,
    filename: str | None = None,
    fields: dict[str, Any] | None = None,
    ingested_at: str = "2024-03-12T09:30:00+07:00",
) -> dict[str, Any]:
    """A record shaped as in specs/record.md."""
    record = {
        "id": record_id,
        "sha256": record_id.ljust(64, "0"),
        "source": {
            "filename": filename or f"{record_id}.pdf",
            "media_type": "application/pdf",
            "size": 1234,
            "batch": "test",
        },
        "doc_type": doc_type,
        "owner_id": owner_id,
        "dossier_code": dossier_code,
        "agency": agency,
        "pages": [
            {"number": number, "text": text, "source": "ocr", "confidence": 0.9, "rotation": 0, "skew_degrees": 0.0}
            for number, text in enumerate(pages or (FILLER,), start=1)
        ],
        "fields": {
            key: {"value": value, "confidence": 0.9, "page": 1, "valid": True, "issues": []}
            for key, value in (fields or {}).items()
        },
        "needs_review": False,
        "storage": {"original": f"originals/{record_id}", "searchable_pdf": f"pdf/{record_id}"},
        "ingested_at": ingested_at,
    }
    if procedure_code is not None:
        record["procedure_code"] = procedure_code
    return record


def fillers(count: int) -> list[dict[str, Any]]:
    """Records that match none of the names the tests search for, so that
    relevance scoring sees a collection rather than two documents."""
    return [make_record(f"filler{number:03d}", f"{FILLER} Người nộp: Phạm Thị Lan {number}") for number in range(count)]


def ids(index: Index, query: str, **filters: Any) -> list[str]:
    return [hit.id for hit in index.search(query, Filters(**filters), limit=100).hits]
