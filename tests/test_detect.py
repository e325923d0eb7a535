"""ocr.detect: a file's type comes from its bytes, never from its name."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ocr.detect import JPEG, PDF, PNG, SNIFF_BYTES, TIFF, sniff_media_type


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(SNIFF_BYTES)


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("resources/linn.pdf", PDF),
        ("resources/trivial.pdf", PDF),  # smallest PDF-1.3
        ("resources/epson.pdf", PDF),  # linearized
        ("derived/jbig2_encrypted_256.pdf", PDF),  # encrypted is still a PDF
        ("resources/invalid.pdf", PDF),  # damaged, but a PDF by its header (refused later)
        ("resources/baiona.png", PNG),
        ("resources/baiona_alpha.png", PNG),
        ("resources/baiona_colormapped.png", PNG),
        ("derived/baiona_truncated.png", PNG),
        ("resources/baiona_color.jpg", JPEG),
        ("resources/baiona_cmyk.jpg", JPEG),
        ("derived/linn_300dpi_g4.tif", TIFF),
        ("derived/multipage_linn_typewriter_g4.tif", TIFF),
    ],
)
def test_real_files_are_recognised_by_their_bytes(corpus_dir: Path, relative: str, expected: str) -> None:
    assert sniff_media_type(_head(corpus_dir / relative)) == expected


def test_zero_byte_file_is_unknown(corpus_dir: Path) -> None:
    assert sniff_media_type(_head(corpus_dir / "derived/empty_zero_bytes.pdf")) is None


def test_text_files_in_the_corpus_are_not_scans(corpus_dir: Path) -> None:
    assert sniff_media_type(_head(corpus_dir / "resources/linn.txt")) is None
    assert sniff_media_type(_head(corpus_dir / "resources/README.rst")) is None


def test_png_renamed_pdf_is_still_png(corpus_dir: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "hoso_scan.pdf"
    shutil.copyfile(corpus_dir / "resources/baiona.png", renamed)
    assert sniff_media_type(_head(renamed)) == PNG


def test_pdf_renamed_jpg_is_still_pdf(corpus_dir: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "photo.jpg"
    shutil.copyfile(corpus_dir / "resources/linn.pdf", renamed)
    assert sniff_media_type(_head(renamed)) == PDF


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF"])
def test_pillow_written_images(fmt: str) -> None:
    buffer = io.BytesIO()
    Image.fromarray(np.full((8, 8), 200, np.uint8)).save(buffer, fmt)
    assert sniff_media_type(buffer.getvalue()[:SNIFF_BYTES]) == {"PNG": PNG, "JPEG": JPEG, "TIFF": TIFF}[fmt]


@pytest.mark.parametrize(
    "head",
    [b"MM\x00*\x00\x00\x00\x08" + b"\x00" * 32, b"II+\x00\x08\x00\x00\x00", b"MM\x00+\x00\x08\x00\x00"],
    ids=["big-endian", "bigtiff-le", "bigtiff-be"],
)
def test_other_tiff_byte_orders(head: bytes) -> None:
    assert sniff_media_type(head) == TIFF


def test_pdf_header_after_junk_within_first_kib() -> None:
    junk = b"\r\nX-Scanner: Canon DR-C225\r\n" + b"\x00" * 900
    assert len(junk) < 1024
    assert sniff_media_type(junk + b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n") == PDF


def test_pdf_header_beyond_first_kib_is_not_a_pdf() -> None:
    assert sniff_media_type(b"\x00" * 1024 + b"%PDF-1.4\n") is None


def test_pdf_header_at_end_of_window() -> None:
    head = b"\x00" * (1024 - len(b"%PDF-")) + b"%PDF-"
    assert sniff_media_type(head) == PDF
    assert sniff_media_type(b"\x00" + head) is None  # one byte too far


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"\x89PN",  # a PNG signature cut short
        b"\xff\xd8",  # a JPEG signature cut short
        b"GIF89a\x01\x00\x01\x00",
        b"BM\x36\x00\x00\x00",  # BMP
        b"RIFF\x24\x00\x00\x00WEBPVP8 ",
        b"PK\x03\x04\x14\x00\x06\x00",  # .docx / .zip
        b"%!PS-Adobe-3.0\n",
        b"<html><body>scan</body></html>",
        b"%PDF",  # no dash: not a PDF header
    ],
    ids=["empty", "png-short", "jpeg-short", "gif", "bmp", "webp", "zip", "postscript", "html", "pdf-no-dash"],
)
def test_unknown_bytes(head: bytes) -> None:
    assert sniff_media_type(head) is None

