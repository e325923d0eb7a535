"""Parts of a page read again on their own, and their words put back into the page's reading.

Photocopied ID cards (ocr.cards) and numbers printed one digit per box
(ocr.digit_boxes) read badly as part of the page; each is found by its size
in millimetres, read again, and its words take the place of the page's words
there.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ocr.tesseract import Recognition, Word

_MM_PER_INCH = 25.4


def mm_to_px(mm: float, dpi: int) -> float:
    return mm / _MM_PER_INCH * dpi


@dataclass(frozen=True)
class Region:
    left: int
    top: int
    width: int
    height: int

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    def contains(self, word: Word) -> bool:
        """The word's middle lies inside: a word Tesseract cut across the edge goes with its larger part."""
        x, y = word.left + word.width / 2, word.top + word.height / 2
        return self.left <= x < self.left + self.width and self.top <= y < self.top + self.height

    def encloses(self, other: Region, slack: int) -> bool:
        return (other.left >= self.left - slack and other.top >= self.top - slack
                and other.left + other.width <= self.left + self.width + slack
                and other.top + other.height <= self.top + self.height + slack)


def with_region_reread(recognition: Recognition, region: Region, words: tuple[Word, ...]) -> Recognition:
    """The page's reading with the region's words replaced by `words`.

    They go where the page's reading order first reached the region (or, if it
    read nothing there, before the first word below it), so what follows the
    region in reading order still follows it.
    """
    page_words = recognition.words
    inside = [index for index, word in enumerate(page_words) if region.contains(word)]
    at = inside[0] if inside else next(
        (index for index, word in enumerate(page_words) if word.top >= region.top), len(page_words))
    kept = [word for word in page_words if not region.contains(word)]
    return dataclasses.replace(recognition, words=(*kept[:at], *words, *kept[at:]))
