"""The 63 provinces that personal numbers are coded by, and where each went in 2025.

Personal numbers keep their pre-2025 province code for life, so validation
needs the old list; search needs the new name too, because a clerk after
1 July 2025 types the merged province while older papers print the old one.
The table ships as package data (`provinces.csv`) so the code does not depend
on the shared specs folder at run time.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from importlib.resources import files


@dataclass(frozen=True)
class Province:
    code: str  # three digits, as in digits 1-3 of a personal number
    name: str  # before 1 July 2025, e.g. "Tỉnh Bình Dương"
    code_since_2025: str  # two digits
    name_since_2025: str  # e.g. "Thành phố Hồ Chí Minh"


def _load() -> dict[str, Province]:
    text = unicodedata.normalize("NFC", files(__package__).joinpath("provinces.csv").read_text(encoding="utf-8"))
    return {
        row["id_prefix"]: Province(
            code=row["id_prefix"],
            name=row["province_before_2025_07_01"],
            code_since_2025=row["code_after_2025_07_01"],
            name_since_2025=row["province_after_2025_07_01"],
        )
        for row in csv.DictReader(io.StringIO(text))
    }


PROVINCES: dict[str, Province] = _load()
"""Three-digit code to province, in code order."""

PROVINCE_CODES: dict[str, str] = {code: province.name for code, province in PROVINCES.items()}
"""Three-digit code to the province name printed before 1 July 2025."""

PROVINCE_SINCE_2025: dict[str, str] = {code: province.name_since_2025 for code, province in PROVINCES.items()}
"""Three-digit code to the name of the province it belongs to since 1 July 2025."""
