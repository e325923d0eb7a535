"""Who may read which paper: the one rule every endpoint, download and link goes through.

It is decided on the stored record (or a reuse link, which copies the record's
owner and agency), never on what a client sent, so no id, prefix, filter or URL
reaches a paper the rule does not allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.auth import CITIZEN, OFFICER, Principal


def can_read(principal: Principal, record: Mapping[str, Any]) -> bool:
    if principal.role == CITIZEN:
        return bool(principal.personal_number) and record.get("owner_id") == principal.personal_number
    if principal.role == OFFICER:
        return principal.agency is None or record.get("agency") == principal.agency
    return False
