"""Tests for style B, the specimen generator kept for reporting (samples/style_b, specimen_batch --style b).

No OCR here: style B's figures come from benchmarks/fields.py --style b, and
its papers must never become test targets of the extractors. These tests only
hold the generator to its promises: every type renders, the truth agrees with
the ``ocr.fields`` validators exactly as style A's does (``_issues`` is style
A's own checker), the papers are not style A's, and a seed gives the same files.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from samples import degrade, style_b
from samples.render import page_size
from samples.specimen_batch import GROUND_TRUTH, generate_specimens
from samples.specimens import DEFECTS, DOC_TYPES, make_specimen
from tests.test_specimens import ID_KEYS, KEY_FIELDS, NAME_KEYS, _issues

SEEDS = range(5)
DPI = 72  # layouts are in millimetres; a low resolution keeps these tests fast


def _make(doc_type: str, seed: int, dpi: int = DPI, defect: str | None = None) -> style_b.Rendered:
    return style_b.make_specimen(doc_type, np.random.default_rng([seed, 3]), dpi=dpi, defect=defect)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def valid() -> list[style_b.Rendered]:
    return [_make(doc_type, seed) for doc_type in DOC_TYPES for seed in SEEDS]


@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_every_type_renders_an_a4_page_in_grey_and_colour(doc_type: str) -> None:
    rendered = _make(doc_type, 1, dpi=100)
    image = rendered.specimen.image
    assert rendered.specimen.doc_type == doc_type and rendered.specimen.defect is None
    assert image.dtype == np.uint8 and image.ndim == 2 and image.shape[::-1] == page_size(100)
    assert 0.003 < (image < 128).mean() < 0.3
    assert rendered.colour.shape == (*image.shape, 3)
    assert bool(rendered.faces) == (doc_type in ("cccd", "cmnd"))
    assert all(face.ndim == 3 and face.shape[1] > face.shape[0] for face in rendered.faces)


def test_truth_keys_are_style_a_keys_and_every_key_occurs(valid: list[style_b.Rendered]) -> None:
    """A template may not print a field (the 2024 card has no quê quán), but nothing outside vietnam.md's list."""
    seen: dict[str, set[str]] = {doc_type: set() for doc_type in DOC_TYPES}
    for rendered in valid:
        keys = set(rendered.specimen.fields)
        assert keys <= KEY_FIELDS[rendered.specimen.doc_type]
        seen[rendered.specimen.doc_type] |= keys
    assert seen == KEY_FIELDS


def test_truth_is_in_record_form(valid: list[style_b.Rendered]) -> None:
    for rendered in valid:
        specimen = rendered.specimen
        for key, truth in specimen.fields.items():
            value = truth.value
            if value is None:
                assert key == "date_of_expiry"
                continue
            assert value == unicodedata.normalize("NFC", value) and value == value.strip() and "  " not in value
            if key.startswith("date_"):
                date.fromisoformat(value)
            if key in NAME_KEYS:
                assert all(word[:1].isupper() and word[1:] == word[1:].lower() for word in value.split()), value
            if key in ID_KEYS:
                assert re.fullmatch(r"\d{12}|\d{9}", value), value  # 9 digits: an old CMND still in use


def test_owner_is_the_printed_personal_number_or_none(valid: list[style_b.Rendered]) -> None:
    for rendered in valid:
        specimen = rendered.specimen
        fields = {key: truth.value for key, truth in specimen.fields.items()}
        if specimen.doc_type == "business_registration":
            assert specimen.owner_id == fields["enterprise_code"]
        elif specimen.doc_type == "marriage_certificate":
            assert specimen.owner_id == fields["husband_id_number"]
        elif specimen.doc_type == "land_use_certificate":
            assert specimen.owner_id is None or re.fullmatch(r"\d{12}", specimen.owner_id)
        elif specimen.doc_type == "cmnd" or len(fields.get("id_number") or "") != 12:
            assert specimen.owner_id is None  # a CMND number, or a paper without a personal number
        else:
            assert specimen.owner_id == fields["id_number"]
        assert (specimen.dossier_code is not None) == (specimen.doc_type == "dossier_receipt")
    assert sum(r.specimen.owner_id is not None for r in valid) > len(valid) * 0.6


def test_valid_specimens_pass_every_validator(valid: list[style_b.Rendered]) -> None:
    for rendered in valid:
        specimen = rendered.specimen
        assert all(truth.valid and truth.issue is None for truth in specimen.fields.values())
        for key, issues in _issues(specimen).items():
            assert issues == [], (specimen.doc_type, key, specimen.fields[key].value, issues)


@pytest.mark.parametrize(("doc_type", "defect"),
                         [(doc_type, defect) for doc_type in DOC_TYPES for defect in DEFECTS[doc_type]])
def test_defective_specimens_fail_exactly_where_marked(doc_type: str, defect: str) -> None:
    for seed in range(2):
        specimen = _make(doc_type, seed, defect=defect).specimen
        assert specimen.defect == defect
        marked = {key for key, truth in specimen.fields.items() if not truth.valid}
        assert marked and all(specimen.fields[key].issue for key in marked)
        failing = {key for key, issues in _issues(specimen).items() if issues}
        assert failing == marked, (doc_type, defect, seed, failing, marked)


def test_papers_are_not_style_a_papers() -> None:
    for doc_type in DOC_TYPES:
        a = make_specimen(doc_type, np.random.default_rng([5, 3]), dpi=DPI).image  # type: ignore[arg-type]
        b = _make(doc_type, 5).specimen.image
        assert a.shape == b.shape and np.abs(a.astype(int) - b.astype(int)).mean() > 2.0, doc_type


def test_same_seed_same_paper() -> None:
    for doc_type in DOC_TYPES:
        first, second = _make(doc_type, 9), _make(doc_type, 9)
        assert np.array_equal(first.specimen.image, second.specimen.image)
        assert np.array_equal(first.colour, second.colour)
        assert all(np.array_equal(x, y) for x, y in zip(first.faces, second.faces, strict=True))
        assert first.specimen.fields == second.specimen.fields
        assert first.specimen.fields != _make(doc_type, 10).specimen.fields


def test_a_photo_is_rgb_at_phone_resolution_and_a_scan_can_be_in_colour() -> None:
    rendered = _make("cccd", 2, dpi=150)
    rng = np.random.default_rng(0)
    photo = style_b.sample_photo("harsh", rng, card=True)
    picture = style_b.photograph(rendered, photo, 7)
    assert picture.ndim == 3 and picture.dtype == np.uint8
    # Two cards side by side or stacked, plus the table around them.
    assert 85.6 / 25.4 * photo.dpi < max(picture.shape[:2]) < 3 * 85.6 / 25.4 * photo.dpi
    assert np.array_equal(picture, style_b.photograph(rendered, photo, 7))
    params = degrade.sample("mild", rng, 150)
    assert style_b.scan(rendered, params, 3, colour=True).shape[2] == 3
    assert style_b.scan(rendered, params, 3, colour=False).ndim == 2


def test_batch_writes_files_the_same_way_twice(tmp_path: Path) -> None:
    specs = generate_specimens(tmp_path / "a", count=9, seed=4, level="harsh", invalid_fraction=1.0, style="b")
    truth = json.loads((tmp_path / "a" / GROUND_TRUTH).read_text(encoding="utf-8"))["specimens"]
    assert [spec.doc_type for spec in specs] == list(DOC_TYPES) and len(truth) == 9
    captures = set()
    for entry, spec in zip(truth, specs, strict=True):
        assert entry["file"] == spec.file
        assert all(set(f) == {"value", "valid", "issue"} for f in entry["fields"].values())
        assert (not any(f["valid"] is False for f in entry["fields"].values())) == (entry["defect"] is None)
        degradation = entry["degradations"][0]
        captures.add(degradation["capture"])
        if degradation["capture"] == "photo":
            with Image.open(tmp_path / "a" / spec.file) as image:
                assert image.format == "JPEG" and image.mode == "RGB" and "dpi" not in image.info
    assert captures == {"scan", "photo"}
    again = generate_specimens(tmp_path / "b", count=3, seed=4, level="harsh", invalid_fraction=1.0, style="b")
    assert again == specs[:3]  # each file has its own generator, so the first three are the same files
    for spec in again:
        assert (tmp_path / "a" / spec.file).read_bytes() == (tmp_path / "b" / spec.file).read_bytes()


def test_style_b_draws_other_people_than_style_a_and_rejects_unknown_styles(tmp_path: Path) -> None:
    a = generate_specimens(tmp_path / "a", count=2, seed=0, level="clean")
    b = generate_specimens(tmp_path / "b", count=2, seed=0, level="clean", style="b")
    assert [s.fields for s in a] != [s.fields for s in b]
    with pytest.raises(ValueError):
        generate_specimens(tmp_path / "c", count=1, seed=0, style="c")
