"""Numbers printed one digit per box (form CT01's "Số định danh cá nhân"): read them without the boxes.

Tesseract reads each box's sides as `|`, `1`, `7` or `[`, so a boxed personal
number came back as "I0[6|6|0|17|10|1|1|5|4|1|0)". The boxes are found as a
row of ruled cells of one size; the inside of each cell, cut clear of its
rulings, is set beside the next as in an ordinary printed number, and that
line is read again as digits only.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr import tesseract
from ocr.preprocess import WHITE
from ocr.regions import Region, mm_to_px, with_region_reread
from ocr.tesseract import Recognition, Word

_CELL_MM = (4.0, 9.0)  # the side of a box a hand can write one digit in
_MIN_CELLS = 8  # shorter rows are tick boxes or table cells, not a number
_INK = 128
_BOX_SIDES = 4  # "|" in the page reading before its digit boxes are looked for


Box = tuple[int, int, int, int]  # left, top, width, height


@dataclass(frozen=True)
class DigitRow:
    cells: tuple[Box, ...]

    @property
    def region(self) -> Region:
        left, top = self.cells[0][0], min(cell[1] for cell in self.cells)
        right, bottom = self.cells[-1][0] + self.cells[-1][2], max(cell[1] + cell[3] for cell in self.cells)
        return Region(left, top, right - left, bottom - top)


def _rulings(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Long straight strokes only: vertical ones the height of a box, horizontal ones of two boxes."""
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    cell = round(mm_to_px(_CELL_MM[0], dpi))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, cell)))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * cell, 1)))
    return cv2.dilate(vertical | horizontal, np.ones((3, 3), np.uint8))


def find_digit_rows(gray: np.ndarray, dpi: int) -> list[DigitRow]:
    """Rows of at least eight adjacent square boxes, left to right."""
    low, high = (mm_to_px(mm, dpi) for mm in _CELL_MM)
    rulings = _rulings(gray, dpi)
    contours, _ = cv2.findContours(255 - rulings, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    cells = [cv2.boundingRect(c) for c in contours]
    cells = [(x, y, w, h) for x, y, w, h in cells if low <= w <= high and low <= h <= high and abs(w - h) < 0.3 * h]
    rows: list[list[Box]] = []
    for cell in sorted(cells, key=lambda cell: (cell[1] // max(1, cell[3]), cell[0])):
        x, y, w, h = cell
        last = rows[-1][-1] if rows else None
        if (last is not None and abs(y - last[1]) < 0.3 * h and abs(h - last[3]) < 0.3 * h
                and 0 <= x - (last[0] + last[2]) < 0.5 * w):
            rows[-1].append(cell)
        else:
            rows.append([cell])
    extended = (_extended(row, rulings) for row in rows if len(row) >= _MIN_CELLS // 2)
    return [DigitRow(row) for row in extended if len(row) >= _MIN_CELLS]


def _extended(row: list[Box], rulings: np.ndarray) -> tuple[Box, ...]:
    """The row with the end cells whose outline noise broke: where a ruling stands one box further on."""
    _, top, width, height = row[0]
    pitch = int(np.median(np.diff([cell[0] for cell in row])))  # a box and one ruling
    band = rulings[top + height // 5 : top + height - height // 5]

    def ruled(x: int) -> bool:
        lines = band[:, max(0, x - pitch // 6) : max(0, x + pitch // 6)]
        return lines.size > 0 and bool(((lines > 0).mean(axis=0) > 0.6).any())

    cells = list(row)
    while ruled(cells[-1][0] + cells[-1][2] + pitch):
        cells.append((cells[-1][0] + pitch, top, width, height))
    while cells[0][0] - pitch > 0 and ruled(cells[0][0] - pitch):
        cells.insert(0, (cells[0][0] - pitch, top, width, height))
    return tuple(cells)


def _digits_strip(gray: np.ndarray, row: DigitRow) -> np.ndarray:
    """Each cell's inside, clear of its rulings, side by side as an ordinary printed number."""
    insides = []
    for x, y, w, h in row.cells:
        margin_x, margin_y = round(0.15 * w), round(0.12 * h)
        inside = gray[y + margin_y : y + h - margin_y, x + margin_x : x + w - margin_x]
        # Narrow each cell to its ink, so the digits stand as close as in print, not a box apart.
        columns = np.flatnonzero((inside < _INK).any(axis=0))
        insides.append(inside[:, columns[0] : columns[-1] + 1] if columns.size else inside[:, :1])
    height = min(inside.shape[0] for inside in insides)
    gap = np.full((height, max(2, height // 8)), WHITE, np.uint8)
    strip = np.hstack([part for inside in insides for part in (inside[:height], gap)])
    return cv2.copyMakeBorder(strip, height // 2, height // 2, height, height, cv2.BORDER_CONSTANT, value=WHITE)


def with_digit_rows_reread(recognition: Recognition, gray: np.ndarray, *, dpi: int, timeout: float) -> Recognition:
    """The page's reading with each row of boxed digits it read replaced by one word of its digits.

    Boxed digits read as "0|8|2|3...": a page without a few box sides read as "|" is not searched.
    """
    if sum(word.text.count("|") for word in recognition.words) < _BOX_SIDES:
        return recognition
    for row in find_digit_rows(gray, dpi):
        region = row.region
        inside = [word for word in recognition.words if region.contains(word)]
        if not inside:
            continue
        digits, confidence = tesseract.read_digits(_digits_strip(gray, row), dpi=dpi, timeout=timeout)
        if digits:
            number = Word(text=digits, confidence=confidence, left=region.left, top=region.top, width=region.width,
                          height=region.height, block=inside[0].block, paragraph=inside[0].paragraph,
                          line=inside[0].line)
            recognition = with_region_reread(recognition, region, (number,))
    return recognition
