"""Dates as Vietnamese papers print them, read from OCR text.

Papers print `dd/mm/yyyy` (also with `-` or `.`, and without leading zeros) or
"ngày 05 tháng 3 năm 2024". Tesseract garbles the tone marks of the words
("ngảy", "thảng") and adds spaces, so the words are matched in `fold()`ed text,
which has one character per code point of the NFC text: offsets found there are
offsets in `nfc(text)`.

A date-shaped text that names no real day (31/02, 29/02/2023, month 13) is
reported, not dropped: it usually means OCR misread a digit (21/9/1973 read as
21/0/1973), and the clerk should see that rather than a missing field.

Errors are `DateError` (a `ValueError`), raised with a message a clerk can read.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from search.folding import fold, nfc

# Personal numbers only code births in 1900-2199; a printed year outside that
# range is an OCR misreading (a dropped or changed digit), not a real date.
MIN_YEAR = 1900
MAX_YEAR = 2199

_DATE = re.compile(
    r"(?<![0-9])(?P<d>[0-9]{1,2})\s*(?P<sep>[/.\-])\s*(?P<m>[0-9]{1,2})\s*(?P=sep)\s*(?P<y>[0-9]{4})(?![0-9])"
    r"|\bngay\s*(?P<wd>[0-9]{1,2})\s*thang\s*(?P<wm>[0-9]{1,2})\s*nam\s*(?P<wy>[0-9]{4})(?![0-9])"
)
# "Không thờ hẹn" on a harsh scan: the words' shape is enough where a date is expected.
_NO_EXPIRY = re.compile(r"\bkhong\s*th[a-z]{1,2}\s*h[a-z]{1,2}n\b")


class DateError(ValueError):
    """The text is not one date, or names a day that does not exist."""


@dataclass(frozen=True)
class DateMatch:
    """A date-shaped span of `nfc(text)`; exactly one of `value` and `issue` is None."""

    start: int
    end: int
    value: date | None
    issue: str | None


def to_date(year: int, month: int, day: int) -> date:
    """The date, or a DateError that says which part is impossible."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(f"year {year} is outside {MIN_YEAR}-{MAX_YEAR}")
    if not 1 <= month <= 12:
        raise DateError(f"month {month} does not exist")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise DateError(f"{day:02d}/{month:02d}/{year} is not a real date ({month:02d}/{year} has {days} days)")
    return date(year, month, day)


def find_dates(text: str) -> list[DateMatch]:
    """Every printed date in `text`, in reading order, impossible ones included."""
    found = []
    for match in _DATE.finditer(fold(text)):
        if match["y"]:
            parts = int(match["y"]), int(match["m"]), int(match["d"])
        else:
            parts = int(match["wy"]), int(match["wm"]), int(match["wd"])
        try:
            found.append(DateMatch(match.start(), match.end(), to_date(*parts), None))
        except DateError as error:
            found.append(DateMatch(match.start(), match.end(), None, str(error)))
    return found


def parse_date(text: str) -> date:
    """The one date that `text` consists of; surrounding spaces and punctuation
    are allowed, other words or digits are not, so a wrong crop is not read as
    a date."""
    text = nfc(text)
    matches = find_dates(text)
    if len(matches) != 1:
        raise DateError(f"expected one date, found {len(matches)} in {text!r}")
    match = matches[0]
    rest = text[: match.start] + text[match.end :]
    if any(char.isalnum() for char in rest):
        raise DateError(f"text around the date in {text!r}")
    if match.value is None:
        raise DateError(match.issue)
    return match.value


def says_no_expiry(text: str) -> bool:
    """ "Không thời hạn": a card issued from age 60 on never expires."""
    return bool(_NO_EXPIRY.search(fold(text)))


def parse_expiry(text: str) -> date | None:
    """The printed expiry, or None for "Không thời hạn" (no expiry, from age 60)."""
    return None if says_no_expiry(text) else parse_date(text)


def parse_yymmdd(text: str, *, latest: date) -> date:
    """A six-digit YYMMDD date in the century that puts it in the hundred
    years ending on `latest`.

    Two digits cannot say the century, so the caller says how far ahead the
    date can be: today for a birth date (it is in the past), some decades ahead
    for a card expiry."""
    if not re.fullmatch(r"[0-9]{6}", text):
        raise DateError(f"{text!r} is not six digits YYMMDD")
    yy, month, day = int(text[:2]), int(text[2:4]), int(text[4:])
    year = latest.year - (latest.year - yy) % 100
    # Compared as tuples: the candidate may be 29 February of a common year.
    if (year, month, day) > (latest.year, latest.month, latest.day):
        year -= 100
    return to_date(year, month, day)
