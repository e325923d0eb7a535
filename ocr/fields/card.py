"""When an identity card should expire, to catch a misread expiry or issue date.

The rule is soft (vietnam.md): a card expires on the holder's 25th, 40th or
60th birthday, whichever comes first after the issue date, and from 60 on it
has no expiry. A printed expiry that differs is flagged for review; an expiry
before the issue date cannot be right whatever the rule.
"""

from __future__ import annotations

from datetime import date

RENEWAL_AGES = (25, 40, 60)


def birthday(birth_date: date, age: int) -> date:
    """The day the holder turns `age`; someone born on 29 February turns it on
    28 February in a common year (the card cannot expire on a day that does not exist)."""
    year = birth_date.year + age
    try:
        return birth_date.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def expected_expiry(birth_date: date, issue_date: date) -> date | None:
    """The expiry the rule gives, or None: no expiry ("Không thời hạn")."""
    for age in RENEWAL_AGES:
        if birthday(birth_date, age) > issue_date:
            return birthday(birth_date, age)
    return None


def check_expiry(birth_date: date, issue_date: date, printed_expiry: date | None) -> list[str]:
    """Issues with a printed expiry; `printed_expiry` None means "Không thời hạn"."""
    if printed_expiry is not None and printed_expiry < issue_date:
        return [f"expiry {printed_expiry.isoformat()} is before the issue date {issue_date.isoformat()}"]
    expected = expected_expiry(birth_date, issue_date)
    if printed_expiry == expected:
        return []
    shown = printed_expiry.isoformat() if printed_expiry else "Không thời hạn"
    usual = expected.isoformat() if expected else "Không thời hạn (issued at 60 or later)"
    return [f"expiry {shown} differs from the usual {usual} (soft rule: expiry at 25, 40 or 60)"]
