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
from collections.abc import Callable
from dataclasses import dataclass, field, replace
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
from ocr.fields.mrz import make_td1
from ocr.fields.provinces import PROVINCE_CODES
from ocr.fields.tax_code import make_tax_code, tax_check_digit
from samples.text import (
    DISTRICTS, GIVEN_NAMES, MIDDLE_NAMES, PROCEDURES, SURNAMES, WARDS, Address, long_date, make_address, pick,
)
from search.folding import fold, nfc

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
QR_PAPER = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
LATEST = date(2025, 6, 30)  # no specimen is issued later, so none is dated in the future
VIETNAM_TZ = timezone(timedelta(hours=7))


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
    # The sex and birth date printed beside each personal number (None where the
    # paper prints none): what vietnam.md's checks compare the number with.
    printed_with: dict[str, tuple[Sex | None, date | None]] = field(default_factory=dict)


# --- drawing ---------------------------------------------------------------

Family = Literal["serif", "sans", "mono"]
Style = Literal["regular", "bold", "italic"]
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
_STYLE_NAMES: dict[Style, str] = {"regular": "Regular", "bold": "Bold", "italic": "Italic"}
PT_MM = 25.4 / 72


@lru_cache(maxsize=128)
def _font(family: Family, style: Style, size_px: int) -> ImageFont.FreeTypeFont:
    for folder, pattern in _FONT_CANDIDATES[family]:
        path = Path(folder) / pattern.format(style=_STYLE_NAMES[style])
        if path.exists():
            # Basic layout needs no libraqm; NFC text uses the fonts' precomposed
            # Vietnamese letters, so nothing needs shaping (as in samples.render).
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
             align: Literal["left", "center", "right"] = "left", family: Family | None = None) -> float:
        """Draw one line with its baseline at ``y``; returns the x where the line ends."""
        text = nfc(text)
        width = self.measure(text, pt, style, family)
        left = {"left": x, "center": x - width / 2, "right": x - width}[align]
        self.draw.text((self.px(left), self.px(y)), text, font=self.font(pt, style, family), fill=0, anchor="ls")
        return left + width

    def wrap(self, runs: list[Run], width: float, pt: float, *,
             family: Family | None = None) -> list[list[tuple[str, Style, float]]]:
        """Break mixed-style text into lines of (word, style, width in mm)."""
        space = self.measure(" ", pt, "regular", family)
        lines: list[list[tuple[str, Style, float]]] = [[]]
        used = 0.0
        for text, style in runs:
            for word in nfc(text).split():
                size = self.measure(word, pt, style, family)
                if lines[-1] and used + space + size > width:
                    lines.append([])
                    used = 0.0
                used += (space if lines[-1] else 0.0) + size
                lines[-1].append((word, style, size))
        return lines

    def runs(self, x: float, y: float, width: float, runs: list[Run], pt: float, *, leading: float = 1.3,
             align: Literal["left", "center"] = "left", family: Family | None = None) -> float:
        """Draw wrapped mixed-style text (a label in regular, its value in bold); returns the next baseline."""
        space = self.measure(" ", pt, "regular", family)
        for line in self.wrap(runs, width, pt, family=family):
            total = sum(size for _, _, size in line) + space * max(len(line) - 1, 0)
            cursor = x + (width - total) / 2 if align == "center" else x
            for word, style, size in line:
                self.text(cursor, y, word, pt, style, family=family)
                cursor += size + space
            y += pt * PT_MM * leading
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


def _qr_image(payload: str, module_px: int) -> Image.Image:
    """UTF-8 byte mode without an ECI header, which OpenCV's reader warns it does not support."""
    code = segno.make(payload, error="m", encoding="utf-8", micro=False)
    matrix = np.asarray(code.matrix, dtype=np.uint8)
    matrix = np.pad(matrix, 4)  # the quiet zone ISO/IEC 18004 asks for
    pixels = np.where(np.kron(matrix, np.ones((module_px, module_px), np.uint8)) > 0, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels)


def _qr(sheet: Sheet, payload: str, x: float, y: float, size: float) -> None:
    """Draw a QR code of about ``size`` mm in whole-pixel modules, as a printer's raster does."""
    modules = len(segno.make(payload, error="m", encoding="utf-8", micro=False).matrix) + 8
    sheet.paste(_qr_image(payload, max(2, sheet.px(size) // modules)), x, y)


def _emblem(sheet: Sheet, x: float, y: float, size: float) -> None:
    """The national emblem as a photocopy shows it: rings around a star."""
    sheet.ellipse(x, y, x + size, y + size, outline=70, fill=200, width=size * 0.03)
    inset = size * 0.17
    sheet.ellipse(x + inset, y + inset, x + size - inset, y + size - inset, outline=90, fill=150, width=size * 0.02)
    cx, cy, radius = x + size / 2, y + size / 2, size * 0.26
    points = []
    for k in range(10):
        r = radius if k % 2 == 0 else radius * 0.4
        angle = -np.pi / 2 + k * np.pi / 5
        points.append((sheet.px(cx + r * np.cos(angle)), sheet.px(cy + r * np.sin(angle))))
    sheet.draw.polygon(points, fill=235)


def _photo(sheet: Sheet, x0: float, y0: float, x1: float, y1: float) -> None:
    sheet.rect(x0, y0, x1, y1, outline=110, fill=214, width=0.15)
    cx, width, height = (x0 + x1) / 2, x1 - x0, y1 - y0
    sheet.ellipse(cx - width * 0.22, y0 + height * 0.16, cx + width * 0.22, y0 + height * 0.56, outline=None, fill=120)
    sheet.draw.pieslice((sheet.px(cx - width * 0.42), sheet.px(y0 + height * 0.62),
                         sheet.px(cx + width * 0.42), sheet.px(y1 + height * 0.35)), 180, 360, fill=120)


def _signature(sheet: Sheet, rng: np.random.Generator, cx: float, y: float, width: float) -> None:
    """A pen scribble: a few loops along a slanting line, as a handwritten signature is."""
    steps = 60
    t = np.linspace(0.0, 1.0, steps)
    loops = rng.uniform(2.5, 5.0)
    xs = cx - width / 2 + width * t + 1.2 * np.sin(2 * np.pi * loops * t)
    ys = y - 2.0 * t + 2.2 * np.cos(2 * np.pi * loops * t + rng.uniform(0, np.pi)) * (1 - 0.5 * t)
    points = [(sheet.px(px), sheet.px(py)) for px, py in zip(xs, ys, strict=True)]
    sheet.draw.line(points, fill=40, width=max(1, sheet.px(0.3)), joint="curve")


def _seal(sheet: Sheet, cx: float, cy: float) -> None:
    """A 36 mm round seal; red on paper, mid-grey on a greyscale scan."""
    for radius, width in ((18.0, 0.7), (13.5, 0.3)):
        sheet.ellipse(cx - radius, cy - radius, cx + radius, cy + radius, outline=150, width=width)
    sheet.ellipse(cx - 2.5, cy - 2.5, cx + 2.5, cy + 2.5, outline=None, fill=150)


def _guilloche(sheet: Sheet, rng: np.random.Generator) -> None:
    """Faint security waves behind a card's print; a scan keeps them as light grey lines."""
    phase = rng.uniform(0, 2 * np.pi)
    xs = np.linspace(0, sheet.width_mm, 200)
    for offset in np.arange(-4.0, sheet.height_mm + 4.0, 2.6):
        ys = offset + 1.4 * np.sin(xs / 6.0 + phase + offset / 9.0)
        sheet.draw.line([(sheet.px(x), sheet.px(y)) for x, y in zip(xs, ys, strict=True)], fill=226, width=1)


CARD_MM = (85.6, 54.0)  # ISO/IEC 7810 ID-1, the size of both the CCCD and the CMND


def _card(dpi: int, rng: np.random.Generator, family: Family) -> Sheet:
    card = Sheet(CARD_MM[0], CARD_MM[1], dpi, family)
    card.rect(0, 0, CARD_MM[0], CARD_MM[1], outline=None, fill=244, radius=3.2)
    _guilloche(card, rng)
    return card


def _on_page(card: Sheet, page: Sheet, x: float, y: float) -> None:
    """Paste a card with rounded corners, edged as a photocopier edges a card lying on its glass."""
    mask = Image.new("L", card.image.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, card.image.size[0] - 1, card.image.size[1] - 1),
                                           radius=card.px(3.2), fill=255)
    page.image.paste(card.image, (page.px(x), page.px(y)), mask)
    page.rect(x, y, x + CARD_MM[0], y + CARD_MM[1], outline=80, width=0.3, radius=3.2)


# --- numbers and words -----------------------------------------------------

_DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _words_below_1000(n: int, *, full: bool) -> str:
    """Vietnamese for 0-999; ``full`` spells a leading "không trăm" as inside larger numbers."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    parts: list[str] = []
    if hundreds or full:
        parts += [_DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0 and units and parts:
        parts.append("linh")
    elif tens == 1:
        parts.append("mười")
    elif tens > 1:
        parts += [_DIGIT_WORDS[tens], "mươi"]
    if units:
        if units == 1 and tens > 1:
            parts.append("mốt")
        elif units == 5 and tens > 0:
            parts.append("lăm")
        elif units == 4 and tens > 1:
            parts.append("tư")
        else:
            parts.append(_DIGIT_WORDS[units])
    return " ".join(parts) if parts else "không"


def number_words(n: int) -> str:
    """How papers spell a number "bằng chữ", up to the billions of a charter capital."""
    if not 0 <= n < 10**12:
        raise ValueError(f"{n} is out of range")
    if n < 1000:
        return _words_below_1000(n, full=False)
    parts: list[str] = []
    for scale, unit in ((10**9, "tỷ"), (10**6, "triệu"), (10**3, "nghìn"), (1, "")):
        chunk = n // scale % 1000
        if chunk:
            parts += [_words_below_1000(chunk, full=bool(parts)), unit]
    return " ".join(p for p in parts if p)


def date_words(day: date) -> str:
    """A date spelled out as birth certificates write it beside the figures."""
    month = "tư" if day.month == 4 else number_words(day.month)
    return f"Ngày {number_words(day.day)} tháng {month} năm {number_words(day.year)}"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- synthetic people ------------------------------------------------------

@dataclass(frozen=True)
class Citizen:
    """An invented person whose personal number agrees with their sex and birth date."""

    full_name: str
    sex: Sex
    birth: date
    id_number: str
    origin: str
    residence: Address

    @property
    def capitals(self) -> str:
        return self.full_name.upper()

    @property
    def title(self) -> str:
        return "Ông" if self.sex == "Nam" else "Bà"


def _place(rng: np.random.Generator, province: str) -> str:
    """A commune-level place (quê quán, nơi sinh): commune, district, province."""
    ward_kind = pick(rng, ("Xã", "Phường", "Xã"))
    district_kind = pick(rng, ("huyện", "quận", "thị xã"))
    return f"{ward_kind} {pick(rng, WARDS)}, {district_kind} {pick(rng, DISTRICTS)}, {province}"


def _citizen(rng: np.random.Generator, born_from: date, born_to: date, *, sex: Sex | None = None,
             surname: str | None = None, residence: Address | None = None) -> Citizen:
    sex = sex or pick(rng, ("Nam", "Nữ"))
    name = f"{surname or pick(rng, SURNAMES)} {pick(rng, MIDDLE_NAMES[sex])} {pick(rng, GIVEN_NAMES[sex])}"
    birth = born_from + timedelta(days=int(rng.integers(0, (born_to - born_from).days + 1)))
    codes = sorted(PROVINCE_CODES)
    code = pick(rng, codes)
    number = make_personal_number(code, birth, sex, int(rng.integers(0, 1_000_000)))
    origin = _place(rng, PROVINCE_CODES[pick(rng, codes) if rng.random() < 0.4 else code])
    home = residence or make_address(rng, PROVINCE_CODES[pick(rng, codes) if rng.random() < 0.3 else code])
    return Citizen(nfc(name), sex, birth, number, nfc(origin), home)


def _years_before(day: date, low: int, high: int) -> tuple[date, date]:
    """Birth dates that make someone ``low``-``high`` years old on ``day``."""
    return date(day.year - high, 1, 1), date(day.year - low, 12, 31)


def _random_day(rng: np.random.Generator, start: date, end: date) -> date:
    return start + timedelta(days=int(rng.integers(0, (end - start).days + 1)))


_UNKNOWN_PROVINCE_CODES = tuple(f"{c:03d}" for c in range(1, 100) if f"{c:03d}" not in PROVINCE_CODES)


def _number_truth(rng: np.random.Generator, person: Citizen, defect: Defect | None) -> tuple[str, FieldTruth]:
    """The printed personal number and its truth: the person's own, or one broken the way ``defect`` says."""
    number = person.id_number
    if defect not in _ID_DEFECTS:
        return number, FieldTruth(number)
    digit, year = int(number[3]), person.birth.year
    if defect == "province":
        code = pick(rng, _UNKNOWN_PROVINCE_CODES)
        printed, issue = code + number[3:], f"unknown province code {code}"
    elif defect == "sex_digit":
        wrong = digit ^ 1
        says = "male" if wrong % 2 == 0 else "female"
        printed = f"{number[:3]}{wrong}{number[4:]}"
        issue = f"century/sex digit {wrong} says {says} but printed sex is {person.sex}"
    elif defect == "century":
        wrong = digit + 2 if digit < 2 else digit - 2
        century = 1900 + 100 * (wrong // 2)
        printed = f"{number[:3]}{wrong}{number[4:]}"
        issue = f"century/sex digit {wrong} says born {century}-{century + 99} but printed birth year is {year}"
    else:
        digits = f"{(year + int(rng.integers(1, 99))) % 100:02d}"
        printed = f"{number[:4]}{digits}{number[6:]}"
        issue = f"birth-year digits {digits} do not match printed birth year {year}"
    return printed, FieldTruth(printed, False, issue)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _finish(doc_type: DocType, paper: Sheet, fields: dict[str, FieldTruth], owner_id: str | None,
            defect: Defect | None, printed_with: dict[str, tuple[Sex | None, date | None]], *,
            dossier_code: str | None = None, qr_payload: str | None = None) -> Specimen:
    if isinstance(paper, Paper) and not paper.fits():
        raise RuntimeError(f"{doc_type} layout ran {paper.y - 285:.0f} mm past the page")
    return Specimen(doc_type, paper.array(), paper.dpi, fields, owner_id, dossier_code, qr_payload, defect,
                    printed_with)


# --- A4 papers -------------------------------------------------------------

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


class Paper(Sheet):
    """An A4 administrative paper filled top to bottom (Decree 30/2020/ND-CP margins and sizes)."""

    LEFT, RIGHT, TOP = 30.0, 195.0, 18.0
    PT = 13.0

    def __init__(self, dpi: int) -> None:
        super().__init__(210.0, 297.0, dpi, "serif")
        self.y = self.TOP

    @property
    def width(self) -> float:
        return self.RIGHT - self.LEFT

    def step(self, pt: float | None = None, leading: float = 1.3) -> float:
        return (pt or self.PT) * PT_MM * leading

    def header(self, agency: list[tuple[str, Style]], number: str | None, place_date: str | None) -> None:
        """Agency top left, the national motto top right, number under the agency, place and date under the motto."""
        left_cx, right_cx, column = 58.0, 143.0, 70.0
        baseline = self.y + self.step(12.5, 1.0)
        y = baseline
        for text, style in agency:
            y = self.runs(left_cx - column / 2, y, column, [(text, style)], 12.5, align="center", leading=1.2)
        rule_y = y - self.step(12.5, 1.2) + 2.6
        self.line(left_cx - 12, rule_y, left_cx + 12, rule_y, width=0.3)
        y += 2.6
        if number:
            y = self.runs(left_cx - column / 2, y, column, [(number, "regular")], 13, align="center")
        self.text(right_cx, baseline, MOTTO[0], 12.5, "bold", align="center")
        motto_y = baseline + self.step(13.5, 1.2)
        end = self.text(right_cx, motto_y, MOTTO[1], 13.5, "bold", align="center")
        self.line(2 * right_cx - end, motto_y + 1.6, end, motto_y + 1.6, width=0.3)
        right_y = motto_y + self.step(13.5, 1.6) + 1.5
        if place_date:
            self.text(min(right_cx, self.RIGHT - self.measure(place_date, 13, "italic") / 2), right_y,
                      place_date, 13, "italic", align="center")
            right_y += self.step()
        self.y = max(y, right_y) + self.step(leading=0.5)

    def motto(self) -> None:
        """The motto alone, centred, as on forms a citizen fills in and on certificates."""
        cx = (self.LEFT + self.RIGHT) / 2
        self.y += self.step(13, 1.0)
        self.text(cx, self.y, MOTTO[0], 13, "bold", align="center")
        self.y += self.step(14, 1.2)
        end = self.text(cx, self.y, MOTTO[1], 14, "bold", align="center")
        self.line(2 * cx - end, self.y + 1.6, end, self.y + 1.6, width=0.3)
        self.y += self.step(leading=1.6)

    def center(self, text: str, pt: float = 13.0, style: Style = "bold", *, space: float = 0.0) -> None:
        self.y += self.step(pt, space)
        self.y = self.runs(self.LEFT, self.y, self.width, [(text, style)], pt, align="center", leading=1.25)

    def field(self, label: str, value: str, style: Style = "regular", *, space: float = 0.0,
              indent: float = 0.0) -> None:
        """``Label: value`` with the value running on under the label when long."""
        self.y += self.step(leading=space)
        self.y = self.runs(self.LEFT + indent, self.y, self.width - indent, [(f"{label}:", "regular"), (value, style)],
                           self.PT)

    def row(self, cells: list[tuple[str, str, Style]], *, offsets: tuple[float, ...] | None = None) -> None:
        """Several short ``Label: value`` pairs on one line, at tab stops."""
        stops = offsets or tuple(self.width * k / len(cells) for k in range(len(cells)))
        for (label, value, style), offset in zip(cells, stops, strict=True):
            end = self.text(self.LEFT + offset, self.y, f"{label}: ", self.PT)
            self.text(end + self.measure(" ", self.PT), self.y, value, self.PT, style)
        self.y += self.step()

    def para(self, text: str, *, space: float = 0.2) -> None:
        """A paragraph with its first line indented, as body text is."""
        self.y += self.step(leading=space)
        words = nfc(text).split()
        indent = 12.7
        first: list[str] = []
        while words and self.measure(" ".join([*first, words[0]]), self.PT) <= self.width - indent:
            first.append(words.pop(0))
        self.text(self.LEFT + indent, self.y, " ".join(first), self.PT)
        self.y += self.step()
        if words:
            self.y = self.runs(self.LEFT, self.y, self.width, [(" ".join(words), "regular")], self.PT)

    def signatures(self, rng: np.random.Generator, blocks: list[tuple[str, str, str]], *, seal: bool = False,
                   space: float = 0.8) -> None:
        """Signature blocks (role, note, signer) side by side; the last one is the right-hand, official one."""
        self.y += self.step(leading=space)
        centres = [self.LEFT + self.width * 0.75] if len(blocks) == 1 else [
            self.LEFT + self.width * (0.5 + k) / len(blocks) for k in range(len(blocks))]
        bottom = self.y
        for (role, note, signer), cx in zip(blocks, centres, strict=True):
            column = self.width / len(blocks) + (10 if len(blocks) == 1 else 0)
            y = self.y
            for role_line in role.split("\n"):
                y = self.runs(cx - column / 2, y, column, [(role_line, "bold")], self.PT, align="center", leading=1.2)
            y = self.runs(cx - column / 2, y, column, [(note, "italic")], 12, align="center", leading=1.2)
            _signature(self, rng, cx, y + 9.0, 26.0)
            if seal and cx == centres[-1]:
                _seal(self, cx - 14.0, y + 6.0)
            bottom = max(bottom, self.runs(cx - column / 2, y + 18.0, column, [(signer, "bold")], self.PT,
                                           align="center"))
        self.y = bottom

    def place_date(self, text: str, *, space: float = 0.6) -> None:
        """Place and date above the right-hand signature, as citizens' forms and certificates print them."""
        self.y += self.step(leading=space)
        self.text(self.LEFT + self.width * 0.75, self.y, text, 12, "italic", align="center")
        self.y += self.step(leading=1.0)

    def fits(self) -> bool:
        return self.y <= 297.0 - 12.0


# --- cards -----------------------------------------------------------------

_MARKS = ("Nốt ruồi C: 1cm trên trước đầu mày phải", "Sẹo chấm C: 2cm dưới sau cánh mũi trái",
          "Nốt ruồi C: 1,5cm dưới sau mép trái", "Sẹo chấm C: 2cm trên trước đuôi mắt phải",
          "Nốt ruồi C: 1cm dưới trước dái tai trái")


def _split_address(address: str) -> tuple[str, str]:
    """House and street stay on the label line; ward, district and province go below, as on the card."""
    parts = address.split(", ")
    return ", ".join(parts[:2]), ", ".join(parts[2:])


def _cccd_front(rng: np.random.Generator, dpi: int, person: Citizen, number: str, issued: date,
                expiry: date | None) -> Sheet:
    card = _card(dpi, rng, "sans")
    _emblem(card, 3.5, 2.5, 12.0)
    residence = str(person.residence)
    qr_text = "|".join((number, "", person.full_name, f"{person.birth:%d%m%Y}", person.sex, residence,
                        f"{issued:%d%m%Y}"))
    _qr(card, qr_text, 71.0, 1.8, 13.0)
    cx = 43.5
    card.text(cx, 5.6, MOTTO[0], 6.0, "bold", align="center")
    card.text(cx, 8.4, MOTTO[1], 6.0, "bold", align="center")
    card.text(cx, 12.9, "CĂN CƯỚC CÔNG DÂN", 9.5, "bold", align="center")
    card.text(cx, 15.6, "Citizen Identity Card", 6.0, "bold", align="center")
    _photo(card, 3.0, 18.5, 22.0, 43.5)
    shown_expiry = f"{expiry:%d/%m/%Y}" if expiry else "Không thời hạn"
    end = card.text(2.2, 47.6, "Có giá trị đến:", 4.6)
    card.text(end + 0.7, 47.6, shown_expiry, 5.4 if expiry else 4.2, "bold")
    card.text(2.2, 49.9, "Date of expiry", 4.3, "italic")

    x, width = 25.2, 58.4
    residence_label = "Nơi thường trú / Place of residence:"
    for scale in (1.0, 0.93, 0.86, 0.8, 0.74):  # shrink the type until a long address fits, as cards do
        label, value = 5.5 * scale, 6.8 * scale
        first, rest = _split_address(residence)
        if card.measure(residence_label, label) + 1.0 + card.measure(first, value) > width:
            first, rest = "", residence
        wrapped = len(card.wrap([(person.origin, "regular")], width, value)) + len(
            card.wrap([(rest, "regular")], width, value))
        last_baseline = (20.6 + 3.6 * scale + 2 * label * PT_MM * 1.3 + 0.6
                         + value * PT_MM * (1.35 + 1.3 + 1.3 + 1.25 * wrapped))
        if last_baseline <= 52.5:
            break
    y = 20.6
    end = card.text(x, y, "Số / No.:", label * 1.1)
    card.text(end + 1.5, y, number, 10.5 * scale, "bold")
    y += 3.6 * scale
    card.text(x, y, "Họ và tên / Full name:", label)
    y += label * PT_MM * 1.3 + 0.6
    card.text(x + 4, y, person.capitals, value * 1.25, "bold")
    y += value * PT_MM * 1.35
    end = card.text(x, y, "Ngày sinh / Date of birth:", label)
    card.text(end + 1.0, y, f"{person.birth:%d/%m/%Y}", value)
    y += value * PT_MM * 1.3
    end = card.text(x, y, "Giới tính / Sex:", label)
    card.text(end + 1.0, y, person.sex, value)
    end = card.text(x + 22, y, "Quốc tịch / Nationality:", label)
    card.text(end + 1.0, y, "Việt Nam", value)
    y += value * PT_MM * 1.3
    card.text(x, y, "Quê quán / Place of origin:", label)
    y += label * PT_MM * 1.3
    y = card.runs(x, y, width, [(person.origin, "regular")], value, leading=1.25)
    end = card.text(x, y, residence_label, label)
    card.text(end + 1.0, y, first, value)
    y += value * PT_MM * 1.25
    card.runs(x, y, width, [(rest, "regular")], value, leading=1.25)
    return card


def _cccd_back(rng: np.random.Generator, dpi: int, issued: date, mrz: tuple[str, str, str]) -> Sheet:
    card = _card(dpi, rng, "sans")
    card.text(3.0, 4.6, "Đặc điểm nhân dạng / Personal identification:", 5.3)
    y = card.runs(3.0, 7.4, 47.0, [(pick(rng, _MARKS), "regular")], 6.0, leading=1.2)
    end = card.text(3.0, y + 1.0, "Ngày, tháng, năm / Date, month, year:", 5.3)
    card.text(end + 0.8, y + 1.0, f"{issued:%d/%m/%Y}", 6.3, "bold")
    y = card.runs(3.0, y + 4.4, 48.0, [("CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", "bold")],
                  5.3, align="center", leading=1.2)
    _signature(card, rng, 27.0, y + 3.5, 16.0)
    director = _citizen(rng, date(1965, 1, 1), date(1975, 12, 31), sex="Nam")
    card.text(27.0, y + 8.0, director.full_name, 6.0, "bold", align="center")
    for left, label, english in ((53.0, "Ngón trỏ trái", "Left index finger"),
                                 (69.0, "Ngón trỏ phải", "Right index finger")):
        card.rect(left, 3.0, left + 14.5, 22.5, outline=90, width=0.2, radius=1.0)
        card.text(left + 7.25, 25.2, label, 4.8, align="center")
        card.text(left + 7.25, 27.3, english, 4.2, "italic", align="center")
    # OCR-B keeps a 2.54 mm pitch; size the monospace font so 30 characters span 76.2 mm.
    pt = 2.54 / (card.measure("0" * 30, 10.0, family="mono") / 30 / 10.0)
    for k, line in enumerate(mrz):
        card.text(4.7, 39.5 + 5.0 * k, line, pt, family="mono")
    return card


def _cccd(rng: np.random.Generator, dpi: int, defect: Defect | None) -> Specimen:
    # Chip CCCDs were issued from 2021 until the 2024 Law on Identification replaced them.
    issued = _random_day(rng, date(2021, 1, 1), date(2024, 6, 30))
    person = _citizen(rng, *_years_before(issued, 15, 75))
    expiry = expected_expiry(person.birth, issued)
    printed, number = _number_truth(rng, person, defect)
    lines = make_td1(printed, full_name=person.full_name, birth_date=person.birth, sex=person.sex,
                     expiry=expiry)
    mrz = FieldTruth("\n".join(lines))
    if not number.valid:
        mrz = FieldTruth(mrz.value, False, f"holds the personal number: {number.issue}")
    elif defect == "mrz_check":
        lines, mrz = _break_mrz(rng, lines)
    page = Sheet(210.0, 297.0, dpi)
    _on_page(_cccd_front(rng, dpi, person, printed, issued, expiry), page, 62.2, 22.0)
    _on_page(_cccd_back(rng, dpi, issued, lines), page, 62.2, 88.0)
    _certified_copy(rng, page, person.residence, issued, 160.0)
    fields = {
        "id_number": number,
        "full_name": FieldTruth(person.full_name),
        "date_of_birth": FieldTruth(_iso(person.birth)),
        "sex": FieldTruth(person.sex),
        "nationality": FieldTruth("Việt Nam"),
        "place_of_origin": FieldTruth(person.origin),
        "place_of_residence": FieldTruth(str(person.residence)),
        "date_of_expiry": FieldTruth(_iso(expiry)),
        "date_of_issue": FieldTruth(_iso(issued)),
        "mrz": mrz,
    }
    return _finish("cccd", page, fields, printed, defect, {"id_number": (person.sex, person.birth)})


_MRZ_CHECKS = (("document number", 0, 14), ("personal number", 0, 29), ("birth date", 1, 6), ("expiry", 1, 14),
               ("composite", 1, 29))


def _break_mrz(rng: np.random.Generator, lines: tuple[str, str, str]) -> tuple[tuple[str, str, str], FieldTruth]:
    label, row, column = _MRZ_CHECKS[int(rng.integers(len(_MRZ_CHECKS)))]
    right = lines[row][column]
    wrong = str((int(right) + int(rng.integers(1, 10))) % 10)
    broken = list(lines)
    broken[row] = broken[row][:column] + wrong + broken[row][column + 1:]
    text = "\n".join(broken)
    return (broken[0], broken[1], broken[2]), FieldTruth(text, False,
                                                         f"MRZ {label} check digit is {wrong}, should be {right}")


def _certified_copy(rng: np.random.Generator, page: Sheet, residence: Address, after: date, y: float) -> None:
    """Half of card photocopies carry a commune's certification that the copy matches the original."""
    if rng.random() < 0.5:
        return
    day = _random_day(rng, after, min(after + timedelta(days=900), LATEST))
    x, width = 100.0, 92.0
    lines: list[tuple[str, Style, Family]] = [
        ("CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH", "bold", "serif"),
        (f"Số chứng thực: {int(rng.integers(1, 5000))} Quyển số: {int(rng.integers(1, 12)):02d}/{day.year}-SCT/BS",
         "regular", "serif"),
        (_capitalise(long_date(day)), "italic", "serif"),
        (f"{residence.ward_kind.upper()} {residence.ward.upper()}", "bold", "sans"),
    ]
    bottom = y + 5.5
    for text, style, family in lines:
        bottom = page.runs(x, bottom, width, [(text, style)], 10, align="center", family=family, leading=1.45)
    page.rect(x, y, x + width, bottom - 2.0, outline=120, width=0.5)
    _signature(page, rng, x + width / 2, bottom + 9.0, 22.0)


def _dotted(sheet: Sheet, x0: float, x1: float, y: float) -> None:
    """The dotted guide lines a CMND prints its values on."""
    for x in np.arange(x0, x1, 0.9):
        sheet.ellipse(x, y + 0.5, x + 0.18, y + 0.68, outline=None, fill=150)


def _cmnd_number(rng: np.random.Generator) -> str:
    """Nine digits opening with an old police-region prefix; opaque, nothing to check."""
    prefix = pick(rng, ("01", "02", "03", "12", "13", "16", "17", "18", "19", "20", "23", "24", "25", "27", "28",
                        "30", "31", "33", "35", "36", "38"))
    return f"{prefix}{int(rng.integers(0, 10_000_000)):07d}"


def _cmnd(rng: np.random.Generator, dpi: int, defect: Defect | None) -> Specimen:
    issued = _random_day(rng, date(2000, 1, 1), date(2015, 12, 31))
    person = _citizen(rng, *_years_before(issued, 14, 60))
    number = _cmnd_number(rng)
    residence = str(person.residence)

    front = _card(dpi, rng, "serif")
    _emblem(front, 4.0, 4.0, 17.0)
    _photo(front, 5.0, 25.5, 21.0, 47.0)
    cx, x, width = 54.5, 24.5, 59.0
    front.text(cx, 5.2, MOTTO[0], 6.2, "bold", align="center")
    end = front.text(cx, 8.0, MOTTO[1], 6.2, "bold", align="center")
    front.line(2 * cx - end, 8.8, end, 8.8, width=0.15)
    front.text(cx, 13.0, "GIẤY CHỨNG MINH NHÂN DÂN", 9.5, "bold", align="center")
    end = front.text(cx - 14, 18.3, "SỐ", 8.0, "bold")
    front.text(end + 1.5, 18.3, number, 12.0, "bold")
    y = 23.3
    rows: list[tuple[str, str, Style]] = [("Họ tên", person.capitals, "bold"),
                                          ("Sinh ngày", f"{person.birth:%d-%m-%Y}", "regular"),
                                          ("Nguyên quán", person.origin, "regular"),
                                          ("Nơi ĐKHK thường trú", residence, "regular")]
    for label, value, style in rows:
        runs: list[Run] = [(label, "regular"), (value, style)]
        for k in range(len(front.wrap(runs, width, 7.0))):
            start = x + (front.measure(label, 7.0) + 1.0 if k == 0 else 0.0)
            _dotted(front, start, x + width, y + k * 7.0 * PT_MM * 1.33)
        y = front.runs(x, y, width, runs, 7.0, leading=1.33)

    back = _card(dpi, rng, "serif")
    for left, label in ((3.0, "NGÓN TRỎ TRÁI"), (21.5, "NGÓN TRỎ PHẢI")):
        back.text(left + 8.5, 5.0, label, 5.5, "bold", align="center")
        back.rect(left, 6.5, left + 17.0, 28.0, outline=90, width=0.2)
    x, width = 41.0, 42.0
    back.text(x, 5.0, "Dân tộc: Kinh", 6.5)
    back.text(x + 22.0, 5.0, "Tôn giáo: Không", 6.5)
    back.text(x + width / 2, 10.0, "DẤU VẾT RIÊNG VÀ DỊ HÌNH", 6.5, "bold", align="center")
    y = back.runs(x, 13.5, width, [(pick(rng, _MARKS), "regular")], 6.5)
    y = back.runs(x, y + 2.5, width, [(_capitalise(long_date(issued)), "italic")], 6.5, align="center")
    province = PROVINCE_CODES[person.id_number[:3]].removeprefix("Tỉnh ").removeprefix("Thành phố ")
    y = back.runs(x, y, width, [(f"GIÁM ĐỐC CA {province.upper()}", "bold")], 6.5, align="center")
    _signature(back, rng, x + width / 2, y + 5.0, 16.0)
    chief = _citizen(rng, date(1950, 1, 1), date(1970, 12, 31), sex="Nam")
    back.text(x + width / 2, y + 11.0, chief.full_name, 6.5, "bold", align="center")

    page = Sheet(210.0, 297.0, dpi)
    _on_page(front, page, 62.2, 22.0)
    _on_page(back, page, 62.2, 88.0)
    _certified_copy(rng, page, person.residence, date(2020, 1, 1), 160.0)
    fields = {
        "id_number": FieldTruth(number),
        "full_name": FieldTruth(person.full_name),
        "date_of_birth": FieldTruth(_iso(person.birth)),
        "place_of_origin": FieldTruth(person.origin),
        "place_of_residence": FieldTruth(residence),
    }
    # A CMND number is opaque and has no 12-digit owner number printed beside it.
    return _finish("cmnd", page, fields, None, defect, {})


# --- civil status papers ---------------------------------------------------

def _commune_header(paper: Paper, residence: Address) -> None:
    """A commune People's Committee as issuer, the usual header of civil-status papers."""
    paper.header([("ỦY BAN NHÂN DÂN", "regular"), (f"{residence.ward_kind} {residence.ward}".upper(), "bold")],
                 None, None)


def _birth_place(rng: np.random.Generator, residence: Address) -> str:
    facility = pick(rng, (f"Bệnh viện Đa khoa {residence.district_kind} {residence.district}",
                          f"Bệnh viện Phụ sản {residence.province.removeprefix('Tỉnh ')}",
                          f"Trạm y tế {residence.ward_kind} {residence.ward}"))
    return f"{facility}, {residence.province}"


def _birth_certificate(rng: np.random.Generator, dpi: int, defect: Defect | None) -> Specimen:
    born = _random_day(rng, date(2016, 1, 1), date(2024, 12, 31))
    registered = born + timedelta(days=int(rng.integers(3, 60)))
    father = _citizen(rng, *_years_before(born, 22, 45), sex="Nam")
    mother = _citizen(rng, *_years_before(born, 19, 40), sex="Nữ", residence=father.residence)
    child = replace(_citizen(rng, born, born, surname=father.full_name.split()[0], residence=father.residence),
                    origin=father.origin)  # a child's quê quán is the father's
    printed, number = _number_truth(rng, child, defect)
    ethnicity = "Kinh" if rng.random() < 0.9 else pick(rng, ("Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng"))
    place_of_birth = _birth_place(rng, child.residence)
    declarant = pick(rng, (father, mother))

    paper = Paper(dpi)
    _commune_header(paper, child.residence)
    paper.field("Số", str(int(rng.integers(1, 400))))
    paper.field("Quyển số", f"{int(rng.integers(1, 4)):02d}/{registered.year}")
    paper.center("GIẤY KHAI SINH", 16, space=0.6)
    paper.y += paper.step(leading=0.4)
    paper.field("Họ, chữ đệm, tên", child.capitals, "bold")
    paper.field("Ngày, tháng, năm sinh", f"{child.birth:%d/%m/%Y}")
    paper.field("ghi bằng chữ", date_words(child.birth), indent=10.0)
    paper.row([("Giới tính", child.sex, "regular"), ("Dân tộc", ethnicity, "regular"),
               ("Quốc tịch", "Việt Nam", "regular")])
    paper.field("Nơi sinh", place_of_birth)
    paper.field("Quê quán", child.origin)
    paper.field("Số định danh cá nhân", printed, "bold")
    for role, parent in (("mẹ", mother), ("cha", father)):
        paper.field(f"Họ, chữ đệm, tên người {role}", parent.capitals, "bold", space=0.4)
        paper.row([("Năm sinh", str(parent.birth.year), "regular"), ("Dân tộc", ethnicity, "regular"),
                   ("Quốc tịch", "Việt Nam", "regular")])
        paper.field("Nơi cư trú", str(parent.residence))
    paper.field("Họ, chữ đệm, tên người đi khai sinh", declarant.capitals, space=0.4)
    paper.field("Giấy tờ tùy thân", f"Căn cước công dân số {declarant.id_number}")
    paper.field("Nơi đăng ký khai sinh", f"Ủy ban nhân dân {child.residence.ward_kind} {child.residence.ward}, "
                f"{child.residence.district_kind} {child.residence.district}, {child.residence.province}")
    paper.field("Ngày, tháng, năm đăng ký", long_date(registered))
    official = _citizen(rng, *_years_before(registered, 30, 55))
    paper.signatures(rng, [("NGƯỜI KÝ GIẤY KHAI SINH", "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)",
                            f"{official.full_name}")], seal=True)
    fields = {
        "full_name": FieldTruth(child.full_name),
        "date_of_birth": FieldTruth(_iso(child.birth)),
        "sex": FieldTruth(child.sex),
        "ethnicity": FieldTruth(ethnicity),
        "nationality": FieldTruth("Việt Nam"),
        "place_of_birth": FieldTruth(place_of_birth),
        "id_number": number,
        "father_name": FieldTruth(father.full_name),
        "mother_name": FieldTruth(mother.full_name),
        "date_of_issue": FieldTruth(_iso(registered)),
    }
    return _finish("birth_certificate", paper, fields, printed, defect, {"id_number": (child.sex, child.birth)})


def _marriage_certificate(rng: np.random.Generator, dpi: int, defect: Defect | None) -> Specimen:
    registered = _random_day(rng, date(2016, 1, 1), LATEST)
    husband = _citizen(rng, *_years_before(registered, 20, 45), sex="Nam")
    wife = _citizen(rng, *_years_before(registered, 18, 40), sex="Nữ")
    broken = pick(rng, ("husband", "wife"))
    numbers = {role: _number_truth(rng, person, defect if role == broken else None)
               for role, person in (("husband", husband), ("wife", wife))}
    printed = {role: printed_number for role, (printed_number, _) in numbers.items()}

    paper = Paper(dpi)
    _commune_header(paper, husband.residence)
    paper.field("Số", str(int(rng.integers(1, 300))))
    paper.field("Quyển số", f"{int(rng.integers(1, 3)):02d}/{registered.year}")
    paper.center("GIẤY CHỨNG NHẬN KẾT HÔN", 16, space=0.6)
    label_w, column = 46.0, 58.0
    columns = (paper.LEFT + label_w, paper.LEFT + label_w + column + 3.0)
    paper.y += paper.step(leading=0.6)
    for x, heading in zip(columns, ("Thông tin người chồng", "Thông tin người vợ"), strict=True):
        paper.runs(x, paper.y, column, [(heading, "bold")], paper.PT, align="center")
    paper.y += paper.step(leading=1.5)
    rows: list[tuple[str, str, str, Style]] = [
        ("Họ, chữ đệm, tên", husband.capitals, wife.capitals, "bold"),
        ("Ngày, tháng, năm sinh", f"{husband.birth:%d/%m/%Y}", f"{wife.birth:%d/%m/%Y}", "regular"),
        ("Dân tộc", "Kinh", "Kinh", "regular"),
        ("Quốc tịch", "Việt Nam", "Việt Nam", "regular"),
        ("Nơi cư trú", str(husband.residence), str(wife.residence), "regular"),
        ("Giấy tờ tùy thân", "Căn cước công dân", "Căn cước công dân", "regular"),
        ("Số định danh cá nhân", printed["husband"], printed["wife"], "bold"),
    ]
    top = paper.y - paper.step(leading=1.0)
    for label, left, right, style in rows:
        ends = [paper.runs(paper.LEFT, paper.y, label_w - 2.0, [(f"{label}:", "regular")], paper.PT)]
        ends += [paper.runs(x, paper.y, column, [(value, style)], paper.PT)
                 for x, value in zip(columns, (left, right), strict=True)]
        paper.y = max(ends) + paper.step(leading=0.25)
    for x in (columns[0] - 1.5, columns[1] - 1.5):
        paper.line(x, top - 6.0, x, paper.y - paper.step(leading=0.9), width=0.2)
    place = (f"Ủy ban nhân dân {husband.residence.ward_kind} {husband.residence.ward}, "
             f"{husband.residence.district_kind} {husband.residence.district}, {husband.residence.province}")
    paper.field("Nơi đăng ký kết hôn", place, space=0.3)
    paper.field("Ngày, tháng, năm đăng ký", long_date(registered))
    official = _citizen(rng, *_years_before(registered, 30, 55))
    paper.signatures(rng, [("Chồng", "(Ký, ghi rõ họ, chữ đệm, tên)", husband.full_name),
                           ("Vợ", "(Ký, ghi rõ họ, chữ đệm, tên)", wife.full_name),
                           ("NGƯỜI KÝ GIẤY CHỨNG NHẬN", "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)",
                            official.full_name)], seal=True)
    fields = {
        "husband_name": FieldTruth(husband.full_name),
        "wife_name": FieldTruth(wife.full_name),
        "husband_id_number": numbers["husband"][1],
        "wife_id_number": numbers["wife"][1],
        "date_of_registration": FieldTruth(_iso(registered)),
    }
    return _finish("marriage_certificate", paper, fields, printed["husband"], defect,
                   {"husband_id_number": (None, husband.birth), "wife_id_number": (None, wife.birth)})


def _residence_confirmation(rng: np.random.Generator, dpi: int, defect: Defect | None) -> Specimen:
    issued = _random_day(rng, date(2022, 1, 1), LATEST)
    person = _citizen(rng, *_years_before(issued, 16, 80))
    printed, number = _number_truth(rng, person, defect)
    home = person.residence
    if rng.random() < 0.5:
        head, relation = person, "Chủ hộ"
    else:
        head = _citizen(rng, *_years_before(person.birth, 20, 35), sex="Nam",
                        surname=person.full_name.split()[0], residence=home)
        relation = "Con"
    paper = Paper(dpi)
    paper.header([(f"CÔNG AN {home.province}".upper(), "regular"),
                  (f"CÔNG AN {home.ward_kind} {home.ward}".upper(), "bold")],
                 f"Số: {int(rng.integers(1, 2000))}/XN",
                 f"{_capitalise(home.ward_kind)} {home.ward}, {long_date(issued)}")
    paper.center("XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", 14, space=0.5)
    paper.para(f"Công an {home.ward_kind} {home.ward} xác nhận thông tin về cư trú của công dân như sau:",
               space=0.6)
    paper.field("1. Họ, chữ đệm và tên", person.capitals, "bold")
    paper.row([("2. Ngày, tháng, năm sinh", f"{person.birth:%d/%m/%Y}", "regular"),
               ("3. Giới tính", person.sex, "regular")], offsets=(0.0, 100.0))
    paper.field("4. Số định danh cá nhân", printed, "bold")
    paper.row([("5. Dân tộc", "Kinh", "regular"), ("6. Tôn giáo", "Không", "regular"),
               ("7. Quốc tịch", "Việt Nam", "regular")])
    paper.field("8. Quê quán", person.origin)
    paper.field("9. Nơi thường trú", str(home))
    paper.field("10. Nơi tạm trú", "Không")
    paper.field("11. Nơi ở hiện tại", str(home))
    paper.field("12. Họ, chữ đệm và tên chủ hộ", head.capitals)
    paper.field("13. Quan hệ với chủ hộ", relation)
    paper.field("14. Số định danh cá nhân của chủ hộ", head.id_number if head is not person else printed)
    paper.para("Giấy xác nhận này có giá trị 30 ngày kể từ ngày cấp.", space=0.5)
    chief = _citizen(rng, *_years_before(issued, 35, 55), sex="Nam")
    paper.signatures(rng, [(f"TRƯỞNG CÔNG AN {home.ward_kind.upper()}", "(Ký, ghi rõ họ tên, đóng dấu)",
                            chief.full_name)], seal=True)
    fields = {
        "full_name": FieldTruth(person.full_name),
        "id_number": number,
        "place_of_residence": FieldTruth(str(home)),
        "date_of_issue": FieldTruth(_iso(issued)),
    }
    return _finish("residence_confirmation", paper, fields, printed, defect, {"id_number": (person.sex, person.birth)})


# --- business and land -----------------------------------------------------

# Provinces by the first two digits of the enterprise codes they issue.
_ENTERPRISE_PROVINCES = {"01": "Thành phố Hà Nội", "02": "Thành phố Hải Phòng", "03": "Thành phố Hồ Chí Minh",
                         "04": "Thành phố Đà Nẵng", "36": "Tỉnh Đồng Nai", "37": "Tỉnh Bình Dương"}
_TRADES = (("THƯƠNG MẠI DỊCH VỤ", "TRADING SERVICES"), ("XÂY DỰNG", "CONSTRUCTION"),
           ("CÔNG NGHỆ", "TECHNOLOGY"), ("SẢN XUẤT VÀ THƯƠNG MẠI", "MANUFACTURING AND TRADING"),
           ("VẬN TẢI", "TRANSPORT"), ("TƯ VẤN ĐẦU TƯ", "INVESTMENT CONSULTING"), ("THỰC PHẨM", "FOOD"))
_BRAND_WORDS = ("AN", "PHÁT", "MINH", "KHANG", "HƯNG", "THỊNH", "PHÚC", "LỘC", "THIÊN", "ÂN", "ĐẠI", "NAM",
                "TÂN", "TIẾN", "HÒA", "BÌNH", "QUANG", "VIỆT", "TRƯỜNG", "SƠN", "HẢI", "ĐĂNG")
_COMPANY_KINDS = (("CÔNG TY TRÁCH NHIỆM HỮU HẠN MỘT THÀNH VIÊN", "CÔNG TY TNHH", "COMPANY LIMITED", "CO., LTD"),
                  ("CÔNG TY TRÁCH NHIỆM HỮU HẠN HAI THÀNH VIÊN TRỞ LÊN", "CÔNG TY TNHH", "COMPANY LIMITED",
                   "CO., LTD"),
                  ("CÔNG TY CỔ PHẦN", "CÔNG TY CỔ PHẦN", "JOINT STOCK COMPANY", "JSC"))


def _enterprise_code(rng: np.random.Generator, prefix: str, defect: Defect | None) -> tuple[str, FieldTruth]:
    while True:
        first9 = f"{prefix}{int(rng.integers(0, 10_000_000)):07d}"
        if tax_check_digit(first9) < 10:
            break
    code = make_tax_code(first9)
    if defect != "enterprise_check":
        return code, FieldTruth(code)
    wrong = str((int(code[9]) + int(rng.integers(1, 10))) % 10)
    return first9 + wrong, FieldTruth(first9 + wrong, False, f"tax check digit {wrong} should be {code[9]}")


def _business_registration(rng: np.random.Generator, dpi: int, defect: Defect | None) -> Specimen:
    prefix = pick(rng, sorted(_ENTERPRISE_PROVINCES))
    province = _ENTERPRISE_PROVINCES[prefix]
    first_registered = _random_day(rng, date(2010, 1, 1), date(2024, 12, 31))
    enterprise_code, code = _enterprise_code(rng, prefix, defect)
    kind, short_kind, english_kind, abbreviation = pick(rng, _COMPANY_KINDS)
    trade, english_trade = pick(rng, _TRADES)
    brand_words = rng.choice(len(_BRAND_WORDS), size=2, replace=False)
    brand = " ".join(_BRAND_WORDS[int(i)] for i in brand_words)
    name = f"{short_kind} {trade} {brand}"
    english_brand = fold(brand).upper()
    office = make_address(rng, province)
    representative = _citizen(rng, *_years_before(first_registered, 25, 60))
    printed, number = _number_truth(rng, representative, defect if defect != "enterprise_check" else None)
    capital = int(rng.choice((5, 10, 15, 20, 30, 50, 100, 200))) * 100_000_000
    rep_issued = _random_day(rng, date(2021, 1, 1), date(2024, 6, 30))

    paper = Paper(dpi)
    paper.header([("SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "regular"), (province.upper(), "regular"),
                  ("PHÒNG ĐĂNG KÝ KINH DOANH", "bold")], None, None)
    paper.center("GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", 14, space=0.3)
    paper.center(kind, 13, space=0.0)
    paper.y += paper.step(leading=0.3)
    paper.center(f"Mã số doanh nghiệp: {enterprise_code}", 13, "bold")
    paper.center(f"Đăng ký lần đầu: {long_date(first_registered)}", 13, "regular")
    if rng.random() < 0.6:
        changed = _random_day(rng, first_registered + timedelta(days=60), LATEST)
        paper.center(f"Đăng ký thay đổi lần thứ: {int(rng.integers(1, 8))}, {long_date(changed)}", 13, "regular")
    paper.field("1. Tên công ty", "", space=0.5)
    paper.field("Tên công ty viết bằng tiếng Việt", name, "bold")
    paper.field("Tên công ty viết bằng tiếng nước ngoài", f"{english_brand} {english_trade} {english_kind}")
    paper.field("Tên công ty viết tắt", f"{english_brand} {abbreviation}")
    head_office = f"{office}, Việt Nam"
    paper.field("2. Địa chỉ trụ sở chính", head_office, space=0.3)
    paper.row([("Điện thoại", f"0{int(rng.integers(20, 30))} {int(rng.integers(0, 10**8)):08d}", "regular"),
               ("Fax", "", "regular")], offsets=(0.0, 80.0))
    paper.field("3. Vốn điều lệ", f"{capital:,}".replace(",", ".") + " đồng", space=0.3)
    paper.field("Bằng chữ", _capitalise(number_words(capital)) + " đồng")
    paper.field("4. Người đại diện theo pháp luật của công ty", "", space=0.3)
    paper.row([("* Họ và tên", representative.capitals, "bold"), ("Giới tính", representative.sex, "regular")],
              offsets=(0.0, 110.0))
    paper.field("Chức danh", pick(rng, ("Giám đốc", "Tổng giám đốc", "Chủ tịch Hội đồng quản trị")))
    paper.row([("Sinh ngày", f"{representative.birth:%d/%m/%Y}", "regular"), ("Dân tộc", "Kinh", "regular"),
               ("Quốc tịch", "Việt Nam", "regular")])
    paper.field("Loại giấy tờ pháp lý của cá nhân", "Căn cước công dân")
    paper.field("Số giấy tờ pháp lý của cá nhân", printed, "bold")
    paper.row([("Ngày cấp", f"{rep_issued:%d/%m/%Y}", "regular"),
               ("Nơi cấp", "Cục Cảnh sát QLHC về TTXH", "regular")], offsets=(0.0, 55.0))
    paper.field("Địa chỉ thường trú", str(representative.residence))
    paper.field("Địa chỉ liên lạc", str(representative.residence))
    head = _citizen(rng, *_years_before(first_registered, 35, 55))
    paper.signatures(rng, [("TRƯỞNG PHÒNG", "", head.full_name)], seal=True, space=0.5)
    fields = {
        "enterprise_code": code,
        "enterprise_name": FieldTruth(name),
        "date_of_first_registration": FieldTruth(_iso(first_registered)),
        "head_office_address": FieldTruth(head_office),
        "legal_representative": FieldTruth(representative.full_name),
        "id_number": number,
    }
    return _finish("business_registration", paper, fields, enterprise_code, defect,
                   {"id_number": (representative.sex, representative.birth)})


_LAND_USES = (("Đất ở tại đô thị", 40, 300), ("Đất ở tại nông thôn", 100, 600),
              ("Đất trồng cây lâu năm", 500, 5000), ("Đất trồng lúa", 800, 4000))


def _area(rng: np.random.Generator, low: int, high: int) -> tuple[str, str, str]:
    """(printed, words, record value): a decimal comma and dotted thousands on paper, a plain decimal in the record."""
    tenths = int(rng.integers(low * 10, high * 10))
    if rng.random() < 0.4:
        tenths -= tenths % 10
    whole, tenth = divmod(tenths, 10)
    printed = f"{whole:,}".replace(",", ".") + (f",{tenth}" if tenth else "")
    words = number_words(whole) + (f" phẩy {number_words(tenth)}" if tenth else "")
    return printed, _capitalise(words), f"{whole}.{tenth}" if tenth else str(whole)


def _land_use_certificate(rng: np.random.Generator, dpi: int, defect: Defect | None) -> Specimen:
    issued = _random_day(rng, date(2015, 1, 1), LATEST)
    owner = _citizen(rng, *_years_before(issued, 25, 75))
    letters = "".join(chr(ord("A") + int(i)) for i in rng.integers(0, 26, 2))
    serial = f"{letters}{int(rng.integers(0, 10**8)):08d}"
    parcel, sheet = str(int(rng.integers(1, 1500))), str(int(rng.integers(1, 90)))
    use, low, high = pick(rng, _LAND_USES)
    printed_area, area_words, area_value = _area(rng, low, high)
    land = make_address(rng, owner.residence.province)
    land_address = str(land) if use.startswith("Đất ở") else _capitalise(", ".join(str(land).split(", ")[2:]))

    paper = Paper(dpi)
    paper.motto()
    paper.center("GIẤY CHỨNG NHẬN", 18, space=0.4)
    paper.center("QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT", 13)
    paper.center("I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất", 13, space=0.8)
    paper.field(owner.title, f"{owner.capitals}, sinh năm: {owner.birth.year}, CCCD số: {owner.id_number}",
                space=0.4)
    paper.field("Địa chỉ thường trú", str(owner.residence))
    paper.center("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", 13, space=0.8)
    paper.field("1. Thửa đất", "", space=0.3)
    paper.row([("a) Thửa đất số", parcel, "bold"), ("tờ bản đồ số", sheet, "bold")], offsets=(0.0, 60.0))
    paper.field("b) Địa chỉ", land_address)
    paper.field("c) Diện tích", f"{printed_area} m², (bằng chữ: {area_words} mét vuông)")
    paper.field("d) Hình thức sử dụng", "Sử dụng riêng")
    paper.field("đ) Mục đích sử dụng", use)
    paper.field("e) Thời hạn sử dụng", "Lâu dài" if use.startswith("Đất ở") else f"Đến ngày {issued.day:02d}/"
                f"{issued.month:02d}/{issued.year + 50}")
    paper.field("g) Nguồn gốc sử dụng", pick(rng, ("Công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
                                                    "Nhận chuyển nhượng đất được Công nhận QSDĐ như giao đất có "
                                                    "thu tiền sử dụng đất")))
    paper.field("2. Nhà ở", "-/-", space=0.3)
    paper.field("3. Công trình xây dựng khác", "-/-")
    paper.field("4. Rừng sản xuất là rừng trồng", "-/-")
    paper.field("5. Cây lâu năm", "-/-")
    paper.field("6. Ghi chú", "Không")
    paper.place_date(_capitalise(long_date(issued)))
    director = _citizen(rng, *_years_before(issued, 40, 58))
    paper.signatures(rng, [("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "", director.full_name)], seal=True, space=0.3)
    paper.text(paper.LEFT + 12.0, paper.y - 4.0, f"{letters} {serial[2:]}", 16, "bold")
    paper.text(paper.LEFT, paper.y + 4.0, f"Số vào sổ cấp GCN: CS {int(rng.integers(1, 20000)):05d}", 11)
    fields = {
        "certificate_serial": FieldTruth(serial),
        "owner_name": FieldTruth(owner.full_name),
        "parcel_number": FieldTruth(parcel),
        "map_sheet_number": FieldTruth(sheet),
        "land_address": FieldTruth(land_address),
        "area_m2": FieldTruth(area_value),
    }
    return _finish("land_use_certificate", paper, fields, owner.id_number, defect, {})


# --- dossier papers --------------------------------------------------------

_RECEIVED_PAPERS = ("Tờ khai theo mẫu", "Bản sao giấy khai sinh", "Bản sao Căn cước công dân",
                    "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp", "Văn bản ủy quyền", "Bản sao sổ hộ khẩu")


def _unit_code(rng: np.random.Generator) -> str:
    """A receiving unit's code shaped as QCVN 102:2016 codes are ("000.00.31.H57", "H56.14")."""
    province = f"H{int(rng.integers(10, 99)):02d}"
    if rng.random() < 0.6:
        return f"000.{int(rng.integers(0, 100)):02d}.{int(rng.integers(1, 100)):02d}.{province}"
    return f"{province}.{int(rng.integers(1, 100)):02d}"


_IMPOSSIBLE_DAYS = ((2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31))


def _dossier_code(rng: np.random.Generator, received: date, defect: Defect | None) -> tuple[str, FieldTruth]:
    unit, sequence = _unit_code(rng), int(rng.integers(1, 400))
    if defect != "dossier_date":
        code = make_dossier_code(unit, received, sequence)
        return code, FieldTruth(code)
    month, day = pick(rng, _IMPOSSIBLE_DAYS)
    stamp = f"{received:%y}{month:02d}{day:02d}"
    code = f"{unit}-{stamp}-{sequence:04d}"
    return code, FieldTruth(code, False, f"date part {stamp} is not a real date")


def qr_payload(dossier_code: str, procedure_code: str, applicant_id: str, system: str, issued_at: datetime) -> str:
    """The receipt's QR text: compact JSON (UTF-8) with the regulation's minimum contents.

    Keys: dossier_code, procedure_code, applicant_id, paper, system, issued_at
    (ISO 8601 with the +07:00 offset). JSON rather than ``key=value;`` because
    names and the issuing system contain separators and diacritics.
    """
    return json.dumps({"dossier_code": dossier_code, "procedure_code": procedure_code,
                       "applicant_id": applicant_id, "paper": QR_PAPER, "system": system,
                       "issued_at": issued_at.isoformat()}, ensure_ascii=False, separators=(",", ":"))


def _system_name(province: str) -> str:
    """The province's one-stop system by its portal's host name: ASCII and short, so the QR code stays small."""
    name = province.removeprefix("Tỉnh ").removeprefix("Thành phố ")
    return f"dichvucong.{''.join(char for char in fold(name) if char.isalnum())}.gov.vn"


def _clock(rng: np.random.Generator) -> time:
    return time(int(rng.integers(7, 17)), int(rng.choice((0, 15, 30, 45))))


def _dossier_receipt(rng: np.random.Generator, dpi: int, defect: Defect | None) -> Specimen:
    received = _random_day(rng, date(2022, 1, 1), LATEST)
    due = received + timedelta(days=int(rng.integers(3, 16)))
    received_at = datetime.combine(received, _clock(rng), VIETNAM_TZ)
    person = _citizen(rng, *_years_before(received, 18, 80))
    printed, number = _number_truth(rng, person, defect if defect != "dossier_date" else None)
    dossier_code, code = _dossier_code(rng, received, defect)
    procedure_code, procedure_name = pick(rng, PROCEDURES)
    home = person.residence
    system = _system_name(home.province)
    payload = qr_payload(dossier_code, procedure_code, printed, system, received_at)

    paper = Paper(dpi)
    _qr(paper, payload, 10.0, 7.0, 22.0)
    paper.y = 31.0
    office = f"{home.district_kind} {home.district}"
    paper.header([("ỦY BAN NHÂN DÂN", "regular"), (office.upper(), "regular"),
                  ("BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", "bold")],
                 None, f"{_capitalise(home.district)}, {long_date(received)}")
    paper.center("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", 14, space=0.3)
    paper.center(f"Mã hồ sơ: {dossier_code}", 13, "bold")
    paper.center("(Liên: Giao khách hàng)", 12, "italic")
    paper.para(f"Bộ phận tiếp nhận và trả kết quả Ủy ban nhân dân {office}", space=0.5)
    paper.field("Tiếp nhận hồ sơ của", f"{person.title} {person.capitals}", "bold")
    paper.field("Số định danh cá nhân", printed)
    paper.field("Địa chỉ", str(home))
    paper.field("Số điện thoại", f"0{pick(rng, ('9', '8', '3', '7'))}{int(rng.integers(0, 10**8)):08d}")
    paper.field("Nội dung yêu cầu giải quyết", procedure_name)
    paper.field("Mã thủ tục", procedure_code)
    paper.field("1. Thành phần hồ sơ nộp gồm", "", space=0.3)
    _paper_table(paper, rng)
    paper.field("2. Số lượng hồ sơ", "01 (bộ)")
    paper.field("3. Thời gian giải quyết hồ sơ theo quy định là", f"{(due - received).days:02d} ngày")
    paper.field("4. Thời gian nhận hồ sơ", f"{received_at:%H} giờ {received_at:%M} phút, ngày {received:%d/%m/%Y}")
    returned = _clock(rng)
    paper.field("5. Thời gian trả kết quả giải quyết hồ sơ",
                f"{returned:%H} giờ {returned:%M} phút, ngày {due:%d/%m/%Y}")
    paper.field("6. Đăng ký nhận kết quả tại", pick(rng, ("Bộ phận tiếp nhận và trả kết quả", "Địa chỉ thường trú")))
    clerk = _citizen(rng, *_years_before(received, 22, 55))
    paper.signatures(rng, [("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", person.full_name),
                           ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", clerk.full_name)], space=0.5)
    fields = {
        "dossier_code": code,
        "procedure_code": FieldTruth(procedure_code),
        "procedure_name": FieldTruth(procedure_name),
        "full_name": FieldTruth(person.full_name),
        "id_number": number,
        "date_received": FieldTruth(_iso(received)),
        "date_of_return": FieldTruth(_iso(due)),
    }
    return _finish("dossier_receipt", paper, fields, printed, defect, {"id_number": (None, None)},
                   dossier_code=dossier_code,
                   qr_payload=payload)


def _paper_table(paper: Paper, rng: np.random.Generator) -> None:
    """The ruled list of received papers: number, name, originals and copies."""
    columns = (0.0, 14.0, 115.0, 140.0, paper.width)
    heads = ("STT", "Tên giấy tờ", "Bản chính", "Bản sao")
    chosen = rng.choice(len(_RECEIVED_PAPERS), size=int(rng.integers(2, 5)), replace=False)
    rows = [heads] + [(str(k + 1), _RECEIVED_PAPERS[int(i)], *(("1", "") if rng.random() < 0.5 else ("", "1")))
                      for k, i in enumerate(chosen)]
    row_h = paper.step(12, 1.5)
    top = paper.y - paper.step(12, 0.9)
    for k, row in enumerate(rows):
        baseline = top + row_h * (k + 0.72)
        for (left, right), text in zip(zip(columns, columns[1:]), row, strict=True):
            paper.text(paper.LEFT + (left + right) / 2, baseline, text, 12, "bold" if k == 0 else "regular",
                       align="center")
    bottom = top + row_h * len(rows)
    for k in range(len(rows) + 1):
        paper.line(paper.LEFT, top + row_h * k, paper.RIGHT, top + row_h * k, width=0.2)
    for x in columns:
        paper.line(paper.LEFT + x, top, paper.LEFT + x, bottom, width=0.2)
    paper.y = bottom + paper.step(leading=0.9)


_RESIDENCE_PROCEDURES = ("Đăng ký thường trú", "Đăng ký tạm trú", "Xác nhận thông tin về cư trú",
                         "Điều chỉnh thông tin trong Cơ sở dữ liệu về cư trú")


def _form_title(procedure: str) -> tuple[str, str | None]:
    """Residence procedures use form CT01, registrations a "tờ khai" named after them, the rest a request."""
    if procedure in _RESIDENCE_PROCEDURES:
        return "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", None
    if procedure.startswith("Đăng ký"):
        return f"TỜ KHAI {procedure.upper()}", None
    return "ĐƠN ĐỀ NGHỊ", f"(V/v {procedure[:1].lower()}{procedure[1:]})"


def _boxed_digits(paper: Paper, label: str, number: str) -> None:
    """Form CT01 prints the personal number one digit per box."""
    end = paper.text(paper.LEFT, paper.y, f"{label}:", paper.PT)
    box, x = 6.0, end + 2.0
    for k, digit in enumerate(number):
        left = x + k * box
        paper.rect(left, paper.y - 4.6, left + box, paper.y + 1.6, width=0.2)
        paper.text(left + box / 2, paper.y, digit, paper.PT, align="center")
    paper.y += paper.step(leading=1.5)


def _application_form(rng: np.random.Generator, dpi: int, defect: Defect | None) -> Specimen:
    written = _random_day(rng, date(2022, 1, 1), LATEST)
    person = _citizen(rng, *_years_before(written, 18, 80))
    printed, number = _number_truth(rng, person, defect)
    _, procedure = pick(rng, PROCEDURES)
    home = person.residence
    title, subtitle = _form_title(procedure)
    addressee = (f"Công an {home.ward_kind} {home.ward}" if procedure in _RESIDENCE_PROCEDURES
                 else f"Ủy ban nhân dân {home.ward_kind} {home.ward}")
    signer = "NGƯỜI LÀM ĐƠN" if title == "ĐƠN ĐỀ NGHỊ" else "NGƯỜI KÊ KHAI"

    paper = Paper(dpi)
    paper.motto()
    paper.center(title, 14, space=0.6)
    if subtitle:
        paper.center(subtitle, 13, "regular")
    paper.center(f"Kính gửi: {addressee}", 13, "regular", space=0.5)
    paper.y += paper.step(leading=0.5)
    paper.field("1. Họ, chữ đệm và tên", person.capitals, "bold")
    paper.row([("2. Ngày, tháng, năm sinh", f"{person.birth:%d/%m/%Y}", "regular"),
               ("3. Giới tính", person.sex, "regular")], offsets=(0.0, 100.0))
    if rng.random() < 0.5:
        _boxed_digits(paper, "4. Số định danh cá nhân", printed)
    else:
        paper.field("4. Số định danh cá nhân", printed, "bold")
    paper.row([("5. Số điện thoại liên hệ", f"0{pick(rng, ('9', '8', '3'))}{int(rng.integers(0, 10**8)):08d}",
                "regular"), ("6. Email", "Không", "regular")], offsets=(0.0, 100.0))
    paper.field("7. Nơi cư trú", str(home))
    paper.field("8. Nội dung đề nghị", procedure)
    paper.para("Tôi xin cam đoan những thông tin kê khai trên là đúng sự thật và chịu trách nhiệm trước pháp luật "
               "về lời khai của mình.", space=0.5)
    paper.place_date(f"{home.district}, {long_date(written)}")
    paper.signatures(rng, [(signer, "(Ký, ghi rõ họ tên)", person.full_name)], space=0.4)
    fields = {
        "full_name": FieldTruth(person.full_name),
        "id_number": number,
        "procedure_name": FieldTruth(procedure),
    }
    return _finish("application_form", paper, fields, printed, defect, {"id_number": (person.sex, person.birth)})


# --- entry point -----------------------------------------------------------

_BUILDERS: dict[DocType, Callable[[np.random.Generator, int, Defect | None], Specimen]] = {
    "cccd": _cccd,
    "cmnd": _cmnd,
    "birth_certificate": _birth_certificate,
    "marriage_certificate": _marriage_certificate,
    "residence_confirmation": _residence_confirmation,
    "business_registration": _business_registration,
    "land_use_certificate": _land_use_certificate,
    "dossier_receipt": _dossier_receipt,
    "application_form": _application_form,
}


def make_specimen(doc_type: DocType, rng: np.random.Generator, *, dpi: int = 300,
                  defect: Defect | None = None) -> Specimen:
    """Render one clean specimen; ``defect`` must be one of ``DEFECTS[doc_type]``."""
    if doc_type not in _BUILDERS:
        raise ValueError(f"unknown doc_type {doc_type!r}; expected one of {DOC_TYPES}")
    if defect is not None and defect not in DEFECTS[doc_type]:
        raise ValueError(f"{doc_type} cannot carry defect {defect!r}; possible: {DEFECTS[doc_type]}")
    return _BUILDERS[doc_type](rng, dpi, defect)
