"""Build the object store, the index and the OCR options from settings: the one place backends are chosen."""

from __future__ import annotations

from ocr.document import OcrOptions
from ocr.page import PageOptions
from ocr.rasterize import Limits
from pipeline.ingest import IngestOptions
from search.base import Index
from search.sqlite import SqliteIndex
from storage.base import ObjectStore
from storage.local import LocalObjectStore

from flows.settings import Settings


def build_store(settings: Settings) -> ObjectStore:
    return LocalObjectStore(settings.store_root)


def build_index(settings: Settings) -> Index:
    settings.home.mkdir(parents=True, exist_ok=True)
    return SqliteIndex(settings.index_path)


def ingest_options(settings: Settings) -> IngestOptions:
    return IngestOptions(
        ocr=OcrOptions(
            dpi=settings.dpi,
            limits=Limits(max_pages=settings.max_pages),
            page=PageOptions(lang=settings.ocr_lang),
        ),
        max_file_bytes=settings.max_file_mb * 1024**2,
    )
