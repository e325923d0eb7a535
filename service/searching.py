"""Search as a caller may see it: the index's search, narrowed to what the caller may read
(`access.search_scope`), with doc_type counts."""

from __future__ import annotations

from dataclasses import dataclass

from search.base import NO_FILTERS, Filters, Index, SearchHit

from service.access import search_scope
from service.auth import Principal


@dataclass(frozen=True)
class SearchRequest:
    """What a caller asked for; `filters.agency` is not theirs to ask, it follows from who they are."""

    text: str = ""
    filters: Filters = NO_FILTERS
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class Found:
    total: int
    hits: list[SearchHit]
    doc_type_counts: dict[str, int]


def search_records(index: Index, principal: Principal, request: SearchRequest) -> Found:
    filters = search_scope(principal, request.filters)
    results = index.search(request.text, filters, limit=request.limit, offset=request.offset)
    # Counts per kind ignore the kind asked for, so the page can still offer the other kinds.
    return Found(results.total, results.hits, index.doc_type_counts(request.text, filters))
