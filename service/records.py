"""Reading records as a caller may see them, and officers' corrections kept as versions.

Versions: the current record stays at `keys.record(sha)`, where ingest, reindex and
fixity look for it. A correction first writes the new version create-only at
`record-versions/<sha[:2]>/<sha>/<n>.json` (n = current version + 1; a record without
`version` is version 1, and version 1 is copied there too on its first correction),
then overwrites the current record and updates the index. The create-only write is
the commit point: of two corrections made on the same version, one wins and the other
gets `VersionConflictError` instead of silently erasing the first. If a process dies
between the two writes, readers still find the newest version, because loading a
record follows `n + 1` while it exists.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from ocr.fields.id_number import check_personal_number
from ocr.fields.labels import FIELDS_BY_TYPE
from ocr.fields.read import SHAPE_CHECKS
from ocr.fields.values import ValueIssue, normalise
from pipeline import keys
from pipeline.ingest import encode_record, load_record
from search.base import Index
from storage.base import ObjectExistsError, ObjectNotFoundError, ObjectStore

from service.access import can_read
from service.auth import Principal

FULL_ID_LENGTH = 64
Action = Literal["confirm", "correct"]


class RecordNotFoundError(LookupError):
    """No record the caller may read; `denied` names a stored one they tried and may not read, for the audit log."""

    def __init__(self, denied: str | None = None) -> None:
        super().__init__("record not found")
        self.denied = denied


class AmbiguousRecordError(LookupError):
    """A short id matches several records the caller may read."""


class VersionConflictError(Exception):
    """The record changed since the caller read it; reload and correct again."""


class FieldRejectedError(ValueError):
    """The corrected value is not a value of this field; the message says why."""


def versions_prefix(record_id: str) -> str:
    return f"record-versions/{record_id[:2]}/{record_id}/"


def version_key(record_id: str, number: int) -> str:
    return f"{versions_prefix(record_id)}{number}.json"


# A record id, or a unique prefix of it: what a URL may name a record by.
RECORD_REF = "[0-9a-fA-F]{4,64}"


def version_of(record: dict[str, Any]) -> int:
    return int(record.get("version") or 1)


def load_current(store: ObjectStore, record_id: str) -> dict[str, Any]:
    """The newest version; raises ObjectNotFoundError when there is no such record."""
    record = load_record(store, record_id)
    while store.exists(version_key(record_id, version_of(record) + 1)):
        record = json.loads(store.get_bytes(version_key(record_id, version_of(record) + 1)))
    return record


def load_version(store: ObjectStore, record_id: str, number: int) -> dict[str, Any]:
    current = load_current(store, record_id)
    if number == version_of(current):
        return current
    try:
        return json.loads(store.get_bytes(version_key(record_id, number)))
    except ObjectNotFoundError:
        raise RecordNotFoundError() from None


def list_versions(store: ObjectStore, record_id: str) -> list[dict[str, Any]]:
    """Each version's number and the revision that made it (None for the record as ingested), oldest first."""
    current = load_current(store, record_id)
    found = {version_of(current): current}
    for info in store.list(versions_prefix(record_id)):
        number = int(info.key.rsplit("/", 1)[1].removesuffix(".json"))
        if number not in found:
            found[number] = json.loads(store.get_bytes(info.key))
    return [{"version": number, "revision": found[number].get("revision")} for number in sorted(found)]


def resolve(store: ObjectStore, index: Index, principal: Principal, ref: str) -> dict[str, Any]:
    """The current record that a full id or a unique short id names, among those `principal` may read.

    Short ids are resolved among readable records only, so a prefix shared with someone
    else's paper neither fails as ambiguous nor reveals that the other paper exists.
    """
    ref = ref.lower()
    candidates = [ref] if len(ref) == FULL_ID_LENGTH else index.resolve_id(ref)
    readable, denied = [], []
    for record_id in candidates:
        try:
            record = load_current(store, record_id)
        except ObjectNotFoundError:
            continue  # indexed but not stored: the store is the system of record
        (readable if can_read(principal, record) else denied).append(record)
    if len(readable) > 1:
        raise AmbiguousRecordError(f"{len(readable)} records start with {ref}; give more characters")
    if not readable:
        raise RecordNotFoundError(denied[0]["id"] if len(denied) == 1 else None)
    return readable[0]


def correctable_fields(record: dict[str, Any]) -> list[str]:
    """Fields the record has, then the others its kind of paper can carry."""
    expected = FIELDS_BY_TYPE.get(record.get("doc_type") or "other", FIELDS_BY_TYPE["other"])
    return list(dict.fromkeys([*(record.get("fields") or {}), *expected]))


def _id_number_issues(value: str) -> list[str]:
    return list(check_personal_number(value).issues)


# The checks extraction makes of one value, and the personal number on its own (no printed sex or birth date
# to compare it with here).
_CHECKS = {
    **SHAPE_CHECKS,
    "id_number": _id_number_issues,
    "husband_id_number": _id_number_issues,
    "wife_id_number": _id_number_issues,
}


def checked_value(field: str, typed: str) -> str | None:
    """The value as record.md writes it, by the same rules extraction uses: an officer's typo is refused, not stored."""
    if not typed.strip():
        raise FieldRejectedError("the value is empty")
    try:
        value = normalise(field, typed)
    except ValueIssue as error:
        raise FieldRejectedError(str(error)) from error
    issues = _CHECKS[field](value) if value and field in _CHECKS else []
    if issues:
        raise FieldRejectedError("; ".join(issues))
    return value


def review_field(
    store: ObjectStore,
    index: Index,
    record_id: str,
    field: str,
    *,
    action: Action,
    value: str | None,
    reviewer: Principal,
    expected_version: int,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Confirm a field as read, or correct it, as a new version; returns the new current record.

    `expected_version` is the version the officer looked at: correcting anything newer
    would apply their judgement to values they have not seen.
    """
    current = load_current(store, record_id)
    number = version_of(current)
    if number != expected_version:
        raise VersionConflictError(f"the record is at version {number}, not {expected_version}")
    if field not in correctable_fields(current):
        raise FieldRejectedError(f"{field} is not a field of this paper")
    before = (current.get("fields") or {}).get(field)
    if action == "correct":
        if value is None:
            raise FieldRejectedError("a correction needs a value")
        new_value = checked_value(field, value)
    elif before is None:
        raise FieldRejectedError(f"there is no {field} to confirm")
    else:
        new_value = before["value"]
    at = (now or dt.datetime.now(dt.timezone.utc)).astimezone().isoformat(timespec="seconds")
    by = {"subject": reviewer.subject, "name": reviewer.display_name, "agency": reviewer.agency}
    previous = before["value"] if before else None
    fields = dict(current.get("fields") or {})
    fields[field] = {
        "value": new_value,
        "confidence": 1.0,  # a person read it off the paper
        "page": before["page"] if before else None,
        "valid": True,
        "issues": [],
        "reviewed": {"action": f"{action}ed", "by": reviewer.subject, "at": at, "previous_value": previous},
    }
    revised = {
        **current,
        "fields": fields,
        "needs_review": bool(current.get("issues")) or any(not item.get("valid", True) for item in fields.values()),
        "version": number + 1,
        "revision": {"version": number + 1, "action": f"{action}ed", "field": field, "by": by, "at": at,
                     "previous_value": previous},
    }
    if number == 1:
        try:
            store.put_bytes(version_key(record_id, 1), encode_record(current), content_type="application/json",
                            overwrite=False)
        except ObjectExistsError:
            pass  # copied by an earlier correction attempt that then lost a race
    try:
        store.put_bytes(version_key(record_id, number + 1), encode_record(revised), content_type="application/json",
                        overwrite=False)
    except ObjectExistsError as error:
        raise VersionConflictError(f"version {number + 1} was written by someone else meanwhile") from error
    store.put_bytes(keys.record(record_id), encode_record(revised), content_type="application/json")
    index.upsert(revised)
    return revised

