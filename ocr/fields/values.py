"""Turn a printed value into the form record.md fixes, or say why it cannot be.

Nothing is guessed: a value that does not parse keeps its printed text and
gets an issue, so a person sees it rather than a silent correction.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from ocr.fields import gazetteer
from ocr.fields.dates import find_dates, says_no_expiry
from ocr.fields.id_number import read_sex
from search.folding import fold


class ValueIssue(ValueError):
    """The printed value cannot be read as this kind of field; the message says why."""


def has_alnum(text: str) -> bool:
    """A letter or digit: a word, not a speck or a ruling read as "|" or "_"."""
    return any(char.isalnum() for char in text)


def clean_text(raw: str) -> str:
    """Printed text with the specks OCR reads off stamps and card patterns dropped from its end."""
    words = unicodedata.normalize("NFC", raw).split()
    while words and (not has_alnum(words[-1]) or (len(words[-1]) == 1 and words[-1].isalpha())):
        words.pop()
    return " ".join(words).strip(" ,;:.")


_HONORIFICS = {"ong", "ba", "anh", "chi"}


def person_name(raw: str) -> str:
    """ "Bà: NGUYỄN THỊ AN, sinh năm ..." -> "Nguyễn Thị An": names are printed in capitals but written in
    person case; a courtesy title before the name and anything after a comma are not the name."""
    name = unicodedata.normalize("NFC", raw).split(",")[0]
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", name)
    while len(words) > 1 and fold(words[0]) in _HONORIFICS:
        words = words[1:]
    if not words:
        raise ValueIssue(f"no name in {raw!r}")
    if len(words) > 1 and words[0].isupper():
        words = _capitals(words)
    cased = [word[:1].upper() + word[1:].lower() for word in words]
    return " ".join([gazetteer.restore_surname(cased[0]), *cased[1:]])


def _capitals(words: list[str]) -> list[str]:
    """A name printed in capitals ends where the capitals do: lowercase after it is a speck or a
    stamp that OCR read beside it ("VÕ QUANG HUY ị", "ĐẶNG MẠNH LÂM Sià", "NGUYỆTt")."""
    kept = []
    for word in words:
        capitals = next((index for index, char in enumerate(word) if char.islower()), len(word))
        if capitals == len(word) or capitals >= 2:
            kept.append(word[:capitals])
        if capitals < len(word):
            break
    return kept


def address(raw: str) -> str:
    return gazetteer.address(clean_text(raw))


def digits(raw: str, lengths: tuple[int, ...]) -> str:
    """The run of digits of an expected length; digits split by spaces are joined first."""
    joined = re.sub(r"(?<=\d)[ .](?=\d)", "", raw)
    runs = re.findall(r"\d+", joined)
    for run in runs:
        if len(run) in lengths:
            return run
    raise ValueIssue(f"expected {' or '.join(map(str, lengths))} digits, read {raw!r}")


# OCR reads the slash between date parts as I, J, l or |; the digits are left alone.
_MISREAD_SEPARATOR = re.compile(r"(?<=\d)\s*[IJl|\\]\s*(?=\d)")
# One separator read as some other mark ("11z04-1978"): the other one says what it was.
_ANY_SEPARATORS = re.compile(r"(?<!\d)(\d{1,2})([^\d\s])(\d{1,2})([^\d\s])(\d{4})(?!\d)")


def _same_separators(match: re.Match[str]) -> str:
    day, first, month, second, year = match.groups()
    separator = second if second in "/.-" else first if first in "/.-" else None
    return f"{day}{separator}{month}{separator}{year}" if separator else match.group()


def iso_date(raw: str) -> str:
    """The first date printed in the value ("14 giờ 15 phút, ngày 10/12/2023" -> 2023-12-10)."""
    raw = _MISREAD_SEPARATOR.sub("/", raw)
    raw = _ANY_SEPARATORS.sub(_same_separators, raw)
    found = find_dates(raw)
    if not found:
        raise ValueIssue(f"no date in {raw!r}")
    if found[0].value is None:
        raise ValueIssue(found[0].issue or f"no date in {raw!r}")
    return found[0].value.isoformat()


def iso_expiry(raw: str) -> str | None:
    return None if says_no_expiry(raw) else iso_date(raw)


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
    "place_of_origin": address,
    "place_of_residence": address,
    "place_of_birth": lambda raw: gazetteer.address(clean_text(raw), commas=False),  # "Trạm y tế xã X"
    "head_office_address": address,
    "land_address": address,
}


_DATE_KEYS = frozenset(key for key, reader in NORMALISERS.items() if reader in (iso_date, iso_expiry))
_NAME_KEYS = frozenset(key for key, reader in NORMALISERS.items() if reader is person_name)
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")


def looks_like(key: str, raw: str) -> bool:
    """Whether printed text has the shape of this field's value, right or wrong.

    Says where a value is, not whether it is valid: a card's pattern read as
    "Sộ" beside "Họ và tên" is not the name (a full name has a surname and a
    given name), so the name is looked for under the label; "31/02/1990" is a
    date, invalid, and stays to be reported.
    """
    if key in _NAME_KEYS:
        return len(re.findall(r"[^\W\d_]+", raw.split(",")[0])) >= 2 and bool(_LETTER_WORD.search(raw))
    if key in _DATE_KEYS:
        return any(char.isdigit() for char in raw) or says_no_expiry(raw)
    return has_alnum(raw)


def normalise(key: str, raw: str) -> str | None:
    """Raises ValueIssue when the printed text is not a value of this field."""
    return NORMALISERS.get(key, clean_text)(raw)
