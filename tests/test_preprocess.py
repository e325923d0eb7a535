"""ocr.preprocess: straightening pages (skew and quarter turns) on real generated pages."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocr import preprocess
from samples import degrade
from samples.batch import make_page

DPI = 200


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    image, _, params = make_page(1, "clean", DPI)
    assert params["skew_degrees"] == 0 and params["rotation"] == 0
    return image


def _turn_in_place(image: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate counter-clockwise by `degrees` (OpenCV convention), same canvas, white fill."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(
        image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )


@pytest.mark.parametrize("degrees", [-4.0, -1.5, 0.0, 2.2, 6.0])
def test_estimate_skew_recovers_known_skew(page: np.ndarray, degrees: float) -> None:
    assert preprocess.estimate_skew(_turn_in_place(page, degrees)) == pytest.approx(degrees, abs=0.3)


def test_estimate_skew_on_a_noisy_scan(page: np.ndarray) -> None:
    scanned = degrade.gaussian_noise(degrade.skew(page, -2.5), sigma=10, seed=3)
    assert preprocess.estimate_skew(scanned) == pytest.approx(-2.5, abs=0.3)


def test_blank_page_has_no_skew() -> None:
    assert preprocess.estimate_skew(np.full((2339, 1654), 255, np.uint8)) == 0.0


def test_deskew_levels_the_text(page: np.ndarray) -> None:
    skewed = degrade.skew(page, 3.5)
    skew = preprocess.estimate_skew(skewed)
    straight = preprocess.deskew(skewed, skew)
    assert abs(preprocess.estimate_skew(straight)) <= 0.3


def test_deskew_grows_the_canvas_and_keeps_white_corners() -> None:
    image = np.full((600, 400), 255, np.uint8)
    for y, x in ((0, 0), (0, 360), (560, 0), (560, 360)):  # ink right in the four corners
        image[y : y + 40, x : x + 40] = 0
    out = preprocess.deskew(image, 5.0)
    assert out.dtype == np.uint8
    assert out.shape[0] > 600 and out.shape[1] > 400
    for corner in (out[0, 0], out[0, -1], out[-1, 0], out[-1, -1]):
        assert corner == 255
    # No corner of the page was cut off: all the ink is still there.
    ink_before = int((image < 128).sum())
    ink_after = int((out < 128).sum())
    assert ink_after == pytest.approx(ink_before, rel=0.08)


def test_deskew_colour_page_gets_white_corners() -> None:
    image = np.zeros((300, 200, 3), np.uint8)
    image[:] = (30, 60, 90)
    out = preprocess.deskew(image, -4.0)
    assert out.shape[2] == 3 and out.shape[0] > 300 and out.shape[1] > 200
    assert out[0, 0].tolist() == [255, 255, 255]
    assert out[-1, -1].tolist() == [255, 255, 255]
    assert out[out.shape[0] // 2, out.shape[1] // 2].tolist() == [30, 60, 90]


def test_deskew_ignores_negligible_skew(page: np.ndarray) -> None:
    out = preprocess.deskew(page, 0.01)
    assert out.shape == page.shape
    assert np.array_equal(out, page)


def _marked(height: int = 30, width: int = 50) -> np.ndarray:
    image = np.zeros((height, width), np.uint8)
    image[0, 0] = 255  # top-left
    image[0, 1] = 128  # to its right: tells mirror from rotation
    return image


def test_quarter_turn_is_clockwise() -> None:
    turned = preprocess.rotate_quarter_turns(_marked(), 90)
    assert turned.shape == (50, 30)
    assert turned[0, -1] == 255  # top-left went to top-right
    assert turned[1, -1] == 128


@pytest.mark.parametrize("degrees", [90, 180, 270, -90, 450])
def test_quarter_turns_round_trip(degrees: int) -> None:
    image = _marked()
    back = preprocess.rotate_quarter_turns(preprocess.rotate_quarter_turns(image, degrees), -degrees)
    assert np.array_equal(back, image)


def test_quarter_turn_equivalences() -> None:
    image = _marked()
    assert np.array_equal(preprocess.rotate_quarter_turns(image, -90), preprocess.rotate_quarter_turns(image, 270))
    assert np.array_equal(preprocess.rotate_quarter_turns(image, 0), image)
    assert np.array_equal(preprocess.rotate_quarter_turns(image, 360), image)


def test_quarter_turn_on_colour_page() -> None:
    image = np.zeros((30, 50, 3), np.uint8)
    image[0, 0] = (1, 2, 3)
    turned = preprocess.rotate_quarter_turns(image, 180)
    assert turned.shape == (30, 50, 3)
    assert turned[-1, -1].tolist() == [1, 2, 3]


@pytest.mark.parametrize("degrees", [45, 1, -30, 100])
def test_quarter_turn_rejects_other_angles(degrees: int) -> None:
    with pytest.raises(ValueError):
        preprocess.rotate_quarter_turns(_marked(), degrees)


def test_to_gray_keeps_gray_pages() -> None:
    gray = np.arange(256, dtype=np.uint8).reshape(16, 16)
    assert preprocess.to_gray(gray) is gray


def test_to_gray_reads_bgr_channel_order() -> None:
    # Pure blue and pure red in BGR order: blue is far darker than red in luma.
    image = np.zeros((2, 2, 3), np.uint8)
    image[0, 0] = (255, 0, 0)  # blue
    image[0, 1] = (0, 0, 255)  # red
    image[1, :] = (255, 255, 255)
    gray = preprocess.to_gray(image)
    assert gray.shape == (2, 2) and gray.dtype == np.uint8
    assert gray[0, 0] == pytest.approx(0.114 * 255, abs=2)
    assert gray[0, 1] == pytest.approx(0.299 * 255, abs=2)
    assert gray[1, 0] == 255


def test_to_gray_bgra() -> None:
    image = np.zeros((2, 2, 4), np.uint8)
    image[..., :3] = (255, 0, 0)
    image[..., 3] = 255
    gray = preprocess.to_gray(image)
    assert gray.shape == (2, 2)
    assert int(gray[0, 0]) == pytest.approx(0.114 * 255, abs=2)


def test_denoise_removes_isolated_specks_but_keeps_text_strokes() -> None:
    page = np.full((200, 300), 255, np.uint8)
    cv2.putText(page, "Duc", (20, 120), cv2.FONT_HERSHEY_SIMPLEX, 3, 0, 6)
    speckled = page.copy()
    rng = np.random.default_rng(0)
    ys, xs = rng.integers(0, 200, 300), rng.integers(0, 300, 300)
    speckled[ys, xs] = 0
    cleaned = preprocess.denoise(speckled)
    paper = cv2.erode(page, np.ones((5, 5), np.uint8)) == 255  # well away from the letters
    assert np.count_nonzero(cleaned[paper] < 128) < np.count_nonzero(speckled[paper] < 128) / 10
    assert np.count_nonzero(cleaned < 128) > 0.95 * np.count_nonzero(page < 128)
