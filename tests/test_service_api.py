"""The JSON API for each role: search, records, versions, corrections, downloads, reuse, dossiers, audit."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest

from pipeline import keys
from pipeline.ingest import encode_record
from service import audit, operations
from service.records import version_key
from service.searching import SearchRequest
from tests.service_support import A_DOSSIER, PERSON_A, World

NEW_DOSSIER = "000.00.31.H79-250401-0002"


def actions(world: World, record_id: str) -> list[str]:
    return [event["action"] for event in world.get("officer", f"/api/records/{record_id}/audit").json()]


def test_me_for_each_role(world):
    assert world.get("a", "/api/me").json()["personal_number"] == PERSON_A
    assert world.get("officer", "/api/me").json()["role"] == "officer"


def test_search_is_diacritic_insensitive_with_snippets_facets_and_pages(world):
    body = world.get("officer", "/api/search", params={"q": "nguyen van an"}).json()
    assert body["total"] == 3
    assert body["facets"]["doc_type"] == {"cccd": 1, "residence_confirmation": 1, "dossier_receipt": 1}
    assert all("«" in hit["snippet"] and "»" in hit["snippet"] for hit in body["hits"])
    narrowed = world.get("officer", "/api/search", params={"q": "nguyen van an", "doc_type": "cccd"}).json()
    assert [hit["id"] for hit in narrowed["hits"]] == [world.id("a_card")]
    assert narrowed["facets"] == body["facets"]  # the other kinds stay offered
    first = world.get("officer", "/api/search", params={"q": "", "limit": 2}).json()
    second = world.get("officer", "/api/search", params={"q": "", "limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] == 6
    assert not {hit["id"] for hit in first["hits"]} & {hit["id"] for hit in second["hits"]}
    by_dossier = world.get("officer", "/api/search", params={"dossier_code": A_DOSSIER}).json()
    assert [hit["id"] for hit in by_dossier["hits"]] == [world.id("a_receipt")]
    dated = world.get("officer", "/api/search", params={"date_from": "2025-03-13"}).json()
    assert dated["total"] == 0
    assert world.get("officer", "/api/search", params={"date_to": "2025-03-12"}).json()["total"] == 6


def test_search_rejects_malformed_parameters(world):
    for params in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"date_from": "12/03/2025"}):
        assert world.get("officer", "/api/search", params=params).status_code == 422


def test_record_by_full_and_short_id_with_validity(world):
    card = world.get("a", f"/api/records/{world.id('a_card')[:6]}").json()
    assert card["record"]["id"] == world.id("a_card") and card["version"] == 1
    assert card["validity"]["expired"] is False and card["validity"]["valid_until"]
    expired = world.get("b", f"/api/records/{world.id('b_card')}").json()["validity"]
    assert expired["expired"] is True and "hết hạn" in expired["reason"]
    residence = world.get("a", f"/api/records/{world.id('a_residence')}").json()["validity"]
    assert residence["expired"] is True and "quá một năm" in residence["reason"]
    assert world.get("officer", "/api/records/" + "f" * 64).status_code == 404
    assert world.get("officer", "/api/records/abc").status_code == 422  # under 4 hex digits
    assert world.get("officer", "/api/records/zzzz").status_code == 422


def test_short_ids_resolve_among_the_callers_records_only(world):
    a_id = world.id("a_card")
    twin_id = a_id[:6] + ("1" if a_id[6] == "0" else "0") + a_id[7:]
    twin = {**world.papers["b_card"], "id": twin_id, "sha256": twin_id}  # B's paper, sharing A's first digits
    world.services.store.put_bytes(keys.record(twin_id), encode_record(twin), overwrite=False)
    world.services.index.upsert(twin)
    assert world.get("a", f"/api/records/{a_id[:6]}").json()["record"]["id"] == a_id
    assert world.get("b", f"/api/records/{a_id[:6]}").json()["record"]["id"] == twin_id
    assert world.get("officer", f"/api/records/{a_id[:6]}").status_code == 409
    assert world.get("officer", f"/api/records/{a_id[:7]}").json()["record"]["id"] == a_id


def test_page_images_and_downloads(world):
    a_id = world.id("a_receipt")
    image = world.get("a", f"/api/records/{a_id}/pages/2")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    assert world.get("a", f"/api/records/{a_id}/pages/3").status_code == 404
    original = world.get("a", f"/api/records/{a_id}/original")
    assert original.content == world.services.store.get_bytes(keys.original(a_id))
    assert original.headers["content-disposition"].startswith("attachment;")
    pdf = world.get("officer", f"/api/records/{a_id}/searchable.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    links = world.post("a", f"/api/records/{a_id}/links").json()
    assert world.client.get(links["searchable_pdf"]).content == pdf.content
    assert dt.datetime.fromisoformat(links["expires_at"]) > dt.datetime.now(dt.timezone.utc)
    assert actions(world, a_id).count("download") == 3  # two direct, one through the signed link


def test_correction_makes_version_2_keeps_version_1_and_updates_the_index(world):
    a_id = world.id("a_card")
    assert world.get("officer", "/api/search", params={"q": "Tuấn"}).json()["total"] == 0
    response = world.post("officer", f"/api/records/{a_id}/fields/full_name",
                          json={"action": "correct", "value": "NGUYỄN VĂN ANH TUẤN", "version": 1})
    assert response.status_code == 200, response.text
    current = response.json()["record"]
    assert current["version"] == 2
    assert current["fields"]["full_name"]["value"] == "Nguyễn Văn Anh Tuấn"  # written as a person writes it
    assert current["fields"]["full_name"]["reviewed"]["previous_value"] == "Nguyễn Văn An"
    assert current["revision"]["by"]["subject"] == "can-bo-1" and current["revision"]["at"]
    assert world.get("a", f"/api/records/{a_id}").json()["record"]["fields"]["full_name"]["value"] == (
        "Nguyễn Văn Anh Tuấn")
    first = world.get("a", f"/api/records/{a_id}/versions/1").json()["record"]
    assert first["fields"]["full_name"]["value"] == "Nguyễn Văn An" and "version" not in first
    assert world.get("a", f"/api/records/{a_id}/versions/2").json()["version"] == 2
    assert world.get("a", f"/api/records/{a_id}/versions/3").status_code == 404
    history = world.get("officer", f"/api/records/{a_id}/versions").json()
    assert [item["version"] for item in history] == [1, 2]
    assert history[0]["revision"] is None and history[1]["revision"]["field"] == "full_name"
    hits = world.get("officer", "/api/search", params={"q": "tuan"}).json()["hits"]
    assert [hit["id"] for hit in hits] == [a_id]
    store = world.services.store
    assert json.loads(store.get_bytes(version_key(a_id, 1)))["fields"]["full_name"]["value"] == "Nguyễn Văn An"
    assert json.loads(store.get_bytes(keys.record(a_id)))["version"] == 2


def test_confirming_a_field_clears_review(world):
    a_id = world.id("a_receipt")
    assert world.get("officer", f"/api/records/{a_id}").json()["record"]["needs_review"] is True
    fixed = world.post("officer", f"/api/records/{a_id}/fields/date_received",
                       json={"action": "correct", "value": "01/03/2025", "version": 1}).json()["record"]
    assert fixed["fields"]["date_received"]["value"] == "2025-03-01" and fixed["needs_review"] is False
    confirmed = world.post("officer", f"/api/records/{a_id}/fields/procedure_code",
                           json={"action": "confirm", "version": 2}).json()["record"]
    item = confirmed["fields"]["procedure_code"]
    assert (item["value"], item["confidence"], item["reviewed"]["action"]) == ("1.004884", 1.0, "confirmed")
    assert confirmed["version"] == 3


def test_stale_and_concurrent_corrections_conflict(world):
    a_id = world.id("a_card")
    path = f"/api/records/{a_id}/fields/full_name"
    assert world.post("officer", path, json={"action": "correct", "value": "Nguyễn Văn Bé",
                                             "version": 1}).status_code == 200
    stale = world.post("officer_x", path, json={"action": "correct", "value": "Nguyễn Văn Cả", "version": 1})
    assert stale.status_code == 409
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def correct(who: str, value: str) -> None:
        barrier.wait()
        statuses.append(world.post(who, path, json={"action": "correct", "value": value, "version": 2}).status_code)

    threads = [threading.Thread(target=correct, args=args) for args in (("officer", "Lê Văn Một"),
                                                                       ("officer_x", "Lê Văn Hai"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409]
    assert world.get("officer", f"/api/records/{a_id}").json()["version"] == 3
    values = [world.get("officer", f"/api/records/{a_id}/versions/{n}").json()["record"]["fields"]["full_name"]["value"]
              for n in (1, 2, 3)]
    assert values[:2] == ["Nguyễn Văn An", "Nguyễn Văn Bé"] and values[2] in ("Lê Văn Một", "Lê Văn Hai")


def test_corrections_are_checked_and_for_officers_only(world):
    path = f"/api/records/{world.id('a_receipt')}/fields"
    for field, value in (("dossier_code", "000.00.31.H79-259999-0001"), ("procedure_code", "1.23"),
                         ("date_received", "hôm qua"), ("full_name", "   "), ("not_a_field", "x")):
        response = world.post("officer", f"{path}/{field}", json={"action": "correct", "value": value, "version": 1})
        assert response.status_code == 422, (field, response.text)
    assert world.post("officer", f"{path}/full_name", json={"action": "confirm", "version": 1}).status_code == 422
    assert world.post("a", f"{path}/full_name", json={"action": "correct", "value": "Ai Đó",
                                                      "version": 1}).status_code == 403
    assert world.get("officer", f"/api/records/{world.id('a_receipt')}").json()["version"] == 1


def test_reuse_links_a_paper_and_the_officer_verifies_it(world):
    a_id = world.id("a_card")
    created = world.post("a", "/api/reuse", json={"record_id": a_id[:10], "dossier_code": NEW_DOSSIER,
                                                  "procedure_code": "1.004884",
                                                  "component_name": "Bản sao căn cước công dân"})
    assert created.status_code == 201, created.text
    link = created.json()
    assert (link["state"], link["state_label"]) == ("reused_from_store", "tái sử dụng từ kho")
    assert link["record_id"] == link["sha256"] == a_id
    stored = json.loads(world.services.store.get_bytes(f"reuse/{NEW_DOSSIER}/{a_id}.json"))
    assert stored["linked_by"]["subject"] == PERSON_A
    again = world.post("a", "/api/reuse", json={"record_id": a_id, "dossier_code": NEW_DOSSIER,
                                                "procedure_code": "1.004884", "component_name": "Lần nữa"})
    assert again.status_code == 409
    dossier = world.get("officer", f"/api/dossiers/{NEW_DOSSIER}").json()
    assert [item["record_id"] for item in dossier["links"]] == [a_id]
    verified = world.post("officer", f"/api/dossiers/{NEW_DOSSIER}/verify").json()["results"]
    assert verified == [{"record_id": a_id, "status": "ok", "expected_sha256": a_id, "found_sha256": a_id}]
    original = world.services.settings.store_root / keys.original(a_id)
    original.write_bytes(original.read_bytes() + b"tampered")
    assert world.post("officer", f"/api/dossiers/{NEW_DOSSIER}/verify").json()["results"][0]["status"] == "changed"
    assert world.post("a", f"/api/dossiers/{NEW_DOSSIER}/verify").status_code == 403
    assert {"reuse", "verify"} <= set(actions(world, a_id))


def test_reuse_refuses_expired_papers_and_malformed_codes(world):
    def reuse(who: str, paper: str, **changes: str):
        body = {"record_id": world.id(paper), "dossier_code": NEW_DOSSIER, "procedure_code": "1.004884",
                "component_name": "Giấy tờ", **changes}
        return world.post(who, "/api/reuse", json=body)

    assert reuse("a", "a_residence").status_code == 422  # issued more than a year ago
    assert "hết hạn" in reuse("b", "b_card").json()["detail"]
    assert reuse("a", "a_card", dossier_code="../records/x").status_code == 422
    assert reuse("a", "a_card", dossier_code="H79-251301-0001").status_code == 422  # month 13
    assert reuse("a", "a_card", procedure_code="1004884").status_code == 422
    assert reuse("a", "a_card", component_name=" ").status_code == 422
    assert reuse("officer", "a_card").status_code == 403
    assert world.get("officer", "/api/dossiers/not-a-code").status_code == 422
    assert world.get("officer", f"/api/dossiers/{NEW_DOSSIER}").status_code == 404
    assert not list(world.services.store.list("reuse/"))


def test_audit_events_for_search_view_download_reuse_and_correction(world):
    a_id = world.id("a_card")
    world.get("a", "/api/search", params={"q": "căn cước"})
    world.get("a", f"/api/records/{a_id}")
    world.get("a", f"/api/records/{a_id}/original")
    world.post("a", "/api/reuse", json={"record_id": a_id, "dossier_code": NEW_DOSSIER, "procedure_code": "1.004884",
                                        "component_name": "Căn cước"})
    world.post("officer", f"/api/records/{a_id}/fields/full_name", json={"action": "confirm", "version": 1})
    events = world.get("officer", f"/api/records/{a_id}/audit").json()
    assert [e["action"] for e in events] == ["view", "download", "reuse", "correction"]
    assert [e["subject"] for e in events] == [PERSON_A] * 3 + ["can-bo-1"]
    assert all(e["client"] == "testclient" and e["outcome"] == "allowed" and e["at"] for e in events)
    assert events[2]["detail"]["dossier_code"] == NEW_DOSSIER
    day = list(world.services.store.list("audit/"))
    searches = [json.loads(world.services.store.get_bytes(info.key)) for info in day]
    search = next(e for e in searches if e["action"] == "search")
    assert search["role"] == "citizen" and search["detail"]["query"] == "căn cước" and a_id in search["detail"]["ids"]
    assert len(day) == len(events) + 1  # the search concerns no one record; reading the history is not logged


def test_nothing_can_modify_the_audit_log(world, monkeypatch, caplog):
    paths = world.client.get("/openapi.json").json()["paths"]
    methods = {method for operations in paths.values() for method in operations}
    assert methods <= {"get", "post"}
    assert [set(operations) for path, operations in paths.items() if "audit" in path] == [{"get"}]
    audit_path = f"/api/records/{world.id('a_card')}/audit"
    for method in ("DELETE", "PUT", "PATCH"):
        assert world.client.request(method, audit_path, headers=world.auth("officer")).status_code == 405
    log = world.services.audit
    assert [name for name in dir(log) if not name.startswith("_")] == ["append", "close", "history"]
    # Every event is a create-only write: an event can never replace another, even with a colliding name.
    principal = world.services.verifier.verify(world.tokens["officer"])
    moment = dt.datetime(2025, 3, 12, 9, 30, tzinfo=dt.timezone.utc)
    monkeypatch.setattr("service.audit.uuid", SimpleNamespace(uuid4=lambda: SimpleNamespace(hex="0" * 32)))
    log.append("view", principal=principal, client="x", record_id=world.id("a_card"), now=moment)
    with caplog.at_level(logging.ERROR, logger="service.audit"):
        log.append("view", principal=principal, client="y", record_id=world.id("a_card"), now=moment)
        at_moment = [event["client"] for event in log.history(world.id("a_card"))
                     if event["at"] == moment.isoformat(timespec="microseconds")]
    assert at_moment == ["x"]
    assert "audit event not stored" in caplog.text and '"client": "y"' in caplog.text  # kept in the service's log


class HeldStore:
    """The world's store, whose audit writes wait until `release` is set, as behind a lock another writer holds."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.release = threading.Event()
        self.waiting = 0

    def put_bytes(self, key: str, data: bytes, **options: Any) -> Any:
        if key.startswith((audit.DAY_PREFIX, audit.RECORD_PREFIX)):
            self.waiting += 1
            self.release.wait(timeout=60)
        return self._store.put_bytes(key, data, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def test_concurrent_searches_do_not_wait_for_the_audit_write(world):
    held = HeldStore(world.services.store)
    services = dataclasses.replace(world.services, audit=audit.AuditLog(held))
    caller = operations.Caller(world.services.verifier.verify(world.tokens["officer"]), "testclient")
    with ThreadPoolExecutor(4) as pool:
        searches = [pool.submit(operations.search, services, caller, SearchRequest(text="nguyen van an"))
                    for _ in range(8)]
        totals = [search.result(timeout=30).total for search in searches]
    assert totals == [3] * 8 and held.waiting <= 1  # all answered while the first audit write is held
    assert not list(world.services.store.list(audit.DAY_PREFIX))
    held.release.set()
    services.audit.history(world.id("a_card"))  # waits for the events queued before it
    logged = [json.loads(world.services.store.get_bytes(info.key)) for info in world.services.store.list("audit/")]
    assert [(event["action"], event["detail"]["query"]) for event in logged] == [("search", "nguyen van an")] * 8
