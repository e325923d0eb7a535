"""The contract every search backend meets, so the pipeline and the CLI never
depend on which engine (embedded SQLite, Elasticsearch, ...) sits behind it.

The index is a view of the object store: anything in it can be rebuilt with
`clear()` followed by `upsert_many()` over the stored records, so backends are
free to keep only what search needs.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, runtime_checkable

from search.folding import nfc, tokens

# Markers around matched words in `SearchHit.snippet`: guillemets rather than
# brackets, because brackets occur in administrative text and in OCR noise
# while guillemets almost never do.
HIGHLIGHT_OPEN = "«"
HIGHLIGHT_CLOSE = "»"


class SearchIndexError(Exception):
    """Base of every error a search backend raises, so callers need not know
    the engine's own exception types."""

    retryable: ClassVar[bool] = False


class IndexBusyError(SearchIndexError):
    """Another writer held the index for longer than the backend waits;
    trying again later is expected to succeed."""

    retryable = True


class SearchUnavailableError(SearchIndexError):
    """A search server could not be reached or shed load (too many requests,
    unavailable); the same call is expected to succeed later."""

    retryable = True


class InvalidRecordError(SearchIndexError):
    """The record lacks what indexing needs (an id, a parseable `ingested_at`);
    retrying the same record cannot help."""


@dataclass(frozen=True)
class IndexedRecord:
    """A record reduced to what every backend indexes.

    One reading of the record for all engines, so a filter (an officer's
    agency, a procedure code) means the same on each. `identifiers` gathers
    the file name, codes and extracted field values, so a name OCR garbled in
    the page text is still found through `fields`.
    """

    id: str
    doc_type: str
    owner_id: str | None
    dossier_code: str | None
    procedure_code: str | None
    agency: str | None
    filename: str
    ingested_at: str  # as the record writes it
    instant: datetime.datetime  # ingested_at parsed, with its own offset
    pages: int
    text: str
    identifiers: str

    @property
    def ingested_date(self) -> str:
        """The date where the record was ingested (its own offset), which the date filters use: a
        range on the instant could only apply one time zone to all."""
        return self.instant.date().isoformat()

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> IndexedRecord:
        """Raises InvalidRecordError for a record without an id or a zoned ISO 8601 `ingested_at`."""
        record_id = record.get("id")
        if not isinstance(record_id, str) or not record_id:
            raise InvalidRecordError(f"record has no id: {str(record)[:200]}")
        ingested_at = _text(record.get("ingested_at")) or ""
        try:
            instant = datetime.datetime.fromisoformat(ingested_at)
        except ValueError as error:
            raise InvalidRecordError(f"record {record_id}: ingested_at {ingested_at!r} is not ISO 8601") from error
        if instant.tzinfo is None:
            raise InvalidRecordError(f"record {record_id}: ingested_at {ingested_at!r} has no time zone")
        fields = record.get("fields") or {}
        pages = record.get("pages") or []
        doc_type = _text(record.get("doc_type")) or "other"
        owner_id = _text(record.get("owner_id"))
        dossier_code = _text(record.get("dossier_code"))
        procedure_code = _text(record.get("procedure_code"))
        filename = _text((record.get("source") or {}).get("filename")) or ""
        field_values = [_text(field.get("value")) for field in fields.values() if isinstance(field, dict)]
        searchable = [filename, owner_id, dossier_code, procedure_code, doc_type, *field_values]
        return cls(
            id=nfc(record_id),
            doc_type=doc_type,
            owner_id=owner_id,
            dossier_code=dossier_code,
            procedure_code=procedure_code,
            agency=_text(record.get("agency")),
            filename=filename,
            ingested_at=ingested_at,
            instant=instant,
            pages=len(pages),
            text="\n\n".join(nfc(page.get("text") or "") for page in pages),
            identifiers="\n".join(dict.fromkeys(value for value in searchable if value)),
        )


def _text(value: Any) -> str | None:
    return nfc(value) if isinstance(value, str) else None


@dataclass(frozen=True)
class SearchHit:
    id: str
    score: float
    """Higher is better; only comparable within one result list (0.0 when the
    query had no words and records are listed newest first)."""
    snippet: str
    """About 160 characters of the record's NFC text around the best match,
    matched words wrapped in `HIGHLIGHT_OPEN` / `HIGHLIGHT_CLOSE`."""
    doc_type: str
    owner_id: str | None
    dossier_code: str | None
    filename: str
    ingested_at: str
    pages: int


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to; None is no restriction. `date_from` / `date_to`
    bound the date of ingestion, inclusive."""

    owner_id: str | None = None
    doc_type: str | None = None
    dossier_code: str | None = None
    procedure_code: str | None = None
    agency: str | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


NO_FILTERS = Filters()


def query_chunks(query: str) -> list[str]:
    """The whitespace-separated pieces of a query that hold a word. Each is
    matched as a phrase, so "000.00.31.H57-221010-0001" or "12/03/2024" must
    occur as written rather than as numbers scattered over the page."""
    return [chunk for chunk in nfc(query).split() if tokens(chunk)]


@dataclass(frozen=True)
class SearchResults:
    total: int
    """Every record matching query and filters, not just this page of hits."""
    hits: list[SearchHit]


@runtime_checkable
class Index(Protocol):
    def upsert(self, record: dict[str, Any]) -> None:
        """Index one record (shape of `specs/record.md`), replacing any
        earlier version with the same `id`."""
        ...

    def upsert_many(self, records: Iterable[dict[str, Any]]) -> int:
        """Index many records atomically (all or none); returns how many."""
        ...

    def delete(self, record_id: str) -> None:
        """Forget a record; forgetting an unknown id is not an error."""
        ...

    def clear(self) -> None:
        """Forget every record."""
        ...

    def rebuild(self, records: Iterable[dict[str, Any]]) -> int:
        """Replace everything with `records` (`sohoa reindex`); searches see the old
        index until the new one is complete. Returns how many were indexed."""
        ...

    def count(self) -> int: ...

    def resolve_id(self, prefix: str) -> list[str]:
        """Ids starting with `prefix` (git-style short ids), at most a few,
        so a caller can tell a unique prefix from an ambiguous one."""
        ...

    def search(self, query: str, filters: Filters = NO_FILTERS, *, limit: int = 10, offset: int = 0
               ) -> SearchResults:
        """Records whose text holds every word of `query`, ignoring case and
        diacritics, best first. A query without words lists the records that
        match the filters, newest first (nothing when there are no filters)."""
        ...

    def doc_type_counts(self, query: str, filters: Filters = NO_FILTERS) -> dict[str, int]:
        """How many records `search` would find per doc_type with these filters, whatever
        `filters.doc_type` says: the counts a results page offers beside its type filter.
        Kinds with no record are left out."""
        ...

    def close(self) -> None: ...
