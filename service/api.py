"""The JSON API: request and response shapes around `service.operations`.

A record that exists but may not be read answers 404, exactly like one that does not
exist, so ids cannot be probed; the attempt is still logged as denied.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from search.base import Filters
from search.folding import fold

from service import operations, records, reuse
from service.context import CallerDep, CitizenDep, OfficerDep, ServicesDep, client_address
from service.operations import Download, FileName
from service.searching import SearchRequest

RECORD_REF = rf"^{records.RECORD_REF}$"
FULL_ID = r"^[0-9a-f]{64}$"
FIELD_KEY = r"^[a-z0-9_]{1,40}$"
CHUNK = 1024 * 1024
MAX_OFFSET = 10_000
RecordRef = Annotated[str, Path(pattern=RECORD_REF, description="Record id or a unique prefix of it (4+ hex digits)")]
DossierCode = Annotated[str, Path(max_length=64, description="Dossier code, <unit>-<YYMMDD>-<NNNN>")]
_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {"application/octet-stream": {}}}}

router = APIRouter(prefix="/api")


class Me(BaseModel):
    subject: str
    role: str
    personal_number: str | None
    agency: str | None
    name: str | None


class Hit(BaseModel):
    id: str
    score: float
    snippet: str = Field(description="Matched words between « and »")
    doc_type: str
    owner_id: str | None
    dossier_code: str | None
    filename: str
    ingested_at: str
    pages: int


class SearchOut(BaseModel):
    total: int
    limit: int
    offset: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = Field(description="Counts per doc_type of what the other filters match")


class ValidityOut(BaseModel):
    expired: bool
    valid_until: dt.date | None
    reason: str | None


class RecordOut(BaseModel):
    record: dict[str, Any] = Field(description="The record (shared/specs/record.md), with `version` once corrected")
    version: int
    validity: ValidityOut


class VersionOut(BaseModel):
    version: int
    revision: dict[str, Any] | None


class DownloadLinks(BaseModel):
    original: str
    searchable_pdf: str
    expires_at: dt.datetime


class FieldReview(BaseModel):
    action: Literal["confirm", "correct"]
    value: str | None = Field(default=None, max_length=1000, description="The corrected value (action correct)")
    version: int = Field(ge=1, description="The version the officer reviewed; another current version answers 409")


class AuditEvent(BaseModel):
    id: str
    at: str
    action: str
    outcome: str
    subject: str
    role: str
    agency: str | None
    record_id: str | None
    client: str | None
    detail: dict[str, Any]


class Paper(BaseModel):
    id: str
    doc_type: str
    filename: str
    ingested_at: str
    dossier_code: str | None
    pages: int
    validity: ValidityOut


class PapersOut(BaseModel):
    total: int
    papers: list[Paper]


class ReuseIn(BaseModel):
    record_id: str = Field(pattern=RECORD_REF)
    dossier_code: str = Field(max_length=64)
    procedure_code: str = Field(max_length=20)
    component_name: str = Field(max_length=reuse.MAX_COMPONENT_NAME)


class LinkOut(BaseModel):
    dossier_code: str
    procedure_code: str
    component_name: str
    record_id: str
    sha256: str
    record_version: int
    doc_type: str | None
    owner_id: str | None
    agency: str | None
    state: str
    state_label: str
    valid_until: dt.date | None
    linked_by: dict[str, Any]
    linked_at: str


class DossierOut(BaseModel):
    dossier_code: str
    links: list[LinkOut]


class FixityOut(BaseModel):
    record_id: str
    status: Literal["ok", "changed", "missing"]
    expected_sha256: str
    found_sha256: str | None


class VerifyOut(BaseModel):
    dossier_code: str
    results: list[FixityOut]


def validity_out(validity: reuse.Validity) -> ValidityOut:
    return ValidityOut(expired=validity.expired, valid_until=validity.valid_until, reason=validity.reason)


def record_out(record: dict[str, Any]) -> RecordOut:
    return RecordOut(record=record, version=records.version_of(record),
                     validity=validity_out(reuse.validity(record, dt.date.today())))


def content_disposition(filename: str) -> str:
    """An ASCII name for old clients, and the real (Vietnamese) name for the others (RFC 6266)."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", fold(filename)) or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def streamed(opened: Download) -> StreamingResponse:
    """Chunks straight from the store, so an original of any size passes in bounded memory."""

    def chunks() -> Iterator[bytes]:
        with opened.handle:
            while chunk := opened.handle.read(CHUNK):
                yield chunk

    headers = {"Content-Disposition": content_disposition(opened.filename), "Content-Length": str(opened.size),
               "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
    return StreamingResponse(chunks(), media_type=opened.media_type, headers=headers)


@router.get("/me", response_model=Me, tags=["identity"])
def me(caller: CallerDep) -> Me:
    """Who the token says the caller is."""
    who = caller.principal
    return Me(subject=who.subject, role=who.role, personal_number=who.personal_number, agency=who.agency,
              name=who.name)


@router.get("/search", response_model=SearchOut, tags=["search"])
def search(
    services: ServicesDep,
    caller: CallerDep,
    q: Annotated[str, Query(max_length=500, description="Words to find; diacritics optional")] = "",
    doc_type: Annotated[str | None, Query(max_length=40)] = None,
    owner_id: Annotated[str | None, Query(max_length=20, description="Citizens: only their own (else 403)")] = None,
    dossier_code: Annotated[str | None, Query(max_length=64)] = None,
    procedure_code: Annotated[str | None, Query(max_length=20)] = None,
    date_from: Annotated[dt.date | None, Query(description="Ingested on or after")] = None,
    date_to: Annotated[dt.date | None, Query(description="Ingested on or before")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> SearchOut:
    """Full-text search over the records the caller may read: a citizen's own, an officer's agency's, or all."""
    wanted = SearchRequest(q, Filters(owner_id=owner_id or None, doc_type=doc_type or None,
                                      dossier_code=dossier_code or None, procedure_code=procedure_code or None,
                                      date_from=date_from, date_to=date_to), limit, offset)
    found = operations.search(services, caller, wanted)
    return SearchOut(total=found.total, limit=limit, offset=offset,
                     hits=[Hit(**hit.__dict__) for hit in found.hits], facets={"doc_type": found.doc_type_counts})


@router.get("/records/{ref}", response_model=RecordOut, tags=["records"])
def get_record(ref: RecordRef, services: ServicesDep, caller: CallerDep) -> RecordOut:
    """The current version of a record, with whether it is still valid for reuse."""
    return record_out(operations.view(services, caller, ref))


@router.get("/records/{ref}/versions", response_model=list[VersionOut], tags=["records"])
def get_versions(ref: RecordRef, services: ServicesDep, caller: CallerDep) -> list[VersionOut]:
    """Every version of a record, oldest first, with who made each correction and when."""
    return [VersionOut(**item) for item in operations.versions(services, caller, ref)]


@router.get("/records/{ref}/versions/{number}", response_model=RecordOut, tags=["records"])
def get_version(ref: RecordRef, number: Annotated[int, Path(ge=1, le=1_000_000)], services: ServicesDep,
                caller: CallerDep) -> RecordOut:
    """One version of a record as it was; earlier versions stay readable after a correction."""
    return record_out(operations.view(services, caller, ref, version=number))


@router.get("/records/{ref}/pages/{number}", tags=["records"], response_class=Response,
            responses={200: {"content": {"image/png": {}}, "description": "The page, drawn at low dpi"}})
def get_page_image(ref: RecordRef, number: Annotated[int, Path(ge=1, le=10_000)], services: ServicesDep,
                   caller: CallerDep) -> Response:
    """A page of the searchable PDF as a small PNG."""
    image = operations.page_image(services, caller, ref, number)
    return Response(image, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/records/{ref}/original", tags=["downloads"], response_class=StreamingResponse,
            responses=_FILE_RESPONSES)
def download_original(ref: RecordRef, services: ServicesDep, caller: CallerDep) -> StreamingResponse:
    """The original file exactly as scanned, streamed from the store."""
    return streamed(operations.download(services, caller, ref, "original"))


@router.get("/records/{ref}/searchable.pdf", tags=["downloads"], response_class=StreamingResponse,
            responses=_FILE_RESPONSES)
def download_searchable_pdf(ref: RecordRef, services: ServicesDep, caller: CallerDep) -> StreamingResponse:
    """The searchable PDF (straightened pages with their text layer), streamed from the store."""
    return streamed(operations.download(services, caller, ref, "searchable.pdf"))


@router.post("/records/{ref}/links", response_model=DownloadLinks, tags=["downloads"])
def create_download_links(ref: RecordRef, request: Request, services: ServicesDep, caller: CallerDep) -> DownloadLinks:
    """Short-lived URLs to the record's files that work without a token, for this caller and this record only."""
    record_id, tokens, expires = operations.sign_downloads(services, caller, ref)
    urls = {name: str(request.url_for("download_signed", record_id=record_id, name=name)
                      .include_query_params(token=token)) for name, token in tokens.items()}
    return DownloadLinks(original=urls["original"], searchable_pdf=urls["searchable.pdf"], expires_at=expires)


@router.get("/files/{record_id}/{name}", tags=["downloads"], response_class=StreamingResponse,
            responses=_FILE_RESPONSES)
def download_signed(
    record_id: Annotated[str, Path(pattern=FULL_ID)],
    name: FileName,
    token: Annotated[str, Query(max_length=4096)],
    request: Request,
    services: ServicesDep,
) -> StreamingResponse:
    """Redeem a link from `POST /api/records/{ref}/links` (no token needed); the access rule is applied again."""
    return streamed(operations.redeem(services, client_address(request), token, record_id, name))


@router.post("/records/{ref}/fields/{field}", response_model=RecordOut, tags=["review"])
def review_field(ref: RecordRef, field: Annotated[str, Path(pattern=FIELD_KEY)], body: FieldReview,
                 services: ServicesDep, caller: OfficerDep) -> RecordOut:
    """Confirm or correct one extracted field; the result is a new version, the earlier one stays readable."""
    return record_out(operations.review(services, caller, ref, field, action=body.action, value=body.value,
                                        version=body.version))


@router.get("/records/{ref}/audit", response_model=list[AuditEvent], tags=["audit"])
def record_history(ref: RecordRef, services: ServicesDep, caller: OfficerDep) -> list[AuditEvent]:
    """Who searched for, viewed, downloaded, reused or corrected this record, oldest first. Read-only."""
    return [AuditEvent(**event) for event in operations.history(services, caller, ref)]


@router.get("/my-papers", response_model=PapersOut, tags=["citizens"])
def my_papers(
    services: ServicesDep,
    caller: CitizenDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> PapersOut:
    """The caller's own papers, newest first, each with whether it can still be reused."""
    total, papers = operations.my_papers(services, caller, limit, offset)
    return PapersOut(total=total, papers=[
        Paper(id=hit.id, doc_type=hit.doc_type, filename=hit.filename, ingested_at=hit.ingested_at,
              dossier_code=hit.dossier_code, pages=hit.pages, validity=validity_out(validity))
        for hit, validity in papers
    ])


@router.post("/reuse", response_model=LinkOut, status_code=status.HTTP_201_CREATED, tags=["citizens"])
def reuse_paper(body: ReuseIn, services: ServicesDep, caller: CitizenDep) -> LinkOut:
    """Put one of the caller's stored papers into a new dossier as a link, in state "tái sử dụng từ kho"."""
    return LinkOut(**operations.reuse_paper(services, caller, body.record_id, dossier_code=body.dossier_code,
                                            procedure_code=body.procedure_code,
                                            component_name=body.component_name))


@router.get("/dossiers/{code}", response_model=DossierOut, tags=["dossiers"])
def get_dossier(code: DossierCode, services: ServicesDep, caller: CallerDep) -> DossierOut:
    """The stored papers reused in a dossier: all for its officers (of their agency), a citizen's own for a citizen."""
    links = operations.dossier(services, caller, code)
    return DossierOut(dossier_code=code, links=[LinkOut(**link) for link in links])


@router.post("/dossiers/{code}/verify", response_model=VerifyOut, tags=["dossiers"])
def verify_dossier(code: DossierCode, services: ServicesDep, caller: OfficerDep) -> VerifyOut:
    """Re-hash each reused paper's stored original and compare it with the SHA-256 it was reused with."""
    return VerifyOut(dossier_code=code, results=[
        FixityOut(record_id=link["record_id"], status=result.status, expected_sha256=link["sha256"],
                  found_sha256=result.found_sha256)
        for link, result in operations.verify_dossier(services, caller, code)
    ])
