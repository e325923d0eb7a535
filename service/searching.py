"""Search as a caller may see it: the index's search, narrowed to what the caller may read, with doc_type counts.

The caller's scope is a filter of the index itself, so totals, pages and
counts are exact at any size: a citizen's owner filter is forced to their own
personal number whatever they ask, and an officer limited to an agency
searches that agency only.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from search.base import NO_FILTERS, Filters, Index, SearchHit

from service.auth import CITIZEN, Principal


class ForbiddenFilterError(Exception):
    """A citizen asked for papers of another owner."""


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


def scope_filters(principal: Principal, request: SearchRequest) -> Filters:
    """The index filters for this request within what the caller may read."""
    owner_id = request.filters.owner_id
    if principal.role == CITIZEN:
        if owner_id is not None and owner_id != principal.personal_number:
            raise ForbiddenFilterError("citizens can only search their own papers")
        owner_id = principal.personal_number
    return dataclasses.replace(request.filters, owner_id=owner_id,
                               agency=principal.agency if principal.role != CITIZEN else None)


def search_records(index: Index, principal: Principal, request: SearchRequest) -> Found:
    filters = scope_filters(principal, request)
    results = index.search(request.text, filters, limit=request.limit, offset=request.offset)
    # Counts per kind ignore the kind asked for, so the page can still offer the other kinds.
    return Found(results.total, results.hits, index.doc_type_counts(request.text, filters))
