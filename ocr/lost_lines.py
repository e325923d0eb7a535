"""Lines of print the page reading dropped, read again one at a time.

Tesseract's page layout analysis sometimes leaves a line of a paragraph out
altogether (on a blurred real scan enlarged 1.8x it dropped "162.056.800
đồng/năm và tỷ lệ cắt giảm chi phí 17,45%", which it read at 1.5x and 2.45x).
The line is still there in the ink (ocr.coverage finds it), and read as a
single line it reads like its neighbours. Its words go into the page's
reading only when they read as text with the confidence of read text; a
signature, a seal or a smudge reads as nothing or as low-confidence
fragments and is left as it was.
"""

from __future__ import annotations

import numpy as np

from ocr import tesseract
from ocr.regions import Region, with_region_reread
from ocr.tesseract import Recognition, Word, mean_confidence

_MIN_CONFIDENCE = 0.7  # a reread's mean word confidence, as the read lines of a fair page have
_MIN_LETTERS = 3
_MAX_LINES = 15  # more unread lines than this: the page is unreadable, not missing a line or two


def _padded(line: Region, letter_height: float, shape: tuple[int, ...]) -> Region:
    margin_y, margin_x = round(0.4 * letter_height), round(letter_height)
    left, top = max(0, line.left - margin_x), max(0, line.top - margin_y)
    right = min(shape[1], line.left + line.width + margin_x)
    bottom = min(shape[0], line.top + line.height + margin_y)
    return Region(left, top, right - left, bottom - top)


def _reads_as_text(words: tuple[Word, ...]) -> bool:
    letters = sum(character.isalnum() for word in words for character in word.text)
    return letters >= _MIN_LETTERS and mean_confidence(words) >= _MIN_CONFIDENCE


def with_unread_lines_reread(recognition: Recognition, image: np.ndarray, unread: list[Region], *,
                             letter_height: float, dpi: int, lang: str, timeout: float) -> Recognition:
    """The page's reading with each unread line that reads as text on its own put in its place."""
    if len(unread) > _MAX_LINES:
        return recognition
    next_block = max((word.block for word in recognition.words), default=0) + 1
    for line in unread:
        region = _padded(line, letter_height, image.shape)
        crop = image[region.top : region.top + region.height, region.left : region.left + region.width]
        reading = tesseract.recognise(crop, dpi=dpi, lang=lang, timeout=timeout, text_layer=False,
                                      single_line=True)
        if not _reads_as_text(reading.words):
            continue
        words = tuple(Word(text=word.text, confidence=word.confidence, left=region.left + word.left,
                           top=region.top + word.top, width=word.width, height=word.height,
                           block=next_block, paragraph=1, line=1)
                      for word in reading.words)
        next_block += 1
        recognition = with_region_reread(recognition, region, words)
    return recognition
