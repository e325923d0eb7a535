"""The access log: who searched, viewed, downloaded, reused or corrected what, and from where.

Each event is its own create-only object in the store, under the day
(`audit/<yyyy>/<mm>/<dd>/<time>-<uuid>.json`) and, when it concerns a record, under
that record too (`audit-by-record/<record_id>/<time>-<uuid>.json`), so a record's
history is one listing. Appending a new object never touches an old one, several
service processes write without coordinating, and on S3 with object lock the
events fall under the bucket's retention. This class can only append and read.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from storage.base import ObjectStore

from service.auth import Principal

DAY_PREFIX = "audit/"
RECORD_PREFIX = "audit-by-record/"
SEARCH, VIEW, DOWNLOAD, REUSE, CORRECTION, DOSSIER, VERIFY = (
    "search", "view", "download", "reuse", "correction", "dossier", "verify",
)
ALLOWED, DENIED = "allowed", "denied"


class AuditLog:
    def __init__(self, store: ObjectStore) -> None:
        self._store = store

    def append(
        self,
        action: str,
        *,
        principal: Principal,
        client: str | None,
        record_id: str | None = None,
        outcome: str = ALLOWED,
        detail: dict[str, Any] | None = None,
        now: dt.datetime | None = None,
    ) -> dict[str, Any]:
        moment = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
        event_id = uuid.uuid4().hex
        event = {
            "id": event_id,
            "at": moment.isoformat(timespec="microseconds"),
            "action": action,
            "outcome": outcome,
            "subject": principal.subject,
            "role": principal.role,
            "agency": principal.agency,
            "record_id": record_id,
            "client": client,
            "detail": detail or {},
        }
        data = json.dumps(event, ensure_ascii=False).encode("utf-8")
        # Sorts by time within a day and within a record; the uuid keeps two events of one microsecond apart.
        name = f"{moment:%Y%m%dT%H%M%S.%fZ}-{event_id}.json"
        self._store.put_bytes(f"{DAY_PREFIX}{moment:%Y/%m/%d}/{name}", data, content_type="application/json",
                              overwrite=False)
        if record_id is not None:
            self._store.put_bytes(f"{RECORD_PREFIX}{record_id}/{name}", data, content_type="application/json",
                                  overwrite=False)
        return event

    def history(self, record_id: str) -> list[dict[str, Any]]:
        """Every event about the record, oldest first."""
        listing = self._store.list(f"{RECORD_PREFIX}{record_id}/")
        return [json.loads(self._store.get_bytes(info.key)) for info in listing]
