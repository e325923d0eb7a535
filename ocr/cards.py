"""Identity cards photocopied onto a page: find them and read them again, enlarged.

A one-stop shop receives ID cards as A4 photocopies, front and back on one
sheet. The card's 6-7 pt print is 15-28 px high on a 200-300 dpi scan, too
small for Tesseract: on harsh scans it dropped both cards of a CMND copy
altogether and read only the certification stamp beside them. Cut out and
enlarged to 600 dpi, the same cards read at 0.90-0.94 mean word confidence
(0.3-0.7 s each).

A card is found by its size, fixed by ISO/IEC 7810 (ID-1, 85.60 x 53.98 mm):
a photocopier draws its edge as a closed outline of exactly that size, in
either orientation. That is also an orientation cue: cards lying portrait
mean the page is sideways.
"""

from __future__ import annotations

from collections.abc import Mapping

import cv2
import numpy as np

from ocr import dotted_lines, preprocess, tesseract
from ocr.regions import Region, mm_to_px, with_region_reread
from ocr.tesseract import Recognition, Word

CARD_MM = (85.60, 53.98)
_SIZE_TOLERANCE = 0.08  # of each side: scanner resolutions are not exact, nor are edges
_READ_DPI = 600


def find_cards(gray: np.ndarray, dpi: int) -> list[Region]:
    """Outlines of card size on a grayscale page, top to bottom, one per card."""
    long_side, short_side = (mm_to_px(mm, dpi) for mm in CARD_MM)
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 30, 90)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))  # close gaps that noise breaks in the outline
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    found = []
    for contour in contours:
        box = Region(*cv2.boundingRect(contour))
        for width, height in ((long_side, short_side), (short_side, long_side)):
            if (abs(box.width - width) <= _SIZE_TOLERANCE * width
                    and abs(box.height - height) <= _SIZE_TOLERANCE * height):
                found.append(box)
    # An outline's inner and outer edges both qualify: keep the outer one.
    slack = round(mm_to_px(2.0, dpi))
    cards: list[Region] = []
    for box in sorted(found, key=lambda b: -b.width * b.height):
        if not any(card.encloses(box, slack) for card in cards):
            cards.append(box)
    return sorted(cards, key=lambda card: (card.top, card.left))


def _scale(dpi: int) -> float:
    return max(1.0, _READ_DPI / dpi)


def _read(gray: np.ndarray, card: Region, *, dpi: int, lang: str, timeout: float, turn: int = 0) -> Recognition:
    """The card cut out, enlarged to the dpi it reads best at, cleared of dotted guide lines, turned
    `turn` degrees clockwise and read."""
    scale = _scale(dpi)
    crop = gray[card.top : card.top + card.height, card.left : card.left + card.width]
    enlarged = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    enlarged = dotted_lines.remove_dotted_lines(enlarged, round(dpi * scale))
    return tesseract.recognise(preprocess.rotate_quarter_turns(enlarged, turn), dpi=round(dpi * scale), lang=lang,
                               timeout=timeout, text_layer=False)


def upright_turn(gray: np.ndarray, card: Region, turns: tuple[int, ...], *, dpi: int, lang: str,
                 timeout: float) -> tuple[int, Recognition]:
    """Of `turns` (clockwise degrees), the one under which the card reads best, and that reading.

    A harsh copy can read better upside down than upright as a whole page, where
    the small print reads as nothing either way; the enlarged card does not.
    """
    readings = [(turn, _read(gray, card, dpi=dpi, lang=lang, timeout=timeout, turn=turn)) for turn in turns]
    return max(readings, key=lambda reading: reading[1].confidence)


def with_cards_reread(recognition: Recognition, gray: np.ndarray, cards: list[Region], *, dpi: int,
                      lang: str, timeout: float, already_read: Mapping[Region, Recognition] | None = None
                      ) -> Recognition:
    """The page's reading with each card's words replaced by the card read on its own, enlarged
    (`already_read` holds readings made upright while orienting the page, not made again).

    The searchable PDF keeps the page's own text layer.
    """
    scale = _scale(dpi)
    for card in cards:
        card_reading = (already_read or {}).get(card)
        if card_reading is None:
            card_reading = _read(gray, card, dpi=dpi, lang=lang, timeout=timeout)
        first_block = max((word.block for word in recognition.words), default=0) + 1
        card_words = tuple(
            Word(text=word.text, confidence=word.confidence,
                 left=card.left + round(word.left / scale), top=card.top + round(word.top / scale),
                 width=round(word.width / scale), height=round(word.height / scale),
                 block=first_block + word.block, paragraph=word.paragraph, line=word.line)
            for word in card_reading.words
        )
        if card_words:
            recognition = with_region_reread(recognition, card, card_words)
    return recognition
