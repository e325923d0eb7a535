"""Specimens of every paper type through `sohoa ingest`: classified, read, and found again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from samples.specimen_batch import generate_specimens
from search.folding import fold
from tests.helpers import run_json, run_sohoa

pytestmark = [pytest.mark.tesseract, pytest.mark.slow]


@pytest.fixture(scope="module")
def ingested_specimens(tmp_path_factory):
    folder = tmp_path_factory.mktemp("specimens")
    specs = generate_specimens(folder, count=9, seed=1, level="clean", invalid_fraction=0.0)
    (folder / "specimens.json").rename(folder.parent / f"{folder.name}-truth.json")
    home = tmp_path_factory.mktemp("specimen-home")
    report = home / "report.json"
    run_sohoa(home, "ingest", str(folder), "--report", str(report))
    results = {Path(doc["source"]).name: doc for doc in json.loads(report.read_text())["documents"]}
    return home, {spec.file: (spec, results[spec.file]) for spec in specs}


def test_every_paper_type_is_classified_from_its_title(ingested_specimens):
    _, pairs = ingested_specimens
    assert {spec.doc_type for spec, _ in pairs.values()} >= {
        "cccd", "cmnd", "birth_certificate", "marriage_certificate", "residence_confirmation",
        "business_registration", "land_use_certificate", "dossier_receipt", "application_form"}
    for spec, result in pairs.values():
        assert result["status"] == "indexed"
        assert result["doc_type"] == spec.doc_type, spec.file


def test_a_citizens_papers_are_found_by_their_personal_number(ingested_specimens):
    home, pairs = ingested_specimens
    spec, result = next((s, r) for s, r in pairs.values() if s.doc_type == "birth_certificate")
    record = run_json(home, "show", result["id"])
    assert record["owner_id"] == spec.owner_id
    assert record["fields"]["id_number"] == {**record["fields"]["id_number"], "value": spec.owner_id, "valid": True}
    hits = run_json(home, "search", "", "--owner", spec.owner_id)["hits"]
    assert result["id"] in [hit["id"] for hit in hits]


def test_a_receipt_is_found_by_the_dossier_code_in_its_qr_code(ingested_specimens):
    home, pairs = ingested_specimens
    spec, result = next((s, r) for s, r in pairs.values() if s.doc_type == "dossier_receipt")
    record = run_json(home, "show", result["id"])
    assert record["qr_codes"], "the receipt's QR code was not read"
    assert record["dossier_code"] == spec.dossier_code
    hits = run_json(home, "search", spec.dossier_code)["hits"]
    assert hits[0]["id"] == result["id"]


def test_a_name_typed_without_diacritics_finds_the_paper(ingested_specimens):
    home, pairs = ingested_specimens
    spec, result = next((s, r) for s, r in pairs.values() if s.doc_type == "residence_confirmation")
    name = spec.fields["full_name"]["value"]
    hits = run_json(home, "search", fold(name))["hits"]
    assert result["id"] in [hit["id"] for hit in hits]


def test_fields_are_read_in_record_format(ingested_specimens):
    home, pairs = ingested_specimens
    spec, result = next((s, r) for s, r in pairs.values() if s.doc_type == "business_registration")
    fields = run_json(home, "show", result["id"])["fields"]
    for key in ("enterprise_code", "date_of_first_registration", "legal_representative"):
        assert fields[key]["value"] == spec.fields[key]["value"], key
        assert fields[key]["valid"] and 0 < fields[key]["confidence"] <= 1
