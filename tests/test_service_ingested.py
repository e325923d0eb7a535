"""The service over papers really ingested by `sohoa ingest`, and `sohoa serve` / `sohoa token` as commands."""

from __future__ import annotations

import csv
import json
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from flows.settings import Settings
from flows.wiring import build_store
from pipeline import keys
from service.app import create_app
from tests.helpers import run_sohoa, serving_sohoa

pytestmark = [pytest.mark.tesseract, pytest.mark.slow]

DOSSIER = "000.00.31.H79-250501-0001"


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> tuple[Path, list[dict[str, str]]]:
    """SOHOA_HOME after ingesting three generated papers, and the manifest rows that declared their owners."""
    from samples.batch import generate_batch

    batch = tmp_path_factory.mktemp("batch")
    generate_batch(batch, documents=3, seed=3, level="mixed")
    home = tmp_path_factory.mktemp("home")
    run_sohoa(home, "ingest", *(str(path) for path in sorted(batch.glob("doc_*"))),
              "--manifest", str(batch / "manifest.csv"))
    with (batch / "manifest.csv").open(encoding="utf-8") as handle:
        rows = [{**row, "path": str(batch / row["file"])} for row in csv.DictReader(handle)]
    return home, rows


@pytest.fixture(scope="module")
def client(home) -> TestClient:
    return TestClient(create_app(Settings(home=home[0])))


def token(home: Path, *args: str) -> dict[str, str]:
    minted = run_sohoa(home, "token", *args).stdout.strip()
    return {"Authorization": f"Bearer {minted}"}


def owned(client: TestClient, home: tuple[Path, list[dict[str, str]]], row: int = 0) -> tuple[dict, str, dict]:
    """The manifest row, its owner's headers and the id of the owner's record."""
    entry = home[1][row]
    headers = token(home[0], "--citizen", entry["owner_id"])
    papers = client.get("/api/my-papers", headers=headers).json()["papers"]
    assert len(papers) == 1, papers
    return entry, papers[0]["id"], headers


def test_citizen_downloads_the_original_bytes_and_the_searchable_pdf(client, home):
    entry, record_id, headers = owned(client, home)
    original = client.get(f"/api/records/{record_id}/original", headers=headers)
    assert original.status_code == 200 and original.content == Path(entry["path"]).read_bytes()
    assert entry["file"] in original.headers["content-disposition"]
    pdf = client.get(f"/api/records/{record_id}/searchable.pdf", headers=headers)
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 1000
    links = client.post(f"/api/records/{record_id}/links", headers=headers).json()
    assert client.get(links["original"]).content == original.content


def test_page_thumbnails_are_small_pngs_of_the_searchable_pdf(client, home):
    _, record_id, headers = owned(client, home, 1)
    record = client.get(f"/api/records/{record_id}", headers=headers).json()["record"]
    for page in record["pages"]:
        image = client.get(f"/api/records/{record_id}/pages/{page['number']}", headers=headers)
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
        width = int.from_bytes(image.content[16:20], "big")
        assert 150 < width < 800  # an A4 page at 40 dpi is about 330 pixels wide


def test_another_citizen_gets_nothing_of_these_papers(client, home):
    _, record_id, _ = owned(client, home, 0)
    other = token(home[0], "--citizen", home[1][2]["owner_id"])
    for path in (f"/api/records/{record_id}", f"/api/records/{record_id}/original",
                 f"/api/records/{record_id}/pages/1", f"/api/records/{record_id[:8]}"):
        assert client.get(path, headers=other).status_code == 404


def test_officer_finds_the_paper_by_its_owner_without_diacritics(client, home):
    officer = token(home[0], "--officer", "Nguyễn Thị Cán Bộ")
    entry, record_id, _ = owned(client, home, 2)
    body = client.get("/api/search", params={"q": entry["owner_id"]}, headers=officer).json()
    assert record_id in [hit["id"] for hit in body["hits"]] and body["facets"]["doc_type"]
    record = client.get(f"/api/records/{record_id}", headers=officer).json()["record"]
    assert record["dossier_code"] == entry["dossier_code"]
    page = client.get(f"/records/{record_id}", headers=officer)
    assert page.status_code == 200 and f"/api/records/{record_id}/pages/1" in page.text


def test_reused_paper_is_verified_against_its_stored_sha256(client, home):
    entry, record_id, headers = owned(client, home, 1)
    created = client.post("/api/reuse", headers=headers, json={
        "record_id": record_id, "dossier_code": DOSSIER, "procedure_code": entry["procedure_code"],
        "component_name": "Giấy tờ đã số hóa"})
    assert created.status_code == 201, created.text
    officer = token(home[0], "--officer", "Lê Văn Kiểm")
    checked = client.post(f"/api/dossiers/{DOSSIER}/verify", headers=officer).json()["results"]
    assert [(item["record_id"], item["status"]) for item in checked] == [(record_id, "ok")]
    original = home[0] / "store" / keys.original(record_id)
    saved = original.read_bytes()
    try:
        original.write_bytes(saved[:-1] + bytes([saved[-1] ^ 1]))
        assert client.post(f"/api/dossiers/{DOSSIER}/verify", headers=officer).json()["results"][0]["status"] == (
            "changed")
    finally:
        original.write_bytes(saved)


def test_searches_answered_just_before_sohoa_serve_stops_are_all_in_the_audit(home):
    """Searches return before their audit events are written; stopping the service (SIGTERM) writes those still
    queued, though uvicorn then ends the process by that signal."""
    officer = token(home[0], "--officer", "admin")
    query = f"trước khi dừng {uuid.uuid4().hex}"

    def search_50(base: str) -> None:
        with httpx.Client(base_url=base, headers=officer, timeout=30) as client:
            for _ in range(50):
                assert client.get("/api/search", params={"q": query}).status_code == 200

    with serving_sohoa(home[0]) as base, ThreadPoolExecutor(4) as pool:
        list(pool.map(search_50, [base] * 4))
    store = build_store(Settings(home=home[0]))
    logged = [json.loads(store.get_bytes(info.key)) for info in store.list("audit/")]
    assert sum(event["detail"].get("query") == query for event in logged) == 200


def test_token_command_refuses_bad_requests(home):
    assert run_sohoa(home[0], "token", check=False).returncode == 2
    assert run_sohoa(home[0], "token", "--citizen", "123", check=False).returncode == 2
    assert run_sohoa(home[0], "token", "--citizen", "079203001234", "--officer", "x", check=False).returncode == 2


def test_sohoa_serve_answers_over_real_http(home):
    with serving_sohoa(home[0]) as base:
        with urllib.request.urlopen(f"{base}/healthz", timeout=10) as response:
            assert json.load(response) == {"status": "ok"}
        request = urllib.request.Request(f"{base}/api/me", headers=token(home[0], "--officer", "admin"))
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.load(response)["role"] == "officer"
        with urllib.request.urlopen(f"{base}/.well-known/jwks.json", timeout=10) as response:
            assert json.load(response)["keys"][0]["alg"] == "RS256"
        with urllib.request.urlopen(f"{base}/openapi.json", timeout=10) as response:
            assert "/api/search" in json.load(response)["paths"]
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/api/search?q=a", timeout=10)
        assert refused.value.code == 401
