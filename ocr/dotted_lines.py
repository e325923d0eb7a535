"""Dotted guide lines, taken off before OCR.

A CMND prints its values on dotted guide lines, and where a value ends short
of the line (the second line of a place of origin, "Vĩnh Long"), Tesseract
takes the row of dots for letters on the same line and reads the whole line
as gibberish: "ớt cà s1) cà Nhđệc vệ CƯ.) on". Of the 12 CMND copies of the
field benchmark, 7 such lines were garbled or lost; with the dots taken off,
all 12 read as printed.

A guide dot is a small dark spot in a horizontal chain at a fixed pitch. The
dot under a Vietnamese letter (dấu nặng) is as small, but it is never part of
such a chain, so only chained spots, and spots on the same row at the same
pitch, are taken off.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr.regions import mm_to_px

_MAX_DOT_MM = 0.4
_BACKGROUND_MM = 0.6  # wider than a dot, so the closing shows the paper under it
# Faint dots on clean paper and dark ones on a noisy copy separate from their
# surroundings at different contrasts; each catches rows the others miss.
_CONTRASTS = (20, 30, 45)
_PITCH_MM = (0.3, 2.0)
_ROW_TOLERANCE_MM = 0.1
_PITCH_TOLERANCE = 0.2  # of the pitch
_MIN_CHAIN = 6
_RIM_MM = 0.1  # a scan blurs a dot's edge beyond where it reads as dark


@dataclass(frozen=True)
class _Spots:
    labels: np.ndarray
    ids: np.ndarray  # labels of the small spots
    x: np.ndarray  # their centres, in pixels
    y: np.ndarray


def _small_spots(darker: np.ndarray, contrast: int, dpi: int) -> _Spots:
    count, labels, stats, centres = cv2.connectedComponentsWithStats((darker >= contrast).astype(np.uint8),
                                                                      connectivity=8)
    largest = mm_to_px(_MAX_DOT_MM, dpi)
    small = (stats[:, cv2.CC_STAT_WIDTH] <= largest) & (stats[:, cv2.CC_STAT_HEIGHT] <= largest)
    small[0] = False  # the background
    ids = np.flatnonzero(small)
    order = np.argsort(centres[ids, 0], kind="stable")
    ids = ids[order]
    return _Spots(labels, ids, centres[ids, 0], centres[ids, 1])


def _pitch(spots: _Spots, dpi: int) -> float | None:
    """The commonest gap from a spot to the next one on its right in the same row."""
    shortest, longest = (mm_to_px(mm, dpi) for mm in _PITCH_MM)
    tolerance = mm_to_px(_ROW_TOLERANCE_MM, dpi)
    gaps = []
    for a in range(len(spots.ids)):
        for b in range(a + 1, len(spots.ids)):
            gap = spots.x[b] - spots.x[a]
            if gap > longest:
                break
            if gap >= shortest and abs(spots.y[b] - spots.y[a]) <= tolerance:
                gaps.append(gap)
                break
    if not gaps:
        return None
    step = mm_to_px(0.05, dpi)
    counts, edges = np.histogram(gaps, bins=np.arange(shortest, longest + step, step))
    return float(edges[np.argmax(counts)] + step / 2)


def _chains(spots: _Spots, pitch: float, dpi: int) -> list[np.ndarray]:
    """Indexes of spots linked one pitch apart on a row (or two, past a dot the scan lost), a chain each."""
    tolerance = mm_to_px(_ROW_TOLERANCE_MM, dpi)
    parent = np.arange(len(spots.ids))

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a in range(len(spots.ids)):
        for b in range(a + 1, len(spots.ids)):
            steps = (spots.x[b] - spots.x[a]) / pitch
            if steps > 2 + _PITCH_TOLERANCE:
                break
            if (abs(steps - round(steps)) <= _PITCH_TOLERANCE and round(steps) >= 1
                    and abs(spots.y[b] - spots.y[a]) <= tolerance):
                parent[root(a)] = root(b)
    roots = np.array([root(a) for a in range(len(spots.ids))])
    return [np.flatnonzero(roots == r) for r in np.unique(roots)]


def _dots(spots: _Spots, dpi: int) -> np.ndarray:
    """Labels of the spots on a dotted line: a long enough chain, and the spots on its row and pitch.

    Where a letter's descender crosses the line, the chain breaks; spots
    beyond it still sit on the row at the same phase of the pitch.
    """
    pitch = _pitch(spots, dpi)
    if pitch is None:
        return np.empty(0, dtype=np.int64)
    tolerance = mm_to_px(_ROW_TOLERANCE_MM, dpi)
    on_line = np.zeros(len(spots.ids), dtype=bool)
    for chain in _chains(spots, pitch, dpi):
        if len(chain) < _MIN_CHAIN:
            continue
        row = np.median(spots.y[chain])
        # The histogram's pitch is good to a bin, which adds up along a line; fit it to the chain.
        x = spots.x[chain]
        steps = np.concatenate(([0], np.cumsum(np.round(np.diff(x) / pitch))))
        if steps[-1] < _MIN_CHAIN - 1:
            continue  # spots crowded closer than the pitch (a photographed card's texture): no dotted line
        exact, first = np.polyfit(steps, x, 1)
        offset = (spots.x - first) / exact
        on_grid = np.abs(offset - np.round(offset)) <= _PITCH_TOLERANCE
        on_line |= on_grid & (np.abs(spots.y - row) <= tolerance)
    return spots.ids[on_line]


def remove_dotted_lines(gray: np.ndarray, dpi: int) -> np.ndarray:
    """`gray` with the dots of dotted lines painted over with the paper around them."""
    size = round(mm_to_px(_BACKGROUND_MM, dpi)) | 1
    paper = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
    darker = cv2.subtract(paper, gray)
    dots = np.zeros(gray.shape, dtype=np.uint8)
    for contrast in _CONTRASTS:
        spots = _small_spots(darker, contrast, dpi)
        is_dot = np.zeros(spots.labels.max() + 1, dtype=np.uint8)
        is_dot[_dots(spots, dpi)] = 1
        dots |= is_dot[spots.labels]
    if not dots.any():
        return gray
    rim = 2 * round(mm_to_px(_RIM_MM, dpi)) + 1
    dots = cv2.dilate(dots, np.ones((rim, rim), np.uint8)).astype(bool)
    cleaned = gray.copy()
    cleaned[dots] = paper[dots]
    return cleaned
