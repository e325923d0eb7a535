"""Dossier codes (Circular 01/2018/TT-VPCP) and administrative procedure codes.

Both come off the same receipt and QR code and tie a paper to its dossier,
so a misread one files the paper under someone else's dossier; the date inside
a dossier code is the one part that can be checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ocr.fields.dates import DateError, parse_yymmdd

# Unit codes under QCVN 102:2016/BTTTT are dot-separated levels of 2-3 letters
# or digits: "000.00.31.H57", "H56.14".
_DOSSIER_CODE = re.compile(r"(?P<unit>[A-Z0-9]{2,3}(?:\.[A-Z0-9]{2,3})*)-(?P<date>[0-9]{6})-(?P<sequence>[0-9]{4})")
_PROCEDURE_CODE = re.compile(r"[0-9]\.[0-9]{6}")
# The scheme dates from 2018, so the two-digit year is in 2000-2099.
_LAST_DOSSIER_DAY = date(2099, 12, 31)


@dataclass(frozen=True)
class DossierCodeCheck:
    """The parts of a dossier code; all None when its shape is wrong."""

    code: str
    issues: tuple[str, ...]
    unit: str | None = None
    received: date | None = None
    sequence: int | None = None

    @property
    def valid(self) -> bool:
        return not self.issues


def check_dossier_code(code: str) -> DossierCodeCheck:
    code = code.strip()
    match = _DOSSIER_CODE.fullmatch(code)
    if match is None:
        return DossierCodeCheck(code, (f"dossier code {code!r} is not <unit>-<YYMMDD>-<NNNN>",))
    issues = []
    try:
        received = parse_yymmdd(match["date"], latest=_LAST_DOSSIER_DAY)
    except DateError as error:
        received = None
        issues.append(f"dossier code date {match['date']}: {error}")
    sequence = int(match["sequence"])
    if sequence == 0:
        issues.append("dossier code sequence 0000: numbering starts at 0001")
    return DossierCodeCheck(code, tuple(issues), match["unit"], received, sequence)


def make_dossier_code(unit: str, received: date, sequence: int) -> str:
    """A valid dossier code for specimens and tests."""
    code = f"{unit}-{received:%y%m%d}-{sequence:04d}"
    if not 2000 <= received.year <= 2099 or not check_dossier_code(code).valid:
        raise ValueError(f"cannot make a valid dossier code from {unit!r}, {received}, {sequence}")
    return code


def check_procedure_code(code: str) -> list[str]:
    """The code is opaque (national procedure database); only its shape is checked."""
    if _PROCEDURE_CODE.fullmatch(code.strip()):
        return []
    return [f"procedure code {code!r} is not d.dddddd"]
