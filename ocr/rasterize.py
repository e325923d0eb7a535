"""Open a scanned file and turn its pages into images, refusing what cannot be trusted.

Everything a clerk might drop lands here first, so every way a file can be bad
is translated into an `InputFileError` with a reason they can act on. PDFs are
checked with pikepdf (qpdf) and drawn with poppler via pdf2image; images are
read with Pillow. Pages come out as uint8 arrays (BGR or gray), never encoded.
"""

from __future__ import annotations

import math
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import pdf2image
import pdf2image.exceptions
import pikepdf
import pypdfium2
from PIL import Image, ImageOps, UnidentifiedImageError

from ocr import detect, text_layer
from ocr.errors import CorruptFileError, EncryptedFileError, EngineError, TooLargeError, UnsupportedFileError

# Scanner DPI metadata outside this range is not credible (a 30-dpi "scan" is a
# thumbnail or a wrong header). Such images, and images that say nothing, carry
# ASSUMED_DPI with `dpi_known` false: the page reader then measures it (ocr.page).
_CREDIBLE_DPI = (70, 2400)
ASSUMED_DPI = 300


@dataclass(frozen=True)
class Limits:
    """Bounds that stop a decompression bomb or a mis-scan from eating the machine."""

    max_pages: int = 1000
    max_image_pixels: int = 300_000_000  # any single image inside the file
    max_render_pixels: int = 60_000_000  # a rendered page; larger pages are drawn at a lower dpi
    timeout_seconds: float = 300.0


@dataclass(frozen=True)
class PageImage:
    pixels: np.ndarray  # uint8, gray (h, w) or BGR (h, w, 3)
    dpi: int
    dpi_known: bool = True  # False: the file gave no credible resolution and `dpi` is ASSUMED_DPI


@dataclass(frozen=True)
class TextLayer:
    text: str
    trusted: bool  # it covers the page's print (ocr.text_layer): the page needs no OCR


class ScannedDocument(Protocol):
    page_count: int

    def text_layer(self, index: int) -> TextLayer | None:
        """The page's own text when it has real text, else None (it needs OCR)."""

    def render(self, index: int) -> PageImage: ...


def open_document(path: Path, media_type: str, *, dpi: int, limits: Limits) -> ScannedDocument:
    if media_type == detect.PDF:
        return PdfDocument(path, dpi=dpi, limits=limits)
    if media_type in (detect.TIFF, detect.JPEG, detect.PNG):
        return ImageDocument(path, limits=limits)
    raise UnsupportedFileError(f"Unsupported file type {media_type}.")


def is_real_text(text: str) -> bool:
    """Whether a PDF's own text is worth keeping instead of OCR.

    Fonts without a Unicode map yield replacement or control characters; a
    page stamp yields a few characters. Neither makes the page searchable.
    """
    visible = [c for c in text if not c.isspace()]
    if len(visible) < 20:
        return False
    garbage = sum(1 for c in visible if c == "\ufffd" or (ord(c) < 32) or 0xE000 <= ord(c) <= 0xF8FF)
    letters = sum(1 for c in visible if c.isalnum())
    return garbage / len(visible) < 0.05 and letters / len(visible) > 0.5


class PdfDocument:
    def __init__(self, path: Path, *, dpi: int, limits: Limits) -> None:
        self._path = path
        self._limits = limits
        self._dpi = dpi
        try:
            with pikepdf.open(path) as pdf:
                if pdf.get_warnings() and not _ends_with_eof_marker(path):
                    raise CorruptFileError(
                        "The PDF is incomplete (cut off part-way, e.g. an interrupted copy or upload): "
                        "copy or scan it again."
                    )
                self.page_count = len(pdf.pages)
                if self.page_count == 0:
                    raise CorruptFileError("The PDF has no pages.")
                if self.page_count > limits.max_pages:
                    raise TooLargeError(
                        f"The PDF has {self.page_count} pages, more than the limit of {limits.max_pages}: "
                        "split it into smaller files."
                    )
                self._page_dpi = [self._fit_dpi(page, index) for index, page in enumerate(pdf.pages)]
        except pikepdf.PasswordError as error:
            raise EncryptedFileError() from error
        except pikepdf.PdfError as error:
            raise CorruptFileError(f"The PDF is damaged and cannot be read ({error}).") from error
        self._texts = self._extract_text()
        self._trusted = self._check_text_layers()

    def _fit_dpi(self, page: pikepdf.Page, index: int) -> int:
        for name, image in _page_images(page):
            pixels = int(image.get("/Width", 0)) * int(image.get("/Height", 0))
            if pixels > self._limits.max_image_pixels:
                raise TooLargeError(
                    f"Page {index + 1} holds an image of {pixels / 1e6:.0f} megapixels, beyond the limit of "
                    f"{self._limits.max_image_pixels / 1e6:.0f}: it looks like a decompression bomb or a "
                    "mis-scan. Rescan at 300 dpi."
                )
        box = page.mediabox
        unit = float(page.obj.get("/UserUnit", 1))
        width_in = abs(float(box[2]) - float(box[0])) * unit / 72
        height_in = abs(float(box[3]) - float(box[1])) * unit / 72
        pixels = width_in * height_in * self._dpi**2
        if pixels <= self._limits.max_render_pixels:
            return self._dpi
        fitted = int(self._dpi * math.sqrt(self._limits.max_render_pixels / pixels))
        if fitted < 36:
            raise TooLargeError(
                f"Page {index + 1} measures {width_in:.0f} x {height_in:.0f} inches: too large to be a scanned paper."
            )
        return fitted

    def _extract_text(self) -> list[str]:
        try:
            result = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", str(self._path), "-"],
                capture_output=True,
                timeout=self._limits.timeout_seconds,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise EngineError("pdftotext timed out") from error
        pages = result.stdout.decode("utf-8", errors="replace").split("\f")
        return (pages + [""] * self.page_count)[: self.page_count]

    def _check_text_layers(self) -> set[int]:
        """Indexes of the pages whose real text covers their print (see ocr.text_layer)."""
        with_text = [index for index, text in enumerate(self._texts) if is_real_text(text)]
        if not with_text:
            return set()
        words = text_layer.layer_words(self._path, timeout=self._limits.timeout_seconds)
        try:
            checks = text_layer.check_pages(self._path, {index: words[index] for index in with_text
                                                         if index < len(words)})
        except pypdfium2.PdfiumError:
            return set()  # poppler reads what PDFium cannot: OCR those pages, keeping their text
        return {index for index, check in checks.items() if check.trusted}

    def text_layer(self, index: int) -> TextLayer | None:
        text = self._texts[index]
        return TextLayer(text, index in self._trusted) if is_real_text(text) else None

    def render(self, index: int) -> PageImage:
        dpi = self._page_dpi[index]
        try:
            images = pdf2image.convert_from_path(
                self._path, dpi=dpi, first_page=index + 1, last_page=index + 1,
                timeout=self._limits.timeout_seconds,
            )
        except pdf2image.exceptions.PDFPopplerTimeoutError as error:
            raise EngineError(f"poppler timed out on page {index + 1}") from error
        except (pdf2image.exceptions.PDFPageCountError, pdf2image.exceptions.PDFSyntaxError) as error:
            raise CorruptFileError(f"Page {index + 1} of the PDF cannot be drawn ({error}).") from error
        if not images:
            raise CorruptFileError(f"Page {index + 1} of the PDF cannot be drawn.")
        return PageImage(pixels=_to_array(images[0]), dpi=dpi)


def _page_images(page: pikepdf.Page, depth: int = 0):
    """Image XObjects on a page, including those inside form XObjects (bounded depth)."""
    resources = page.obj.get("/Resources") if isinstance(page, pikepdf.Page) else page.get("/Resources")
    if resources is None or "/XObject" not in resources:
        return
    for name, xobject in resources["/XObject"].items():
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            yield name, xobject
        elif subtype == "/Form" and depth < 4:
            yield from _page_images(xobject, depth + 1)


def _ends_with_eof_marker(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 2048))
        return b"%%EOF" in handle.read()


class ImageDocument:
    def __init__(self, path: Path, *, limits: Limits) -> None:
        self._path = path
        self._limits = limits
        with self._open() as image:
            self.page_count = getattr(image, "n_frames", 1)
        if self.page_count > limits.max_pages:
            raise TooLargeError(
                f"The image has {self.page_count} pages, more than the limit of {limits.max_pages}."
            )

    def _open(self) -> Image.Image:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                image = Image.open(self._path)
        except Image.DecompressionBombError as error:
            raise TooLargeError(f"The image is too large to be a scanned paper ({error}).") from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise CorruptFileError(f"The image is damaged and cannot be read ({error}).") from error
        width, height = image.size
        if width * height > self._limits.max_image_pixels:
            image.close()
            raise TooLargeError(
                f"The image is {width} x {height} pixels, beyond the limit of "
                f"{self._limits.max_image_pixels / 1e6:.0f} megapixels."
            )
        return image

    def text_layer(self, index: int) -> TextLayer | None:
        return None

    def render(self, index: int) -> PageImage:
        # Each call opens its own handle: Pillow frames are not safe to seek from two threads.
        with self._open() as image:
            try:
                image.seek(index)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                    image.load()
                    dpi = _credible_dpi(image.info.get("dpi"))
                    frame = ImageOps.exif_transpose(image) if index == 0 else image.copy()
            except (OSError, SyntaxError, ValueError, EOFError) as error:
                raise CorruptFileError(
                    f"Page {index + 1} of the image is damaged or incomplete ({error}): scan it again."
                ) from error
        return PageImage(pixels=_to_array(frame), dpi=dpi or ASSUMED_DPI, dpi_known=dpi is not None)


def _credible_dpi(dpi: object) -> int | None:
    try:
        value = round(float(dpi[0]))  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        return None
    return value if _CREDIBLE_DPI[0] <= value <= _CREDIBLE_DPI[1] else None


def _to_array(image: Image.Image) -> np.ndarray:
    """Pillow image of any mode as gray or BGR uint8, transparency flattened onto white paper."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        wide = np.asarray(image, dtype=np.float64)
        top = wide.max() or 1.0
        return (wide * (255.0 / top)).astype(np.uint8)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(paper, rgba)
    if image.mode in ("1", "L"):
        return np.asarray(image.convert("L"))
    rgb = np.asarray(image.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1])
