"""Build the object store, the index and the OCR options from settings: the one place backends are chosen."""

from __future__ import annotations

from ocr.document import OcrOptions
from ocr.page import PageOptions
from ocr.rasterize import Limits
from pipeline.ingest import IngestOptions
from pipeline.reindex import reindex
from search.base import Index
from search.sqlite import SqliteIndex
from storage.base import ObjectStore
from storage.local import LocalObjectStore

from flows.settings import Settings


def build_store(settings: Settings) -> ObjectStore:
    if settings.store == "s3":
        from storage.s3 import from_url

        return from_url(
            settings.s3_endpoint,
            settings.s3_access_key,
            settings.s3_secret_key.get_secret_value(),
            settings.s3_bucket,
            region=settings.s3_region,
            object_lock=settings.s3_object_lock,
            retention_days=settings.s3_retention_days,
            retention_mode=settings.s3_retention_mode,
        )
    return LocalObjectStore(settings.store_root)


def build_index(settings: Settings, *, for_rebuild: bool = False) -> Index:
    """`for_rebuild`: `sohoa reindex` may replace an embedded index of an older schema."""
    if settings.index == "elasticsearch":
        from elasticsearch import Elasticsearch

        from search.elastic import ElasticIndex

        api_key = settings.elasticsearch_api_key.get_secret_value() if settings.elasticsearch_api_key else None
        return ElasticIndex(Elasticsearch(settings.elasticsearch_url, api_key=api_key),
                            alias=settings.elasticsearch_alias)
    settings.home.mkdir(parents=True, exist_ok=True)
    return SqliteIndex(settings.index_path, recreate=for_rebuild)


def rebuild_index(settings: Settings) -> int:
    """Rebuild the search index from the object store (the system of record); how many records it holds."""
    index = build_index(settings, for_rebuild=True)
    try:
        return reindex(build_store(settings), index)
    finally:
        index.close()


def ingest_options(settings: Settings) -> IngestOptions:
    return IngestOptions(
        ocr=OcrOptions(
            dpi=settings.dpi,
            limits=Limits(max_pages=settings.max_pages),
            page=PageOptions(lang=settings.ocr_lang),
        ),
        max_file_bytes=settings.max_file_mb * 1024**2,
        agency=settings.agency,
    )
