"""Reusing a stored paper in a new dossier (Decree 45/2020/NĐ-CP): a link, never a copy.

The link `reuse/<dossier_code>/<record_id>.json` is written create-only and names the
paper by its SHA-256, so the officer handling the dossier reads the very bytes that
were digitised and can check they still hash to it. A paper past its validity cannot
be reused: an identity card after its expiry date, a residence confirmation more than
a year after it was issued.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from typing import Any

from ocr.fields.card import birthday
from ocr.fields.dossier import check_dossier_code, check_procedure_code
from pipeline import keys
from pipeline.verify import FixityResult, check_object
from storage.base import ObjectExistsError, ObjectStore

from service.auth import Principal
from service.records import version_of

# One of the reuse states of a dossier component (vietnam.md); the only one this service creates.
REUSED_FROM_STORE = "reused_from_store"
REUSED_FROM_STORE_LABEL = "tái sử dụng từ kho"
IDENTITY_CARDS = ("cccd", "cmnd")
RESIDENCE_CONFIRMATION = "residence_confirmation"
MAX_COMPONENT_NAME = 200


class ReuseRefusedError(ValueError):
    """The paper cannot be reused as asked; the message says why, for the citizen."""


class AlreadyLinkedError(Exception):
    """This paper is already a component of that dossier."""


@dataclass(frozen=True)
class Validity:
    expired: bool
    valid_until: dt.date | None  # None: no end date known
    reason: str | None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "valid_until": self.valid_until.isoformat() if self.valid_until else None}


def _date_field(record: dict[str, Any], field: str) -> dt.date | None:
    value = ((record.get("fields") or {}).get(field) or {}).get("value")
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def validity(record: dict[str, Any], today: dt.date) -> Validity:
    doc_type = record.get("doc_type")
    if doc_type in IDENTITY_CARDS:
        until = _date_field(record, "date_of_expiry")
        if until is not None and until < today:
            return Validity(True, until, f"giấy tờ hết hạn ngày {until:%d/%m/%Y}")
        return Validity(False, until, None)
    if doc_type == RESIDENCE_CONFIRMATION:
        issued = _date_field(record, "date_of_issue")
        if issued is None:
            return Validity(False, None, None)
        until = birthday(issued, 1)  # a year on; 29 February runs to 28 February
        if until < today:
            return Validity(True, until, f"xác nhận cư trú cấp ngày {issued:%d/%m/%Y}, đã quá một năm")
        return Validity(False, until, None)
    return Validity(False, None, None)


def link_key(dossier_code: str, record_id: str) -> str:
    return f"reuse/{dossier_code}/{record_id}.json"


def checked_dossier_code(code: str) -> str:
    """The code as stored in keys; only codes of the national shape, so a code can never be a path trick."""
    check = check_dossier_code(code)
    if not check.valid:
        raise ReuseRefusedError("; ".join(check.issues))
    return check.code


def link_paper(
    store: ObjectStore,
    record: dict[str, Any],
    *,
    dossier_code: str,
    procedure_code: str,
    component_name: str,
    principal: Principal,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Record that `record` is a component of the dossier; the caller has checked it may read the record."""
    moment = (now or dt.datetime.now(dt.timezone.utc)).astimezone()
    code = checked_dossier_code(dossier_code)
    procedure_issues = check_procedure_code(procedure_code)
    if procedure_issues:
        raise ReuseRefusedError("; ".join(procedure_issues))
    component = " ".join(component_name.split())
    if not component or len(component) > MAX_COMPONENT_NAME:
        raise ReuseRefusedError(f"the component name must have 1 to {MAX_COMPONENT_NAME} characters")
    paper_validity = validity(record, moment.date())
    if paper_validity.expired:
        raise ReuseRefusedError(f"không thể tái sử dụng: {paper_validity.reason}")
    link = {
        "dossier_code": code,
        "procedure_code": procedure_code.strip(),
        "component_name": component,
        "record_id": record["id"],
        "sha256": record["sha256"],
        "record_version": version_of(record),
        "doc_type": record.get("doc_type"),
        "owner_id": record.get("owner_id"),
        "agency": record.get("agency"),
        "state": REUSED_FROM_STORE,
        "state_label": REUSED_FROM_STORE_LABEL,
        "valid_until": paper_validity.to_dict()["valid_until"],
        "linked_by": {"subject": principal.subject, "role": principal.role},
        "linked_at": moment.isoformat(timespec="seconds"),
    }
    try:
        store.put_bytes(link_key(code, record["id"]), json.dumps(link, ensure_ascii=False, indent=2).encode("utf-8"),
                        content_type="application/json", overwrite=False)
    except ObjectExistsError as error:
        raise AlreadyLinkedError(f"this paper is already in dossier {code}") from error
    return link


def dossier_links(store: ObjectStore, dossier_code: str) -> list[dict[str, Any]]:
    code = checked_dossier_code(dossier_code)
    return [json.loads(store.get_bytes(info.key)) for info in store.list(f"reuse/{code}/")]


def verify_link(store: ObjectStore, link: dict[str, Any]) -> FixityResult:
    """Whether the stored original still hashes to the SHA-256 the link was made with."""
    return check_object(store, link["record_id"], keys.original(link["record_id"]), link["sha256"])
