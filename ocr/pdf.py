"""Assemble the searchable copy: each page image with its invisible text on top.

Tesseract already produced a text-only page per OCRed page, sized to the
straightened image at its dpi; we put the JPEG of that image underneath
(img2pdf embeds JPEG bytes as they are, no re-encoding). Pages that had
real text are copied from the original unchanged.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import img2pdf
import pikepdf


@dataclass(frozen=True)
class ImagePage:
    image_jpeg: bytes
    dpi: int
    text_layer_pdf: bytes


@dataclass(frozen=True)
class OriginalPage:
    index: int  # page index in the original PDF


def build_searchable_pdf(pages: list[ImagePage | OriginalPage], original_pdf: Path | None) -> bytes:
    output = pikepdf.new()
    sources: list[pikepdf.Pdf] = []  # kept open until saved: pages refer into them
    original = pikepdf.open(original_pdf) if original_pdf is not None else None
    try:
        for page in pages:
            if isinstance(page, OriginalPage):
                if original is None:
                    raise ValueError("a page copied from the original needs the original PDF")
                output.pages.append(original.pages[page.index])
                continue
            layout = img2pdf.get_fixed_dpi_layout_fun((page.dpi, page.dpi))
            image_pdf = pikepdf.open(io.BytesIO(img2pdf.convert(page.image_jpeg, layout_fun=layout)))
            text_pdf = pikepdf.open(io.BytesIO(page.text_layer_pdf))
            sources += [image_pdf, text_pdf]
            image_page = image_pdf.pages[0]
            image_page.add_overlay(text_pdf.pages[0], pikepdf.Rectangle(*image_page.mediabox))
            output.pages.append(image_page)
        buffer = io.BytesIO()
        output.save(buffer)
        return buffer.getvalue()
    finally:
        for source in sources:
            source.close()
        if original is not None:
            original.close()
