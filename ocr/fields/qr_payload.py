"""What a paper's QR code says about its dossier, whatever way the issuing system wrote it.

Systems encode the regulation's minimum (dossier code, procedure code,
applicant, paper, issuer, time; vietnam.md) as JSON or as key=value pairs;
a code that is neither is searched for the identifiers' shapes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

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
