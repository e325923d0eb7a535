"""`search.base.Index` on an Elasticsearch cluster, for collections and
query loads beyond one SQLite file.

Diacritics: text is analysed twice. `vi_folded` (lowercase, then
asciifolding keeping the original token at the same position) lets "duc",
"Đức" and "ĐỨC" find one another, đ included; the `exact` sub-field
(`vi_exact`, lowercase only) tells which records hold the query as spelled.
Text is NFC-normalised before it is sent, because asciifolding does not strip
the combining marks of decomposed (NFD) text.

Words: both analyzers split text where `search.folding` does, into runs of
letters, digits and combining marks, rather than with the standard
tokenizer. Its UAX#29 rules keep "ho_so_Trần_Văn_An.pdf", "dossier_receipt"
and "tên:Nguyễn" (OCR often loses the space after a colon) as single words,
which searches for "Trần", "receipt" or "Nguyễn" would miss, and which the
embedded index splits. Splitting alike also makes a code typed in part
("000.00.31") match as it does there.

Ranking mirrors the embedded index: records holding every query chunk as
spelled come first, BM25 on the folded fields orders the rest. The tier is a
`constant_score` should clause, not a boosted clause on the exact sub-field,
because the latter's contribution scales with idf and all but vanishes for a
word most records contain ("Nguyễn"); and not a rescore, which reorders only
a window of top hits, so an exact match ranked lower by BM25 would stay
buried. The constant outweighs the folded BM25 score as long as that stays
below `EXACT_TIER_BOOST`: each query word adds at most (k1 + 1) * idf, about
40 in ten million records, so the tier holds for queries of two dozen words.

Rebuilds never show an empty index: the alias names the live index
`<alias>-<timestamp>`; `rebuild()` loads a fresh one, then moves the alias
in one atomic `update_aliases` call and deletes the old index. Writes made
through the alias while a rebuild runs land in the old index and are lost
with it; the store still has them, so a later reindex recovers them.

`upsert_many` checks every record before sending any, so an invalid record
leaves the index untouched as the protocol asks; Elasticsearch has no
multi-document transaction, so a batch the server rejects part-way through
stays partly applied (and raises), to be repaired by retrying or reindexing.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from types import TracebackType
from typing import Any, Literal

import elasticsearch
from elasticsearch import ApiError, BadRequestError, Elasticsearch, TransportError
from elasticsearch.helpers import streaming_bulk

from search.base import (
    HIGHLIGHT_CLOSE,
    HIGHLIGHT_OPEN,
    NO_FILTERS,
    Filters,
    IndexedRecord,
    SearchHit,
    SearchIndexError,
    SearchResults,
    SearchUnavailableError,
    query_chunks,
)
from search.folding import nfc
from search.snippets import SNIPPET_WIDTH

DEFAULT_ALIAS = "sohoa-records"
EXACT_TIER_BOOST = 1000.0
FACETS = ("doc_type", "year", "agency")
FACET_SIZE = 50
BULK_MAX_RETRIES = 5
BULK_INITIAL_BACKOFF_SECONDS = 2.0
_RESOLVE_LIMIT = 10
_RETRYABLE_STATUSES = frozenset({429, 503})
_FOLDED_FIELDS = ("text", "identifiers")
_EXACT_FIELDS = ("text.exact", "identifiers.exact")
_HIT_SOURCE = ("doc_type", "owner_id", "dossier_code", "filename", "ingested_at", "pages")
_NEWEST_FIRST = ({"ingested_at": "desc"}, {"id": "asc"})
_INDEX_TIMESTAMP = "%Y%m%d%H%M%S%f"
# The first index of an alias has a fixed name, so processes starting at once
# all create the same index and all but one are told it exists.
_FIRST_INDEX_TIME = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_SPACE = re.compile(r"\s+")

Refresh = bool | Literal["wait_for"]


def index_template() -> dict[str, Any]:
    """Settings and mappings of every `<alias>-*` index.

    The tokenizer splits on anything but letters, digits and combining marks,
    as `search.folding.word_spans` does. One shard: the collection is one
    office's papers, and a single shard scores every record with the same
    term statistics. `dynamic: false`: a field `document()` starts sending
    before the next rebuild is kept in `_source` instead of being mapped by
    guesswork. Keywords are case-sensitive, as `resolve_id` and the exact
    filters need. Offsets in the postings let the highlighter work without
    re-analysing long texts.
    """
    folded_text = {
        "type": "text",
        "analyzer": "vi_folded",
        "index_options": "offsets",
        # Only ever a filter, so no norms: nothing scores on it.
        "fields": {"exact": {"type": "text", "analyzer": "vi_exact", "norms": False}},
    }
    keyword = {"type": "keyword"}
    return {
        "settings": {
            "number_of_shards": 1,
            "analysis": {
                "tokenizer": {"vi_words": {"type": "pattern", "pattern": r"[^\p{L}\p{N}\p{M}]+"}},
                "filter": {"vi_ascii_folding": {"type": "asciifolding", "preserve_original": True}},
                "analyzer": {
                    "vi_folded": {
                        "type": "custom",
                        "tokenizer": "vi_words",
                        "filter": ["lowercase", "vi_ascii_folding"],
                    },
                    "vi_exact": {"type": "custom", "tokenizer": "vi_words", "filter": ["lowercase"]},
                },
            },
        },
        "mappings": {
            "dynamic": False,
            "properties": {
                "id": keyword,
                "doc_type": keyword,
                "owner_id": keyword,
                "dossier_code": keyword,
                "procedure_code": keyword,
                "filename": keyword,
                "agency": keyword,
                "ingested_at": {"type": "date"},
                "ingested_date": {"type": "date", "format": "strict_date"},
                "pages": {"type": "integer"},
                "text": folded_text,
                "identifiers": folded_text,
            },
        },
    }


def document(record: Mapping[str, Any]) -> dict[str, Any]:
    """What the index keeps of a record: `IndexedRecord`, the same reading the embedded index makes."""
    indexed = IndexedRecord.from_record(record)
    return {
        "id": indexed.id,
        "doc_type": indexed.doc_type,
        "owner_id": indexed.owner_id,
        "dossier_code": indexed.dossier_code,
        "procedure_code": indexed.procedure_code,
        "filename": indexed.filename,
        "agency": indexed.agency,
        # isoformat() is how the pipeline writes it, and a form Elasticsearch parses.
        "ingested_at": indexed.instant.isoformat(),
        "ingested_date": indexed.ingested_date,
        "pages": indexed.pages,
        "text": indexed.text,
        "identifiers": indexed.identifiers,
    }


def _phrase(chunk: str, fields: Sequence[str]) -> dict[str, Any]:
    return {"multi_match": {"query": chunk, "type": "phrase", "fields": list(fields)}}


def _filter_clauses(filters: Filters) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = [
        {"term": {field: nfc(value)}}
        for field, value in (
            ("owner_id", filters.owner_id),
            ("doc_type", filters.doc_type),
            ("dossier_code", filters.dossier_code),
            ("procedure_code", filters.procedure_code),
            ("agency", filters.agency),
        )
        if value is not None
    ]
    bounds = {
        bound: date.isoformat()
        for bound, date in (("gte", filters.date_from), ("lte", filters.date_to))
        if date is not None
    }
    if bounds:
        clauses.append({"range": {"ingested_date": bounds}})
    return clauses


def _query(query: str, filters: Filters) -> dict[str, Any] | None:
    """The query clause; None when nothing can match (a query of punctuation
    only, without filters), as in the embedded index."""
    chunks = query_chunks(query)
    clauses = _filter_clauses(filters)
    if not chunks:
        if clauses:
            return {"bool": {"filter": clauses}}
        return {"match_all": {}} if not query.strip() else None
    return {
        "bool": {
            "must": [_phrase(chunk, _FOLDED_FIELDS) for chunk in chunks],
            "filter": clauses,
            "should": [
                {
                    "constant_score": {
                        "filter": {"bool": {"filter": [_phrase(chunk, _EXACT_FIELDS) for chunk in chunks]}},
                        "boost": EXACT_TIER_BOOST,
                    }
                }
            ],
        }
    }


def search_body(query: str, filters: Filters, limit: int, offset: int) -> dict[str, Any] | None:
    """Keyword arguments of `Elasticsearch.search` for one page of hits;
    None when nothing can match, so no request is needed.

    A query without words lists newest first; otherwise score first, then
    newest, then id, so pages never overlap when scores tie. The highlighter
    marks matches in the original text with our markers; with nothing to
    mark, it returns the start of the field.
    """
    clause = _query(query, filters)
    if clause is None:
        return None
    highlight_field = {"number_of_fragments": 1, "fragment_size": SNIPPET_WIDTH, "no_match_size": SNIPPET_WIDTH}
    return {
        "query": clause,
        "sort": list(_NEWEST_FIRST) if not query_chunks(query) else ["_score", *_NEWEST_FIRST],
        "from_": max(0, offset),
        "size": max(0, limit),
        "track_total_hits": True,
        "source": {"includes": list(_HIT_SOURCE)},
        "highlight": {
            "type": "unified",
            "pre_tags": [HIGHLIGHT_OPEN],
            "post_tags": [HIGHLIGHT_CLOSE],
            "fields": {field: dict(highlight_field) for field in _FOLDED_FIELDS},
        },
    }


def facets_body(query: str, filters: Filters) -> dict[str, Any] | None:
    """Keyword arguments of `Elasticsearch.search` counting what `search`
    would find by doc_type, year of ingestion and agency; None when nothing
    can match. Years come from `ingested_date`, so a year's count agrees with
    a date filter over that year."""
    clause = _query(query, filters)
    if clause is None:
        return None
    return {
        "query": clause,
        "size": 0,
        "aggs": {
            "doc_type": {"terms": {"field": "doc_type", "size": FACET_SIZE}},
            "year": {
                "date_histogram": {
                    "field": "ingested_date",
                    "calendar_interval": "year",
                    "format": "yyyy",
                    "min_doc_count": 1,
                }
            },
            "agency": {"terms": {"field": "agency", "size": FACET_SIZE}},
        },
    }


def facet_counts(aggregations: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    return {
        name: {str(bucket.get("key_as_string", bucket["key"])): bucket["doc_count"] for bucket in result["buckets"]}
        for name, result in aggregations.items()
    }


def snippet(highlight: Mapping[str, Sequence[str]]) -> str:
    """The page-text fragment if it marks a match, else the identifiers'
    fragment if that does, else the start of the text, as the embedded index
    chooses; whitespace collapsed, since page breaks are blank lines."""
    fragments = [fragment for field in _FOLDED_FIELDS for fragment in highlight.get(field, ())]
    marked = [fragment for fragment in fragments if HIGHLIGHT_OPEN in fragment]
    chosen = (marked or fragments or [""])[0]
    return _SPACE.sub(" ", chosen).strip()


def search_hit(hit: Mapping[str, Any]) -> SearchHit:
    source = hit.get("_source") or {}
    return SearchHit(
        id=hit["_id"],
        score=float(hit.get("_score") or 0.0),
        snippet=snippet(hit.get("highlight") or {}),
        doc_type=source.get("doc_type") or "other",
        owner_id=source.get("owner_id"),
        dossier_code=source.get("dossier_code"),
        filename=source.get("filename") or "",
        ingested_at=source.get("ingested_at") or "",
        pages=int(source.get("pages") or 0),
    )


def translate_error(error: Exception) -> SearchIndexError:
    """The backend-neutral error for a client error, by type and HTTP status."""
    if isinstance(error, elasticsearch.ConnectionError | elasticsearch.ConnectionTimeout):
        return SearchUnavailableError(f"search server unreachable: {error}")
    if isinstance(error, ApiError) and error.status_code in _RETRYABLE_STATUSES:
        return SearchUnavailableError(f"search server busy: {error}")
    return SearchIndexError(f"search index: {error}")


def bulk_error(item: Mapping[str, Any]) -> SearchIndexError:
    """The error for one document the bulk API refused (after its retries)."""
    [(action, outcome)] = item.items()
    message = f"search index refused to {action} {outcome.get('_id')}: {outcome.get('error')}"
    if outcome.get("status") in _RETRYABLE_STATUSES:
        return SearchUnavailableError(message)
    return SearchIndexError(message)


@contextmanager
def _translated_errors() -> Iterator[None]:
    try:
        yield
    except (ApiError, TransportError) as error:
        raise translate_error(error) from error


def _index_name(alias: str, created: datetime.datetime) -> str:
    return f"{alias}-{created.astimezone(datetime.UTC).strftime(_INDEX_TIMESTAMP)}"


class ElasticIndex:
    """`search.base.Index` behind the alias `alias`, plus `rebuild` and `facets`.

    The index owns `client`: `close()` closes it. `refresh` is passed to every
    write: False (the default) makes writes searchable within the index's
    refresh interval, "wait_for" returns once they are, for tests and callers
    that read their own writes.
    """

    def __init__(self, client: Elasticsearch, alias: str = DEFAULT_ALIAS, *, refresh: Refresh = False) -> None:
        self._client = client
        self._alias = alias
        self._refresh = refresh
        with _translated_errors():
            # Every start re-puts the template, so a changed mapping applies
            # from the next rebuild on.
            client.indices.put_index_template(name=alias, index_patterns=[f"{alias}-*"], template=index_template())
            if not client.indices.exists_alias(name=alias):
                self._create_first_index()

    def _create_first_index(self) -> None:
        try:
            self._client.indices.create(index=_index_name(self._alias, _FIRST_INDEX_TIME), aliases={self._alias: {}})
        except BadRequestError:
            # Another process created it first, which is as good.
            if not self._client.indices.exists_alias(name=self._alias):
                raise

    def upsert(self, record: dict[str, Any]) -> None:
        body = document(record)
        with _translated_errors():
            self._client.index(index=self._alias, id=body["id"], document=body, refresh=self._refresh)

    def upsert_many(self, records: Iterable[dict[str, Any]]) -> int:
        bodies = [document(record) for record in records]
        return self._bulk(self._alias, bodies, refresh=self._refresh) if bodies else 0

    def rebuild(self, records: Iterable[dict[str, Any]]) -> int:
        """Replace the whole index with `records`, which searches see all at
        once; until then, and if loading or the swap fails, they see the old
        index. Returns how many records were indexed."""
        new_index = _index_name(self._alias, datetime.datetime.now(datetime.UTC))
        with _translated_errors():
            response = self._client.options(ignore_status=404).indices.get_alias(name=self._alias)
            old_indices = [] if response.meta.status == 404 else list(response.body)
            self._client.indices.create(index=new_index)
            try:
                count = self._bulk(new_index, (document(record) for record in records), refresh=False)
                self._client.indices.refresh(index=new_index)
                # must_exist: if a concurrent rebuild moved the alias first,
                # this one fails whole instead of leaving two live indices.
                self._client.indices.update_aliases(
                    actions=[
                        *({"remove": {"index": old, "alias": self._alias, "must_exist": True}} for old in old_indices),
                        {"add": {"index": new_index, "alias": self._alias}},
                    ]
                )
            except BaseException:
                # Best effort: a leftover `<alias>-*` index without the alias is safe to delete by hand.
                with suppress(ApiError, TransportError):
                    self._client.options(ignore_status=404).indices.delete(index=new_index)
                raise
            if old_indices:
                self._client.options(ignore_status=404).indices.delete(index=old_indices)
        return count

    def _bulk(self, index: str, bodies: Iterable[dict[str, Any]], *, refresh: Refresh) -> int:
        """Index `bodies` under their own ids, so indexing twice replaces rather
        than duplicates; stops at the first document refused."""
        actions = ({"_index": index, "_id": body["id"], "_source": body} for body in bodies)
        count = 0
        with _translated_errors():
            for ok, item in streaming_bulk(
                self._client,
                actions,
                raise_on_error=False,
                max_retries=BULK_MAX_RETRIES,
                initial_backoff=BULK_INITIAL_BACKOFF_SECONDS,
                refresh=refresh,
            ):
                if not ok:
                    raise bulk_error(item)
                count += 1
        return count

    def delete(self, record_id: str) -> None:
        with _translated_errors():
            self._client.options(ignore_status=404).delete(index=self._alias, id=nfc(record_id), refresh=self._refresh)

    def clear(self) -> None:
        self.rebuild(())

    def count(self) -> int:
        with _translated_errors():
            return int(self._client.count(index=self._alias)["count"])

    def resolve_id(self, prefix: str) -> list[str]:
        prefix = nfc(prefix)
        if not prefix:
            return []
        with _translated_errors():
            response = self._client.search(
                index=self._alias,
                query={"prefix": {"id": {"value": prefix}}},
                sort=[{"id": "asc"}],
                size=_RESOLVE_LIMIT,
                source=False,
            )
        return [hit["_id"] for hit in response["hits"]["hits"]]

    def search(self, query: str, filters: Filters = NO_FILTERS, *, limit: int = 10, offset: int = 0
               ) -> SearchResults:
        """Score: `EXACT_TIER_BOOST` when the record holds every chunk as
        spelled, plus BM25 on the folded fields; 0.0 when listing."""
        body = search_body(query, filters, limit, offset)
        if body is None:
            return SearchResults(total=0, hits=[])
        with _translated_errors():
            response = self._client.search(index=self._alias, **body)
        hits = response["hits"]
        return SearchResults(total=int(hits["total"]["value"]), hits=[search_hit(hit) for hit in hits["hits"]])

    def facets(self, query: str, filters: Filters = NO_FILTERS) -> dict[str, dict[str, int]]:
        """Counts of the records `search` would find, per facet (`FACETS`)
        and value; a facet no record has a value for is empty."""
        body = facets_body(query, filters)
        if body is None:
            return {facet: {} for facet in FACETS}
        with _translated_errors():
            response = self._client.search(index=self._alias, **body)
        return facet_counts(response["aggregations"])

    def doc_type_counts(self, query: str, filters: Filters = NO_FILTERS) -> dict[str, int]:
        return self.facets(query, dataclasses.replace(filters, doc_type=None))["doc_type"]

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> ElasticIndex:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
