"""Specimens of every paper type sohoa classifies, with field-level ground truth.

``samples.text`` writes generic dossier pages; here each paper is laid out the
way the real one is (two-column administrative header, chip card faces with an
MRZ, a receipt with its QR code top left), so that classification and field
extraction are measured on the layouts clerks actually scan.

Every person and business is invented. Identifiers are built with the
validators in ``ocr.fields`` so that the generator and the checks cannot drift
apart; a specimen may carry one deliberate defect (a structurally wrong
personal number, a wrong MRZ or tax check digit, a dossier code dated 31/02)
and its ground truth then says which field is invalid and why, so a benchmark
can count invalid numbers that the pipeline wrongly accepts.

Cards (CCCD, CMND) are drawn at their real size (85.6 x 54 mm) as a photocopy
of both faces on an A4 page, which is how citizens hand them in; at 300 dpi
the card's 6-7 pt text is 25-30 px high, enough for Tesseract to read the
number, name and dates. Papers are A4 with the margins and type sizes of
Decree 30/2020/ND-CP.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFont

from ocr.fields.card import expected_expiry
from ocr.fields.dossier import make_dossier_code
from ocr.fields.id_number import Sex, make_personal_number
from ocr.fields.mrz import check_digit, make_td1
from ocr.fields.provinces import PROVINCE_CODES
from samples.text import (
    DISTRICTS, GIVEN_NAMES, MIDDLE_NAMES, PROCEDURES, STREETS, SURNAMES, WARDS, Address, long_date, make_address, pick,
)

DocType = Literal["cccd", "cmnd", "birth_certificate", "marriage_certificate", "residence_confirmation",
                  "business_registration", "land_use_certificate", "dossier_receipt", "application_form"]
DOC_TYPES: tuple[DocType, ...] = ("cccd", "cmnd", "birth_certificate", "marriage_certificate",
                                  "residence_confirmation", "business_registration", "land_use_certificate",
                                  "dossier_receipt", "application_form")
Defect = Literal["province", "sex_digit", "century", "birth_year", "mrz_check", "enterprise_check", "dossier_date"]

_ID_DEFECTS: tuple[Defect, ...] = ("province", "sex_digit", "century", "birth_year")
# Only defects a reader of the paper could catch: a sex/century digit can only
# contradict a sex and birth date that the same paper prints.
DEFECTS: dict[DocType, tuple[Defect, ...]] = {
    "cccd": (*_ID_DEFECTS, "mrz_check"),
    "cmnd": (),
    "birth_certificate": _ID_DEFECTS,
    "marriage_certificate": ("province", "century", "birth_year"),
    "residence_confirmation": _ID_DEFECTS,
    "business_registration": (*_ID_DEFECTS, "enterprise_check"),
    "land_use_certificate": (),
    "dossier_receipt": ("province", "dossier_date"),
    "application_form": _ID_DEFECTS,
}
QR_SYSTEM = "Hệ thống thông tin giải quyết thủ tục hành chính"
QR_PAPER = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
VIETNAM_TZ = timezone(timedelta(hours=7))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --- ground truth ----------------------------------------------------------

@dataclass(frozen=True)
class FieldTruth:
    """A field as record.md writes it, and whether vietnam.md's checks should pass."""

    value: str | None
    valid: bool = True
    issue: str | None = None

    def as_dict(self) -> dict[str, str | bool | None]:
        return {"value": self.value, "valid": self.valid, "issue": self.issue}


@dataclass(frozen=True)
class Specimen:
    """One clean rendered paper; ``defect`` is None for a fully valid specimen."""

    doc_type: DocType
    image: np.ndarray
    dpi: int
    fields: dict[str, FieldTruth]
    owner_id: str | None
    dossier_code: str | None = None
    qr_payload: str | None = None
    defect: Defect | None = None


# --- drawing ---------------------------------------------------------------

Family = Literal["serif", "sans", "mono"]
Style = Literal["regular", "bold", "italic", "bolditalic"]
_FONT_CANDIDATES: dict[Family, tuple[tuple[str, str], ...]] = {
    # (folder, file pattern) in order of preference; {style} is filled in.
    "serif": (("/usr/share/fonts/truetype/liberation2", "LiberationSerif-{style}.ttf"),
              ("/usr/share/fonts/truetype/liberation", "LiberationSerif-{style}.ttf")),
    "sans": (("/usr/share/fonts/truetype/liberation2", "LiberationSans-{style}.ttf"),
             ("/usr/share/fonts/truetype/liberation", "LiberationSans-{style}.ttf")),
    "mono": (("/usr/share/fonts/truetype/dejavu", "DejaVuSansMono.ttf"),
             ("/usr/share/fonts/truetype/liberation2", "LiberationMono-Regular.ttf"),
             ("/usr/share/fonts/truetype/liberation", "LiberationMono-Regular.ttf")),
}
_STYLE_NAMES: dict[Style, str] = {"regular": "Regular", "bold": "Bold", "italic": "Italic", "bolditalic": "BoldItalic"}
PT_MM = 25.4 / 72


@lru_cache(maxsize=128)
def _font(family: Family, style: Style, size_px: int) -> ImageFont.FreeTypeFont:
    for folder, pattern in _FONT_CANDIDATES[family]:
        path = Path(folder) / pattern.format(style=_STYLE_NAMES[style])
        if path.exists():
            # Basic layout: Liberation has the precomposed Vietnamese letters, and
            # NFC text then needs no shaping (raqm misplaces nothing either, but
            # may be missing).
            return ImageFont.truetype(str(path), max(size_px, 1), layout_engine=ImageFont.Layout.BASIC)
    raise FileNotFoundError(f"no {family} {style} font in {[folder for folder, _ in _FONT_CANDIDATES[family]]}")


Run = tuple[str, Style]


class Sheet:
    """A page or card laid out in millimetres, so layouts read like the paper's own measurements."""

    def __init__(self, width_mm: float, height_mm: float, dpi: int, family: Family = "serif") -> None:
        self.dpi = dpi
        self.family: Family = family
        self.width_mm, self.height_mm = width_mm, height_mm
        self.image = Image.new("L", (self.px(width_mm), self.px(height_mm)), 255)
        self.draw = ImageDraw.Draw(self.image)

    def px(self, mm: float) -> int:
        return round(mm / 25.4 * self.dpi)

    def font(self, pt: float, style: Style = "regular", family: Family | None = None) -> ImageFont.FreeTypeFont:
        return _font(family or self.family, style, round(pt * self.dpi / 72))

    def measure(self, text: str, pt: float, style: Style = "regular", family: Family | None = None) -> float:
        return self.font(pt, style, family).getlength(nfc(text)) * 25.4 / self.dpi

    def text(self, x: float, y: float, text: str, pt: float, style: Style = "regular", *,
             align: Literal["left", "center", "right"] = "left", family: Family | None = None, fill: int = 0) -> float:
        """Draw one line with its baseline at ``y``; returns the x where the line ends."""
        text = nfc(text)
        width = self.measure(text, pt, style, family)
        left = {"left": x, "center": x - width / 2, "right": x - width}[align]
        self.draw.text((self.px(left), self.px(y)), text, font=self.font(pt, style, family), fill=fill, anchor="ls")
        return left + width

    def runs(self, x: float, y: float, width: float, runs: list[Run], pt: float, *, leading: float = 1.3,
             hang: float = 0.0, align: Literal["left", "center"] = "left", family: Family | None = None) -> float:
        """Wrap mixed-style text (a label in regular, its value in bold) inside ``width``.

        Continuation lines start ``hang`` mm in, as values under a label do.
        Returns the baseline of the next line.
        """
        words = [(word, style) for text, style in runs for word in nfc(text).split()]
        space = self.measure(" ", pt, "regular", family)
        lines: list[list[tuple[str, Style, float]]] = [[]]
        used = 0.0
        for word, style in words:
            size = self.measure(word, pt, style, family)
            limit = width - (hang if len(lines) > 1 else 0.0)
            if lines[-1] and used + space + size > limit:
                lines.append([])
                used = 0.0
            used += (space if lines[-1] else 0.0) + size
            lines[-1].append((word, style, size))
        step = pt * PT_MM * leading
        for number, line in enumerate(lines):
            total = sum(size for _, _, size in line) + space * max(len(line) - 1, 0)
            cursor = x + (hang if number else 0.0)
            if align == "center":
                cursor = x + (width - total) / 2
            for word, style, size in line:
                self.text(cursor, y, word, pt, style, family=family)
                cursor += size + space
            y += step
        return y

    def rect(self, x0: float, y0: float, x1: float, y1: float, *, outline: int | None = 0, fill: int | None = None,
             width: float = 0.25, radius: float = 0.0) -> None:
        box = (self.px(x0), self.px(y0), self.px(x1), self.px(y1))
        self.draw.rounded_rectangle(box, radius=self.px(radius), outline=outline, fill=fill,
                                    width=max(1, self.px(width)) if outline is not None else 0)

    def line(self, x0: float, y0: float, x1: float, y1: float, *, width: float = 0.25, fill: int = 0) -> None:
        self.draw.line((self.px(x0), self.px(y0), self.px(x1), self.px(y1)), fill=fill, width=max(1, self.px(width)))

    def ellipse(self, x0: float, y0: float, x1: float, y1: float, *, outline: int | None = 0,
                fill: int | None = None, width: float = 0.25) -> None:
        self.draw.ellipse((self.px(x0), self.px(y0), self.px(x1), self.px(y1)), outline=outline, fill=fill,
                          width=max(1, self.px(width)))

    def paste(self, image: Image.Image, x: float, y: float) -> None:
        self.image.paste(image, (self.px(x), self.px(y)))

    def array(self) -> np.ndarray:
        return np.asarray(self.image, dtype=np.uint8).copy()
