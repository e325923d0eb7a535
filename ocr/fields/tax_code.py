"""Enterprise codes / tax codes (Circular 105/2020/TT-BTC).

Ten digits, optionally `-NNN` for a dependent unit. The tenth digit is
commonly `10 - (sum(Ni * Wi) mod 11)` over the first nine; the rule is soft
(vietnam.md), so a mismatch flags the code for review, never rejects it.

The formula gives 10 when the weighted sum is a multiple of 11: no single digit
can carry that, so such a nine-digit prefix is not issued. `check_tax_code`
reports it as a soft issue like any other mismatch, and `make_tax_code`
refuses the prefix.
"""

from __future__ import annotations

import re

WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)

_TAX_CODE = re.compile(r"(?P<main>[0-9]{10})(?:-(?P<unit>[0-9]{3}))?")


def tax_check_digit(first9: str) -> int:
    """The check value for nine digits: 0-9, or 10 for a prefix never issued."""
    if not re.fullmatch(r"[0-9]{9}", first9):
        raise ValueError(f"{first9!r} is not nine digits")
    return 10 - sum(int(digit) * weight for digit, weight in zip(first9, WEIGHTS)) % 11


def check_tax_code(code: str) -> list[str]:
    code = code.strip()
    match = _TAX_CODE.fullmatch(code)
    if match is None:
        return [f"tax code {code!r} is not 10 digits with an optional -NNN"]
    issues = []
    expected = tax_check_digit(match["main"][:9])
    if expected == 10:
        issues.append(f"tax code {match['main']}: no check digit fits its first nine digits (soft rule)")
    elif int(match["main"][9]) != expected:
        issues.append(f"tax code {match['main']}: check digit {match['main'][9]} differs from computed {expected} (soft rule)")
    if match["unit"] == "000":
        issues.append(f"tax code {code}: dependent-unit suffix 000 is never issued")
    return issues


def make_tax_code(first9: str) -> str:
    """The ten-digit code with its check digit, for specimens and tests."""
    digit = tax_check_digit(first9)
    if digit == 10:
        raise ValueError(f"no check digit fits {first9}: choose another prefix")
    return f"{first9}{digit}"
