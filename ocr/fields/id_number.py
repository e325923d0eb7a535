"""Personal identification numbers (12 digits) and old CMND numbers (9 digits).

The 12-digit number has no check digit, so an OCR error is caught only when it
contradicts something: an unknown province code, or century/sex and birth-year
digits that disagree with the printed sex and date of birth. Issues are
sentences for the reviewing clerk; an empty list means nothing contradicts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from ocr.fields.provinces import PROVINCES
from search.folding import fold

Sex = Literal["Nam", "Nữ"]
IdKind = Literal["personal_number", "cmnd", "invalid"]

FIRST_CENTURY = 1900  # digit 4 = 0 or 1; each later pair of values is the next century
LAST_CENTURY = 2100


@dataclass(frozen=True)
class IdNumberCheck:
    """What the digits say, and what contradicts them.

    A CMND number is opaque: recognised by its length, never checked further.
    The decoded parts are None when the number is not a 12-digit number or the
    century/sex digit is out of range."""

    number: str
    kind: IdKind
    issues: tuple[str, ...]
    province_code: str | None = None
    sex: Sex | None = None
    birth_year: int | None = None

    @property
    def valid(self) -> bool:
        return self.kind != "invalid" and not self.issues


def read_sex(printed: str) -> Sex | None:
    """"Nam" or "Nữ" however OCR printed it ("NỮ", "Nu", "nữ"), else None."""
    return {"nam": "Nam", "nu": "Nữ"}.get(fold(printed).strip())


def check_personal_number(number: str, *, sex: str | None = None, birth_date: date | None = None) -> IdNumberCheck:
    """Check a number against its structure and, when given, the printed sex
    and date of birth from the same paper."""
    number = number.strip()
    if re.fullmatch(r"[0-9]{9}", number):
        return IdNumberCheck(number, "cmnd", ())
    if not re.fullmatch(r"[0-9]{12}", number):
        digits = sum(char.isdigit() for char in number)
        return IdNumberCheck(
            number, "invalid", (f"expected 12 digits (or 9 for an old CMND), got {number!r} with {digits} digits",)
        )

    issues = []
    province_code, sex_digit, year_digits = number[:3], int(number[3]), number[4:6]
    if province_code not in PROVINCES:
        issues.append(f"unknown province code {province_code}")
    century = FIRST_CENTURY + 100 * (sex_digit // 2)
    if century > LAST_CENTURY:
        issues.append(f"century/sex digit {sex_digit} is not 0-5")
        return IdNumberCheck(number, "personal_number", tuple(issues), province_code)
    coded_sex: Sex = "Nam" if sex_digit % 2 == 0 else "Nữ"
    coded_year = century + int(year_digits)
    meaning = f"century/sex digit {sex_digit} says {'male' if coded_sex == 'Nam' else 'female'} born {century}-{century + 99}"

    if sex is not None:
        printed_sex = read_sex(sex)
        if printed_sex is None:
            issues.append(f"printed sex {sex!r} is neither Nam nor Nữ")
        elif printed_sex != coded_sex:
            issues.append(f"{meaning} but printed sex is {printed_sex}")
    if birth_date is not None:
        if birth_date.year // 100 * 100 != century:
            issues.append(f"{meaning} but printed birth year is {birth_date.year}")
        if birth_date.year % 100 != int(year_digits):
            issues.append(f"birth-year digits {year_digits} do not match printed year {birth_date.year}")
    return IdNumberCheck(number, "personal_number", tuple(issues), province_code, coded_sex, coded_year)


def make_personal_number(province_code: str, birth_date: date, sex: Sex, serial: int) -> str:
    """A number that passes `check_personal_number` with this sex and birth
    date, for specimens and tests."""
    if province_code not in PROVINCES:
        raise ValueError(f"unknown province code {province_code!r}")
    if not FIRST_CENTURY <= birth_date.year < LAST_CENTURY + 100:
        raise ValueError(f"birth year {birth_date.year} is outside {FIRST_CENTURY}-{LAST_CENTURY + 99}")
    if not 0 <= serial <= 999_999:
        raise ValueError(f"serial {serial} is not 0-999999")
    if sex not in ("Nam", "Nữ"):
        raise ValueError(f"sex {sex!r} is neither Nam nor Nữ")
    sex_digit = 2 * (birth_date.year // 100 - FIRST_CENTURY // 100) + (0 if sex == "Nam" else 1)
    return f"{province_code}{sex_digit}{birth_date.year % 100:02d}{serial:06d}"
