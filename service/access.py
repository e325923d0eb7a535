"""Who may read which paper: the one rule every endpoint, download, link and search goes through.

It is decided on the stored record (or a reuse link, which copies the record's
owner and agency), never on what a client sent, so no id, prefix, filter or URL
reaches a paper the rule does not allow. Search applies the same rule as index
filters (`search_scope`), so totals and counts are exact at any size.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from search.base import Filters

from service.auth import CITIZEN, OFFICER, Principal


class ForbiddenFilterError(Exception):
    """A citizen asked for papers of another owner."""


def can_read(principal: Principal, record: Mapping[str, Any]) -> bool:
    if principal.role == CITIZEN:
        return bool(principal.personal_number) and record.get("owner_id") == principal.personal_number
    if principal.role == OFFICER:
        return principal.agency is None or record.get("agency") == principal.agency
    return False


def search_scope(principal: Principal, filters: Filters) -> Filters:
    """`filters` narrowed to the records `can_read` lets the principal read: a citizen's owner filter is
    their own personal number whatever they ask, an officer of an agency searches that agency only."""
    if principal.role == CITIZEN:
        if not principal.personal_number or filters.owner_id not in (None, principal.personal_number):
            raise ForbiddenFilterError("citizens can only search their own papers")
        return dataclasses.replace(filters, owner_id=principal.personal_number, agency=None)
    if principal.role == OFFICER:
        return dataclasses.replace(filters, agency=principal.agency)
    raise ForbiddenFilterError(f"role {principal.role!r} may not search")
