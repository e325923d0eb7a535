"""Notice text the reading lost: lines of print on the page that no word was read on.

Tesseract can drop whole lines (print it took for noise, a block it
mis-segmented) and still report a high confidence for what it did read, so
a page's confidence says nothing about what is missing. The ink does: rows
of letter-sized blobs side by side are lines of text, found here without
Tesseract, and each should carry words that Tesseract read with some
confidence. A page whose lines go largely unread is flagged for review
instead of being indexed with half its text.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr.regions import Region
from ocr.tesseract import Word

# Letters of one line stand less than this many letter heights apart; lines of a paragraph stand more
# than half a letter height apart, so joining only sideways keeps them apart.
_LETTER_GAP = 1.2
_INK_CONTRAST = 30  # grey levels below the local mean of the paper
_MIN_LINE_LETTERS = 4  # a line of print is at least this many letter heights long
# A word read with less confidence than this is not evidence that its line was read.
_READ_CONFIDENCE = 0.3
# A line counts as read when read words span at least this share of its length.
_READ_SHARE = 0.3


@dataclass(frozen=True)
class LineCoverage:
    lines: int  # lines of print found in the ink
    unread: int  # of those, lines with (almost) no word read on them
    unread_share: float  # share of the lines' total length that went unread

    def lost_text(self, *, min_lines: int = 3, min_share: float = 0.2) -> bool:
        """Clearly less read than printed: several lines and a fair share of the print unread."""
        return self.unread >= min_lines and self.unread_share >= min_share


def text_lines(gray: np.ndarray, letter_height: float) -> list[Region]:
    """Lines of print: letter-sized blobs of ink joined sideways, as long as a few letters at least.

    Rules (too thin), boxes, photos, seals and signatures (too tall) are left
    out before joining, so they neither form lines nor merge into them.
    """
    # Ink: clearly darker than the paper around it. A local threshold, not Otsu's global one, so that
    # faint, blurred or unevenly lit print (what Tesseract fails on) still counts as print.
    block = 2 * round(2 * letter_height) + 1
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, _INK_CONTRAST)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    height = stats[:, 3]
    # Letters, and words or whole lines that blur or dark toner ran together: anything of a line's height.
    letters = (height >= 0.4 * letter_height) & (height <= 2.5 * letter_height)
    letters[0] = False  # the background
    mask = letters[labels].astype(np.uint8)
    gap = max(1, round(_LETTER_GAP * letter_height))
    joined = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 1)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    return [Region(int(x), int(y), int(w), int(h)) for x, y, w, h, _ in stats[1:]
            if w >= _MIN_LINE_LETTERS * letter_height and 0.4 * letter_height <= h <= 3 * letter_height]


def _read_length(line: Region, words: list[Word]) -> int:
    """How much of the line's length read words span (overlaps counted once)."""
    spans = sorted(
        (max(line.left, word.left), min(line.left + line.width, word.left + word.width))
        for word in words
        if word.confidence >= _READ_CONFIDENCE
        and min(line.top + line.height, word.top + word.height) - max(line.top, word.top) >= 0.5 * min(
            line.height, word.height)
    )
    covered, reach = 0, line.left
    for start, end in spans:
        start = max(start, reach)
        if end > start:
            covered += end - start
            reach = end
    return covered


def unread_lines(lines: list[Region], words: tuple[Word, ...]) -> list[Region]:
    """Those of the page's lines of print (text_lines) that no word was read on."""
    candidates = [word for word in words if word.confidence >= _READ_CONFIDENCE]
    return [line for line in lines if _read_length(line, candidates) < _READ_SHARE * line.width]


def summary(lines: list[Region], unread: list[Region]) -> LineCoverage:
    total = sum(line.width for line in lines)
    return LineCoverage(len(lines), len(unread), sum(line.width for line in unread) / total if total else 0.0)


def line_coverage(gray: np.ndarray, letter_height: float | None, words: tuple[Word, ...]) -> LineCoverage:
    """How much of the page's print the words cover; `gray` is the image the words were read on."""
    lines = text_lines(gray, letter_height) if letter_height else []
    return summary(lines, unread_lines(lines, words))
