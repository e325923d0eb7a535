"""A page whose middle lines cannot be read is never indexed as done: the record says text was lost."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from ocr.coverage import line_coverage, text_lines
from ocr.document import DocumentText, PageText
from ocr.page import PageOptions, recognise_page
from ocr.tesseract import Word
from pipeline.ingest import build_record
from pipeline.manifest import Declared
from samples.batch import make_page
from tests.helpers import tesseract_has

DPI = 300


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    image, _, params = make_page(1, "clean", DPI)
    assert params["rotation"] == 0
    return image


def _smudged_middle(image: np.ndarray) -> np.ndarray:
    """The middle third of the page blurred past reading (a wet or badly focused scan): ink, no letters."""
    height = image.shape[0]
    smudged = image.copy()
    smudged[height // 3 : 2 * height // 3] = cv2.GaussianBlur(smudged[height // 3 : 2 * height // 3], (0, 0), 8)
    return smudged


def _record(pages: list[PageText]) -> dict:
    return build_record(sha="0" * 64, path=Path("scan.png"), media_type="image/png", size=1, batch="b",
                        declared=Declared(), text=DocumentText(pages=pages, searchable_pdf=b""))


def test_lines_of_print_are_found_in_the_ink(page) -> None:
    lines = text_lines(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) if page.ndim == 3 else page, 27)
    assert 20 <= len(lines) <= 60  # a generated page of a dozen fields and a few paragraphs


def test_words_read_on_a_line_cover_it(page) -> None:
    gray = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) if page.ndim == 3 else page
    lines = text_lines(gray, 27)
    read = tuple(Word("chữ", 0.9, line.left, line.top, line.width, line.height, 1, 1, n)
                 for n, line in enumerate(lines[: len(lines) // 2]))
    coverage = line_coverage(gray, 27, read)
    assert coverage.unread == len(lines) - len(lines) // 2
    assert coverage.lost_text()
    doubtful = tuple(Word(w.text, 0.1, w.left, w.top, w.width, w.height, 1, 1, w.line) for w in read)
    assert line_coverage(gray, 27, read + doubtful).unread == coverage.unread  # low confidence adds nothing


@pytest.mark.tesseract
@pytest.mark.skipif(not tesseract_has("vie"), reason="tesseract with vie not installed")
def test_a_page_with_unreadable_middle_lines_goes_to_review(page) -> None:
    intact = recognise_page(page, DPI, PageOptions(timeout_seconds=120))
    smudged = recognise_page(_smudged_middle(page), DPI, PageOptions(timeout_seconds=120))
    assert not intact.lines.lost_text()
    assert smudged.lines.lost_text()
    assert smudged.recognition.confidence > 0.6  # what was read reads well: confidence alone would pass it

    def as_page(recognised) -> PageText:
        return PageText(1, recognised.recognition.text, "ocr", recognised.recognition.confidence, 0, 0.0,
                        words=recognised.recognition.words, lines=recognised.lines)

    assert not _record([as_page(intact)])["needs_review"]
    record = _record([as_page(smudged)])
    assert record["needs_review"]
    assert any("text was lost" in issue for issue in record["issues"])
    assert record["pages"][0]["lines_unread"] >= 3
