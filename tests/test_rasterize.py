"""ocr.rasterize: every way a real file can be bad becomes an InputFileError; good files become pages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ocr import detect
from ocr.errors import (
    CorruptFileError,
    EncryptedFileError,
    InputFileError,
    TooLargeError,
    UnsupportedFileError,
)
from ocr.rasterize import ASSUMED_DPI, ImageDocument, Limits, PdfDocument, is_real_text, open_document

LIMITS = Limits()


def _open(path: Path, *, dpi: int = 100, limits: Limits = LIMITS):
    media_type = detect.sniff_media_type(path.read_bytes()[: detect.SNIFF_BYTES])
    assert media_type is not None, path
    return open_document(path, media_type, dpi=dpi, limits=limits)


def _has_ink(pixels: np.ndarray) -> bool:
    return 0.001 < float((pixels < 128).mean()) < 0.5


# --- refused files ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["40", "128_n", "128_y", "256"])
def test_encrypted_pdf_is_refused(corpus_dir: Path, name: str) -> None:
    with pytest.raises(EncryptedFileError) as caught:
        _open(corpus_dir / f"derived/jbig2_encrypted_{name}.pdf")
    assert "password" in caught.value.reason


def test_owner_password_only_pdf_opens_and_renders(corpus_dir: Path) -> None:
    document = _open(corpus_dir / "derived/francais_owner_password_only_aes256.pdf")
    assert document.page_count == 1
    page = document.render(0)
    assert page.pixels.dtype == np.uint8 and page.dpi == 100
    assert _has_ink(page.pixels)


@pytest.mark.parametrize(
    ("relative", "said"),
    [("resources/invalid.pdf", "damaged"), ("derived/francais_truncated_half.pdf", "incomplete"),
     ("derived/empty_zero_bytes.pdf", "damaged")],
)
def test_damaged_pdf_is_refused_as_corrupt(corpus_dir: Path, relative: str, said: str) -> None:
    with pytest.raises(CorruptFileError) as caught:
        PdfDocument(corpus_dir / relative, dpi=100, limits=LIMITS)
    assert f"The PDF is {said}" in caught.value.reason  # what the clerk reads in the report


def test_decompression_bomb_pdf_is_refused(corpus_dir: Path) -> None:
    with pytest.raises(TooLargeError, match="megapixels"):
        _open(corpus_dir / "resources/hugemono.pdf", dpi=300)


def test_poster_sized_pdf_page_is_refused(corpus_dir: Path) -> None:
    with pytest.raises(TooLargeError, match="inches"):
        _open(corpus_dir / "resources/poster.pdf", dpi=300)


@pytest.mark.parametrize("relative", ["derived/multipage_linn_typewriter_g4.tif", "resources/link.pdf"])
def test_page_count_limit(corpus_dir: Path, relative: str) -> None:
    assert _open(corpus_dir / relative).page_count == 2
    with pytest.raises(TooLargeError) as caught:
        _open(corpus_dir / relative, limits=Limits(max_pages=1))
    assert "2 pages" in caught.value.reason


def test_image_pixel_limit(corpus_dir: Path) -> None:
    with pytest.raises(TooLargeError):
        _open(corpus_dir / "resources/baiona.png", limits=Limits(max_image_pixels=100_000))  # it is 640 x 682


def test_unsupported_media_type(corpus_dir: Path) -> None:
    with pytest.raises(UnsupportedFileError):
        open_document(corpus_dir / "resources/linn.txt", "text/plain", dpi=300, limits=LIMITS)


def test_truncated_png_opens_but_render_is_corrupt(corpus_dir: Path) -> None:
    document = _open(corpus_dir / "derived/baiona_truncated.png")
    assert document.page_count == 1
    with pytest.raises(CorruptFileError) as caught:
        document.render(0)
    assert "scan it again" in caught.value.reason


def test_garbage_behind_a_png_signature_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(InputFileError):
        _open(path).render(0)


# --- page counts and text layers --------------------------------------------------------

def test_multipage_tiff_pages_differ(corpus_dir: Path) -> None:
    document = _open(corpus_dir / "derived/multipage_linn_typewriter_g4.tif")
    assert document.page_count == 2
    first, second = document.render(0), document.render(1)
    assert first.pixels.shape == (3300, 2550)  # linn, portrait
    assert second.pixels.shape == (2864, 4000)  # typewriter, landscape
    assert first.dpi == second.dpi == 300
    assert _has_ink(first.pixels) and _has_ink(second.pixels)


def test_already_ocred_pdf_keeps_its_text(corpus_dir: Path) -> None:
    document = _open(corpus_dir / "resources/graph_ocred.pdf")
    layer = document.text_layer(0)
    assert layer is not None and is_real_text(layer.text)
    assert layer.trusted  # its words lie over the graph's labels, the only print on the page


@pytest.mark.parametrize("name", ["linn.pdf", "francais.pdf", "ccitt.pdf", "c02-22.pdf"])
def test_scanned_pdf_page_has_no_text_layer(corpus_dir: Path, name: str) -> None:
    assert _open(corpus_dir / "resources" / name).text_layer(0) is None


def test_text_layer_is_per_page(corpus_dir: Path) -> None:
    link = _open(corpus_dir / "resources/link.pdf")
    assert "Go to page 2" in link.text_layer(0).text
    assert "Somewhere on page 2" in link.text_layer(1).text
    toc = _open(corpus_dir / "resources/toc.pdf")  # text on page 1, only an image on page 2
    assert toc.text_layer(0) is not None
    assert toc.text_layer(1) is None


def test_images_have_no_text_layer(corpus_dir: Path) -> None:
    assert _open(corpus_dir / "resources/baiona.png").text_layer(0) is None


@pytest.mark.parametrize(
    ("text", "real"),
    [
        ("", False),
        ("   \n\f  ", False),
        ("x" * 19, False),  # a page stamp
        ("x" * 20, True),
        ("Trang 1 / 3\n\n", False),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True),
        ("a b c d e f g h i j k l m n o p q r s", False),  # spaces do not count: 19 letters
        ("Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc", True),
        ("\ufffd" * 40, False),  # font without a Unicode map
        ("a" * 95 + "\ufffd" * 5, False),  # 5 % garbage
        ("a" * 96 + "\ufffd" * 4, True),  # 4 % garbage
        ("\ue000\ue001\ue002" * 10, False),  # private-use glyph codes
        ("\x01\x02\x03" * 10, False),  # control characters
        ("1234567890 1234567890", True),
    ],
)
def test_is_real_text(text: str, real: bool) -> None:
    assert is_real_text(text) is real


# --- rendering --------------------------------------------------------------------------

def test_render_pdf_page_at_requested_dpi(corpus_dir: Path) -> None:
    page = _open(corpus_dir / "resources/linn.pdf", dpi=100).render(0)
    assert page.dpi == 100
    assert page.pixels.dtype == np.uint8
    assert page.pixels.shape[:2] == (1100, 850)  # US Letter at 100 dpi
    assert _has_ink(page.pixels)


def test_render_large_pdf_page_at_lower_dpi(corpus_dir: Path) -> None:
    document = _open(corpus_dir / "resources/linn.pdf", dpi=300, limits=Limits(max_render_pixels=1_000_000))
    page = document.render(0)
    assert 36 <= page.dpi < 300
    height, width = page.pixels.shape[:2]
    assert height * width <= 1_000_000 * 1.02
    assert height == pytest.approx(11 * page.dpi, abs=2)


def test_render_tiff(corpus_dir: Path) -> None:
    page = _open(corpus_dir / "derived/linn_300dpi_g4.tif").render(0)
    assert page.dpi == 300
    assert page.pixels.dtype == np.uint8 and page.pixels.shape == (3300, 2550)
    assert set(np.unique(page.pixels).tolist()) <= {0, 255}  # bilevel stays black on white
    assert _has_ink(page.pixels)


@pytest.mark.parametrize(
    ("relative", "dpi", "shape"),
    [
        ("resources/baiona.png", ASSUMED_DPI, (682, 640, 3)),  # no DPI metadata
        ("derived/baiona_dpi30.png", ASSUMED_DPI, (682, 640, 3)),  # 30 dpi is not credible
        ("derived/linn_rotated90_nodpi.png", ASSUMED_DPI, (2550, 3300)),
        ("resources/baiona_gray.png", ASSUMED_DPI, (682, 640)),
        ("resources/baiona_color.jpg", ASSUMED_DPI, (682, 640, 3)),
        ("resources/baiona_cmyk.jpg", 200, (682, 640, 3)),
    ],
)
def test_render_images_with_credible_dpi(corpus_dir: Path, relative: str, dpi: int, shape: tuple) -> None:
    page = _open(corpus_dir / relative).render(0)
    assert page.pixels.dtype == np.uint8
    assert page.pixels.shape == shape
    assert page.dpi == dpi


def test_png_dpi_metadata_is_used(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    Image.fromarray(np.full((50, 40), 255, np.uint8)).save(path, dpi=(150, 150))  # stored as 149.9994
    assert _open(path).render(0).dpi == 150


def test_cmyk_jpeg_is_not_a_negative(corpus_dir: Path) -> None:
    rgb = _open(corpus_dir / "resources/baiona_color.jpg").render(0).pixels.astype(int)
    cmyk = _open(corpus_dir / "resources/baiona_cmyk.jpg").render(0).pixels.astype(int)
    assert np.abs(rgb - cmyk).mean() < 10


def test_colour_comes_out_bgr(tmp_path: Path) -> None:
    path = tmp_path / "red.png"
    Image.new("RGB", (4, 4), (255, 0, 0)).save(path)
    assert _open(path).render(0).pixels[0, 0].tolist() == [0, 0, 255]


def test_rgba_png_is_flattened_on_white(tmp_path: Path) -> None:
    rgba = np.zeros((10, 30, 4), np.uint8)  # black everywhere...
    rgba[:, :10, 3] = 0  # ...transparent on the left,
    rgba[:, 10:20, 3] = 255  # opaque in the middle,
    rgba[:, 20:, 3] = 128  # half transparent on the right
    path = tmp_path / "alpha.png"
    Image.fromarray(rgba, "RGBA").save(path)
    pixels = _open(path).render(0).pixels
    assert pixels.shape == (10, 30, 3)
    assert (pixels[:, :10] == 255).all()
    assert (pixels[:, 10:20] == 0).all()
    assert np.all(np.abs(pixels[:, 20:].astype(int) - 127) <= 2)


def test_gray_alpha_png_is_flattened_on_white(tmp_path: Path) -> None:
    path = tmp_path / "la.png"
    Image.new("LA", (8, 8), (0, 0)).save(path)
    pixels = _open(path).render(0).pixels
    assert pixels.dtype == np.uint8 and (pixels == 255).all()


def test_palette_png_with_transparency_is_flattened_on_white(tmp_path: Path) -> None:
    image = Image.new("P", (20, 10), 0)
    image.putpalette([0, 0, 0, 10, 10, 10] + [0] * (256 * 3 - 6))  # index 0 black, index 1 near black
    image.paste(1, (10, 0, 20, 10))
    path = tmp_path / "palette.png"
    image.save(path, transparency=0)
    pixels = _open(path).render(0).pixels
    assert (pixels[:, :10] == 255).all()  # transparent black became paper
    assert (pixels[:, 10:] == 10).all()


def test_palette_png_without_transparency_keeps_its_colours(corpus_dir: Path) -> None:
    palette = _open(corpus_dir / "resources/baiona_colormapped.png").render(0).pixels.astype(int)
    rgb = _open(corpus_dir / "resources/baiona.png").render(0).pixels.astype(int)
    assert palette.shape == rgb.shape
    assert np.abs(palette - rgb).mean() < 2


def test_16_bit_png_becomes_8_bit(tmp_path: Path) -> None:
    wide = np.full((20, 20), 65535, np.uint16)
    wide[5:15, 5:15] = 0
    path = tmp_path / "deep.png"
    Image.fromarray(wide).save(path)
    pixels = _open(path).render(0).pixels
    assert pixels.dtype == np.uint8 and pixels.shape == (20, 20)
    assert pixels[0, 0] == 255 and pixels[10, 10] == 0


def test_jpeg_exif_orientation_is_applied(tmp_path: Path) -> None:
    stored = np.full((40, 60), 255, np.uint8)
    stored[:10, :10] = 0  # ink in the stored top-left corner
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 clockwise to display", as phones write it
    path = tmp_path / "photo.jpg"
    Image.fromarray(stored).save(path, "JPEG", exif=exif.tobytes(), quality=95)
    pixels = _open(path).render(0).pixels
    assert pixels.shape == (60, 40)  # shown upright: portrait
    assert pixels[:10, -10:].mean() < 60  # the corner went to the top-right
    assert pixels[:10, :10].mean() > 200


def test_open_from_bytes_sniffed_not_named(corpus_dir: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "scan.pdf"
    renamed.write_bytes((corpus_dir / "resources/baiona.png").read_bytes())
    document = _open(renamed)
    assert isinstance(document, ImageDocument)
    assert document.render(0).pixels.shape == (682, 640, 3)


def test_pdf_page_count(corpus_dir: Path) -> None:
    assert _open(corpus_dir / "resources/multipage.pdf").page_count == 6
    assert _open(corpus_dir / "resources/3small.pdf").page_count == 3

