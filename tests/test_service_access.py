"""Nobody reaches a paper the access rule does not give them, by any route: the matrix of the issue.

Citizen A tries every way of reaching citizen B's papers; an officer of agency X tries
agency Y's; requests without a valid token are refused before anything is read.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from service.auth import LocalIssuer, new_private_key
from tests.service_support import (
    A_DOSSIER,
    AGENCY_X,
    B_DOSSIER,
    PERSON_A,
    PERSON_B,
    World,
    build_world,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory, issuer_key) -> World:
    world = build_world(tmp_path_factory.mktemp("home"), issuer_key)
    # B reuses a paper in B's own dossier, so there is a dossier of B's to try.
    created = world.post("b", "/api/reuse", json={"record_id": world.id("b_birth"), "dossier_code": B_DOSSIER,
                                                   "procedure_code": "1.001193", "component_name": "Giấy khai sinh"})
    assert created.status_code == 201, created.text
    return world


def b_paths(world: World) -> list[tuple[str, str, dict | None]]:
    """Every route to B's papers, as (method, path, json body)."""
    b_id = world.id("b_card")
    return [
        ("GET", f"/api/records/{b_id}", None),
        ("GET", f"/api/records/{b_id[:8]}", None),
        ("GET", f"/api/records/{b_id.upper()}", None),
        ("GET", f"/api/records/{b_id}/versions", None),
        ("GET", f"/api/records/{b_id}/versions/1", None),
        ("GET", f"/api/records/{b_id}/pages/1", None),
        ("GET", f"/api/records/{b_id}/original", None),
        ("GET", f"/api/records/{b_id}/searchable.pdf", None),
        ("POST", f"/api/records/{b_id}/links", None),
        ("GET", f"/api/records/{b_id}/audit", None),
        ("POST", f"/api/records/{b_id}/fields/full_name", {"action": "confirm", "version": 1}),
        ("POST", "/api/reuse", {"record_id": b_id, "dossier_code": A_DOSSIER, "procedure_code": "1.004884",
                                "component_name": "Căn cước"}),
        ("POST", "/api/reuse", {"record_id": b_id[:6], "dossier_code": A_DOSSIER, "procedure_code": "1.004884",
                                "component_name": "Căn cước"}),
        ("GET", f"/api/dossiers/{B_DOSSIER}", None),
        ("POST", f"/api/dossiers/{B_DOSSIER}/verify", None),
        ("GET", f"/api/search?owner_id={PERSON_B}", None),
        ("GET", f"/records/{b_id}", None),
        ("GET", f"/records/{b_id[:10]}", None),
        ("GET", f"/records/{b_id}/reuse", None),
        ("GET", f"/records/{b_id}/history", None),
        ("GET", f"/search?owner_id={PERSON_B}", None),
        ("GET", f"/dossiers?code={B_DOSSIER}", None),
    ]


def test_citizen_a_reaches_none_of_b_papers_by_any_route(world):
    for method, path, body in b_paths(world):
        response = world.client.request(method, path, headers=world.auth("a"), json=body)
        assert response.status_code in (403, 404), (method, path, response.status_code, response.text[:200])
        assert "Trần Thị Bình" not in response.text and PERSON_B not in response.text.replace(
            f"owner_id={PERSON_B}", ""), (method, path)


def test_the_same_routes_work_for_b(world):
    """The matrix proves the rule, not a broken route: B gets B's own paper everywhere A is refused."""
    b_id = world.id("b_card")
    for path in (f"/api/records/{b_id}", f"/api/records/{b_id[:8]}", f"/api/records/{b_id}/pages/1",
                 f"/api/records/{b_id}/original", f"/api/records/{b_id}/searchable.pdf",
                 f"/api/dossiers/{B_DOSSIER}", f"/api/search?owner_id={PERSON_B}", f"/records/{b_id}"):
        assert world.get("b", path).status_code == 200, path


def test_searching_b_name_or_dossier_finds_nothing_of_b(world):
    b_ids = {world.id(name) for name in ("b_card", "b_birth", "b_form")}
    for params in ({"q": "Trần Thị Bình"}, {"q": "tran thi binh"}, {"q": PERSON_B}, {"dossier_code": B_DOSSIER},
                   {"q": "", "doc_type": "birth_certificate"}, {"procedure_code": "1.001193"}):
        body = world.get("a", "/api/search", params=params).json()
        assert not {hit["id"] for hit in body["hits"]} & b_ids, params
        assert body["total"] == len(body["hits"]) == 0, params
        assert "birth_certificate" not in body["facets"]["doc_type"]
    everything = world.get("a", "/api/search", params={"q": "", "limit": 100}).json()
    assert {hit["owner_id"] for hit in everything["hits"]} == {PERSON_A}
    assert everything["facets"]["doc_type"] == {"cccd": 1, "residence_confirmation": 1, "dossier_receipt": 1}


def test_a_signed_link_for_a_paper_of_a_cannot_be_turned_on_b(world):
    links = world.post("a", f"/api/records/{world.id('a_card')}/links").json()
    assert world.client.get(links["original"]).status_code == 200  # no header needed
    for b in ("b_card", "b_birth"):
        forged = links["original"].replace(world.id("a_card"), world.id(b))
        assert world.client.get(forged).status_code == 403
    swapped = links["original"].replace("/original?", "/searchable.pdf?")
    assert world.client.get(swapped).status_code == 403
    token = re.search(r"token=([^&]+)", links["original"]).group(1)
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert world.client.get(links["original"].replace(token, tampered)).status_code == 403


def test_my_papers_lists_only_my_own(world):
    body = world.get("a", "/api/my-papers").json()
    assert {paper["id"] for paper in body["papers"]} == {world.id(n) for n in ("a_card", "a_residence", "a_receipt")}
    assert world.get("officer", "/api/my-papers").status_code == 403


def test_a_dossier_shows_a_citizen_only_their_own_papers(world):
    """Two applicants' papers in one dossier (a marriage registration): each sees only their own."""
    code = "000.00.31.H79-250310-0042"
    for who, paper in (("a", "a_card"), ("b", "b_form")):
        response = world.post(who, "/api/reuse", json={"record_id": world.id(paper), "dossier_code": code,
                                                        "procedure_code": "1.000894", "component_name": "Giấy tờ"})
        assert response.status_code == 201, response.text
    assert [link["owner_id"] for link in world.get("a", f"/api/dossiers/{code}").json()["links"]] == [PERSON_A]
    assert [link["owner_id"] for link in world.get("b", f"/api/dossiers/{code}").json()["links"]] == [PERSON_B]
    assert len(world.get("officer", f"/api/dossiers/{code}").json()["links"]) == 2


def test_attempts_on_b_papers_are_logged_as_denied(world):
    b_id = world.id("b_birth")
    assert world.get("a", f"/api/records/{b_id}/original").status_code == 404
    events = world.get("officer", f"/api/records/{b_id}/audit").json()
    denied = [e for e in events if e["outcome"] == "denied" and e["subject"] == PERSON_A]
    assert denied and denied[-1]["action"] == "download" and denied[-1]["client"]


def test_officer_of_agency_x_sees_nothing_of_agency_y(world):
    y_id = world.id("b_birth")
    for method, path, body in [
        ("GET", f"/api/records/{y_id}", None),
        ("GET", f"/api/records/{y_id[:8]}", None),
        ("GET", f"/api/records/{y_id}/pages/1", None),
        ("GET", f"/api/records/{y_id}/original", None),
        ("GET", f"/api/records/{y_id}/searchable.pdf", None),
        ("POST", f"/api/records/{y_id}/links", None),
        ("GET", f"/api/records/{y_id}/audit", None),
        ("GET", f"/api/records/{y_id}/versions", None),
        ("POST", f"/api/records/{y_id}/fields/full_name", {"action": "confirm", "version": 1}),
        ("GET", f"/api/dossiers/{B_DOSSIER}", None),
        ("POST", f"/api/dossiers/{B_DOSSIER}/verify", None),
        ("GET", f"/records/{y_id}", None),
    ]:
        response = world.client.request(method, path, headers=world.auth("officer_x"), json=body)
        assert response.status_code == 404, (method, path, response.status_code)
    assert world.get("officer_x", f"/api/records/{world.id('b_form')}").status_code == 200
    assert world.get("officer_y", f"/api/records/{y_id}").status_code == 200


def test_officer_search_is_limited_to_the_agency(world):
    x_ids = {world.id(n) for n in ("a_card", "a_residence", "a_receipt", "b_form")}
    body = world.get("officer_x", "/api/search", params={"q": "", "limit": 100}).json()
    assert {hit["id"] for hit in body["hits"]} == x_ids and body["total"] == 4
    assert sum(body["facets"]["doc_type"].values()) == 4
    names = world.get("officer_x", "/api/search", params={"q": "trần thị bình"}).json()
    assert [hit["id"] for hit in names["hits"]] == [world.id("b_form")]
    page = world.get("officer_x", "/api/search", params={"q": "", "limit": 1, "offset": 1}).json()
    assert page["total"] == 4 and len(page["hits"]) == 1
    assert world.get("officer", "/api/search", params={"q": "trần thị bình"}).json()["total"] == 3


def test_officer_without_agency_filters_by_owner_and_procedure(world):
    by_owner = world.get("officer", "/api/search", params={"owner_id": PERSON_B, "limit": 100}).json()
    assert {hit["owner_id"] for hit in by_owner["hits"]} == {PERSON_B} and by_owner["total"] == 3
    by_procedure = world.get("officer", "/api/search", params={"procedure_code": "1.001193"}).json()
    assert {hit["id"] for hit in by_procedure["hits"]} == {world.id("b_birth"), world.id("b_form")}
    assert by_procedure["facets"]["doc_type"] == {"birth_certificate": 1, "application_form": 1}


def _every_api_route(world: World) -> list[tuple[str, str]]:
    paths = world.client.get("/openapi.json").json()["paths"]
    routes = []
    for path, methods in paths.items():
        if not path.startswith("/api/") or path.startswith("/api/files/"):
            continue
        concrete = (path.replace("{ref}", world.id("a_card")).replace("{number}", "1")
                    .replace("{field}", "full_name").replace("{code}", A_DOSSIER))
        routes += [(method.upper(), concrete) for method in methods]
    return routes


def _hs256(claims: dict, secret: bytes, key_id: str) -> str:
    """Signed by hand: PyJWT rightly refuses to use a public key as an HMAC secret."""

    def part(data: bytes) -> bytes:
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    header = part(json.dumps({"alg": "HS256", "typ": "JWT", "kid": key_id}).encode())
    payload = part(json.dumps(claims).encode())
    signature = part(hmac.new(secret, header + b"." + payload, hashlib.sha256).digest())
    return (header + b"." + payload + b"." + signature).decode()


def _forged_tokens(world: World) -> dict[str, str]:
    now = dt.datetime.now(dt.timezone.utc)
    claims = {"iss": world.settings.auth_issuer, "aud": world.settings.auth_audience, "sub": PERSON_A,
              "role": "citizen", "personal_number": PERSON_A, "iat": int(now.timestamp()),
              "exp": int(now.timestamp()) + 3600}
    kid = {"kid": world.issuer.key_id}
    ours = serialization.load_pem_private_key((world.settings.home / "issuer" / "private.pem").read_bytes(), None)
    other_pem = new_private_key()
    other = serialization.load_pem_private_key(other_pem, None)
    public_pem = ours.public_key().public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
    other_issuer_home = world.settings.home / "other-issuer"
    other_issuer_home.mkdir(exist_ok=True)
    (other_issuer_home / "private.pem").write_bytes(other_pem)
    other_issuer = LocalIssuer(other_issuer_home, issuer=world.settings.auth_issuer,
                               audience=world.settings.auth_audience)

    def signed(changes: dict, drop: str | None = None) -> str:
        body = {key: value for key, value in {**claims, **changes}.items() if key != drop}
        return jwt.encode(body, ours, algorithm="RS256", headers=kid)

    return {
        "garbage": "not-a-token",
        "other key, same kid": jwt.encode(claims, other, algorithm="RS256", headers=kid),
        "other key, its own kid": other_issuer.mint(subject=PERSON_A, role="citizen", personal_number=PERSON_A),
        "expired": world.issuer.mint(subject=PERSON_A, role="citizen", personal_number=PERSON_A,
                                     now=now - dt.timedelta(hours=3), lifetime=dt.timedelta(hours=1)),
        "wrong audience": signed({"aud": "another-service"}),
        "wrong issuer": signed({"iss": "https://evil.example"}),
        "no expiry": signed({}, drop="exp"),
        "no role": signed({}, drop="role"),
        "unknown role": signed({"role": "admin"}),
        "citizen without number": signed({}, drop="personal_number"),
        "HS256 keyed with the public key": _hs256(claims, public_pem, world.issuer.key_id),
        "alg none": jwt.encode(claims, None, algorithm="none", headers=kid),
    }


def test_every_api_route_refuses_requests_without_a_valid_token(world):
    routes = _every_api_route(world)
    assert len(routes) >= 15
    for method, path in routes:
        response = world.client.request(method, path)
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.headers["www-authenticate"] == "Bearer"
    for name, token in _forged_tokens(world).items():
        for method, path in routes:
            response = world.client.request(method, path, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401, (name, method, path, response.status_code)
        # The same token in the login cookie is refused too; pages send the caller to the login page.
        world.client.cookies.set("sohoa_token", token)
        try:
            assert world.client.get("/api/me").status_code == 401, name
            assert world.client.get("/papers", follow_redirects=False).status_code == 303, name
        finally:
            world.client.cookies.clear()


def test_expired_and_unsigned_download_links_are_refused(world):
    a_id = world.id("a_card")
    principal = world.services.verifier.verify(world.tokens["a"])
    old, _ = world.services.signer.sign(principal, a_id, "original",
                                        now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1))
    assert world.client.get(f"/api/files/{a_id}/original", params={"token": old}).status_code == 403
    assert world.client.get(f"/api/files/{a_id}/original", params={"token": "x"}).status_code == 403
    minted_by_a_for_b, _ = world.services.signer.sign(principal, world.id("b_card"), "original")
    # Even a correctly signed grant is re-checked against the record: A's grant cannot open B's paper.
    assert world.client.get(f"/api/files/{world.id('b_card')}/original",
                            params={"token": minted_by_a_for_b}).status_code == 404


def test_agency_and_role_claims_come_only_from_the_signed_token(world):
    me = world.get("officer_x", "/api/me").json()
    assert me == {"subject": "can-bo-x", "role": "officer", "personal_number": None, "agency": AGENCY_X,
                  "name": "Phạm Thị Xuân"}
    # Query parameters cannot widen what a citizen sees: naming another owner is refused.
    assert world.get("a", "/api/search", params={"q": "", "owner_id": PERSON_B}).status_code == 403
