"""The service's plain modules without HTTP: tokens, versions and corrections, validity, reuse links, search scope,
thumbnails, the audit log's writer."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pypdfium2
import pytest
from PIL import Image

from pipeline import keys
from pipeline.ingest import encode_record
from search.base import Filters
from search.sqlite import SqliteIndex
from service import access, audit, records, reuse, searching
from service.auth import (
    AuthError,
    IssuerUnavailableError,
    LocalIssuer,
    Principal,
    TokenVerifier,
    local_keys,
    read_or_create_secret,
    remote_keys,
)
from service.signing import LinkRefusedError, UrlSigner
from service.thumbnails import PageNotFoundError, RenderError, Thumbnails
from storage.base import StoreUnavailableError
from storage.local import LocalObjectStore
from tests.service_support import field_value, page_pdf

PROJECT = Path(__file__).resolve().parents[1]
OFFICER = Principal("can-bo", "officer", name="Cán Bộ")
TODAY = dt.date(2025, 6, 15)


@pytest.fixture
def store(tmp_path) -> LocalObjectStore:
    return LocalObjectStore(tmp_path / "store")


@pytest.fixture
def index(tmp_path):
    with SqliteIndex(tmp_path / "index.sqlite3") as index:
        yield index


def stored(store: LocalObjectStore, index: SqliteIndex, record_id: str, **changes: Any) -> dict[str, Any]:
    record = {
        "id": record_id, "sha256": record_id, "doc_type": "cccd", "owner_id": "079203001234", "agency": "H79",
        "dossier_code": None, "procedure_code": None,
        "source": {"filename": "the.pdf", "media_type": "application/pdf"},
        "pages": [{"number": 1, "text": "CĂN CƯỚC CÔNG DÂN Nguyễn Văn An", "source": "ocr", "confidence": 0.9}],
        "fields": {"full_name": field_value("Nguyễn Văn An")}, "issues": [], "needs_review": False,
        "storage": {"original": keys.original(record_id), "searchable_pdf": keys.searchable_pdf(record_id)},
        "ingested_at": "2025-03-12T09:30:00+07:00", **changes,
    }
    store.put_bytes(keys.record(record_id), encode_record(record), overwrite=False)
    index.upsert(record)
    return record


# --- tokens -----------------------------------------------------------------------------------------


def test_the_local_issuer_keeps_one_key(tmp_path):
    first = LocalIssuer(tmp_path / "issuer", issuer="sohoa-local", audience="sohoa")
    second = LocalIssuer(tmp_path / "issuer", issuer="sohoa-local", audience="sohoa")
    assert first.key_id == second.key_id
    assert (tmp_path / "issuer" / "private.pem").stat().st_mode & 0o777 == 0o600
    verifier = TokenVerifier(local_keys(second), issuer="sohoa-local", audience="sohoa")
    principal = verifier.verify(first.mint(subject="x", role="officer", agency="H79"))
    assert (principal.role, principal.agency, principal.personal_number) == ("officer", "H79", None)


def test_concurrent_first_use_agrees_on_one_secret(tmp_path):
    results: list[bytes] = []
    counter = iter(range(100))
    barrier = threading.Barrier(8)

    def make() -> bytes:
        return f"secret {next(counter)}".encode()

    def run() -> None:
        barrier.wait()
        results.append(read_or_create_secret(tmp_path / "s" / "key", make))

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and not [p for p in (tmp_path / "s").iterdir() if p.name != "key"]


@pytest.fixture
def identity_provider(tmp_path):
    """An outside issuer whose JWKS is served over real HTTP on localhost, as PyJWKClient fetches it."""
    issuer = LocalIssuer(tmp_path / "idp", issuer="https://id.example.gov.vn", audience="sohoa")
    body = json.dumps(issuer.jwks()).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200 if self.path == "/jwks.json" else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield issuer, f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    server.shutdown()
    server.server_close()


def test_tokens_verify_against_an_issuers_jwks_url(identity_provider, tmp_path):
    issuer, url = identity_provider
    verifier = TokenVerifier(remote_keys(url), issuer="https://id.example.gov.vn", audience="sohoa")
    token = issuer.mint(subject="vneid-123", role="citizen", personal_number="079203001234")
    assert verifier.verify(token).personal_number == "079203001234"
    stranger = LocalIssuer(tmp_path / "other", issuer="https://id.example.gov.vn", audience="sohoa")
    with pytest.raises(AuthError):
        verifier.verify(stranger.mint(subject="x", role="officer"))
    with pytest.raises(AuthError):
        TokenVerifier(remote_keys(url), issuer="sohoa-local", audience="sohoa").verify(token)


def test_an_unreachable_issuer_is_unavailable_not_unauthorised(identity_provider):
    issuer, url = identity_provider
    dead = url.replace("/jwks.json", "/nothing-here")
    with pytest.raises(IssuerUnavailableError):
        TokenVerifier(remote_keys(dead), issuer=issuer.issuer, audience="sohoa").verify(
            issuer.mint(subject="x", role="officer"))


def test_download_grants_name_one_record_and_file():
    signer = UrlSigner(b"k" * 32, dt.timedelta(minutes=5))
    citizen = Principal("079203001234", "citizen", personal_number="079203001234")
    token, expires = signer.sign(citizen, "a" * 64, "original")
    assert signer.check(token, "a" * 64, "original").principal == citizen
    assert expires > dt.datetime.now(dt.timezone.utc)
    for record_id, file in (("b" * 64, "original"), ("a" * 64, "searchable.pdf")):
        with pytest.raises(LinkRefusedError):
            signer.check(token, record_id, file)
    with pytest.raises(LinkRefusedError):
        UrlSigner(b"other" * 8, dt.timedelta(minutes=5)).check(token, "a" * 64, "original")
    old, _ = signer.sign(citizen, "a" * 64, "original", now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1))
    with pytest.raises(LinkRefusedError):
        signer.check(old, "a" * 64, "original")


# --- versions and corrections -------------------------------------------------------------------------


def review(store, index, record_id: str, value: str | None, version: int, action: str = "correct") -> dict:
    return records.review_field(store, index, record_id, "full_name", action=action, value=value,
                                reviewer=OFFICER, expected_version=version)


def test_a_correction_is_a_new_version_and_the_index_follows(store, index):
    record_id = "c" * 64
    stored(store, index, record_id)
    revised = review(store, index, record_id, "nguyễn văn ân", 1)
    assert revised["version"] == 2 and revised["fields"]["full_name"]["value"] == "Nguyễn Văn Ân"
    assert records.load_current(store, record_id) == revised
    assert records.load_version(store, record_id, 1)["fields"]["full_name"]["value"] == "Nguyễn Văn An"
    assert [v["version"] for v in records.list_versions(store, record_id)] == [1, 2]
    assert [hit.id for hit in index.search("Ân").hits] == [record_id]
    with pytest.raises(records.RecordNotFoundError):
        records.load_version(store, record_id, 3)


def test_a_stale_version_conflicts(store, index):
    record_id = "d" * 64
    stored(store, index, record_id)
    review(store, index, record_id, "Nguyễn Văn Bé", 1)
    with pytest.raises(records.VersionConflictError):
        review(store, index, record_id, "Nguyễn Văn Cả", 1)
    assert records.load_current(store, record_id)["fields"]["full_name"]["value"] == "Nguyễn Văn Bé"


def test_a_correction_racing_another_loses_instead_of_erasing_it(store, index):
    """B finishes while A is between reading version 1 and writing version 2: A's create-only write fails."""
    record_id = "e" * 64
    stored(store, index, record_id)
    put_bytes = store.put_bytes
    raced = []

    def put_racing(key: str, data: bytes, **kwargs: Any):
        if key == records.version_key(record_id, 2) and not raced:
            raced.append(key)
            review(store, index, record_id, "Trần Văn Bê", 1)  # the other officer, meanwhile
        return put_bytes(key, data, **kwargs)

    store.put_bytes = put_racing  # type: ignore[method-assign]
    with pytest.raises(records.VersionConflictError):
        review(store, index, record_id, "Trần Văn A", 1)
    store.put_bytes = put_bytes  # type: ignore[method-assign]
    assert records.load_current(store, record_id)["fields"]["full_name"]["value"] == "Trần Văn Bê"


def test_readers_find_a_version_whose_writer_died_before_replacing_the_current_record(store, index):
    record_id = "f" * 64
    first = stored(store, index, record_id)
    second = {**first, "version": 2, "fields": {"full_name": field_value("Nguyễn Văn Hai")}}
    store.put_bytes(records.version_key(record_id, 2), encode_record(second), overwrite=False)
    assert records.load_current(store, record_id)["version"] == 2
    with pytest.raises(records.VersionConflictError):
        review(store, index, record_id, "Nguyễn Văn Ba", 1)
    assert review(store, index, record_id, "Nguyễn Văn Ba", 2)["version"] == 3


@pytest.mark.parametrize(("field", "typed", "expected"), [
    ("full_name", "  TRẦN   THỊ BÌNH ", "Trần Thị Bình"),
    ("date_of_birth", "05/07/1990", "1990-07-05"),
    ("date_of_expiry", "Không thời hạn", None),
    ("sex", "Nữ", "Nữ"),
    ("dossier_code", "000.00.31.H57-250301-0001", "000.00.31.H57-250301-0001"),
])
def test_corrected_values_are_written_as_records_write_them(field, typed, expected):
    assert records.checked_value(field, typed) == expected


@pytest.mark.parametrize(("field", "typed"), [
    ("id_number", "07920300123"), ("date_of_birth", "31/02/1990"), ("procedure_code", "1-004884"),
    ("dossier_code", "000.00.31.H57-250301-0000"), ("full_name", "12345"), ("place_of_origin", " "),
])
def test_impossible_corrections_are_refused(field, typed):
    with pytest.raises(records.FieldRejectedError):
        records.checked_value(field, typed)


# --- validity and reuse -------------------------------------------------------------------------------


@pytest.mark.parametrize(("doc_type", "fields", "expired"), [
    ("cccd", {"date_of_expiry": "2025-06-14"}, True),
    ("cccd", {"date_of_expiry": "2025-06-15"}, False),
    ("cmnd", {"date_of_expiry": "2020-01-01"}, True),
    ("cccd", {"date_of_expiry": None}, False),  # "Không thời hạn"
    ("cccd", {}, False),
    ("residence_confirmation", {"date_of_issue": "2024-06-14"}, True),
    ("residence_confirmation", {"date_of_issue": "2024-06-15"}, False),
    ("residence_confirmation", {"date_of_issue": "garbled"}, False),
    ("birth_certificate", {"date_of_issue": "1990-01-01"}, False),
])
def test_validity_rules(doc_type, fields, expired):
    record = {"doc_type": doc_type, "fields": {key: field_value(value) for key, value in fields.items()}}
    assert reuse.validity(record, TODAY).expired is expired


def test_a_residence_confirmation_of_29_february_lasts_to_28_february():
    record = {"doc_type": "residence_confirmation", "fields": {"date_of_issue": field_value("2024-02-29")}}
    assert reuse.validity(record, dt.date(2025, 2, 28)).valid_until == dt.date(2025, 2, 28)
    assert reuse.validity(record, dt.date(2025, 3, 1)).expired


def test_a_reuse_link_is_created_once_and_names_the_bytes(store, index):
    record = stored(store, index, "a" * 64)
    citizen = Principal("079203001234", "citizen", personal_number="079203001234")
    code = "H79.01-250301-0001"
    link = reuse.link_paper(store, record, dossier_code=code, procedure_code="1.004884",
                            component_name="  Bản sao   căn cước ", principal=citizen,
                            now=dt.datetime(2025, 3, 1, tzinfo=dt.timezone.utc))
    assert link["component_name"] == "Bản sao căn cước" and link["sha256"] == "a" * 64
    assert reuse.dossier_links(store, code) == [link]
    with pytest.raises(reuse.AlreadyLinkedError):
        reuse.link_paper(store, record, dossier_code=code, procedure_code="1.004884", component_name="x",
                         principal=citizen)
    for bad in ("../../records", "H79.01-250301-0001/..", "h79.01-250301-0001"):
        with pytest.raises(reuse.ReuseRefusedError):
            reuse.link_paper(store, record, dossier_code=bad, procedure_code="1.004884", component_name="x",
                             principal=citizen)
    assert reuse.verify_link(store, link).status == "missing"  # this test stored no original


# --- search scope ---------------------------------------------------------------------------------------


def test_an_agency_officer_searches_that_agency_only_with_exact_totals_and_counts(store, index):
    for n in range(20):
        stored(store, index, f"{n:02d}".ljust(64, "0"), agency="H79" if n % 2 else "H29",
               doc_type="cccd" if n % 4 < 2 else "birth_certificate", procedure_code="1.004884" if n < 10 else None)
    officer = Principal("x", "officer", agency="H79")
    found = searching.search_records(index, officer, searching.SearchRequest(text="Nguyễn", limit=4))
    assert (found.total, len(found.hits)) == (10, 4)
    assert found.doc_type_counts == {"cccd": 5, "birth_certificate": 5}
    later = searching.search_records(index, officer, searching.SearchRequest(text="Nguyễn", limit=4, offset=8))
    assert len(later.hits) == 2 and not {h.id for h in later.hits} & {h.id for h in found.hits}
    narrowed = searching.search_records(index, officer, searching.SearchRequest(
        text="", filters=Filters(procedure_code="1.004884", doc_type="cccd"), limit=50))
    assert narrowed.total == len(narrowed.hits) == 3 and narrowed.doc_type_counts == {"cccd": 3, "birth_certificate": 2}
    everyone = searching.search_records(index, Principal("y", "officer"), searching.SearchRequest(text="Nguyễn"))
    assert everyone.total == 20


def test_a_citizen_cannot_widen_the_owner_filter():
    citizen = Principal("c", "citizen", personal_number="079203001234")
    assert access.search_scope(citizen, Filters()).owner_id == "079203001234"
    with pytest.raises(access.ForbiddenFilterError):
        access.search_scope(citizen, Filters(owner_id="001099000111"))


@pytest.mark.parametrize("principal", [
    Principal("c", "citizen", personal_number="079203001234"),
    Principal("o", "officer", agency="H79"),
    Principal("a", "officer"),
])
def test_search_narrows_to_exactly_the_records_the_access_rule_lets_one_read(principal):
    scope = access.search_scope(principal, Filters(agency="H29"))  # an agency asked for is not the caller's
    for owner_id in ("079203001234", "001099000111", None):
        for agency in ("H79", "H29", None):
            record = {"owner_id": owner_id, "agency": agency}
            in_scope = all(wanted is None or record[key] == wanted
                           for key, wanted in (("owner_id", scope.owner_id), ("agency", scope.agency)))
            assert in_scope == access.can_read(principal, record), (record, scope)


def thumbnailed(store: LocalObjectStore, pdf: bytes, pages: int) -> dict[str, Any]:
    """A record of `pages` pages whose searchable PDF is `pdf`."""
    record_id = "9" * 64
    store.put_bytes(keys.searchable_pdf(record_id), pdf)
    return {"id": record_id, "pages": [{}] * pages, "storage": {"searchable_pdf": keys.searchable_pdf(record_id)}}


def test_thumbnails_are_drawn_once_and_cached(store, tmp_path, monkeypatch):
    record = thumbnailed(store, page_pdf(2), 2)
    thumbnails = Thumbnails(store, tmp_path / "cache", dpi=20)
    image = thumbnails.page_png(record, 2)
    assert image.startswith(b"\x89PNG")
    drawn = Image.open(io.BytesIO(image))
    assert drawn.mode == "RGB" and drawn.size == (166, 234)  # 595 x 842 points at 20 dpi, rounded up as pdftoppm
    assert round(drawn.info["dpi"][0]) == 20
    monkeypatch.setattr(thumbnails, "_render", SimpleNamespace())  # drawing again would fail
    assert thumbnails.page_png(record, 2) == image
    with pytest.raises(PageNotFoundError):
        thumbnails.page_png(record, 3)


def test_thumbnails_drawn_in_threads_take_turns_in_pdfium(store, tmp_path, monkeypatch):
    """PDFium is not thread-safe: requests drawing at once never have two documents open, and draw as alone."""
    record = thumbnailed(store, page_pdf(3), 3)
    alone = [Thumbnails(store, tmp_path / "alone", dpi=30).page_png(record, number) for number in (1, 2, 3)]
    opened, counting = {"now": 0, "most": 0}, threading.Lock()
    real = pypdfium2.PdfDocument

    def watched(source: Any) -> Any:
        document = real(source)
        with counting:
            opened["now"] += 1
            opened["most"] = max(opened["most"], opened["now"])
        time.sleep(0.01)  # long enough for another thread to come in, were it let in
        close = document.close

        def closing() -> None:
            with counting:
                opened["now"] -= 1
            close()

        document.close = closing
        return document

    monkeypatch.setattr(pypdfium2, "PdfDocument", watched)
    with ThreadPoolExecutor(6) as pool:
        drawn = list(pool.map(lambda turn: Thumbnails(store, tmp_path / f"cache-{turn}", dpi=30).page_png(
            record, turn % 3 + 1), range(12)))
    assert drawn == [alone[turn % 3] for turn in range(12)]
    assert opened == {"now": 0, "most": 1}


def test_a_searchable_pdf_that_cannot_be_drawn_is_a_render_error(store, tmp_path):
    thumbnails = Thumbnails(store, tmp_path / "cache", dpi=20)
    with pytest.raises(RenderError, match="cannot be opened"):
        thumbnails.page_png(thumbnailed(store, b"%PDF-1.4 not really a PDF", 1), 1)
    with pytest.raises(RenderError, match="no page 2"):  # the record says two pages, the file has one
        thumbnails.page_png(thumbnailed(store, page_pdf(1), 2), 2)
    assert not list((tmp_path / "cache").rglob("*.png"))


class RefusingStore:
    """A store that refuses audit writes, as an unreachable S3 would, while `refusing` is set."""

    def __init__(self, store: LocalObjectStore) -> None:
        self._store = store
        self.refusing = True
        self.refused = 0

    def put_bytes(self, key: str, data: bytes, **options: Any) -> Any:
        if self.refusing and key.startswith(audit.DAY_PREFIX):
            self.refused += 1
            raise StoreUnavailableError("the store cannot be reached")
        return self._store.put_bytes(key, data, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def test_a_refused_audit_write_is_retried_and_meanwhile_requests_fail_as_when_written_in_line(store, monkeypatch):
    monkeypatch.setattr(audit, "RETRY_WAITS", (0.05,) * 100)
    refusing = RefusingStore(store)
    log = audit.AuditLog(refusing)
    log.append(audit.SEARCH, principal=OFFICER, client="answered before the store refused")
    deadline = time.monotonic() + 10
    while refusing.refused < 2 and time.monotonic() < deadline:  # refused, then tried again: the log knows
        time.sleep(0.01)
    with pytest.raises(StoreUnavailableError):  # the writer has seen the store refuse: this request fails
        log.append(audit.SEARCH, principal=OFFICER, client="refused")
    refusing.refusing = False
    log.append(audit.SEARCH, principal=OFFICER, client="after")
    log.history("9" * 64)  # waits for what was queued
    logged = [json.loads(store.get_bytes(info.key))["client"] for info in store.list(audit.DAY_PREFIX)]
    assert logged == ["answered before the store refused", "after"]


def test_events_queued_when_the_process_ends_are_written_before_it_exits(tmp_path):
    """A service process ends once uvicorn has stopped serving; nothing calls the log then."""
    script = """
import sys, time
from pathlib import Path
from service.audit import AuditLog
from service.auth import Principal
from storage.base import StoreUnavailableError
from storage.local import LocalObjectStore

class SlowStore(LocalObjectStore):
    def put_bytes(self, *args, **options):
        time.sleep(0.1)
        return super().put_bytes(*args, **options)

log = AuditLog(SlowStore(Path(sys.argv[1])))
start = time.perf_counter()
for number in range(20):
    log.append("search", principal=Principal("can-bo", "officer"), client=str(number))
print(time.perf_counter() - start)
"""
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "store")], cwd=PROJECT, capture_output=True,
                          text=True, timeout=120, check=True)
    assert float(done.stdout) < 1.0  # queued, not written: writing them takes over 2 s
    stored = LocalObjectStore(tmp_path / "store")
    clients = [json.loads(stored.get_bytes(info.key))["client"] for info in stored.list(audit.DAY_PREFIX)]
    assert sorted(map(int, clients)) == list(range(20))
