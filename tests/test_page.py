"""ocr.page: a page fed upside down, sideways or skewed still comes back upright and readable."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from samples.quality import cer
from ocr.page import PageOptions, RecognisedPage, recognise_page
from samples import degrade
from samples.batch import make_page
from tests.helpers import tesseract_has

pytestmark = [
    pytest.mark.tesseract,
    pytest.mark.skipif(not tesseract_has("vie", "osd"), reason="tesseract with vie+osd not installed"),
]

DPI = 200
MAX_CER = 0.05
OPTIONS = PageOptions(timeout_seconds=120)


@pytest.fixture(scope="module")
def page() -> tuple[np.ndarray, str]:
    image, truth, _ = make_page(1, "clean", DPI)
    return image, truth


def _jpeg_shape(result: RecognisedPage) -> tuple[int, ...]:
    decoded = cv2.imdecode(np.frombuffer(result.image_jpeg, np.uint8), cv2.IMREAD_UNCHANGED)
    assert decoded is not None, "image_jpeg is not a JPEG"
    return decoded.shape


def _read_size(result: RecognisedPage, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of `shape` as the page was read: resized by the result's scale."""
    return (round(shape[0] * result.scale), round(shape[1] * result.scale), *shape[2:])


@pytest.fixture(scope="module")
def upside_down(page) -> RecognisedPage:
    return recognise_page(cv2.rotate(page[0], cv2.ROTATE_180), DPI, OPTIONS)


@pytest.fixture(scope="module")
def turned_counter_clockwise(page) -> RecognisedPage:
    return recognise_page(cv2.rotate(page[0], cv2.ROTATE_90_COUNTERCLOCKWISE), DPI, OPTIONS)


@pytest.fixture(scope="module")
def turned_clockwise(page) -> RecognisedPage:
    return recognise_page(cv2.rotate(page[0], cv2.ROTATE_90_CLOCKWISE), DPI, OPTIONS)


@pytest.fixture(scope="module")
def skewed(page) -> RecognisedPage:
    return recognise_page(degrade.skew(page[0], 3.0), DPI, OPTIONS)


def test_upside_down_page_is_turned_and_read(page, upside_down) -> None:
    assert upside_down.rotation == 180
    assert cer(page[1], upside_down.recognition.text) < MAX_CER
    assert upside_down.recognition.confidence > 0.85
    # The stored image is the upright page, as large as the original read at the size Tesseract reads best.
    assert _jpeg_shape(upside_down) == _read_size(upside_down, page[0].shape)
    assert upside_down.dpi == round(DPI * upside_down.scale)


def test_page_turned_counter_clockwise_is_turned_and_read(page, turned_counter_clockwise) -> None:
    assert turned_counter_clockwise.rotation == 90
    assert cer(page[1], turned_counter_clockwise.recognition.text) < MAX_CER
    assert _jpeg_shape(turned_counter_clockwise) == _read_size(turned_counter_clockwise, page[0].shape)  # portrait


def test_page_turned_clockwise_is_read(page, turned_clockwise) -> None:
    assert cer(page[1], turned_clockwise.recognition.text) < MAX_CER


def test_page_turned_clockwise_is_turned_upright(page, turned_clockwise) -> None:
    assert turned_clockwise.rotation == 270
    assert _jpeg_shape(turned_clockwise) == _read_size(turned_clockwise, page[0].shape)  # portrait, not sideways
    assert turned_clockwise.skew_degrees == pytest.approx(0.0, abs=0.3)


def test_skewed_page_is_straightened_and_read(page, skewed) -> None:
    assert skewed.rotation == 0
    assert skewed.skew_degrees == pytest.approx(3.0, abs=0.3)
    assert cer(page[1], skewed.recognition.text) < MAX_CER
    # Straightening grows the canvas rather than cutting corners off.
    height, width = _jpeg_shape(skewed)[:2]
    read_height, read_width = _read_size(skewed, page[0].shape)[:2]
    assert height >= read_height and width >= read_width


def test_upright_page_is_left_alone(page) -> None:
    result = recognise_page(page[0], DPI, OPTIONS)
    assert result.rotation == 0
    assert result.skew_degrees == 0.0
    assert cer(page[1], result.recognition.text) < MAX_CER
    assert _jpeg_shape(result) == _read_size(result, page[0].shape)



def test_low_resolution_page_without_dpi_is_enlarged_and_read_as_well(page) -> None:
    """A 110-dpi copy whose file says no resolution (a phone photo, a cheap scan) reads like the original.

    Told the default 300 dpi, Tesseract takes such small print for noise and drops lines; the page's
    own print says how large it is.
    """
    small = cv2.resize(page[0], None, fx=110 / DPI, fy=110 / DPI, interpolation=cv2.INTER_AREA)
    result = recognise_page(small, 300, OPTIONS, dpi_known=False)
    assert result.scale > 2
    assert 220 <= result.dpi <= 330  # about 300 dpi: the resolution it was read at, after enlarging
    assert cer(page[1], result.recognition.text) < MAX_CER
    assert not result.lines.lost_text()
