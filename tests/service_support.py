"""A small world for the service tests: two citizens' papers in two agencies, in a real store and index.

Records are written the way ingest writes them (original, searchable PDF, record JSON
create-only, index upsert), without OCR, so the HTTP tests run in a fraction of a
second; tests/test_service_ingested.py covers really ingested files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image

from flows.settings import Settings
from pipeline import keys
from pipeline.ingest import encode_record
from service.app import create_app
from service.auth import LocalIssuer
from service.services import Services, local_issuer

PERSON_A = "079203001234"  # Nguyễn Văn An
PERSON_B = "001185012345"  # Trần Thị Bình
AGENCY_X = "H79"
AGENCY_Y = "H29"
A_DOSSIER = "000.00.31.H79-250301-0001"
B_DOSSIER = "000.00.12.H29-250302-0007"
TODAY = dt.date.today()


def page_pdf(pages: int = 1) -> bytes:
    """A real PDF of blank A4-ish pages, so the thumbnail renderer (PDFium) can draw it."""
    images = [Image.new("RGB", (595, 842), "white") for _ in range(pages)]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=72)
    return out.getvalue()


def field_value(value: str | None, *, valid: bool = True, issues: list[str] | None = None) -> dict[str, Any]:
    return {"value": value, "confidence": 0.92, "page": 1, "valid": valid, "issues": issues or []}


def add_paper(
    services: Services,
    name: str,
    *,
    owner_id: str | None,
    agency: str | None,
    doc_type: str,
    text: str,
    fields: dict[str, dict[str, Any]] | None = None,
    dossier_code: str | None = None,
    procedure_code: str | None = None,
    pages: int = 1,
) -> dict[str, Any]:
    """Store and index a paper as ingest would; `name` keeps the bytes (and so the id) distinct."""
    original = f"%PDF-1.4 original scan of {name}\n".encode() * 40
    sha = hashlib.sha256(original).hexdigest()
    fields = fields or {}
    record = {
        "id": sha,
        "sha256": sha,
        "schema_version": 1,
        "source": {"filename": f"{name}.pdf", "media_type": "application/pdf", "size": len(original), "batch": "t"},
        "doc_type": doc_type,
        "owner_id": owner_id,
        "dossier_code": dossier_code,
        "procedure_code": procedure_code,
        "agency": agency,
        "pages": [{"number": n, "text": text if n == 1 else f"Trang {n}", "source": "ocr", "confidence": 0.9,
                   "rotation": 0, "skew_degrees": 0.0} for n in range(1, pages + 1)],
        "fields": fields,
        "qr_codes": [],
        "needs_review": any(not item["valid"] for item in fields.values()),
        "issues": [],
        "storage": {"original": keys.original(sha), "searchable_pdf": keys.searchable_pdf(sha),
                    "words": keys.words(sha)},
        "ingested_at": "2025-03-12T09:30:00+07:00",
    }
    store = services.store
    store.put_bytes(keys.original(sha), original, content_type="application/pdf", sha256=sha, overwrite=False)
    store.put_bytes(keys.searchable_pdf(sha), page_pdf(pages), content_type="application/pdf")
    store.put_bytes(keys.record(sha), encode_record(record), content_type="application/json", overwrite=False)
    services.index.upsert(record)
    return record


def add_people(services: Services) -> dict[str, dict[str, Any]]:
    """Citizen A's papers (agency X) and citizen B's (mostly agency Y, one in X)."""
    later = (TODAY + dt.timedelta(days=5 * 365)).isoformat()
    return {
        "a_card": add_paper(
            services, "a_card", owner_id=PERSON_A, agency=AGENCY_X, doc_type="cccd",
            text="CĂN CƯỚC CÔNG DÂN\nSố định danh cá nhân: 079203001234\nHọ và tên: NGUYỄN VĂN AN",
            fields={"id_number": field_value(PERSON_A), "full_name": field_value("Nguyễn Văn An"),
                    "date_of_expiry": field_value(later)}),
        "a_residence": add_paper(
            services, "a_residence", owner_id=PERSON_A, agency=AGENCY_X, doc_type="residence_confirmation",
            text="XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ\nHọ và tên: Nguyễn Văn An",
            fields={"full_name": field_value("Nguyễn Văn An"),
                    "date_of_issue": field_value((TODAY - dt.timedelta(days=400)).isoformat())}),
        "a_receipt": add_paper(
            services, "a_receipt", owner_id=PERSON_A, agency=AGENCY_X, doc_type="dossier_receipt", pages=2,
            text="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ\nHọ và tên: Nguyễn Văn An",
            dossier_code=A_DOSSIER, procedure_code="1.004884",
            fields={"dossier_code": field_value(A_DOSSIER), "procedure_code": field_value("1.004884"),
                    "date_received": field_value("HỒ SƠ VÀ", valid=False, issues=["not a date"])}),
        "b_card": add_paper(
            services, "b_card", owner_id=PERSON_B, agency=AGENCY_Y, doc_type="cccd",
            text="CĂN CƯỚC CÔNG DÂN\nSố định danh cá nhân: 001185012345\nHọ và tên: TRẦN THỊ BÌNH",
            fields={"id_number": field_value(PERSON_B), "full_name": field_value("Trần Thị Bình"),
                    "date_of_expiry": field_value((TODAY - dt.timedelta(days=1)).isoformat())}),
        "b_birth": add_paper(
            services, "b_birth", owner_id=PERSON_B, agency=AGENCY_Y, doc_type="birth_certificate",
            text="GIẤY KHAI SINH\nHọ và tên: Trần Thị Bình", dossier_code=B_DOSSIER, procedure_code="1.001193",
            fields={"full_name": field_value("Trần Thị Bình")}),
        "b_form": add_paper(
            services, "b_form", owner_id=PERSON_B, agency=AGENCY_X, doc_type="application_form",
            text="TỜ KHAI\nNgười khai: Trần Thị Bình", procedure_code="1.001193",
            fields={"full_name": field_value("Trần Thị Bình")}),
    }


@dataclass
class World:
    settings: Settings
    client: TestClient
    services: Services
    papers: dict[str, dict[str, Any]]
    issuer: LocalIssuer
    tokens: dict[str, str] = field(default_factory=dict)

    def id(self, paper: str) -> str:
        return self.papers[paper]["id"]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def get(self, who: str, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, headers=self.auth(who), **kwargs)

    def post(self, who: str, path: str, **kwargs: Any) -> Any:
        return self.client.post(path, headers=self.auth(who), **kwargs)


def build_world(home: Path, issuer_key: bytes, **settings: Any) -> World:
    """`issuer_key` is a PEM made once per session: RSA key generation is the slow part of starting."""
    (home / "issuer").mkdir(parents=True, exist_ok=True)
    (home / "issuer" / "private.pem").write_bytes(issuer_key)
    config = Settings(home=home, **settings)
    app = create_app(config)
    services: Services = app.state.services
    issuer = local_issuer(config)
    world = World(config, TestClient(app), services, add_people(services), issuer)
    world.tokens = {
        "a": issuer.mint(subject=PERSON_A, role="citizen", personal_number=PERSON_A, name="Nguyễn Văn An"),
        "b": issuer.mint(subject=PERSON_B, role="citizen", personal_number=PERSON_B, name="Trần Thị Bình"),
        "officer": issuer.mint(subject="can-bo-1", role="officer", name="Lê Văn Cán"),
        "officer_x": issuer.mint(subject="can-bo-x", role="officer", agency=AGENCY_X, name="Phạm Thị Xuân"),
        "officer_y": issuer.mint(subject="can-bo-y", role="officer", agency=AGENCY_Y, name="Đỗ Văn Yên"),
    }
    return world
