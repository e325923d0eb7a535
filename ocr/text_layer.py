"""Whether a PDF page's own text layer can stand in for reading the page.

Having a text layer proves little. Real signed PDFs are often scans whose
only text is the signature's visible stamp ("Người ký: ... Thời gian ký:
..."): 32 of 108 pages in one real set. Scanners write text layers in fonts
without Vietnamese letters ("Tr?nh", "Quy?t ??nh"). So a layer is trusted
only when it covers the page's print and reads as text: its words are laid
over the lines of print found in the page's ink (ocr.coverage), and a page
with several lines of print under no word of the layer is read by OCR.
"""

from __future__ import annotations

import html
import re
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2

from ocr import coverage, preprocess
from ocr.errors import EngineError
from ocr.tesseract import Word

# Print is found on a 100-dpi drawing of the page: body text is ~10 px high there, enough to see lines.
_CHECK_DPI = 100
_POINTS_PER_INCH = 72
# Untrusted when this many lines of print, and this share of the print, lie under no word of the layer.
_UNCOVERED_LINES = 3
_UNCOVERED_SHARE = 0.3
# A word with "?" between letters, or "??", is a letter the layer's font could not map ("Tr?nh").
_UNMAPPED = re.compile(r"\w\?+\w|\?\?", re.UNICODE)
_MAX_UNMAPPED_WORDS = 0.05
# PDFium is not thread-safe, and pages of several documents are read in threads at once.
_PDFIUM = threading.Lock()

_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>')


@dataclass(frozen=True)
class LayerCheck:
    """How well one page's text layer covers its print."""

    lines: coverage.LineCoverage  # lines of print on the page, and how many no word of the layer covers
    unmapped_words: float  # share of the layer's words with letters its font could not map

    @property
    def trusted(self) -> bool:
        uncovered = self.lines.lost_text(min_lines=_UNCOVERED_LINES, min_share=_UNCOVERED_SHARE)
        return not uncovered and self.unmapped_words <= _MAX_UNMAPPED_WORDS


def layer_words(path: Path, *, timeout: float) -> list[list[tuple[float, float, float, float, str]]]:
    """Per page, each word of the text layer with its box in points from the top left (poppler's
    reading of the layer, the same that gives the page's text)."""
    try:
        result = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, timeout=timeout,
                                check=False)
    except subprocess.TimeoutExpired as error:
        raise EngineError("pdftotext timed out") from error
    pages = result.stdout.decode("utf-8", errors="replace").split("<page ")[1:]
    return [[(float(x0), float(y0), float(x1), float(y1), html.unescape(text))
             for x0, y0, x1, y1, text in _WORD.findall(page)] for page in pages]


def _drawn(path: Path, indexes: list[int]) -> dict[int, np.ndarray]:
    """Those pages in grayscale at _CHECK_DPI, with their annotations (a signature's stamp is one)."""
    drawn = {}
    with _PDFIUM:
        document = pypdfium2.PdfDocument(path)
        try:
            for index in indexes:
                bitmap = document[index].render(scale=_CHECK_DPI / _POINTS_PER_INCH, grayscale=True,
                                                may_draw_forms=True)
                pixels = bitmap.to_numpy()
                drawn[index] = (pixels[..., 0] if pixels.ndim == 3 else pixels).copy()
        finally:
            document.close()
    return drawn


def check_pages(path: Path, words: dict[int, list[tuple[float, float, float, float, str]]]
                ) -> dict[int, LayerCheck]:
    """For each page index given with its layer's words (layer_words), how well they cover its print."""
    scale = _CHECK_DPI / _POINTS_PER_INCH
    checks = {}
    for index, gray in _drawn(path, sorted(words)).items():
        boxes = tuple(
            Word(text=text, confidence=1.0, left=round(x0 * scale), top=round(y0 * scale),
                 width=max(1, round((x1 - x0) * scale)), height=max(1, round((y1 - y0) * scale)),
                 block=0, paragraph=0, line=0)
            for x0, y0, x1, y1, text in words[index]
        )
        lines = coverage.line_coverage(gray, preprocess.measure_ink(gray).letter_height, boxes)
        unmapped = sum(bool(_UNMAPPED.search(text)) for *_, text in words[index]) / max(1, len(words[index]))
        checks[index] = LayerCheck(lines, unmapped)
    return checks
