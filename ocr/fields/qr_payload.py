"""What a paper's QR code says, whatever way the issuing system wrote it.

Systems encode the regulation's minimum (dossier code, procedure code,
applicant, paper, issuer, time; vietnam.md) as JSON or as key=value pairs;
a code that is neither is searched for the identifiers' shapes. A chip card
and the 2024 card carry a QR code of their own: the holder's facts between
bars ("079203001234|123456789|Nguyễn Văn A|15052003|Nam|<residence>|15052021":
number, old CMND number, name, birth date, sex, residence, issue date).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

from ocr.fields.dates import DateError, to_date
from ocr.fields.id_number import read_sex
from ocr.fields.values import ValueIssue, person_name
from search.folding import fold

DOSSIER_CODE = re.compile(r"\b[0-9A-Z]+(?:\.[0-9A-Z]+)*-\d{6}-\d{4}\b")
PROCEDURE_CODE = re.compile(r"(?<![\d.])\d\.\d{6}(?![\d.])")
PERSONAL_NUMBER = re.compile(r"(?<!\d)\d{12}(?!\d)")

_KEYS = {
    "dossier_code": ("dossier_code", "ma_ho_so", "mahoso", "ma ho so", "dossier"),
    "procedure_code": ("procedure_code", "ma_thu_tuc", "mathutuc", "ma thu tuc", "ma_tthc", "procedure"),
    "applicant_id": ("applicant_id", "applicant", "owner_id", "so_dinh_danh", "id_number", "ma_dinh_danh"),
}


@dataclass(frozen=True)
class QrFacts:
    dossier_code: str | None = None
    procedure_code: str | None = None
    applicant_id: str | None = None


def _pairs(text: str) -> dict[str, str]:
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        return {fold(str(k)).strip(): str(v).strip() for k, v in data.items() if v is not None}
    pairs = re.findall(r"([^=;|\n]+)=([^;|\n]*)", text)
    return {fold(k).strip(): v.strip() for k, v in pairs}


def read_qr_payload(text: str) -> QrFacts:
    pairs = _pairs(text)
    found = {name: next((pairs[key] for key in keys if pairs.get(key)), None) for name, keys in _KEYS.items()}
    for name, shape in (("dossier_code", DOSSIER_CODE), ("procedure_code", PROCEDURE_CODE),
                        ("applicant_id", PERSONAL_NUMBER)):
        if not found[name] and (match := shape.search(text)):
            found[name] = match.group()
    return QrFacts(**found)


_CARD = re.compile(r"^(\d{12})\|(\d{9})?\|([^|]+)\|(\d{8})\|([^|]+)\|([^|]*)\|(\d{8})(?:\|.*)?$", re.DOTALL)


def _ddmmyyyy(text: str) -> str | None:
    try:
        return to_date(int(text[4:]), int(text[2:4]), int(text[:2])).isoformat()
    except DateError:
        return None


def read_card_qr(text: str) -> dict[str, str] | None:
    """The fields a card's QR code holds, in record.md's form (the residence as the code writes it), or None
    when the text is not a card's code."""
    match = _CARD.match(unicodedata.normalize("NFC", text.strip()))
    if match is None:
        return None
    number, _, name, birth, sex, residence, issued = match.groups()
    try:
        name = person_name(name)
    except ValueIssue:
        name = ""
    found = {"id_number": number, "full_name": name, "date_of_birth": _ddmmyyyy(birth), "sex": read_sex(sex),
             "place_of_residence": " ".join(residence.split()), "date_of_issue": _ddmmyyyy(issued)}
    return {key: value for key, value in found.items() if value}
