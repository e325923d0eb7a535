"""ocr.pdf: the searchable copy shows the scan, finds its words, and keeps pages that had real text."""

from __future__ import annotations

import io
import subprocess
import unicodedata
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pytest

from ocr import tesseract
from ocr.pdf import ImagePage, OriginalPage, build_searchable_pdf
from samples.batch import make_page
from tests.helpers import tesseract_has


DPI = 200


@pytest.fixture(scope="module")
def image_page() -> tuple[ImagePage, np.ndarray, tesseract.Recognition]:
    if not tesseract_has("vie"):
        pytest.skip("tesseract with vie not installed")
    image, _, _ = make_page(7, "clean", DPI)
    recognition = tesseract.recognise(image, dpi=DPI, lang="vie", timeout=120)
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
    assert ok
    return ImagePage(jpeg.tobytes(), DPI, recognition.text_layer_pdf), image, recognition


def _pdftotext(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    return unicodedata.normalize("NFC", out.decode("utf-8")).split("\f")


def _images(page: pikepdf.Page) -> list[pikepdf.Stream]:
    xobjects = page.obj.Resources.get("/XObject", {})
    return [x for x in xobjects.values() if x.get("/Subtype") == "/Image"]


def _size(page: pikepdf.Page) -> tuple[float, float]:
    box = [float(v) for v in page.mediabox]
    return box[2] - box[0], box[3] - box[1]


@pytest.mark.tesseract
def test_searchable_pdf_of_one_scanned_page(image_page, tmp_path: Path) -> None:
    page, image, recognition = image_page
    pdf = build_searchable_pdf([page], None)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == 1
        width, height = _size(doc.pages[0])
        assert width == pytest.approx(image.shape[1] / DPI * 72, abs=1)
        assert height == pytest.approx(image.shape[0] / DPI * 72, abs=1)
        # The scan is embedded as the JPEG it was given, not re-encoded.
        images = _images(doc.pages[0])
        assert len(images) == 1
        assert images[0].Filter == pikepdf.Name.DCTDecode
        assert images[0].read_raw_bytes() == page.image_jpeg
    text = _pdftotext(pdf, tmp_path)[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    words = [w.text for w in recognition.words]
    assert sum(w in text for w in words) / len(words) > 0.95


@pytest.mark.tesseract
def test_pages_keep_their_order_and_sources(image_page, corpus_dir: Path, tmp_path: Path) -> None:
    page, image, _ = image_page
    original = corpus_dir / "resources/link.pdf"
    pdf = build_searchable_pdf([page, OriginalPage(1), page], original)
    with pikepdf.open(io.BytesIO(pdf)) as doc, pikepdf.open(original) as source:
        assert len(doc.pages) == 3
        assert _size(doc.pages[1]) == _size(source.pages[1])
        assert _size(doc.pages[0]) == _size(doc.pages[2]) == pytest.approx(
            (image.shape[1] / DPI * 72, image.shape[0] / DPI * 72), abs=1
        )
    texts = _pdftotext(pdf, tmp_path)
    assert "VIỆT NAM" in texts[0] and "VIỆT NAM" in texts[2]
    assert "Somewhere on page 2" in texts[1]
    assert "VIỆT NAM" not in texts[1]


def test_original_pages_are_copied_unchanged(corpus_dir: Path, tmp_path: Path) -> None:
    original = corpus_dir / "resources/link.pdf"
    pdf = build_searchable_pdf([OriginalPage(1), OriginalPage(0)], original)
    texts = _pdftotext(pdf, tmp_path)
    assert "Somewhere on page 2" in texts[0]
    assert "Go to page 2" in texts[1]
    with pikepdf.open(io.BytesIO(pdf)) as doc, pikepdf.open(original) as source:
        assert len(doc.pages) == 2
        assert doc.pages[0].Contents.read_bytes() == source.pages[1].Contents.read_bytes()


def test_original_page_from_owner_password_pdf(corpus_dir: Path, tmp_path: Path) -> None:
    original = corpus_dir / "derived/francais_owner_password_only_aes256.pdf"
    pdf = build_searchable_pdf([OriginalPage(0)], original)
    with pikepdf.open(io.BytesIO(pdf)) as doc, pikepdf.open(original) as source:
        assert not doc.is_encrypted  # the searchable copy opens anywhere
        assert len(doc.pages) == 1
        assert _size(doc.pages[0]) == _size(source.pages[0])
        (image,) = _images(doc.pages[0])
        (source_image,) = _images(source.pages[0])
        assert image.read_raw_bytes() == source_image.read_raw_bytes()  # decrypted, not scrambled


def test_original_page_needs_the_original() -> None:
    with pytest.raises(ValueError):
        build_searchable_pdf([OriginalPage(0)], None)
