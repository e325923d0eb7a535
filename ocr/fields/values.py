"""Turn a printed value into the form record.md fixes, or say why it cannot be.

Nothing is guessed: a value that does not parse keeps its printed text and
gets an issue, so a person sees it rather than a silent correction.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from ocr.fields.dates import DateError, parse_date, parse_expiry
from ocr.fields.id_number import read_sex


class ValueIssue(ValueError):
    """The printed value cannot be read as this kind of field; the message says why."""


def clean_text(raw: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", raw)).strip(" ,;:.")


def person_name(raw: str) -> str:
    """ "NGUYỄN VĂN AN" -> "Nguyễn Văn An": names are printed in capitals but written in person case."""
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", unicodedata.normalize("NFC", raw))
    if not words:
        raise ValueIssue(f"no name in {raw!r}")
    return " ".join(word[:1].upper() + word[1:].lower() for word in words)


def digits(raw: str, lengths: tuple[int, ...]) -> str:
    """The run of digits of an expected length; digits split by spaces are joined first."""
    joined = re.sub(r"(?<=\d)[ .](?=\d)", "", raw)
    runs = re.findall(r"\d+", joined)
    for run in runs:
        if len(run) in lengths:
            return run
    raise ValueIssue(f"expected {' or '.join(map(str, lengths))} digits, read {raw!r}")


def iso_date(raw: str) -> str:
    try:
        return parse_date(raw).isoformat()
    except DateError as error:
        raise ValueIssue(str(error)) from error


def iso_expiry(raw: str) -> str | None:
    try:
        expiry = parse_expiry(raw)
    except DateError as error:
        raise ValueIssue(str(error)) from error
    return expiry.isoformat() if expiry else None


def sex(raw: str) -> str:
    printed = read_sex(raw.split()[0] if raw.split() else "")
    if printed is None:
        raise ValueIssue(f"sex must read Nam or Nữ, read {raw!r}")
    return printed


def code(raw: str) -> str:
    """Identifiers such as dossier codes: OCR puts spaces around dots and dashes."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", raw)).strip(".,;:")


def area(raw: str) -> str:
    """ "120,5 m²" -> "120.5" (Vietnamese decimal comma; a dot groups thousands)."""
    found = re.search(r"\d[\d.]*(?:,\d+)?", raw)
    if not found:
        raise ValueIssue(f"no area in {raw!r}")
    number = found.group().replace(".", "").replace(",", ".")
    return number


NORMALISERS: dict[str, Callable[[str], str | None]] = {
    "id_number": lambda raw: digits(raw, (12, 9)),
    "husband_id_number": lambda raw: digits(raw, (12, 9)),
    "wife_id_number": lambda raw: digits(raw, (12, 9)),
    "full_name": person_name,
    "father_name": person_name,
    "mother_name": person_name,
    "husband_name": person_name,
    "wife_name": person_name,
    "owner_name": person_name,
    "legal_representative": person_name,
    "date_of_birth": iso_date,
    "date_of_issue": iso_date,
    "date_of_registration": iso_date,
    "date_of_first_registration": iso_date,
    "date_received": iso_date,
    "date_of_return": iso_date,
    "date_of_expiry": iso_expiry,
    "sex": sex,
    "enterprise_code": lambda raw: code(raw.split()[0]) if raw.split() else "",
    "dossier_code": code,
    "procedure_code": code,
    "certificate_serial": code,
    "parcel_number": lambda raw: digits(raw, tuple(range(1, 8))),
    "map_sheet_number": lambda raw: digits(raw, tuple(range(1, 8))),
    "area_m2": area,
}


def normalise(key: str, raw: str) -> str | None:
    """Raises ValueIssue when the printed text is not a value of this field."""
    return NORMALISERS.get(key, clean_text)(raw)
