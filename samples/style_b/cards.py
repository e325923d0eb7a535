"""Identity cards in style B: three CCCD generations and the CMND, in colour.

Style A draws one card, the 2021 chip CCCD, grey on an A4 photocopy. Citizens
hand in every generation still in their wallets: the 2016 barcode CCCD
(monolingual labels, no MRZ), the 2021 chip CCCD (bilingual labels, MRZ) and
the 2024 identity card of Circular 16/2024/TT-BCA ("CĂN CƯỚC": the front has
no origin or residence, the back has the place of residence, the place of
birth registration, issue and expiry dates and the MRZ); and old CMNDs with
values typed over dotted lines. Each face is drawn in colour so it can be
photographed on a table (``photo``) as well as photocopied onto A4, where
cards lie a little askew, as hands put them on the glass.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from PIL import Image, ImageDraw

from ocr.fields.card import expected_expiry
from ocr.fields.mrz import make_td1
from ocr.fields.provinces import PROVINCE_CODES
from samples.specimens import (
    _MARKS,
    CARD_MM,
    LATEST,
    MOTTO,
    PT_MM,
    Citizen,
    Defect,
    FieldTruth,
    Specimen,
    _break_mrz,
    _capitalise,
    _citizen,
    _cmnd_number,
    _emblem,
    _guilloche,
    _iso,
    _number_truth,
    _photo,
    _place,
    _qr,
    _random_day,
    _signature,
    _years_before,
)
from samples.style_b.drawing import BLUE_INK, RED, RGB, Canvas, Rendered, seal
from samples.text import long_date, pick

CARD_RADIUS = 3.2
Template = str  # "barcode2016", "chip2021", "card2024"
_ISSUED = {"barcode2016": (date(2016, 1, 1), date(2021, 6, 30)), "chip2021": (date(2021, 1, 1), date(2024, 6, 30)),
           "card2024": (date(2024, 7, 1), LATEST)}


def _card(dpi: int, rng: np.random.Generator, face: str, paper: RGB, pattern: RGB) -> Canvas:
    card = Canvas(CARD_MM[0], CARD_MM[1], dpi, face, paper)
    _guilloche(card.ink(pattern), rng)
    return card


def _pair(card: Canvas, x: float, y: float, label: str, value: str, label_pt: float, value_pt: float,
          style: str = "regular", *, ink: Canvas | None = None) -> float:
    """``Label: value`` on one card line; returns where the value ends."""
    end = card.text(x, y, label, label_pt)
    return (ink or card).text(end + 1.0, y, value, value_pt, style)  # type: ignore[arg-type]


def _fit(card: Canvas, runs: list[tuple[str, float]], width: float, budget: float) -> float:
    """The largest type scale (1 to 0.7) at which wrapped values fit ``budget`` mm of height, as cards shrink type."""
    for scale in (1.0, 0.94, 0.88, 0.82, 0.76, 0.7):
        height = sum(len(card.wrap([(text, "regular")], width, pt * scale)) * pt * scale * PT_MM * 1.25
                     for text, pt in runs)
        if height <= budget:
            return scale
    return 0.7


def _mrz(card: Canvas, lines: tuple[str, str, str], top: float) -> None:
    """Three OCR-B lines at the ICAO pitch of 2.54 mm a character."""
    pt = 2.54 / (card.measure("0" * 30, 10.0, family="ocr-b") / 30 / 10.0)  # type: ignore[arg-type]
    for k, line in enumerate(lines):
        card.text(4.6, top + 4.6 * k, line, pt, family="ocr-b")  # type: ignore[arg-type]


def _chip(card: Canvas, x: float, y: float) -> None:
    gold = card.ink((200, 160, 60))
    gold.rect(x, y, x + 11.0, y + 8.5, outline=60, fill=150, width=0.2, radius=1.5)
    for k in range(1, 3):
        gold.line(x + 11.0 * k / 3, y, x + 11.0 * k / 3, y + 8.5, width=0.2, fill=60)
    gold.line(x, y + 4.25, x + 11.0, y + 4.25, width=0.2, fill=60)


def _barcode(card: Canvas, rng: np.random.Generator, x: float, y: float, width: float, height: float) -> None:
    cursor = x
    while cursor < x + width:
        bar = float(rng.choice((0.18, 0.36, 0.54)))
        card.rect(cursor, y, cursor + bar, y + height, outline=None, fill=20)
        cursor += bar + float(rng.choice((0.18, 0.36, 0.54)))


# --- CCCD fronts -------------------------------------------------------------

def _front_chip2021(rng: np.random.Generator, dpi: int, face: str, person: Citizen, number: str, issued: date,
                    expiry: date | None) -> Canvas:
    card = _card(dpi, rng, face, (226, 236, 240), (40, 140, 170))
    red = card.ink(RED)
    _emblem(red, 3.0, 2.6, 12.5)
    _qr(card, "|".join((number, "", person.full_name, f"{person.birth:%d%m%Y}", person.sex, str(person.residence),
                        f"{issued:%d%m%Y}")), 70.5, 1.6, 13.5)
    card.text(44.0, 5.4, MOTTO[0], 5.6, "bold", align="center")
    card.text(44.0, 8.1, MOTTO[1], 5.6, "bold", align="center")
    red.text(44.0, 12.6, "CĂN CƯỚC CÔNG DÂN", 9.0, "bold", align="center")
    card.text(44.0, 15.2, "Citizen Identity Card", 5.6, "bold", align="center")
    _photo(card, 3.0, 18.0, 21.5, 42.5)
    _pair(card, 2.0, 46.8, "Có giá trị đến:", f"{expiry:%d/%m/%Y}" if expiry else "Không thời hạn", 4.4, 5.2, "bold")
    card.text(2.0, 49.1, "Date of expiry", 4.2, "italic")
    x, width = 24.5, 59.5
    residence_label = "Nơi thường trú / Place of residence:"
    first, rest = _split(str(person.residence))
    if card.measure(residence_label, 5.3) + 1.0 + card.measure(first, 6.6) > width:
        first, rest = "", str(person.residence)
    scale = _fit(card, [(person.origin, 6.6), (rest, 6.6)], width, 12.0)
    label, value = 5.3 * scale, 6.6 * scale
    y = 20.2
    _pair(card, x, y, "Số / No.:", number, 5.8, 10.0, "bold", ink=red)
    y += 3.6
    card.text(x, y, "Họ và tên / Full name:", label)
    y += label * PT_MM * 1.35 + 0.9
    card.text(x + 3.0, y, person.capitals, value * 1.2, "bold")
    y += value * PT_MM * 1.35
    _pair(card, x, y, "Ngày sinh / Date of birth:", f"{person.birth:%d/%m/%Y}", label, value)
    y += value * PT_MM * 1.3
    _pair(card, x, y, "Giới tính / Sex:", person.sex, label, value)
    _pair(card, x + 23.0, y, "Quốc tịch / Nationality:", "Việt Nam", label, value)
    y += value * PT_MM * 1.3
    card.text(x, y, "Quê quán / Place of origin:", label)
    y += label * PT_MM * 1.25
    y, _ = card.lines(x, y, width, [(person.origin, "regular")], value, leading=1.25)
    _pair(card, x, y, residence_label, first, label, value)
    y += value * PT_MM * 1.25
    card.lines(x, y, width, [(rest, "regular")], value, leading=1.25)
    return card


def _split(address: str) -> tuple[str, str]:
    """House and street beside the label, the rest below, as the chip card prints the residence."""
    parts = address.split(", ")
    return ", ".join(parts[:2]), ", ".join(parts[2:])


def _front_barcode2016(rng: np.random.Generator, dpi: int, face: str, person: Citizen, number: str,
                       expiry: date | None) -> Canvas:
    card = _card(dpi, rng, face, (232, 240, 234), (70, 150, 110))
    red = card.ink(RED)
    _emblem(red, 3.5, 3.0, 14.0)
    card.text(49.0, 5.6, MOTTO[0], 6.0, "bold", align="center")
    end = card.text(49.0, 8.5, MOTTO[1], 6.0, "bold", align="center")
    card.line(98.0 - end, 9.3, end, 9.3, width=0.15)
    red.text(49.0, 13.6, "CĂN CƯỚC CÔNG DÂN", 9.5, "bold", align="center")
    _pair(card, 33.0, 18.6, "Số:", number, 7.0, 10.5, "bold", ink=red)
    _photo(card, 3.5, 20.0, 21.5, 43.5)
    card.text(2.2, 47.2, "Có giá trị đến:", 4.8)
    card.text(2.2, 50.0, f"{expiry:%d/%m/%Y}" if expiry else "Không thời hạn", 5.6, "bold")
    x, width = 24.0, 60.0
    residence = str(person.residence)
    scale = _fit(card, [(f"Quê quán: {person.origin}", 6.8), (f"Nơi thường trú: {residence}", 6.8)], width, 13.5)
    pt = 6.8 * scale
    y = 23.6
    card.text(x, y, "Họ và tên:", pt)
    y += pt * PT_MM * 1.3
    card.text(x + 2.0, y, person.capitals, 8.0 * scale, "bold")
    y += pt * PT_MM * 1.4
    _pair(card, x, y, "Ngày, tháng, năm sinh:", f"{person.birth:%d/%m/%Y}", pt, pt)
    y += pt * PT_MM * 1.3
    _pair(card, x, y, "Giới tính:", person.sex, pt, pt)
    _pair(card, x + 20.0, y, "Quốc tịch:", "Việt Nam", pt, pt)
    y += pt * PT_MM * 1.3
    y, _ = card.lines(x, y, width, [("Quê quán:", "regular"), (person.origin, "regular")], pt, leading=1.25)
    card.lines(x, y, width, [("Nơi thường trú:", "regular"), (residence, "regular")], pt, leading=1.25)
    return card


def _front_card2024(rng: np.random.Generator, dpi: int, face: str, person: Citizen, number: str) -> Canvas:
    card = _card(dpi, rng, face, (236, 234, 242), (150, 110, 170))
    red = card.ink(RED)
    _emblem(red, 3.0, 2.4, 11.5)
    card.text(16.5, 5.0, MOTTO[0], 5.4, "bold")
    card.text(16.5, 7.6, "SOCIALIST REPUBLIC OF VIET NAM", 4.8)
    red.text(16.5, 12.6, "CĂN CƯỚC", 11.5, "bold")
    card.ink(BLUE_INK).text(49.0, 12.6, "IDENTITY CARD", 6.5, "bold")
    _photo(card, 3.0, 16.5, 21.0, 39.5)
    _chip(card, 5.5, 42.0)
    x, width = 24.0, 60.0
    scale = _fit(card, [(person.capitals, 8.0)], width, 4.5)
    y = 19.0
    card.text(x, y, "Số định danh cá nhân / Personal identification number:", 4.6)
    y += 4.3
    card.text(x + 2.0, y, number, 10.0, "bold")
    y += 4.2
    card.text(x, y, "Họ, chữ đệm và tên khai sinh / Surname, middle name and given name:", 4.3)
    y += 3.8
    y, _ = card.lines(x + 2.0, y, width, [(person.capitals, "bold")], 8.0 * scale, leading=1.2)
    y += 0.6
    _pair(card, x, y, "Ngày, tháng, năm sinh / Date of birth:", f"{person.birth:%d/%m/%Y}", 4.6, 6.6)
    y += 3.9
    _pair(card, x, y, "Giới tính / Sex:", person.sex, 4.6, 6.6)
    _pair(card, x + 22.0, y, "Quốc tịch / Nationality:", "Việt Nam", 4.6, 6.6)
    return card


# --- CCCD backs --------------------------------------------------------------

def _back_chip2021(rng: np.random.Generator, dpi: int, face: str, issued: date, mrz: tuple[str, str, str]) -> Canvas:
    card = _card(dpi, rng, face, (230, 238, 240), (40, 140, 170))
    card.text(3.0, 4.4, "Đặc điểm nhân dạng / Personal identification:", 5.0)
    y, _ = card.lines(3.0, 7.2, 46.0, [(pick(rng, _MARKS), "regular")], 5.8, leading=1.2)
    _pair(card, 3.0, y + 0.8, "Ngày, tháng, năm / Date, month, year:", f"{issued:%d/%m/%Y}", 5.0, 6.0, "bold")
    y = card.centred(26.0, y + 4.2, 46.0, "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", 5.0,
                     "bold")
    seal(card.ink(RED), 17.0, y + 3.0, "BỘ CÔNG AN", radius=6.0)
    _signature(card, rng, 27.0, y + 3.0, 15.0)
    card.text(27.0, y + 7.2, _official(rng).full_name, 5.8, "bold", align="center")
    for left, label, english in ((52.5, "Ngón trỏ trái", "Left index finger"),
                                 (68.5, "Ngón trỏ phải", "Right index finger")):
        card.rect(left, 2.8, left + 14.5, 21.5, outline=90, width=0.2, radius=1.0)
        card.text(left + 7.25, 24.0, label, 4.6, align="center")
        card.text(left + 7.25, 26.0, english, 4.0, "italic", align="center")
    _mrz(card, mrz, 40.0)
    return card


def _back_barcode2016(rng: np.random.Generator, dpi: int, face: str, issued: date) -> Canvas:
    card = _card(dpi, rng, face, (232, 240, 234), (70, 150, 110))
    for left, label in ((3.0, "Ngón trỏ trái"), (20.5, "Ngón trỏ phải")):
        card.rect(left, 4.0, left + 15.5, 24.0, outline=90, width=0.2, radius=1.0)
        card.text(left + 7.75, 27.0, label, 5.0, align="center")
    _barcode(card, rng, 42.0, 3.0, 40.0, 6.5)
    x, width = 40.0, 43.0
    card.text(x, 14.0, "Đặc điểm nhân dạng:", 6.0)
    y, _ = card.lines(x, 17.0, width, [(pick(rng, _MARKS), "regular")], 6.0, leading=1.2)
    y = card.centred(x + width / 2, y + 1.8, width, _capitalise(long_date(issued)), 6.0, "italic")
    y = card.centred(x + width / 2, y, width, "CỤC TRƯỞNG CỤC CẢNH SÁT ĐKQL CƯ TRÚ VÀ DLQG VỀ DÂN CƯ", 5.6, "bold")
    seal(card.ink(RED), x + width / 2 - 9.0, y + 3.5, "BỘ CÔNG AN", radius=6.0)
    _signature(card, rng, x + width / 2, y + 4.0, 15.0)
    card.text(x + width / 2, y + 8.6, _official(rng).full_name, 6.0, "bold", align="center")
    return card


def _back_card2024(rng: np.random.Generator, dpi: int, face: str, person: Citizen, number: str, issued: date,
                   expiry: date | None, birth_place: str, mrz: tuple[str, str, str]) -> Canvas:
    card = _card(dpi, rng, face, (236, 234, 242), (150, 110, 170))
    _qr(card, f"{number}||{person.full_name}|{person.birth:%d%m%Y}|{person.sex}|{person.residence}|{issued:%d%m%Y}",
        70.0, 1.8, 14.0)
    x, width = 3.0, 64.0
    scale = _fit(card, [(str(person.residence), 6.4), (birth_place, 6.4)], width, 14.5)
    value = 6.4 * scale
    y = 4.4
    card.text(x, y, "Nơi cư trú / Place of residence:", 4.6)
    y += 2.9
    y, _ = card.lines(x + 1.5, y, width, [(str(person.residence), "regular")], value, leading=1.2)
    card.text(x, y, "Nơi đăng ký khai sinh / Place of birth:", 4.6)
    y += 2.9
    y, _ = card.lines(x + 1.5, y, width, [(birth_place, "regular")], value, leading=1.2)
    _pair(card, x, y + 0.4, "Ngày, tháng, năm cấp / Date of issue:", f"{issued:%d/%m/%Y}", 4.6, 6.2)
    shown = f"{expiry:%d/%m/%Y}" if expiry else "Không thời hạn"
    _pair(card, x, y + 3.8, "Ngày, tháng, năm hết hạn / Date of expiry:", shown, 4.6, 6.2)
    card.text(72.0, 21.0, "BỘ CÔNG AN", 5.4, "bold", align="center")
    card.text(72.0, 23.4, "MINISTRY OF PUBLIC SECURITY", 3.8, align="center")
    seal(card.ink(RED), 72.0, 28.5, "BỘ CÔNG AN", radius=5.5)
    _mrz(card, mrz, 40.5)
    return card


def _official(rng: np.random.Generator) -> Citizen:
    return _citizen(rng, date(1962, 1, 1), date(1976, 12, 31), sex="Nam")


# --- the card on paper -------------------------------------------------------

def _rounded(card: Canvas) -> Image.Image:
    mask = Image.new("L", card.image.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, mask.size[0] - 1, mask.size[1] - 1),
                                           radius=card.px(CARD_RADIUS), fill=255)
    return mask


def photocopy_page(rng: np.random.Generator, dpi: int, faces: list[Canvas], face: str) -> tuple[Canvas, float]:
    """Both faces copied onto A4, stacked or side by side, each a little askew; copier toner darkens the card."""
    page = Canvas(210.0, 297.0, dpi, face)
    side_by_side = rng.random() < 0.35
    x0, y0 = (float(rng.uniform(8.0, 16.0)), float(rng.uniform(12.0, 40.0))) if side_by_side else (
        float(rng.uniform(15.0, 100.0)), float(rng.uniform(12.0, 40.0)))
    contrast = float(rng.uniform(1.1, 1.45))
    for k, card in enumerate(faces):
        x = x0 + (k * (CARD_MM[0] + float(rng.uniform(4.0, 10.0))) if side_by_side else float(rng.uniform(-4, 4)))
        y = y0 + (float(rng.uniform(-3, 3)) if side_by_side else k * (CARD_MM[1] + float(rng.uniform(8.0, 25.0))))
        tone = np.clip(255.0 - (255.0 - card.gray().astype(np.float32)) * contrast - 18.0, 0, 255).astype(np.uint8)
        angle = float(rng.uniform(-2.5, 2.5))
        image = Image.fromarray(tone).rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
        mask = _rounded(card).rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=0)
        page.image.paste(image, (page.px(x), page.px(y)), mask)
        edge = Image.new("L", mask.size, 60)
        outline = mask.point(lambda v: 255 if 40 < v < 215 else 0)
        page.image.paste(edge, (page.px(x), page.px(y)), outline)
    return page, y0 + (CARD_MM[1] + 12.0 if side_by_side else 2 * CARD_MM[1] + 30.0)


def certify(rng: np.random.Generator, page: Canvas, ward: str, after: date, y: float) -> None:
    """A commune's "true copy" rubber stamp in violet, a signature and the red seal over it."""
    day = _random_day(rng, after, min(after + timedelta(days=900), LATEST))
    x = float(rng.uniform(20.0, 100.0))
    stamp = page.ink((120, 40, 130))
    lines = ("CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH",
             f"Số chứng thực: {int(rng.integers(1, 5000))} Quyển số: {int(rng.integers(1, 12)):02d}/{day.year}-SCT/BS",
             _capitalise(long_date(day)), "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    bottom = y + 5.0
    for k, text in enumerate(lines):
        bottom = stamp.centred(x + 44.0, bottom, 86.0, text, 9.0, "bold" if k in (0, 3, 4) else "regular")
    stamp.rect(x, y, x + 88.0, y + 18.0, outline=30, width=0.5)
    _signature(page.ink(BLUE_INK), rng, x + 44.0, bottom + 8.0, 24.0)
    seal(page.ink(RED), x + 30.0, bottom + 4.0, f"ỦY BAN NHÂN DÂN {ward}")
    page.text(x + 44.0, bottom + 18.0, _official(rng).full_name, 10.0, "bold", align="center")


def _paper(rng: np.random.Generator, dpi: int, faces: list[Canvas], face: str, ward: str, after: date) -> Canvas:
    page, bottom = photocopy_page(rng, dpi, faces, face)
    if rng.random() < 0.5:
        certify(rng, page, ward, after, bottom + float(rng.uniform(5.0, 40.0)))
    return page


# --- builders ----------------------------------------------------------------

def cccd(rng: np.random.Generator, dpi: int, defect: Defect | None) -> Rendered:
    templates = ("chip2021", "card2024") if defect == "mrz_check" else ("barcode2016", "chip2021", "chip2021",
                                                                        "card2024", "card2024")
    template = pick(rng, templates)
    face = pick(rng, ("noto-sans", "dejavu-sans", "dejavu-condensed"))
    issued = _random_day(rng, *_ISSUED[template])
    person = _citizen(rng, *_years_before(issued, 15, 75))
    expiry = expected_expiry(person.birth, issued)
    printed, number = _number_truth(rng, person, defect)
    fields = {"id_number": number, "full_name": FieldTruth(person.full_name),
              "date_of_birth": FieldTruth(_iso(person.birth)), "sex": FieldTruth(person.sex),
              "nationality": FieldTruth("Việt Nam"), "date_of_expiry": FieldTruth(_iso(expiry)),
              "date_of_issue": FieldTruth(_iso(issued))}
    if template != "card2024":  # the 2024 card prints neither quê quán nor a "thường trú"
        fields["place_of_origin"] = FieldTruth(person.origin)
    fields["place_of_residence"] = FieldTruth(str(person.residence))
    if template == "barcode2016":
        faces = [_front_barcode2016(rng, dpi, face, person, printed, expiry),
                 _back_barcode2016(rng, dpi, face, issued)]
    else:
        lines = make_td1(printed, full_name=person.full_name, birth_date=person.birth, sex=person.sex, expiry=expiry)
        mrz = FieldTruth("\n".join(lines))
        if not number.valid:
            mrz = FieldTruth(mrz.value, False, f"holds the personal number: {number.issue}")
        elif defect == "mrz_check":
            lines, mrz = _break_mrz(rng, lines)
        fields["mrz"] = mrz
        if template == "chip2021":
            faces = [_front_chip2021(rng, dpi, face, person, printed, issued, expiry),
                     _back_chip2021(rng, dpi, face, issued, lines)]
        else:
            birth_place = _place(rng, PROVINCE_CODES[person.id_number[:3]])
            faces = [_front_card2024(rng, dpi, face, person, printed),
                     _back_card2024(rng, dpi, face, person, printed, issued, expiry, birth_place, lines)]
    home = person.residence
    page = _paper(rng, dpi, faces, pick(rng, ("noto-serif", "dejavu-serif")), f"{home.ward_kind} {home.ward}", issued)
    specimen = Specimen("cccd", page.gray(), dpi, fields, printed, defect=defect,
                        printed_with={"id_number": (person.sex, person.birth)})
    return Rendered(specimen, page.rgb(), tuple(card.rgb() for card in faces))


def cmnd(rng: np.random.Generator, dpi: int, defect: Defect | None) -> Rendered:
    """The 9-digit CMND of 1999-2015: values typed over printed dots; the card often yellowed with age."""
    issued = _random_day(rng, date(2000, 1, 1), date(2015, 12, 31))
    person = _citizen(rng, *_years_before(issued, 14, 60))
    number = _cmnd_number(rng)
    residence = str(person.residence)
    face = pick(rng, ("noto-serif", "dejavu-serif"))
    aged = (236, 232, 200) if rng.random() < 0.5 else (218, 232, 238)

    front = _card(dpi, rng, face, aged, (60, 120, 170))
    red = front.ink(RED)
    _emblem(red, 3.5, 4.0, 16.0)
    _photo(front, 4.5, 24.0, 20.5, 46.0)
    cx, x, width = 54.0, 23.5, 60.0
    front.text(cx, 5.0, MOTTO[0], 6.0, "bold", align="center")
    end = front.text(cx, 7.8, MOTTO[1], 6.0, "bold", align="center")
    front.line(2 * cx - end, 8.6, end, 8.6, width=0.15)
    front.text(cx, 12.8, "GIẤY CHỨNG MINH NHÂN DÂN", 9.0, "bold", align="center")
    end = front.text(cx - 16.0, 18.0, "SỐ", 8.0, "bold")
    red.text(end + 2.0, 18.0, number, 12.0, "bold")
    y = 23.0
    step = 7.2 * PT_MM * 1.4
    for label, value in (("Họ tên", person.capitals), ("Sinh ngày", f"{person.birth:%d-%m-%Y}"),
                         ("Nguyên quán", person.origin), ("Nơi ĐKHK thường trú", residence)):
        label_end = front.text(x, y, label, 6.6)
        first = front.wrap([(value, "regular")], x + width - label_end - 2.0, 7.2, family="typewriter")[0]
        rest = " ".join(value.split()[len(first):])
        front.dots(label_end + 0.5, x + width, y + 0.3, 5.0)
        front.text(label_end + 2.0, y - 0.4, " ".join(word for word, _, _ in first), 7.2, family="typewriter")
        y += step
        while rest:
            line = front.wrap([(rest, "regular")], width, 7.2, family="typewriter")[0]
            rest = " ".join(rest.split()[len(line):])
            front.dots(x, x + width, y + 0.3, 5.0)
            front.text(x, y - 0.4, " ".join(word for word, _, _ in line), 7.2, family="typewriter")
            y += step

    back = _card(dpi, rng, face, aged, (60, 120, 170))
    for left, label in ((3.0, "NGÓN TRỎ TRÁI"), (21.5, "NGÓN TRỎ PHẢI")):
        back.text(left + 8.5, 5.0, label, 4.6, "bold", align="center")
        back.rect(left, 6.5, left + 17.0, 28.0, outline=90, width=0.2)
    x, width = 41.0, 42.0
    end = back.text(x, 5.0, "DÂN TỘC:", 5.6, "bold")
    back.text(end + 1.0, 5.0, "Kinh", 6.6, family="typewriter")  # type: ignore[arg-type]
    end = back.text(x + 20.0, 5.0, "TÔN GIÁO:", 5.6, "bold")
    back.text(end + 1.0, 5.0, "Không", 6.6, family="typewriter")  # type: ignore[arg-type]
    back.text(x + width / 2, 10.0, "DẤU VẾT RIÊNG VÀ DỊ HÌNH", 6.2, "bold", align="center")
    y, _ = back.lines(x, 13.5, width, [(pick(rng, _MARKS), "regular")], 6.6, family="typewriter")
    y = back.centred(x + width / 2, y + 2.0, width, _capitalise(long_date(issued)), 6.4, "italic")
    province = PROVINCE_CODES[person.id_number[:3]].removeprefix("Tỉnh ").removeprefix("Thành phố ")
    y = back.centred(x + width / 2, y, width, f"GIÁM ĐỐC CA {province.upper()}", 6.2, "bold")
    seal(back.ink(RED), x + width / 2 - 8.0, y + 4.0, f"CÔNG AN {province.upper()}", radius=7.0)
    _signature(back, rng, x + width / 2, y + 5.0, 16.0)
    back.text(x + width / 2, y + 11.0, _official(rng).full_name, 6.4, "bold", align="center")

    home = person.residence
    page = _paper(rng, dpi, [front, back], face, f"{home.ward_kind} {home.ward}", date(2018, 1, 1))
    fields = {"id_number": FieldTruth(number), "full_name": FieldTruth(person.full_name),
              "date_of_birth": FieldTruth(_iso(person.birth)), "place_of_origin": FieldTruth(person.origin),
              "place_of_residence": FieldTruth(residence)}
    specimen = Specimen("cmnd", page.gray(), dpi, fields, None, defect=defect)
    return Rendered(specimen, page.rgb(), (front.rgb(), back.rgb()))
