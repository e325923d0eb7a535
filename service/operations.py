"""What a caller can do, each operation checked against the access rule and written to the audit log.

The JSON API and the web pages both call these, so a page can never do what the API
refuses, nor skip the log. Failures are the plain modules' own exceptions, which the
app turns into HTTP statuses in one place (`service.app`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, BinaryIO, Literal

from pipeline.verify import FixityResult
from search.base import SearchHit
from storage.base import ObjectNotFoundError

from service import audit, records, reuse
from service.access import ForbiddenFilterError, can_read
from service.auth import Principal
from service.searching import Found, SearchRequest, search_records
from service.services import Services

FileName = Literal["original", "searchable.pdf"]
FILE_NAMES: tuple[FileName, ...] = ("original", "searchable.pdf")


class NothingVisibleError(LookupError):
    """The dossier has no reused paper the caller may read (or none at all: the two look alike)."""


@dataclass(frozen=True)
class Caller:
    principal: Principal
    client: str | None  # network address, for the audit log


@dataclass(frozen=True)
class Download:
    handle: BinaryIO
    size: int
    media_type: str
    filename: str


def _log(services: Services, caller: Caller, action: str, record_id: str | None = None, *,
         outcome: str = audit.ALLOWED, **detail: Any) -> None:
    services.audit.append(action, principal=caller.principal, client=caller.client, record_id=record_id,
                          outcome=outcome, detail=detail)


def readable(services: Services, caller: Caller, ref: str, action: str) -> dict[str, Any]:
    """The current record `ref` names; an attempt on a stored record the caller may not read is logged as denied."""
    try:
        return records.resolve(services.store, services.index, caller.principal, ref)
    except records.RecordNotFoundError as error:
        if error.denied:
            _log(services, caller, action, error.denied, outcome=audit.DENIED)
        raise


def view(services: Services, caller: Caller, ref: str, version: int | None = None) -> dict[str, Any]:
    record = readable(services, caller, ref, audit.VIEW)
    if version is not None and version != records.version_of(record):
        record = records.load_version(services.store, record["id"], version)
    _log(services, caller, audit.VIEW, record["id"], version=records.version_of(record))
    return record


def versions(services: Services, caller: Caller, ref: str) -> list[dict[str, Any]]:
    record = readable(services, caller, ref, audit.VIEW)
    return records.list_versions(services.store, record["id"])


def page_image(services: Services, caller: Caller, ref: str, number: int) -> bytes:
    record = readable(services, caller, ref, audit.VIEW)
    image = services.thumbnails.page_png(record, number)
    _log(services, caller, audit.VIEW, record["id"], page=number)
    return image


def _open(services: Services, record: dict[str, Any], name: FileName) -> Download:
    filename = record["source"]["filename"]
    if name == "original":
        key, media_type = record["storage"]["original"], record["source"]["media_type"]
    else:
        key, media_type = record["storage"]["searchable_pdf"], "application/pdf"
        filename = f"{PurePath(filename).stem}.searchable.pdf"
    size = services.store.stat(key).size
    return Download(services.store.open(key), size, media_type, filename)


def download(services: Services, caller: Caller, ref: str, name: FileName) -> Download:
    record = readable(services, caller, ref, audit.DOWNLOAD)
    opened = _open(services, record, name)
    _log(services, caller, audit.DOWNLOAD, record["id"], file=name)
    return opened


def sign_downloads(services: Services, caller: Caller, ref: str) -> tuple[str, dict[FileName, str], dt.datetime]:
    """Record id, a signed token per file, and when they expire."""
    record = readable(services, caller, ref, audit.DOWNLOAD)
    signed = {name: services.signer.sign(caller.principal, record["id"], name) for name in FILE_NAMES}
    expires = min(expiry for _, expiry in signed.values())
    return record["id"], {name: token for name, (token, _) in signed.items()}, expires


def redeem(services: Services, client: str | None, token: str, record_id: str, name: FileName) -> Download:
    """A signed link: the grant must name this record and file, and its holder must still be allowed to read it."""
    grant = services.signer.check(token, record_id, name)
    caller = Caller(grant.principal, client)
    try:
        record = records.load_current(services.store, record_id)
    except ObjectNotFoundError:
        raise records.RecordNotFoundError() from None
    if not can_read(grant.principal, record):
        _log(services, caller, audit.DOWNLOAD, record_id, outcome=audit.DENIED, file=name, via="signed link")
        raise records.RecordNotFoundError()
    opened = _open(services, record, name)
    _log(services, caller, audit.DOWNLOAD, record_id, file=name, via="signed link")
    return opened


def search(services: Services, caller: Caller, wanted: SearchRequest) -> Found:
    """Logged with the ids shown, so it can be told who saw a record in a result list."""
    filters = {name: str(value) for name, value in dataclasses.asdict(wanted.filters).items() if value}
    try:
        found = search_records(services.index, caller.principal, wanted)
    except ForbiddenFilterError:
        _log(services, caller, audit.SEARCH, outcome=audit.DENIED, query=wanted.text, filters=filters)
        raise
    _log(services, caller, audit.SEARCH, query=wanted.text, filters=filters, total=found.total,
         ids=[hit.id for hit in found.hits])
    return found


def my_papers(
    services: Services, caller: Caller, limit: int, offset: int
) -> tuple[int, list[tuple[SearchHit, reuse.Validity]]]:
    """A citizen's own papers, newest first, each with whether it can still be reused."""
    found = search(services, caller, SearchRequest(limit=limit, offset=offset))
    today = dt.date.today()
    papers = []
    for hit in found.hits:
        try:
            record = records.load_current(services.store, hit.id)
        except ObjectNotFoundError:
            continue
        if can_read(caller.principal, record):
            papers.append((hit, reuse.validity(record, today)))
    return found.total, papers


def review(services: Services, caller: Caller, ref: str, field: str, *, action: records.Action, value: str | None,
           version: int) -> dict[str, Any]:
    record = readable(services, caller, ref, audit.CORRECTION)
    revised = records.review_field(services.store, services.index, record["id"], field, action=action, value=value,
                                   reviewer=caller.principal, expected_version=version)
    _log(services, caller, audit.CORRECTION, record["id"], revision=revised["revision"])
    return revised


def history(services: Services, caller: Caller, ref: str) -> list[dict[str, Any]]:
    record = readable(services, caller, ref, audit.VIEW)
    return services.audit.history(record["id"])


def reuse_paper(services: Services, caller: Caller, ref: str, *, dossier_code: str, procedure_code: str,
                component_name: str) -> dict[str, Any]:
    record = readable(services, caller, ref, audit.REUSE)
    link = reuse.link_paper(services.store, record, dossier_code=dossier_code, procedure_code=procedure_code,
                            component_name=component_name, principal=caller.principal)
    _log(services, caller, audit.REUSE, record["id"], dossier_code=link["dossier_code"],
         procedure_code=link["procedure_code"], component_name=link["component_name"])
    return link


def _visible_links(services: Services, caller: Caller, code: str) -> list[dict[str, Any]]:
    links = [link for link in reuse.dossier_links(services.store, code) if can_read(caller.principal, link)]
    if not links:
        raise NothingVisibleError("no reused papers in this dossier")
    return links


def dossier(services: Services, caller: Caller, code: str) -> list[dict[str, Any]]:
    """The papers reused in a dossier: all of them for officers (of their agency), a citizen's own for a citizen."""
    links = _visible_links(services, caller, code)
    _log(services, caller, audit.DOSSIER, dossier_code=code, records=[link["record_id"] for link in links])
    return links


def verify_dossier(services: Services, caller: Caller, code: str) -> list[tuple[dict[str, Any], FixityResult]]:
    results = []
    for link in _visible_links(services, caller, code):
        result = reuse.verify_link(services.store, link)
        _log(services, caller, audit.VERIFY, link["record_id"], dossier_code=code, status=result.status)
        results.append((link, result))
    return results
