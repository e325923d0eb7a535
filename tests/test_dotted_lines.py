"""A CMND's dotted guide lines come off before OCR; the dots of Vietnamese letters stay."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocr.dotted_lines import remove_dotted_lines
from samples.specimens import PT_MM, Sheet, _dotted

DPI = 600
PT = 7.0
# Dots under letters (ạ, ậ, ệ, ị, ọ, ụ) and above them (i), on both lines.
LINES = ("Nguyên quán Xã Thịnh Liệt, huyện Lạc Dương, Tỉnh", "Vĩnh Long Họ Đặng")
LEFT, RIGHT = 2.0, 84.0


def _card(dotted: bool, background: int = 255) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """The lines as a CMND prints them, and where each line's text ends and its baseline lies (mm)."""
    sheet = Sheet(RIGHT + 2.0, 14.0, DPI)
    sheet.rect(0, 0, RIGHT + 2.0, 14.0, outline=None, fill=background)
    ends = []
    for number, text in enumerate(LINES):
        baseline = 5.0 + number * PT * PT_MM * 1.33
        if dotted:
            _dotted(sheet, LEFT, RIGHT, baseline)
        ends.append((sheet.text(LEFT, baseline, text, PT), baseline))
    return sheet.array(), ends


def _px(mm: float) -> int:
    return round(mm / 25.4 * DPI)


def _letter_dots(image: np.ndarray) -> list[tuple[int, int]]:
    """Centres of the small marks of the letters: the dots of i and of the heavy tone."""
    count, _, stats, centres = cv2.connectedComponentsWithStats((image < 128).astype(np.uint8))
    small = _px(0.4)
    return [(round(x), round(y)) for (x, y), (_, _, width, height, _) in zip(centres[1:], stats[1:])
            if width <= small and height <= small]


@pytest.mark.parametrize("background", [255, 236])
def test_the_dots_of_a_guide_line_are_painted_over_with_the_paper(background):
    dotted, ends = _card(dotted=True, background=background)
    cleaned = remove_dotted_lines(dotted, DPI)
    for end, baseline in ends:
        # Right of the text, the guide line is all there is on its row.
        band = (slice(_px(baseline + 0.3), _px(baseline + 0.9)), slice(_px(end + 1.0), _px(RIGHT)))
        assert dotted[band].min() < background - 60
        assert cleaned[band].min() >= background - 12


def test_the_dots_of_letters_stay():
    plain, _ = _card(dotted=False)
    cleaned = remove_dotted_lines(_card(dotted=True)[0], DPI)
    dots = _letter_dots(plain)
    assert len(dots) >= 8
    assert all(cleaned[y, x] < 128 for x, y in dots)


def test_a_page_without_dotted_lines_is_left_as_it_is():
    plain, _ = _card(dotted=False)
    assert np.array_equal(remove_dotted_lines(plain, DPI), plain)


def test_spots_crowded_closer_than_the_pitch_are_no_dotted_line():
    """A photographed card's texture: a row of specks 2 px apart chains at the 8-px pitch two specks
    make, but no dot stands one pitch after another: nothing is taken off, and nothing fails."""
    from ocr.dotted_lines import _dots, _Spots

    x = np.arange(406.0, 446.0, 2.0)
    spots = _Spots(labels=np.zeros((1, 1), np.int32), ids=np.arange(1, len(x) + 1), x=x, y=np.full(len(x), 100.0))
    assert len(_dots(spots, 600)) == 0
