"""The JSON API: one handler per operation, each resolving the record through the access rule and logging it.

A record that exists but may not be read answers 404, exactly like one that does not
exist, so ids cannot be probed; the attempt is still logged as denied.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from pathlib import PurePath
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from search.folding import fold
from storage.base import ObjectNotFoundError, ObjectStore

from service import audit, records, reuse
from service.access import can_read
from service.auth import AuthError, Principal
from service.context import CitizenDep, OfficerDep, PrincipalDep, Services, ServicesDep, client_address
from service.searching import ForbiddenFilterError, Found, SearchRequest, search_records
from service.thumbnails import PageNotFoundError, RenderError

RECORD_REF = r"^[0-9a-fA-F]{4,64}$"
FULL_ID = r"^[0-9a-f]{64}$"
FIELD_KEY = r"^[a-z0-9_]{1,40}$"
CHUNK = 1024 * 1024
MAX_OFFSET = 10_000
FileName = Literal["original", "searchable.pdf"]
RecordRef = Annotated[str, Path(pattern=RECORD_REF, description="Record id or a unique prefix of it (4+ hex digits)")]
DossierCode = Annotated[str, Path(max_length=64, description="Dossier code, <unit>-<YYMMDD>-<NNNN>")]

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
    total_exact: bool = Field(description="False when the total is a lower bound (see service.searching)")
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


def readable_record(services: Services, principal: Principal, ref: str, request: Request, action: str) -> dict[str, Any]:
    """The current record `ref` names, or 404 (logged as denied when it exists but is someone else's)."""
    try:
        return records.resolve(services.store, services.index, principal, ref)
    except records.AmbiguousRecordError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error
    except records.RecordNotFoundError as error:
        if error.denied:
            services.audit.append(action, principal=principal, client=client_address(request),
                                  record_id=error.denied, outcome=audit.DENIED)
        raise HTTPException(status.HTTP_404_NOT_FOUND, "record not found") from error


def logged_search(services: Services, principal: Principal, wanted: SearchRequest, client: str | None) -> Found:
    """Search and log it, with the ids shown, so a record's owner can learn who saw it in a result list."""
    filters = {name: str(value) for name, value in (
        ("doc_type", wanted.doc_type), ("owner_id", wanted.owner_id), ("dossier_code", wanted.dossier_code),
        ("procedure_code", wanted.procedure_code), ("date_from", wanted.date_from), ("date_to", wanted.date_to),
    ) if value}
    try:
        found = search_records(services.index, services.facts, principal, wanted)
    except ForbiddenFilterError:
        services.audit.append(audit.SEARCH, principal=principal, client=client, outcome=audit.DENIED,
                              detail={"query": wanted.text, "filters": filters})
        raise
    services.audit.append(audit.SEARCH, principal=principal, client=client,
                          detail={"query": wanted.text, "filters": filters, "total": found.total,
                                  "ids": [hit.id for hit in found.hits]})
    return found


def citizen_papers(services: Services, principal: Principal, limit: int, offset: int) -> tuple[int, list[Paper]]:
    """A citizen's own papers, newest first, each with whether it can still be reused."""
    found = search_records(services.index, services.facts, principal, SearchRequest(limit=limit, offset=offset))
    papers = []
    for hit in found.hits:
        try:
            record = records.load_current(services.store, hit.id)
        except ObjectNotFoundError:
            continue
        if can_read(principal, record):
            papers.append(Paper(id=hit.id, doc_type=hit.doc_type, filename=hit.filename, ingested_at=hit.ingested_at,
                                dossier_code=hit.dossier_code, pages=hit.pages,
                                validity=ValidityOut(**reuse.validity(record, dt.date.today()).to_dict())))
    return found.total, papers


def record_out(record: dict[str, Any]) -> RecordOut:
    validity = reuse.validity(record, dt.date.today())
    return RecordOut(record=record, version=records.version_of(record), validity=ValidityOut(**validity.to_dict()))


def file_of(record: dict[str, Any], name: FileName) -> tuple[str, str, str]:
    """Object key, media type and download name of one of a record's files."""
    filename = record["source"]["filename"]
    if name == "original":
        return record["storage"]["original"], record["source"]["media_type"], filename
    return record["storage"]["searchable_pdf"], "application/pdf", f"{PurePath(filename).stem}.searchable.pdf"


def content_disposition(filename: str) -> str:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", fold(unicodedata.normalize("NFC", filename))) or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def stream_object(store: ObjectStore, key: str, media_type: str, filename: str) -> StreamingResponse:
    try:
        size = store.stat(key).size
        handle = store.open(key)
    except ObjectNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "file not stored") from error

    def chunks() -> Iterator[bytes]:
        with handle:
            while chunk := handle.read(CHUNK):
                yield chunk

    headers = {"Content-Disposition": content_disposition(filename), "Content-Length": str(size),
               "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
    return StreamingResponse(chunks(), media_type=media_type, headers=headers)


@router.get("/me", response_model=Me, tags=["identity"])
def me(principal: PrincipalDep) -> Me:
    """Who the token says the caller is."""
    return Me(subject=principal.subject, role=principal.role, personal_number=principal.personal_number,
              agency=principal.agency, name=principal.name)


@router.get("/search", response_model=SearchOut, tags=["search"])
def search(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    q: Annotated[str, Query(max_length=500, description="Words to find; diacritics optional")] = "",
    doc_type: Annotated[str | None, Query(max_length=40)] = None,
    owner_id: Annotated[str | None, Query(max_length=20, description="Citizens: only their own")] = None,
    dossier_code: Annotated[str | None, Query(max_length=64)] = None,
    procedure_code: Annotated[str | None, Query(max_length=20)] = None,
    date_from: Annotated[dt.date | None, Query(description="Ingested on or after")] = None,
    date_to: Annotated[dt.date | None, Query(description="Ingested on or before")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> SearchOut:
    """Full-text search over the records the caller may read: a citizen's own, an officer's agency's or all."""
    wanted = SearchRequest(q, doc_type or None, owner_id or None, dossier_code or None, procedure_code or None,
                           date_from, date_to, limit, offset)
    try:
        found = logged_search(services, principal, wanted, client_address(request))
    except ForbiddenFilterError as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, str(error)) from error
    return SearchOut(total=found.total, total_exact=found.total_exact, limit=limit, offset=offset,
                     hits=[Hit(**hit.__dict__) for hit in found.hits], facets={"doc_type": found.doc_type_counts})


@router.get("/records/{ref}", response_model=RecordOut, tags=["records"])
def get_record(ref: RecordRef, request: Request, services: ServicesDep, principal: PrincipalDep) -> RecordOut:
    """The current version of a record, with whether it is still valid for reuse."""
    record = readable_record(services, principal, ref, request, audit.VIEW)
    services.audit.append(audit.VIEW, principal=principal, client=client_address(request), record_id=record["id"],
                          detail={"version": records.version_of(record)})
    return record_out(record)


@router.get("/records/{ref}/versions", response_model=list[VersionOut], tags=["records"])
def get_versions(ref: RecordRef, request: Request, services: ServicesDep, principal: PrincipalDep) -> list[VersionOut]:
    """Every version of a record, oldest first, with who made each correction and when."""
    record = readable_record(services, principal, ref, request, audit.VIEW)
    return [VersionOut(**item) for item in records.list_versions(services.store, record["id"])]


@router.get("/records/{ref}/versions/{number}", response_model=RecordOut, tags=["records"])
def get_version(
    ref: RecordRef, number: Annotated[int, Path(ge=1)], request: Request, services: ServicesDep,
    principal: PrincipalDep,
) -> RecordOut:
    """One version of a record as it was; earlier versions stay readable after a correction."""
    record = readable_record(services, principal, ref, request, audit.VIEW)
    try:
        version = records.load_version(services.store, record["id"], number)
    except records.RecordNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"record has no version {number}") from error
    services.audit.append(audit.VIEW, principal=principal, client=client_address(request), record_id=record["id"],
                          detail={"version": number})
    return record_out(version)


@router.get("/records/{ref}/pages/{number}", tags=["records"], response_class=Response,
            responses={200: {"content": {"image/png": {}}, "description": "The page, drawn at low dpi"}})
def get_page_image(
    ref: RecordRef, number: Annotated[int, Path(ge=1, le=10_000)], request: Request, services: ServicesDep,
    principal: PrincipalDep,
) -> Response:
    """A page of the searchable PDF as a small PNG."""
    record = readable_record(services, principal, ref, request, audit.VIEW)
    try:
        image = services.thumbnails.page_png(record, number)
    except PageNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from error
    except ObjectNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "the searchable PDF is not stored") from error
    except RenderError as error:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(error)) from error
    services.audit.append(audit.VIEW, principal=principal, client=client_address(request), record_id=record["id"],
                          detail={"page": number})
    return Response(image, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


def _download(ref: str, name: FileName, request: Request, services: Services, principal: Principal) -> StreamingResponse:
    record = readable_record(services, principal, ref, request, audit.DOWNLOAD)
    key, media_type, filename = file_of(record, name)
    response = stream_object(services.store, key, media_type, filename)
    services.audit.append(audit.DOWNLOAD, principal=principal, client=client_address(request),
                          record_id=record["id"], detail={"file": name})
    return response


_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {"application/octet-stream": {}}}}


@router.get("/records/{ref}/original", tags=["downloads"], response_class=StreamingResponse, responses=_FILE_RESPONSES)
def download_original(ref: RecordRef, request: Request, services: ServicesDep, principal: PrincipalDep) -> StreamingResponse:
    """The original file exactly as scanned, streamed from the store."""
    return _download(ref, "original", request, services, principal)


@router.get("/records/{ref}/searchable.pdf", tags=["downloads"], response_class=StreamingResponse,
            responses=_FILE_RESPONSES)
def download_searchable_pdf(
    ref: RecordRef, request: Request, services: ServicesDep, principal: PrincipalDep
) -> StreamingResponse:
    """The searchable PDF (straightened pages with their text layer), streamed from the store."""
    return _download(ref, "searchable.pdf", request, services, principal)


@router.post("/records/{ref}/links", response_model=DownloadLinks, tags=["downloads"])
def create_download_links(ref: RecordRef, request: Request, services: ServicesDep, principal: PrincipalDep) -> DownloadLinks:
    """Short-lived URLs to the record's files that work without a token, for this caller and this record only."""
    record = readable_record(services, principal, ref, request, audit.DOWNLOAD)
    urls = {}
    for name in ("original", "searchable.pdf"):
        token, expires = services.signer.sign(principal, record["id"], name)
        urls[name] = str(request.url_for("download_signed", record_id=record["id"], name=name).include_query_params(
            token=token))
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
    """Redeem a link from `POST /api/records/{ref}/links`; the access rule is applied again."""
    try:
        grant = services.signer.check(token, record_id, name)
    except AuthError as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, str(error)) from error
    try:
        record = records.load_current(services.store, record_id)
    except ObjectNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "record not found") from error
    if not can_read(grant.principal, record):
        services.audit.append(audit.DOWNLOAD, principal=grant.principal, client=client_address(request),
                              record_id=record_id, outcome=audit.DENIED, detail={"file": name, "via": "signed link"})
        raise HTTPException(status.HTTP_404_NOT_FOUND, "record not found")
    key, media_type, filename = file_of(record, name)
    response = stream_object(services.store, key, media_type, filename)
    services.audit.append(audit.DOWNLOAD, principal=grant.principal, client=client_address(request),
                          record_id=record_id, detail={"file": name, "via": "signed link"})
    return response


@router.post("/records/{ref}/fields/{field}", response_model=RecordOut, tags=["review"])
def review_field(
    ref: RecordRef,
    field: Annotated[str, Path(pattern=FIELD_KEY)],
    review: FieldReview,
    request: Request,
    services: ServicesDep,
    principal: OfficerDep,
) -> RecordOut:
    """Confirm or correct one extracted field; the result is a new version, the earlier one stays readable."""
    record = readable_record(services, principal, ref, request, audit.CORRECTION)
    try:
        revised = records.review_field(services.store, services.index, record["id"], field, action=review.action,
                                       value=review.value, reviewer=principal, expected_version=review.version)
    except records.VersionConflictError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error
    except records.FieldRejectedError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from error
    services.audit.append(audit.CORRECTION, principal=principal, client=client_address(request),
                          record_id=record["id"], detail=revised["revision"])
    return record_out(revised)


@router.get("/records/{ref}/audit", response_model=list[AuditEvent], tags=["audit"])
def record_history(ref: RecordRef, request: Request, services: ServicesDep, principal: OfficerDep) -> list[AuditEvent]:
    """Who searched for, viewed, downloaded, reused or corrected this record, oldest first. Read-only."""
    record = readable_record(services, principal, ref, request, audit.VIEW)
    return [AuditEvent(**event) for event in services.audit.history(record["id"])]


@router.get("/my-papers", response_model=PapersOut, tags=["citizens"])
def my_papers(
    services: ServicesDep,
    principal: CitizenDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> PapersOut:
    """The caller's own papers, newest first, each with whether it can still be reused."""
    total, papers = citizen_papers(services, principal, limit, offset)
    return PapersOut(total=total, papers=papers)


@router.post("/reuse", response_model=LinkOut, status_code=status.HTTP_201_CREATED, tags=["citizens"])
def reuse_paper(body: ReuseIn, request: Request, services: ServicesDep, principal: CitizenDep) -> LinkOut:
    """Put one of the caller's stored papers into a new dossier as a link, in state "tái sử dụng từ kho"."""
    record = readable_record(services, principal, body.record_id, request, audit.REUSE)
    try:
        link = reuse.link_paper(services.store, record, dossier_code=body.dossier_code,
                                procedure_code=body.procedure_code, component_name=body.component_name,
                                principal=principal)
    except reuse.ReuseRefusedError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from error
    except reuse.AlreadyLinkedError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error
    services.audit.append(audit.REUSE, principal=principal, client=client_address(request), record_id=record["id"],
                          detail={"dossier_code": link["dossier_code"], "procedure_code": link["procedure_code"],
                                  "component_name": link["component_name"]})
    return LinkOut(**link)


def visible_links(services: Services, principal: Principal, code: str) -> list[dict[str, Any]]:
    """The dossier's reused papers the caller may read; 404 when there are none, so codes cannot be probed."""
    try:
        links = reuse.dossier_links(services.store, code)
    except reuse.ReuseRefusedError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from error
    readable = [link for link in links if can_read(principal, link)]
    if not readable:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no reused papers in this dossier")
    return readable


@router.get("/dossiers/{code}", response_model=DossierOut, tags=["dossiers"])
def get_dossier(code: DossierCode, request: Request, services: ServicesDep, principal: PrincipalDep) -> DossierOut:
    """The stored papers reused in a dossier: all of them for its officers, a citizen's own for a citizen."""
    links = visible_links(services, principal, code)
    services.audit.append(audit.DOSSIER, principal=principal, client=client_address(request),
                          detail={"dossier_code": code, "records": [link["record_id"] for link in links]})
    return DossierOut(dossier_code=code, links=[LinkOut(**link) for link in links])


@router.post("/dossiers/{code}/verify", response_model=VerifyOut, tags=["dossiers"])
def verify_dossier(code: DossierCode, request: Request, services: ServicesDep, principal: OfficerDep) -> VerifyOut:
    """Re-hash each reused paper's stored original and compare it with the SHA-256 it was reused with."""
    results = []
    for link in visible_links(services, principal, code):
        result = reuse.verify_link(services.store, link)
        services.audit.append(audit.VERIFY, principal=principal, client=client_address(request),
                              record_id=link["record_id"], detail={"dossier_code": code, "status": result.status})
        results.append(FixityOut(record_id=link["record_id"], status=result.status, expected_sha256=link["sha256"],
                                 found_sha256=result.found_sha256))
    return VerifyOut(dossier_code=code, results=results)
