"""Search as a caller may see it: the index's search, narrowed to what the caller may read, with doc_type counts.

The `Index` protocol filters by owner, doc_type, dossier and date, which covers
citizens (their owner filter is forced, whatever they ask) and officers of every
agency. It has no agency or procedure filter, so when one of those applies, the hits
are checked one by one against facts read from the stored records (cached: an
owner, agency or procedure code never changes after ingest) and counted up to
`SCAN_LIMIT` matches of the index; past that the total is a lower bound
(`total_exact` false). Doc_type counts come from the backend's own facets when it
has them (Elasticsearch), else from one count per doc_type, computed like the
total with every filter but the doc_type itself, so the list still offers the
other kinds.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import Any

from ocr.classify import OTHER, TITLES
from pipeline.ingest import load_record
from search.base import Index, SearchHit
from storage.base import ObjectNotFoundError, ObjectStore

from service.access import can_read
from service.auth import CITIZEN, Principal

DOC_TYPES = (*TITLES, OTHER)
SCAN_BATCH = 500
SCAN_LIMIT = 5000
FACTS_CACHE_SIZE = 100_000


class ForbiddenFilterError(Exception):
    """A citizen asked for papers of another owner."""


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    doc_type: str | None = None
    owner_id: str | None = None
    dossier_code: str | None = None
    procedure_code: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class Found:
    total: int
    total_exact: bool
    hits: list[SearchHit]
    doc_type_counts: dict[str, int]


class RecordFacts:
    """Owner, agency and procedure code of stored records, by id; what search needs beyond the index."""

    def __init__(self, store: ObjectStore, size: int = FACTS_CACHE_SIZE) -> None:
        self._store = store
        self._size = size
        self._cache: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, record_id: str) -> dict[str, Any] | None:
        with self._lock:
            if record_id in self._cache:
                self._cache.move_to_end(record_id)
                return self._cache[record_id]
        try:
            record = load_record(self._store, record_id)
        except ObjectNotFoundError:
            return None
        facts = {name: record.get(name) for name in ("owner_id", "agency", "procedure_code")}
        with self._lock:
            self._cache[record_id] = facts
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return facts


def search_records(index: Index, facts: RecordFacts, principal: Principal, request: SearchRequest) -> Found:
    owner_id = request.owner_id
    if principal.role == CITIZEN:
        if owner_id is not None and owner_id != principal.personal_number:
            raise ForbiddenFilterError("citizens can only search their own papers")
        owner_id = principal.personal_number
    filters: dict[str, Any] = {"owner_id": owner_id, "dossier_code": request.dossier_code,
                               "date_from": request.date_from, "date_to": request.date_to}
    if principal.agency is None and request.procedure_code is None:
        results = index.search(request.text, doc_type=request.doc_type, limit=request.limit, offset=request.offset,
                               **filters)
        # The index already applied the owner filter; checking again costs nothing.
        hits = [hit for hit in results.hits if can_read(principal, {"owner_id": hit.owner_id, "agency": None})]
        return Found(results.total, True, hits, doc_type_counts(index, request.text, filters))
    return _scan(index, facts, principal, request, filters)


def doc_type_counts(index: Index, text: str, filters: dict[str, Any]) -> dict[str, int]:
    facets = getattr(index, "facets", None)
    if callable(facets):
        return dict(facets(text, **filters).get("doc_type", {}))
    counts = {doc_type: index.search(text, doc_type=doc_type, limit=0, **filters).total for doc_type in DOC_TYPES}
    return {doc_type: count for doc_type, count in counts.items() if count}


def _scan(
    index: Index, facts: RecordFacts, principal: Principal, request: SearchRequest, filters: dict[str, Any]
) -> Found:
    """Walk the index's hits in rank order, keeping those the caller may read and that have the procedure code."""
    hits: list[SearchHit] = []
    counts: Counter[str] = Counter()
    total = scanned = 0
    while True:
        batch = index.search(request.text, limit=SCAN_BATCH, offset=scanned, **filters)
        for hit in batch.hits:
            known = facts.get(hit.id)
            if known is None or not can_read(principal, known):
                continue
            if request.procedure_code is not None and known["procedure_code"] != request.procedure_code:
                continue
            counts[hit.doc_type] += 1
            if request.doc_type is not None and hit.doc_type != request.doc_type:
                continue
            if request.offset <= total < request.offset + request.limit:
                hits.append(hit)
            total += 1
        scanned += len(batch.hits)
        if len(batch.hits) < SCAN_BATCH or scanned >= batch.total:
            return Found(total, True, hits, dict(counts))
        if scanned >= SCAN_LIMIT:
            return Found(total, False, hits, dict(counts))
