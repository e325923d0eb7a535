"""A whole scanned file to text and a searchable PDF, pages in parallel.

The unit of parallel work is the page: a pool shared by every document in
the batch keeps both cores busy whether the batch is one 300-page dossier or
300 one-page scans. Threads suffice because the heavy lifting happens in
Tesseract and poppler subprocesses and in OpenCV, all outside the GIL.
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ocr import detect
from ocr.coverage import LineCoverage
from ocr.page import PageOptions, recognise_page
from ocr.pdf import ImagePage, OriginalPage, build_searchable_pdf
from ocr.rasterize import Limits, ScannedDocument, open_document
from ocr.tesseract import Word
from search.folding import nfc, tokens


@dataclass(frozen=True)
class OcrOptions:
    dpi: int = 300
    limits: Limits = field(default_factory=Limits)
    page: PageOptions = field(default_factory=PageOptions)


class PageProgress(Protocol):
    def pages_found(self, count: int) -> None: ...
    def page_done(self) -> None: ...


@dataclass(frozen=True)
class PageText:
    number: int
    text: str
    source: str  # "ocr" | "text-layer"
    confidence: float
    rotation: int
    skew_degrees: float
    words: tuple[Word, ...] = ()
    qr_codes: tuple[str, ...] = ()
    machine_zone: str | None = None
    lines: LineCoverage = LineCoverage(0, 0, 0.0)  # lines of print found in the ink, and how many went unread


@dataclass(frozen=True)
class DocumentText:
    pages: list[PageText]
    searchable_pdf: bytes


def with_layer_lines(ocr_text: str, layer_text: str) -> str:
    """The OCR text, then the lines of an untrusted text layer that the OCR did not read.

    What such a layer holds is still true and exact (a signature stamp's signer,
    e-mail and time, which OCR reads as "ttcbth@quangngai. 8ov.vn"), so nothing
    of it is lost; lines the OCR read word for word are not repeated.
    """
    read = f" {' '.join(tokens(ocr_text))} "
    missing = [line.strip() for line in layer_text.splitlines()
               if tokens(line) and f" {' '.join(tokens(line))} " not in read]
    return "\n\n".join(part for part in (ocr_text, "\n".join(missing)) if part)


def _process_page(
    document: ScannedDocument, index: int, options: OcrOptions
) -> tuple[PageText, ImagePage | OriginalPage]:
    layer = document.text_layer(index)
    if layer is not None and layer.trusted:
        page = PageText(index + 1, nfc(layer.text).strip(), "text-layer", 1.0, 0, 0.0)
        return page, OriginalPage(index)
    image = document.render(index)
    recognised = recognise_page(image.pixels, image.dpi, options.page, read_qr=index == 0,
                                dpi_known=image.dpi_known)
    recognition = recognised.recognition
    page = PageText(
        number=index + 1,
        text=with_layer_lines(recognition.text, nfc(layer.text)) if layer else recognition.text,
        source="ocr",
        confidence=round(recognition.confidence, 4),
        rotation=recognised.rotation,
        skew_degrees=recognised.skew_degrees,
        words=recognition.words,
        qr_codes=recognised.qr_codes,
        machine_zone=recognised.machine_zone,
        lines=recognised.lines,
    )
    return page, ImagePage(recognised.image_jpeg, recognised.dpi, recognition.text_layer_pdf)


def recognise_document(
    path: Path, media_type: str, *, options: OcrOptions, pool: Executor, progress: PageProgress | None = None
) -> DocumentText:
    """Raises InputFileError (quarantine the file) or EngineError (try again)."""
    document = open_document(path, media_type, dpi=options.dpi, limits=options.limits)
    if progress:
        progress.pages_found(document.page_count)

    def run(index: int):
        try:
            return _process_page(document, index, options)
        finally:
            if progress:
                progress.page_done()

    futures: list[Future] = [pool.submit(run, index) for index in range(document.page_count)]
    try:
        results = [future.result() for future in futures]
    finally:
        for future in futures:
            future.cancel()
    pages = [text for text, _ in results]
    pdf = build_searchable_pdf(
        [layout for _, layout in results], path if media_type == detect.PDF else None
    )
    return DocumentText(pages=pages, searchable_pdf=pdf)
