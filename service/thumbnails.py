"""Page images for the record page, drawn from the searchable PDF by PDFium (pypdfium2), in process.

The searchable PDF holds each page straightened and upright, which is what a person
wants to look at. Drawn at a low dpi they are a few tens of kilobytes, small enough
for a phone; they are cached on local disk by record id (the SHA-256 of the original,
so a cached image can never belong to other bytes) and can be deleted at any time.

Drawing in process spares starting pdftoppm for every page asked for: 44-68 ms a page
against 67-110 ms at the default 40 dpi, 140-210 ms against 230-550 ms at 150 dpi, on
two real signed PDFs once ingested, with the same size in pixels. Unlike the child
process it cannot be timed out; the file drawn is the searchable PDF our own
pipeline wrote, not an upload.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import IO, Any

import pypdfium2
from PIL import Image

from storage.base import ObjectStore

POINTS_PER_INCH = 72
_COPY_CHUNK = 1024 * 1024
# PDFium is not thread-safe, even on different documents, and the service answers requests in threads.
_PDFIUM = threading.Lock()


class PageNotFoundError(LookupError):
    pass


class RenderError(RuntimeError):
    """PDFium could not draw this page of the file."""


class Thumbnails:
    def __init__(self, store: ObjectStore, cache: Path, dpi: int) -> None:
        self._store = store
        self._cache = cache
        self._dpi = dpi

    def page_png(self, record: dict[str, Any], number: int) -> bytes:
        """The caller has checked that its principal may read `record`."""
        if not 1 <= number <= len(record.get("pages") or []):
            raise PageNotFoundError(f"the record has no page {number}")
        cached = self._cache / record["id"] / f"{self._dpi}-{number}.png"
        try:
            return cached.read_bytes()
        except FileNotFoundError:
            pass
        image = self._render(record["storage"]["searchable_pdf"], number)
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cached.parent, suffix=".tmp", delete=False) as handle:
            handle.write(image)
        os.replace(handle.name, cached)  # concurrent renders of one page write the same bytes
        return image

    def _render(self, pdf_key: str, number: int) -> bytes:
        # A local copy, not the bytes in memory: PDFium needs to seek (an S3 stream cannot), and a
        # long PDF stays on disk. The store is read, and the PNG encoded, outside the lock.
        with self._store.open(pdf_key) as source, tempfile.TemporaryFile(prefix="sohoa-thumb-") as pdf:
            shutil.copyfileobj(source, pdf, _COPY_CHUNK)
            image = _draw(pdf, number, self._dpi)
        out = io.BytesIO()
        image.save(out, format="PNG", dpi=(self._dpi, self._dpi))
        return out.getvalue()


def _draw(pdf: IO[bytes], number: int, dpi: int) -> Image.Image:
    """Page `number` in RGB, as pdftoppm drew it (same size in pixels); every PDFium call under the lock."""
    with _PDFIUM:
        try:
            document = pypdfium2.PdfDocument(pdf)
        except pypdfium2.PdfiumError as error:
            raise RenderError(f"the searchable PDF cannot be opened to draw page {number}") from error
        try:
            if number > len(document):
                raise RenderError(f"the searchable PDF has no page {number}")
            bitmap = document[number - 1].render(scale=dpi / POINTS_PER_INCH)
            try:
                return bitmap.to_pil()  # BGR turned into RGB: a copy, which outlives the bitmap
            finally:
                bitmap.close()  # now, under the lock, rather than whenever it is collected
        finally:
            document.close()
