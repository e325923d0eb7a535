"""One page from pixels to words: size, straighten, recognise, and turn it upright if needed.

Each step runs only where the page needs it (the project's rule: no step may
make a page read worse than plain Tesseract): print is resized only when it
is far from the size Tesseract reads best, speckle is filtered only on a
speckled page, and a part read again replaces the page's reading of it only
when the page's own evidence says the new reading is better (ocr.regions).

Orientation detection (Tesseract OSD) costs about 60% of an OCR run, and
almost every scanned page is already upright. So we OCR first and ask OSD
only when the result looks wrong: an upside-down page reads as gibberish
(mean confidence ~0.5 against ~0.95), while a page turned 90 degrees
clockwise may read well as vertical text, its words taller than wide.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import cv2
import numpy as np

from ocr import cards as cards_on_page
from ocr import coverage, digit_boxes, lost_lines, preprocess, qr, tesseract
from ocr.coverage import LineCoverage
from ocr.fields import mrz
from ocr.regions import Region
from ocr.tesseract import Recognition


_ORIENTATION_TOLERANCE = 0.1


@dataclass(frozen=True)
class PageOptions:
    lang: str = "vie"
    deskew: bool = True
    rescale: bool = True  # bring print to the size Tesseract reads best (preprocess.ocr_scale)
    denoise: bool = True  # on speckled pages only (preprocess.Ink.speckled)
    detect_orientation: bool = True
    # Below this mean word confidence the page may be sideways or upside down.
    orientation_check_below: float = 0.75
    min_orientation_confidence: float = 2.0
    reread_cards: bool = True  # read photocopied ID cards again, enlarged (ocr.cards)
    reread_digit_boxes: bool = True  # numbers printed one digit per box (ocr.digit_boxes)
    reread_lost_lines: bool = True  # lines of print the page reading dropped (ocr.lost_lines)
    jpeg_quality: int = 80
    timeout_seconds: float = 300.0


@dataclass(frozen=True)
class RecognisedPage:
    """An OCRed page with what the searchable PDF needs: the straightened image and its text layer."""

    recognition: Recognition
    rotation: int  # clockwise quarter turns applied, in degrees
    skew_degrees: float  # measured skew that was removed
    dpi: int  # of the image read and shown: the page's resolution times `scale`
    image_jpeg: bytes  # the straightened page as shown in the searchable PDF
    scale: float = 1.0  # how much the page was enlarged (>1) or shrunk (<1) for reading
    lines: LineCoverage = LineCoverage(0, 0, 0.0)  # lines of print found, and how many went unread
    qr_codes: tuple[str, ...] = ()
    machine_zone: str | None = None  # an identity card's MRZ, read again on its own


def _straighten(pixels: np.ndarray, options: PageOptions) -> tuple[np.ndarray, float]:
    if not options.deskew:
        return pixels, 0.0
    skew = preprocess.estimate_skew(preprocess.to_gray(pixels))
    if abs(skew) < preprocess.SMALLEST_SKEW_DEGREES:
        return pixels, 0.0
    return preprocess.deskew(pixels, skew), skew


@dataclass(frozen=True)
class _Reading:
    recognition: Recognition
    straight: np.ndarray  # turned and deskewed, as shown in the searchable PDF
    gray: np.ndarray  # the same in grayscale
    ocr_image: np.ndarray  # what Tesseract saw: grayscale, denoised
    skew: float


def _attempt(pixels: np.ndarray, rotation: int, dpi: int, options: PageOptions) -> _Reading:
    """`options.denoise` here means this page is speckled (recognise_page decides)."""
    turned = preprocess.rotate_quarter_turns(pixels, rotation)
    straight, skew = _straighten(turned, options)
    gray = preprocess.to_gray(straight)
    ocr_image = preprocess.denoise(gray) if options.denoise else gray
    recognition = tesseract.recognise(ocr_image, dpi=dpi, lang=options.lang, timeout=options.timeout_seconds)
    return _Reading(recognition, straight, gray, ocr_image, skew)


def _looks_sideways(recognition: Recognition) -> bool:
    """Most multi-letter words taller than wide: Tesseract read the lines as vertical text."""
    words = [word for word in recognition.words if len(word.text) >= 3]
    return bool(words) and sum(word.height > word.width for word in words) > len(words) / 2


def _needs_orientation_check(recognition: Recognition, options: PageOptions) -> bool:
    return recognition.confidence < options.orientation_check_below or _looks_sideways(recognition)


def _orient(pixels: np.ndarray, dpi: int, options: PageOptions, upright: _Reading,
            cards: list[Region]) -> tuple[int, _Reading, dict[Region, Recognition]]:
    """The quarter turn that reads best, its reading, and cards of it read on the way.

    Photocopied cards (`cards`, found on the unturned page) say which way the
    page lies (portrait cards: sideways), leaving a choice between two turns
    that reading the largest card settles; Tesseract's OSD confused upside-down
    with upright on such sparse pages. Other pages follow OSD.
    """
    if cards:
        sideways = sum(card.portrait for card in cards) > len(cards) / 2
        largest = max(cards, key=lambda card: card.width * card.height)
        turn, card_reading = cards_on_page.upright_turn(
            upright.ocr_image, largest, (90, 270) if sideways else (0, 180), dpi=dpi, lang=options.lang,
            timeout=options.timeout_seconds)
        if turn == 0:  # the card, as read, is the card of the page as it is
            return 0, upright, {largest: card_reading}
        return turn, _attempt(pixels, turn, dpi, options), {}
    orientation = tesseract.detect_orientation(upright.ocr_image, dpi=dpi, timeout=options.timeout_seconds)
    if (
        orientation is not None
        and orientation.rotate_clockwise != 0
        and orientation.confidence >= options.min_orientation_confidence
    ):
        # OSD looked at the deskewed page; the turn applies to the original the same way.
        candidate = _attempt(pixels, orientation.rotate_clockwise, dpi, options)
        # Vertical-text readings of a sideways page can score as well as the upright
        # reading; trust OSD unless its page reads clearly worse.
        if candidate.recognition.confidence > upright.recognition.confidence - _ORIENTATION_TOLERANCE:
            return orientation.rotate_clockwise, candidate, {}
    return 0, upright, {}


def _sized(pixels: np.ndarray, dpi: int, dpi_known: bool, options: PageOptions
           ) -> tuple[np.ndarray, int, float, preprocess.Ink, PageOptions]:
    """The page brought to the print size Tesseract reads best, its resolution then, the factor, the
    ink measured (letter height as it is after resizing), and the options this page is read with."""
    ink = preprocess.measure_ink(preprocess.to_gray(pixels))
    if not dpi_known:
        dpi = preprocess.guess_dpi(pixels.shape, ink.letter_height, dpi)
    scale = preprocess.ocr_scale(ink.letter_height, dpi, pixels.shape[0] * pixels.shape[1]) if options.rescale else 1.0
    letter_height = ink.letter_height * scale if ink.letter_height else None
    options = dataclasses.replace(options, denoise=options.denoise and ink.speckled)
    return (preprocess.resize(pixels, scale), max(1, round(dpi * scale)), scale,
            dataclasses.replace(ink, letter_height=letter_height), options)


def recognise_page(pixels: np.ndarray, dpi: int, options: PageOptions, *, read_qr: bool = False,
                   dpi_known: bool = True) -> RecognisedPage:
    """`read_qr`: look for the QR code papers carry at the top left of their first page;
    `dpi_known` false: the file did not say its resolution and `dpi` is only a default."""
    pixels, dpi, scale, ink, options = _sized(pixels, dpi, dpi_known, options)
    rotation, reading = 0, _attempt(pixels, 0, dpi, options)
    cards = cards_on_page.find_cards(reading.ocr_image, dpi) if options.reread_cards else []
    cards_read: dict[Region, Recognition] = {}
    if options.detect_orientation and _needs_orientation_check(reading.recognition, options):
        rotation, reading, cards_read = _orient(pixels, dpi, options, reading, cards)
        if rotation and cards:
            cards = cards_on_page.find_cards(reading.ocr_image, dpi)  # where the turned, re-deskewed page has them
    recognition = reading.recognition
    if cards:
        recognition = cards_on_page.with_cards_reread(recognition, reading.ocr_image, cards, dpi=dpi,
                                                      lang=options.lang, timeout=options.timeout_seconds,
                                                      already_read=cards_read)
    if options.reread_digit_boxes:
        recognition = digit_boxes.with_digit_rows_reread(recognition, reading.ocr_image, dpi=dpi,
                                                         timeout=options.timeout_seconds)
    lines = coverage.text_lines(reading.gray, ink.letter_height) if ink.letter_height else []
    unread = coverage.unread_lines(lines, recognition.words)
    if unread and options.reread_lost_lines:
        recognition = lost_lines.with_unread_lines_reread(
            recognition, reading.gray, unread, letter_height=ink.letter_height, dpi=dpi, lang=options.lang,
            timeout=options.timeout_seconds)
        unread = coverage.unread_lines(lines, recognition.words)
    ok, jpeg = cv2.imencode(".jpg", reading.straight, [cv2.IMWRITE_JPEG_QUALITY, options.jpeg_quality])
    if not ok:
        raise ValueError("could not encode the page image")
    return RecognisedPage(
        recognition=recognition, rotation=rotation, skew_degrees=reading.skew, dpi=dpi, image_jpeg=jpeg.tobytes(),
        scale=scale, lines=coverage.summary(lines, unread),
        qr_codes=qr.read_qr_codes(reading.gray) if read_qr else (),
        machine_zone=_reread_machine_zone(reading.gray, reading.ocr_image, recognition, dpi, options),
    )


def _reread_machine_zone(gray: np.ndarray, ocr_image: np.ndarray, recognition: Recognition, dpi: int,
                         options: PageOptions) -> str | None:
    """Lines full of `<` are an identity card's MRZ: crop them and read them with the MRZ alphabet.

    One reading in three or four miscounted a filler or misread a digit, and a
    different rendering of the same crop (enlarged, denoised) usually read it
    right; the check digits tell which. Readings go on, separated by blank
    lines, until one holds.
    """
    zone_lines = [words for words in tesseract.lines_of(recognition.words)
                  if sum(word.text.count("<") for word in words) >= 3]
    if not zone_lines:
        return None
    zone = [word for words in zone_lines for word in words]
    height = max(word.height for word in zone)
    # Line 1 ("IDVNM...<<7") has fewest fillers and is often missed: reach a line further up then.
    top = max(0, min(word.top for word in zone) - (height if len(zone_lines) >= 3 else 3 * height))
    bottom = min(gray.shape[0], max(word.top + word.height for word in zone) + height)
    left = max(0, min(word.left for word in zone) - 2 * height)
    right = min(gray.shape[1], max(word.left + word.width for word in zone) + 2 * height)
    readings = []
    for image, scale in ((gray, 1), (gray, 2), (ocr_image, 2)):
        crop = image[top:bottom, left:right]
        if scale > 1:
            crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        readings.append(tesseract.read_machine_zone(crop, dpi=dpi * scale, timeout=options.timeout_seconds))
        if mrz.holds_in(readings[-1]):
            break
    return "\n\n".join(readings)
