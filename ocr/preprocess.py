"""Pure image steps that make a scan easier for Tesseract to read.

Measured on Vietnamese pages here: deskewing took skewed scans from CER 0.12
to 0.001 and fixing orientation took rotated pages from 0.56 to 0.001, while
binarising did not help (Tesseract binarises internally; adaptive
thresholding hurt). On generated pages (8 seeds per level, already
straightened), a 3x3 median filter cut mean CER from 0.0273 to 0.0149 on
harsh scans and from 0.0057 to 0.0020 on mild ones, left clean pages and
bilevel G4 scans as they were, and costs 3 ms a page; Otsu binarising
(0.0198), background normalisation (0.0246) and non-local-means (0.0253, at
6.6 s a page) did less. So we straighten pages and take off speckle, no more.

Real scans come at every resolution, often with no or a wrong DPI in the
file, and Tesseract reads text best at one size: letters about 27 px high,
13-14 pt body text at 300 dpi. Told "300 dpi" for a 110-dpi page it treats
the small letters as noise and drops whole lines. So the text size is
measured from the pixels (`measure_ink`), small print is enlarged to that
size and huge print shrunk (`ocr_scale`), and speckle is taken off only
where there is speckle: on clean and low-resolution pages the median filter
thins strokes that are one or two pixels wide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

# Skew is measured on a reduced copy: text lines stay distinct at this width
# and the search is ~50x cheaper than on a 300-dpi page.
_SKEW_WORK_WIDTH = 1000
_SKEW_MAX_DEGREES = 15.0
# Tesseract follows lines skewed by a fraction of a degree itself, and turning the page by so little
# only resamples its strokes: real scans skewed -0.3 and -0.4 degrees lost tone marks when turned
# (../shared/corpus/vbhc-quangngai, 23BC p1 and 51 QĐ UB p3) and read right as they were.
SMALLEST_SKEW_DEGREES = 0.5
WHITE = 255

# Letter height (median height of a letter-sized blob of ink) that Tesseract reads best: 13-14 pt body
# text at 300 dpi measures 27 px. On real scans brought from 75-200 dpi to each size by enlarging, 27 read
# best of 20, 27 and 34 (snippet CER, four pages of ../shared/corpus/vbhc-quangngai at four resolutions).
TARGET_LETTER_PX = 27
_ENLARGE_BELOW_PX = 20  # print smaller than this (under ~220 dpi for body text) is enlarged to the target
_SHRINK_ABOVE_PX = 80  # and print larger than this (over ~900 dpi) is shrunk to it: same reading, less work
_MAX_ENLARGE = 4.0
_LOW_DPI = 250
_MAX_PIXELS = 40_000_000  # an A4 page at about 640 dpi
_MIN_LETTER_PX = 6  # blobs shorter than this on a page are specks and dots, not letters: nothing to measure
_MIN_BLOBS = 30  # fewer letter-sized blobs than this: no text to measure (blank page, photo)
# A page is speckled when at least this many specks (blobs of a few pixels) stand per letter-sized blob.
_SPECKS_PER_LETTER = 0.3


@dataclass(frozen=True)
class Ink:
    """What the page's ink says about its print, measured before any reading."""

    letter_height: float | None  # px; None when the page holds too little text to tell
    specks_per_letter: float

    @property
    def speckled(self) -> bool:
        return self.specks_per_letter >= _SPECKS_PER_LETTER


def to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def rotate_quarter_turns(image: np.ndarray, clockwise_degrees: int) -> np.ndarray:
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    degrees = clockwise_degrees % 360
    if degrees == 0:
        return image
    if degrees not in codes:
        raise ValueError(f"not a quarter turn: {clockwise_degrees}")
    return cv2.rotate(image, codes[degrees])


def _ink_mask(gray: np.ndarray) -> np.ndarray:
    """Dark-on-light ink as 1s on a reduced copy of the page."""
    scale = min(1.0, _SKEW_WORK_WIDTH / gray.shape[1])
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    _, mask = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask


def _line_sharpness(mask: np.ndarray, degrees: float) -> float:
    """How crisply ink falls into horizontal rows once the mask is turned by `degrees`."""
    height, width = mask.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    turned = cv2.warpAffine(mask, matrix, (width, height), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = turned.sum(axis=1, dtype=np.float64)
    return float(np.sum(np.diff(rows) ** 2))


def estimate_skew(gray: np.ndarray) -> float:
    """Angle of the text lines in degrees, counter-clockwise positive (0 for an empty page).

    Projection profiles: rows of text are sharpest when the page is level.
    A coarse search over +-15 degrees, then a fine one around the best.
    """
    mask = _ink_mask(gray)
    if mask.sum() < 0.001 * mask.size:
        return 0.0
    coarse = np.arange(-_SKEW_MAX_DEGREES, _SKEW_MAX_DEGREES + 0.5, 1.0)
    best = max(coarse, key=lambda a: _line_sharpness(mask, a))
    fine = np.arange(best - 1.0, best + 1.0 + 1e-9, 0.1)
    correction = max(fine, key=lambda a: _line_sharpness(mask, a))
    return round(-float(correction), 2)


def _ink_threshold(gray: np.ndarray) -> float:
    """Halfway between the cores of the strokes and the typical paper, which Otsu's threshold splits.

    Otsu's threshold alone sits near the paper on a blurred page, so that the
    blur around each letter counts as ink and letters measure half as tall
    again as they are (16 px for 11); halfway to the strokes' cores (the
    darkest tenth of the ink) keeps their size.
    """
    otsu, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    counts = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    split = int(otsu) + 1

    def level(low: int, high: int, quantile: float) -> float:
        cumulative = np.cumsum(counts[low:high])
        return low + float(np.searchsorted(cumulative, cumulative[-1] * quantile)) if cumulative[-1] else low

    return (level(0, split, 0.1) + level(split, 256, 0.5)) / 2


def measure_ink(gray: np.ndarray) -> Ink:
    """Median height of letter-sized blobs of dark ink, and how many specks stand beside them.

    A blob is letter-sized when it is at least _MIN_LETTER_PX and at most a tenth of the page tall and
    not a rule or a box (at most three times as wide as high, at least 15%
    filled). Diacritics and dots are too small to count as letters but too
    large to count as specks (at most 2 px, or a 30th of a letter's area).
    """
    ink = (gray < _ink_threshold(gray)).astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    width, height, area = stats[1:, 2], stats[1:, 3], stats[1:, 4]
    letters = ((height >= _MIN_LETTER_PX) & (height <= gray.shape[0] // 10) & (width <= 3 * height)
               & (width * 20 >= 3 * height) & (area * 20 >= 3 * width * height))
    if letters.sum() < _MIN_BLOBS:
        return Ink(None, 0.0)
    letter_height = float(np.median(height[letters]))
    specks = area <= max(2.0, letter_height**2 / 30)
    return Ink(letter_height, float(specks.sum() / letters.sum()))


# Paper sizes by their long side in inches, to tell an image's resolution when its file does not.
_PAPER_LONG_SIDE_IN = {1.414: 11.69, 1.294: 11.0}  # A4 (and A-series), US Letter
_ASPECT_TOLERANCE = 0.02


def guess_dpi(shape: tuple[int, ...], letter_height: float | None, fallback: int) -> int:
    """The resolution of an image whose file does not say: from its shape when it is a whole sheet of
    paper, else from its print, taken as body text (13-14 pt), else `fallback`."""
    long_side, short_side = max(shape[:2]), min(shape[:2])
    for aspect, inches in _PAPER_LONG_SIDE_IN.items():
        if abs(long_side / short_side - aspect) <= _ASPECT_TOLERANCE:
            return round(long_side / inches)
    if letter_height is not None:
        return max(50, min(1200, round(300 * letter_height / TARGET_LETTER_PX)))
    return fallback


def ocr_scale(letter_height: float | None, dpi: int, pixels: int) -> float:
    """The factor that brings the page's print to the size Tesseract reads best (1.0: leave it).

    Only low-resolution pages (under _LOW_DPI) are enlarged: small print on a
    300-dpi scan reads well enough as it is (ID cards are read again on their
    own, ocr.cards), and enlarging it would cost Tesseract four times the work.
    No page grows beyond _MAX_PIXELS.
    """
    if letter_height is None:
        return 1.0
    if letter_height > _SHRINK_ABOVE_PX:
        return TARGET_LETTER_PX / letter_height
    if letter_height < _ENLARGE_BELOW_PX and dpi < _LOW_DPI:
        return max(1.0, min(_MAX_ENLARGE, TARGET_LETTER_PX / letter_height, math.sqrt(_MAX_PIXELS / pixels)))
    return 1.0


def resize(image: np.ndarray, factor: float) -> np.ndarray:
    if factor == 1.0:
        return image
    interpolation = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
    return cv2.resize(image, None, fx=factor, fy=factor, interpolation=interpolation)


def denoise(gray: np.ndarray) -> np.ndarray:
    """Remove scanner speckle and sensor noise without thinning strokes (see the module notes)."""
    return cv2.medianBlur(gray, 3)


def deskew(image: np.ndarray, skew_degrees: float) -> np.ndarray:
    """Turn the page so its text is level, growing the canvas so no corner is cut."""
    if abs(skew_degrees) < SMALLEST_SKEW_DEGREES:
        return image
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -skew_degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_width = int(round(height * sin + width * cos))
    new_height = int(round(height * cos + width * sin))
    matrix[0, 2] += new_width / 2 - width / 2
    matrix[1, 2] += new_height / 2 - height / 2
    border = WHITE if image.ndim == 2 else (WHITE,) * image.shape[2]
    return cv2.warpAffine(
        image, matrix, (new_width, new_height), flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT, borderValue=border,
    )
