"""The access log: who searched, viewed, downloaded, reused or corrected what, and from where.

Each event is its own create-only object in the store, under the day
(`audit/<yyyy>/<mm>/<dd>/<time>-<uuid>.json`) and, when it concerns a record, under
that record too (`audit-by-record/<record_id>/<time>-<uuid>.json`), so a record's
history is one listing. Appending a new object never touches an old one, several
service processes write without coordinating, and on S3 with object lock the
events fall under the bucket's retention. This class can only append and read.

Events are written off the request's path. Every search logs one, and a write is a
commit: on the embedded store it takes the store's one file lock and fsyncs (6-13 ms
here), on S3 it is a round trip. So `append` hands the event to one writer thread per
process and returns; requests never wait on the store's lock nor on each other's
writes. Kept in the store rather than moved beside it, because the alternatives lose
what the store gives: per-process append-only files cannot live in an object store
(S3 cannot append) and would make a record's history a read of every file; audit
rows in a SQLite database (WAL) would sit on one host, outside S3's retention, and
its writers still take one lock per database.

What this keeps of writing in line:

- No event is dropped for lack of room: at most QUEUE_SIZE wait to be written, and
  `append` waits for room beyond that, so a store slower than the traffic slows the
  requests down instead.
- A normal shutdown writes every pending event: the app's lifespan calls `close` once
  uvicorn has stopped serving (uvicorn then ends the process by the signal it stopped
  for, so nothing later would run). Elsewhere (a script calling `service.operations`)
  the writer, a ThreadPoolExecutor, has its pending work finished before the
  interpreter exits. A killed process (SIGKILL, power cut) loses what is queued: in
  normal running, the events of the last few milliseconds.
- A store that refuses a write: the writer tries again (RETRY_WAITS), then puts the
  event in the service's log (error, with the whole event) rather than drop it. Until
  the store takes a write again, `append` writes in the caller's thread, so a request
  fails (503) rather than go unlogged, as when every write was in line.
- `history` first waits for this process's pending events, so an access shows at once
  in its record's history; other processes' events show once they have written them.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import logging
import threading
import time
import uuid
from typing import Any

from storage.base import ObjectExistsError, ObjectStore, StoreUnavailableError

from service.auth import Principal

DAY_PREFIX = "audit/"
RECORD_PREFIX = "audit-by-record/"
SEARCH, VIEW, DOWNLOAD, REUSE, CORRECTION, DOSSIER, VERIFY = (
    "search", "view", "download", "reuse", "correction", "dossier", "verify",
)
ALLOWED, DENIED = "allowed", "denied"
QUEUE_SIZE = 1000  # events; a search's is under 8 KB with 100 ids
RETRY_WAITS = (0.1, 0.5, 2.0, 5.0)  # seconds before each new attempt of a refused write
HISTORY_WAIT_SECONDS = 15.0  # beyond the writer's retries of one event

_log = logging.getLogger(__name__)


class AuditLog:
    def __init__(self, store: ObjectStore) -> None:
        self._store = store
        self._writer = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sohoa-audit")
        self._room = threading.BoundedSemaphore(QUEUE_SIZE)
        self._refused = False  # the store refused the writer's latest attempt

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
        """Queue the event for the writer and return it; written here instead while the store refuses writes."""
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
        keys = [f"{DAY_PREFIX}{moment:%Y/%m/%d}/{name}"]
        if record_id is not None:
            keys.append(f"{RECORD_PREFIX}{record_id}/{name}")
        if self._refused:
            self._put(keys, data)  # if the store still refuses, the request fails, as it did in line
            self._refused = False
            return event
        self._room.acquire()
        try:
            written = self._writer.submit(self._write, keys, data)
        except RuntimeError:  # closed, or the interpreter is exiting: the writer takes no new work
            self._room.release()
            self._put(keys, data)
        else:
            written.add_done_callback(lambda _: self._room.release())
        return event

    def history(self, record_id: str) -> list[dict[str, Any]]:
        """Every event about the record, oldest first, this process's queued ones included."""
        self._wait_for_writer()
        listing = self._store.list(f"{RECORD_PREFIX}{record_id}/")
        return [json.loads(self._store.get_bytes(info.key)) for info in listing]

    def close(self) -> None:
        """Write every queued event; later events are written in the caller's thread. Changes no event."""
        self._writer.shutdown(wait=True)

    def _wait_for_writer(self) -> None:
        """Until every event queued so far is written: there is one writer, taking them in order."""
        try:
            marker = self._writer.submit(_nothing)
        except RuntimeError:
            return  # closed, after writing them all
        try:
            marker.result(timeout=HISTORY_WAIT_SECONDS)
        except concurrent.futures.TimeoutError:
            raise StoreUnavailableError("the access log is still being written; try again") from None

    def _write(self, keys: list[str], data: bytes) -> None:
        """The writer thread's work. Nothing may escape it: an error left in the future would be read by no one."""
        for wait in (*RETRY_WAITS, None):
            try:
                self._put(keys, data)
            except Exception as error:  # noqa: BLE001 - whatever the store raised, the event must not vanish
                if isinstance(error, ObjectExistsError) or wait is None:
                    _log.error("audit event not stored (%s): %s", error, data.decode("utf-8"))
                    return
                self._refused = True
                time.sleep(wait)
            else:
                self._refused = False
                return

    def _put(self, keys: list[str], data: bytes) -> None:
        for key in keys:
            try:
                self._store.put_bytes(key, data, content_type="application/json", overwrite=False)
            except ObjectExistsError:
                # An earlier attempt that stored it before failing is done; another event's object is kept.
                if self._store.get_bytes(key) != data:
                    raise


def _nothing() -> None:
    pass
