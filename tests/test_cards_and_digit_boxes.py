"""Photocopied ID cards and boxed numbers: found on the page, and read again so their fields come out.

Both are drawn by the specimen generator the way a one-stop shop receives
them: two card faces photocopied onto A4, and form CT01's personal number
one digit per box.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocr import cards, digit_boxes
from ocr.document import PageText
from ocr.fields.read import read_fields
from ocr.page import PageOptions, recognise_page
from ocr.preprocess import to_gray
from samples import degrade
from samples.specimens import make_specimen
from tests.helpers import tesseract_has

OPTIONS = PageOptions(timeout_seconds=120)
NEEDS_TESSERACT = pytest.mark.skipif(not tesseract_has("vie", "osd", "eng"),
                                     reason="tesseract with vie+osd+eng not installed")


def _specimen(doc_type: str, seed: int, dpi: int = 300):
    return make_specimen(doc_type, np.random.default_rng(seed), dpi=dpi)


def _fields(doc_type: str, image: np.ndarray, dpi: int) -> dict:
    page = recognise_page(image, dpi, OPTIONS)
    text = PageText(1, page.recognition.text, "ocr", page.recognition.confidence, page.rotation, page.skew_degrees,
                    words=page.recognition.words, machine_zone=page.machine_zone)
    return {key: value["value"] for key, value in read_fields(doc_type, [text]).items()}


@pytest.mark.parametrize("dpi", [200, 300])
def test_both_faces_of_a_card_photocopy_are_found_and_nothing_else(dpi):
    image = _specimen("cccd", 1, dpi).image
    found = cards.find_cards(to_gray(image), dpi)
    long_side = cards.CARD_MM[0] / 25.4 * dpi
    assert len(found) == 2
    assert all(not card.portrait and abs(card.width - long_side) < 0.05 * long_side for card in found)
    assert found[0].top < found[1].top  # front above back, in reading order
    letter = _specimen("birth_certificate", 1, dpi).image
    assert cards.find_cards(to_gray(letter), dpi) == []


def test_cards_on_a_sideways_page_lie_portrait():
    image = cv2.rotate(_specimen("cmnd", 2).image, cv2.ROTATE_90_CLOCKWISE)
    found = cards.find_cards(to_gray(image), 300)
    assert len(found) == 2 and all(card.portrait for card in found)


@pytest.mark.tesseract
@NEEDS_TESSERACT
@pytest.mark.parametrize(
    ("seed", "harsh"),
    [
        (3, degrade.Degradation(dpi=250, rotation=90, skew_degrees=-1.5, noise_sigma=9.0, speck_density=5e-5,
                                blur_sigma=0.8, lighting=0.25, jpeg_quality=50)),
        # Upright, this page's small print read as almost nothing (7 words at 0.16), upside down as
        # more gibberish (0.31); read enlarged, the card itself tells which way is up.
        (7, degrade.Degradation(dpi=300, rotation=180, skew_degrees=-1.74, noise_sigma=7.6, speck_density=8.7e-5,
                                blur_sigma=0.98, lighting=0.26, jpeg_quality=44)),
    ],
    ids=["sideways", "upside-down"],
)
def test_a_harsh_turned_cmnd_photocopy_is_turned_upright_and_its_card_read(seed, harsh):
    specimen = _specimen("cmnd", seed, dpi=harsh.dpi)
    fields = _fields("cmnd", degrade.apply(specimen.image, harsh, 7), harsh.dpi)
    for key in ("id_number", "full_name", "date_of_birth"):
        assert fields.get(key) == specimen.fields[key].value, key


@pytest.mark.tesseract
@NEEDS_TESSERACT
def test_a_cmnd_place_of_origin_ending_short_on_its_dotted_line_reads_as_printed():
    # Its second line ("Vĩnh Long") leaves most of the dotted guide line bare, which
    # Tesseract read as letters of that line: "ớt cà s1) cà Nhđệc vệ CƯ.) on".
    specimen = _specimen("cmnd", 1)
    assert _fields("cmnd", specimen.image, 300).get("place_of_origin") == specimen.fields["place_of_origin"].value


def _boxed_form(seed_from: int = 0):
    """An application form whose number is printed in boxes (the generator boxes about half)."""
    for seed in range(seed_from, seed_from + 40):
        specimen = _specimen("application_form", seed)
        gray = to_gray(specimen.image)
        if digit_boxes.find_digit_rows(gray, 300):
            return specimen, gray
    raise AssertionError("no boxed application form in 40 seeds")


def test_a_row_of_twelve_digit_boxes_is_found_on_a_form_and_not_on_a_letter():
    _, gray = _boxed_form()
    rows = digit_boxes.find_digit_rows(gray, 300)
    assert [len(row.cells) for row in rows] == [12]
    letter = _specimen("residence_confirmation", 1).image
    assert digit_boxes.find_digit_rows(to_gray(letter), 300) == []


@pytest.mark.tesseract
@NEEDS_TESSERACT
def test_a_boxed_personal_number_is_read_as_one_number_on_a_skewed_noisy_scan():
    specimen, _ = _boxed_form(5)
    mild = degrade.Degradation(dpi=300, skew_degrees=1.2, noise_sigma=5.0, speck_density=1e-5, jpeg_quality=75)
    fields = _fields("application_form", degrade.apply(specimen.image, mild, 3), 300)
    assert fields["id_number"] == specimen.fields["id_number"].value
