"""A4 papers in style B: the templates and wordings style A does not draw.

Every type has two or three templates that real one-stop shops receive, set in
a ``Look`` drawn per paper (face, size, how values follow labels, bold labels,
date style, names in capitals or not):

- birth certificate: the 2016 "bản chính" on security paper, the "trích lục
  khai sinh (bản sao)" copy from the register, and the pre-2016 form with a
  table of the parents and no personal number;
- marriage certificate: the 2016 form with its husband/wife table (the number
  inside "Giấy tờ tùy thân"), and the one-column "trích lục kết hôn";
- CT07 residence confirmation: the police form with numbered items, boxed
  digits and a household table, and the system printout with label cells and
  an electronic-signature box;
- business registration: the forms of Circular 20/2015 and 01/2021, headed by
  the Department of Planning and Investment or, from March 2025, of Finance,
  sometimes with an owner section naming another person;
- land-use certificate: the 2014 "sổ hồng", the 2024 form with its parcel
  table, and the pre-2009 "sổ đỏ" whose owner has only a CMND;
- dossier receipt: the Circular 01/2018 form and the one printed by web
  systems, with other label wordings and a QR code holding only the dossier
  code or a look-up address;
- application: form CT01 (boxed digits, the household head's number too), the
  birth-registration "tờ khai" and a free "đơn đề nghị" in prose.

Truth keeps style A's keys and formats; a field the template does not print is
left out of the truth. A birth certificate's ``date_of_issue`` is its
registration date, as in style A, also on a copy that prints a later date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta

import numpy as np

from samples.specimens import (
    _BRAND_WORDS,
    _COMPANY_KINDS,
    _ENTERPRISE_PROVINCES,
    _LAND_USES,
    _RECEIVED_PAPERS,
    _RESIDENCE_PROCEDURES,
    _TRADES,
    VIETNAM_TZ,
    Citizen,
    Defect,
    FieldTruth,
    Specimen,
    _area,
    _birth_place,
    _capitalise,
    _citizen,
    _clock,
    _cmnd_number,
    _dossier_code,
    _emblem,
    _enterprise_code,
    _guilloche,
    _iso,
    _number_truth,
    _qr,
    _random_day,
    _system_name,
    _years_before,
    date_words,
    number_words,
    qr_payload,
)
from samples.style_b.drawing import (
    PRINTOUT_FACES,
    RED,
    RGB,
    WHITE,
    Form,
    Look,
    Rendered,
    draw_look,
)
from samples.text import PROCEDURES, Address, long_date, make_address, pick
from search.folding import fold

LATEST = date(2025, 6, 30)
NAME_LABELS = ("Họ và tên", "Họ, chữ đệm và tên", "Họ tên", "Họ, chữ đệm, tên")
RESIDENCE_LABELS = ("Nơi thường trú", "Nơi cư trú", "Địa chỉ thường trú")
ID_LABELS = ("Số CCCD", "Số định danh cá nhân", "Số CMND/CCCD", "Số giấy tờ tùy thân")


def _set(dpi: int, look: Look, draw: Callable[[Form], None], paper: RGB = WHITE) -> Form:
    """Lay the paper out, shrinking the type until it fits on A4, as a clerk would before printing."""
    while True:
        form = Form(dpi, look, paper)
        draw(form)
        if form.fits():
            return form
        if look.pt <= 10.0:
            raise RuntimeError(f"layout ran {form.y - 287:.0f} mm past the page at {look.pt} pt")
        look = look.smaller()


def _done(doc_type: str, form: Form, fields: dict[str, FieldTruth], owner: str | None, defect: Defect | None,
          printed_with: dict, **extra: str | None) -> Rendered:
    specimen = Specimen(doc_type, form.gray(), form.dpi, fields, owner, defect=defect,  # type: ignore[arg-type]
                        printed_with=printed_with, **extra)  # type: ignore[arg-type]
    return Rendered(specimen, form.rgb())


def _ward(home: Address) -> str:
    return f"{home.ward_kind} {home.ward}"


def _committee(home: Address) -> str:
    return (f"Ủy ban nhân dân {home.ward_kind} {home.ward}, {home.district_kind} {home.district}, "
            f"{home.province}")


def _place(home: Address) -> str:
    return home.district if home.district_kind != "quận" else home.province.removeprefix("Thành phố ").removeprefix(
        "Tỉnh ")


def _card_words(rng: np.random.Generator, number: str, on: date) -> str:
    """How papers name the identity paper beside its number."""
    if len(number) == 9:
        return pick(rng, (f"Chứng minh nhân dân số {number}", f"CMND số {number}"))
    if on >= date(2024, 7, 1) and rng.random() < 0.5:
        return f"Thẻ căn cước số {number}"
    issued = on - timedelta(days=int(rng.integers(30, 1200)))
    return pick(rng, (f"Căn cước công dân số {number}", f"CCCD số {number}",
                      f"CCCD số {number}, cấp ngày {issued:%d/%m/%Y}"))


def _security_paper(form: Form, rng: np.random.Generator, colour: RGB) -> None:
    """Certificates are printed on paper with a faint guilloche and a ruled frame."""
    _guilloche(form.ink(colour), rng)
    frame = form.ink(colour)
    frame.rect(7.0, 7.0, 203.0, 290.0, outline=60, width=0.8)
    frame.rect(9.0, 9.0, 201.0, 288.0, outline=110, width=0.3)


# --- birth certificate -------------------------------------------------------

def birth_certificate(rng: np.random.Generator, dpi: int, defect: Defect | None) -> Rendered:
    template = pick(rng, ("gks2016", "trich_luc") if defect else ("gks2016", "gks2016", "trich_luc", "trich_luc",
                                                                   "gks_old"))
    born = _random_day(rng, date(2001, 1, 1), date(2015, 12, 31)) if template == "gks_old" else _random_day(
        rng, date(2016, 1, 1) if template == "gks2016" else date(2008, 1, 1), date(2024, 12, 31))
    registered = born + timedelta(days=int(rng.integers(3, 60)))
    father = _citizen(rng, *_years_before(born, 22, 45), sex="Nam")
    mother = _citizen(rng, *_years_before(born, 19, 40), sex="Nữ", residence=father.residence)
    child = replace(_citizen(rng, born, born, surname=father.full_name.split()[0], residence=father.residence),
                    origin=father.origin)
    printed, number = _number_truth(rng, child, defect)
    ethnicity = "Kinh" if rng.random() < 0.9 else pick(rng, ("Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng"))
    place_of_birth = _birth_place(rng, child.residence)
    declarant = pick(rng, (father, mother))
    home = child.residence
    serial, book = int(rng.integers(1, 400)), f"{int(rng.integers(1, 4)):02d}/{registered.year}"
    official = _citizen(rng, *_years_before(registered, 30, 55))
    copied = _random_day(rng, registered, LATEST)
    parents_in_table = template == "gks_old" or rng.random() < 0.4
    look = draw_look(rng)
    seal_text = f"ỦY BAN NHÂN DÂN {_ward(home)}"

    def parents(form: Form) -> None:
        if parents_in_table:
            name_label = "Họ và tên" if template == "gks_old" else "Họ, chữ đệm, tên"
            home_label = "Nơi thường trú" if template == "gks_old" else "Nơi cư trú"
            if template == "gks_old":
                form.title("PHẦN KHAI VỀ CHA, MẸ", form.pt, space=0.3)
            form.y += form.step(0.8)
            form.table([["", "MẸ", "CHA"],
                        [name_label, form.name(mother.full_name), form.name(father.full_name)],
                        ["Năm sinh", str(mother.birth.year), str(father.birth.year)],
                        ["Dân tộc", ethnicity, ethnicity], ["Quốc tịch", "Việt Nam", "Việt Nam"],
                        [home_label, str(mother.residence), str(father.residence)]], [30, 50, 50], head=1,
                       label_column=True)
            return
        for role, parent in (("mẹ", mother), ("cha", father)):
            form.field(f"Họ, chữ đệm, tên người {role}", form.name(parent.full_name), bold=True, space=0.3)
            form.row([("Năm sinh", str(parent.birth.year)), ("Dân tộc", ethnicity), ("Quốc tịch", "Việt Nam")])
            form.field("Nơi cư trú", str(parent.residence))

    def draw(form: Form) -> None:
        if template == "gks2016":
            _security_paper(form, rng, (200, 120, 150))
            form.y = 16.0
            form.text(form.look.left, form.y + 4.0, f"Số: {serial}", form.pt - 1)
            form.text(form.look.left, form.y + 9.0, f"Quyển số: {book}", form.pt - 1)
            form.motto(rng)
            form.title("GIẤY KHAI SINH", form.pt + 5, space=0.4)
        elif template == "trich_luc":
            form.header(["ỦY BAN NHÂN DÂN", _ward(home).upper()], f"Số: {serial}/TLKS-BS", rng)
            form.title("TRÍCH LỤC KHAI SINH\n(BẢN SAO)", form.pt + 2)
        else:
            form.header(["ỦY BAN NHÂN DÂN", _ward(home).upper()], f"Số: {serial}", rng)
            form.text(form.look.left + 36.0, form.y, f"Quyển số: {book[:2]}", form.pt - 0.5, align="center")
            form.title("GIẤY KHAI SINH\n(BẢN CHÍNH)", form.pt + 3)
        form.y += form.step(0.5)
        old = template == "gks_old"
        form.field("Họ và tên" if old else "Họ, chữ đệm, tên", form.name(child.full_name), bold=True)
        if old:
            form.field("Giới tính", child.sex)
        form.field("Ngày, tháng, năm sinh", form.date(child.birth))
        form.field("(Ghi bằng chữ)" if old else "ghi bằng chữ", date_words(child.birth), indent=8.0, mode="colon")
        form.row([("Dân tộc", ethnicity), ("Quốc tịch", "Việt Nam")] if old else
                 [("Giới tính", child.sex), ("Dân tộc", ethnicity), ("Quốc tịch", "Việt Nam")])
        form.field("Nơi sinh", place_of_birth)
        form.field("Quê quán", child.origin)
        if not old:
            form.field("Số định danh cá nhân", printed, bold=True)
        parents(form)
        declarer = "Họ và tên người đi khai sinh" if old else pick(rng, ("Họ, chữ đệm, tên người đi khai sinh",
                                                                          "Người đi khai sinh"))
        form.field(declarer, form.name(declarant.full_name), space=0.3)
        if old:
            form.field("Quan hệ với người được khai sinh", "Cha" if declarant is father else "Mẹ")
        else:
            form.field("Giấy tờ tùy thân", _card_words(rng, declarant.id_number, registered))
        form.field("Nơi đăng ký khai sinh", _committee(home))
        form.field("Đăng ký ngày" if old else "Ngày, tháng, năm đăng ký", form.date(registered))
        if template == "trich_luc":
            form.field("Ghi chú", "Bản sao được cấp từ Sổ đăng ký khai sinh")
            form.place_date(f"{_place(home)}, {long_date(copied)}")
            role, note = pick(rng, (("NGƯỜI KÝ TRÍCH LỤC", "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)"),
                                    ("TL. CHỦ TỊCH\nCÔNG CHỨC TƯ PHÁP - HỘ TỊCH", None)))
        elif old:
            form.y += form.step(0.5)
            role, note = "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", None
        else:
            form.y += form.step(0.5)
            role, note = "NGƯỜI KÝ GIẤY KHAI SINH", "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)"
        form.y = form.signer(rng, form.look.left + form.width * 0.7, role, note, official.full_name,
                             seal_text=seal_text)

    form = _set(dpi, look, draw, (252, 246, 247) if template == "gks2016" else WHITE)
    fields = {"full_name": FieldTruth(child.full_name), "date_of_birth": FieldTruth(_iso(child.birth)),
              "sex": FieldTruth(child.sex), "ethnicity": FieldTruth(ethnicity),
              "nationality": FieldTruth("Việt Nam"), "place_of_birth": FieldTruth(place_of_birth)}
    if template != "gks_old":
        fields["id_number"] = number
    fields |= {"father_name": FieldTruth(father.full_name), "mother_name": FieldTruth(mother.full_name),
               "date_of_issue": FieldTruth(_iso(registered))}
    with_number = template != "gks_old"
    return _done("birth_certificate", form, fields, printed if with_number else None, defect,
                 {"id_number": (child.sex, child.birth)} if with_number else {})


# --- marriage certificate ----------------------------------------------------

def marriage_certificate(rng: np.random.Generator, dpi: int, defect: Defect | None) -> Rendered:
    registered = _random_day(rng, date(2016, 1, 1), LATEST)
    husband = _citizen(rng, *_years_before(registered, 20, 45), sex="Nam")
    wife = _citizen(rng, *_years_before(registered, 18, 40), sex="Nữ")
    broken = pick(rng, ("husband", "wife"))
    numbers = {role: _number_truth(rng, person, defect if role == broken else None)
               for role, person in (("husband", husband), ("wife", wife))}
    printed = {role: value for role, (value, _) in numbers.items()}
    template = pick(rng, ("gcn2016", "gcn2016", "trich_luc"))
    cards = {role: _card_words(rng, printed[role], registered) for role in printed}
    own_row = rng.random() < 0.35  # the 2024 revision prints the personal number on its own row
    if own_row:
        cards = {role: pick(rng, ("Căn cước công dân", "Thẻ căn cước" if registered.year >= 2024 else "CCCD"))
                 for role in printed}
    ruled = rng.random() < 0.7
    home = husband.residence
    official = _citizen(rng, *_years_before(registered, 30, 55))
    serial = int(rng.integers(1, 300))
    look = draw_look(rng)

    def draw(form: Form) -> None:
        if template == "gcn2016":
            _security_paper(form, rng, (120, 150, 200))
            form.y = 16.0
            form.text(form.look.left, form.y + 4.0, f"Số: {serial}", form.pt - 1)
            form.text(form.look.left, form.y + 9.0, f"Quyển số: {int(rng.integers(1, 3)):02d}/{registered.year}",
                      form.pt - 1)
            form.motto(rng)
            form.title("GIẤY CHỨNG NHẬN KẾT HÔN", form.pt + 4, space=0.4)
            form.y += form.step(0.8)
            heads = pick(rng, (("Thông tin người chồng", "Thông tin người vợ"), ("Chồng", "Vợ")))
            rows = [["", *heads],
                    ["Họ, chữ đệm, tên", form.name(husband.full_name), form.name(wife.full_name)],
                    ["Ngày, tháng, năm sinh", form.date(husband.birth), form.date(wife.birth)],
                    ["Dân tộc", "Kinh", "Kinh"], ["Quốc tịch", "Việt Nam", "Việt Nam"],
                    ["Nơi cư trú", str(husband.residence), str(wife.residence)],
                    ["Giấy tờ tùy thân", cards["husband"], cards["wife"]]]
            if own_row:
                rows.append(["Số định danh cá nhân", printed["husband"], printed["wife"]])
            if ruled:
                form.table(rows, [32, 50, 50], head=1, label_column=True, bold_cells={(1, 1), (1, 2)})
            else:
                _columns(form, rows)
        else:
            form.header(["ỦY BAN NHÂN DÂN", _ward(home).upper()], f"Số: {serial}/TLKH-BS", rng)
            form.title("TRÍCH LỤC KẾT HÔN\n(BẢN SAO)", form.pt + 2)
            for role, person in (("chồng", husband), ("vợ", wife)):
                key = "husband" if role == "chồng" else "wife"
                form.field(f"Họ, chữ đệm, tên {role}", form.name(person.full_name), bold=True, space=0.4)
                form.field("Ngày, tháng, năm sinh", form.date(person.birth))
                form.row([("Dân tộc", "Kinh"), ("Quốc tịch", "Việt Nam")])
                form.field("Nơi cư trú", str(person.residence))
                form.field("Giấy tờ tùy thân", cards[key])
                if own_row:
                    form.field("Số định danh cá nhân", printed[key])
        form.field("Nơi đăng ký kết hôn", _committee(home), space=0.3)
        form.field("Ngày, tháng, năm đăng ký", form.date(registered))
        if template == "trich_luc":
            form.place_date(f"{_place(home)}, {long_date(_random_day(rng, registered, LATEST))}")
            form.y = form.signer(rng, form.look.left + form.width * 0.7, "NGƯỜI KÝ TRÍCH LỤC", None,
                                 official.full_name, seal_text=f"ỦY BAN NHÂN DÂN {_ward(home)}")
            return
        form.y += form.step(0.6)
        top = form.y
        bottoms = [form.signer(rng, form.look.left + form.width * k / 6, role, None, person.full_name, top=top)
                   for k, role, person in ((1, "Chồng", husband), (3, "Vợ", wife))]
        bottoms.append(form.signer(rng, form.look.left + form.width * 5 / 6, "NGƯỜI KÝ GIẤY\nCHỨNG NHẬN", None,
                                   official.full_name, seal_text=f"ỦY BAN NHÂN DÂN {_ward(home)}", top=top))
        form.y = max(bottoms)

    form = _set(dpi, look, draw, (246, 249, 253) if template == "gcn2016" else WHITE)
    fields = {"husband_name": FieldTruth(husband.full_name), "wife_name": FieldTruth(wife.full_name),
              "husband_id_number": numbers["husband"][1], "wife_id_number": numbers["wife"][1],
              "date_of_registration": FieldTruth(_iso(registered))}
    return _done("marriage_certificate", form, fields, printed["husband"], defect,
                 {"husband_id_number": (None, husband.birth), "wife_id_number": (None, wife.birth)})


def _columns(form: Form, rows: list[list[str]]) -> None:
    """The husband/wife table without rules: a label column and two value columns."""
    xs = (form.look.left, form.look.left + form.width * 0.3, form.look.left + form.width * 0.66)
    widths = (form.width * 0.29, form.width * 0.34, form.width * 0.34)
    for k, row in enumerate(rows):
        ends = []
        for c, (x, width, text) in enumerate(zip(xs, widths, row, strict=True)):
            style = "bold" if k == 0 or (c == 0 and form.look.label_bold) else "regular"
            label = f"{text}:" if c == 0 and text else text
            ends.append(form.lines(x, form.y, width, [(label, style)], form.pt)[0])  # type: ignore[list-item]
        form.y = max(ends) + form.step(0.2)


# --- CT07 residence confirmation ---------------------------------------------

def residence_confirmation(rng: np.random.Generator, dpi: int, defect: Defect | None) -> Rendered:
    issued = _random_day(rng, date(2022, 1, 1), LATEST)
    person = _citizen(rng, *_years_before(issued, 16, 80))
    printed, number = _number_truth(rng, person, defect)
    home = person.residence
    if rng.random() < 0.5:
        head, relation = person, "Chủ hộ"
    else:
        head = _citizen(rng, *_years_before(person.birth, 20, 35), sex="Nam", surname=person.full_name.split()[0],
                        residence=home)
        relation = "Con"
    members = [_citizen(rng, *_years_before(issued, 1, 70), surname=head.full_name.split()[0], residence=home)
               for _ in range(int(rng.integers(0, 4)))]
    template = pick(rng, ("ct07", "ct07", "printout"))
    residence_label = pick(rng, ("Nơi thường trú", "Nơi thường trú", "Địa chỉ thường trú", "Nơi cư trú"))
    name_label = pick(rng, ("Họ, chữ đệm và tên", "Họ, chữ đệm và tên", "Họ và tên"))
    police = f"Công an {_ward(home)}"
    chief = _citizen(rng, *_years_before(issued, 35, 55), sex="Nam")
    look = draw_look(rng, PRINTOUT_FACES if template == "printout" else ("noto-serif", "dejavu-serif",
                                                                         "noto-serif-display", "noto-sans"))
    date_on_top = rng.random() < 0.4
    boxed = rng.random() < 0.5
    head_number = head.id_number if head is not person else printed

    def draw(form: Form) -> None:
        if template == "printout":
            form.header(["BỘ CÔNG AN", "CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI"] if rng.random() < 0.5
                        else [f"CÔNG AN {home.province}".upper(), police.upper()], None, rng)
            form.title("XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", form.pt + 2)
            form.y += form.step(0.6)
            rows = [[name_label, form.name(person.full_name)], ["Ngày, tháng, năm sinh", form.date(person.birth)],
                    ["Giới tính", person.sex], ["Số định danh cá nhân", printed], ["Quê quán", person.origin],
                    [residence_label, str(home)], ["Nơi tạm trú", ""], ["Nơi ở hiện tại", str(home)],
                    ["Họ, chữ đệm và tên chủ hộ", form.name(head.full_name)], ["Quan hệ với chủ hộ", relation]]
            form.table(rows, [38, 92], label_column=True, bold_cells={(0, 1), (3, 1)})
            form.para(f"Thông tin được xác nhận theo Cơ sở dữ liệu về cư trú tại thời điểm {issued:%d/%m/%Y}.",
                      indent=0.0)
            form.y += form.step(0.6)
            box_x = form.look.left + form.width * 0.5
            signed = datetime.combine(issued, _clock(rng), VIETNAM_TZ)
            stamp = form.ink((30, 110, 60))
            y = stamp.centred(box_x + 38.0, form.y + 4.0, 74.0, f"Ký bởi: {police.upper()}", form.pt - 2, "bold")
            y = stamp.centred(box_x + 38.0, y, 74.0, f"Ngày ký: {signed:%d/%m/%Y %H:%M}", form.pt - 2)
            stamp.rect(box_x, form.y, box_x + 76.0, y, outline=40, width=0.3)
            form.y = y + form.step()
            return
        form.header([f"CÔNG AN {home.province}".upper(), police.upper()],
                     f"Số: {int(rng.integers(1, 2000))}/XN" if rng.random() < 0.6 else None, rng)
        if date_on_top:
            form.place_date(f"{_capitalise(_ward(home))}, {long_date(issued)}")
        form.title("XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", form.pt + 1.5)
        form.para(f"{police} xác nhận thông tin về cư trú của công dân như sau:", space=0.5)
        form.field(f"1. {name_label}", form.name(person.full_name), bold=True)
        form.row([("2. Ngày, tháng, năm sinh", form.date(person.birth)), ("3. Giới tính", person.sex)],
                 (0.0, form.width * 0.62))
        if boxed:
            form.boxes("4. Số định danh cá nhân", printed)
        else:
            form.field("4. Số định danh cá nhân", printed, bold=True)
        form.row([("5. Dân tộc", "Kinh"), ("6. Tôn giáo", "Không"), ("7. Quốc tịch", "Việt Nam")])
        form.field("8. Quê quán", person.origin)
        form.field(f"9. {residence_label}", str(home))
        form.field("10. Nơi tạm trú", "Không")
        form.field("11. Nơi ở hiện tại", str(home))
        form.field("12. Họ, chữ đệm và tên chủ hộ", form.name(head.full_name))
        form.field("13. Quan hệ với chủ hộ", relation)
        form.field("14. Số định danh cá nhân của chủ hộ", head_number)
        if members:
            form.field("15. Thông tin về thành viên hộ gia đình", "", mode="colon")
            form.y += form.step(0.9)
            form.table([["TT", "Họ, chữ đệm và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân",
                         "Quan hệ với chủ hộ"]] + [[str(k + 1), form.name(m.full_name), f"{m.birth:%d/%m/%Y}", m.sex,
                                                    m.id_number, pick(rng, ("Con", "Vợ", "Cháu"))]
                                                   for k, m in enumerate(members)],
                       [8, 40, 22, 14, 32, 20], head=1, pt=form.pt - 2)
        form.para(pick(rng, ("Giấy xác nhận này có giá trị 30 ngày kể từ ngày cấp.",
                             "Xác nhận này có giá trị 06 tháng kể từ ngày ký.")), space=0.3)
        if not date_on_top:
            form.place_date(f"{_capitalise(_ward(home))}, {long_date(issued)}")
        form.y = form.signer(rng, form.look.left + form.width * 0.7, f"TRƯỞNG CÔNG AN {home.ward_kind.upper()}",
                             "(Ký, ghi rõ họ tên, đóng dấu)", chief.full_name, seal_text=police)

    form = _set(dpi, look, draw)
    fields = {"full_name": FieldTruth(person.full_name), "id_number": number,
              "place_of_residence": FieldTruth(str(home)), "date_of_issue": FieldTruth(_iso(issued))}
    return _done("residence_confirmation", form, fields, printed, defect, {"id_number": (person.sex, person.birth)})


# --- business registration ---------------------------------------------------

def business_registration(rng: np.random.Generator, dpi: int, defect: Defect | None) -> Rendered:
    prefix = pick(rng, sorted(_ENTERPRISE_PROVINCES))
    province = _ENTERPRISE_PROVINCES[prefix]
    first = _random_day(rng, date(2010, 1, 1), date(2024, 12, 31))
    changed = _random_day(rng, first + timedelta(days=60), LATEST) if rng.random() < 0.6 else None
    latest = changed or first
    code, code_truth = _enterprise_code(rng, prefix, defect)
    kind, short_kind, _, _ = pick(rng, _COMPANY_KINDS)
    trade, english_trade = pick(rng, _TRADES)
    brand = " ".join(_BRAND_WORDS[int(i)] for i in rng.choice(len(_BRAND_WORDS), size=2, replace=False))
    name = f"{short_kind} {trade} {brand}"
    head_office = f"{make_address(rng, province)}, Việt Nam"
    rep = _citizen(rng, *_years_before(first, 25, 60))
    id_defect = defect if defect != "enterprise_check" else None
    old_card = id_defect is None and latest < date(2021, 1, 1) and rng.random() < 0.4
    printed, number = (_cmnd_number(rng), None) if old_card else _number_truth(rng, rep, id_defect)
    number = number or FieldTruth(printed)
    owner = rep if rng.random() < 0.6 else _citizen(rng, *_years_before(first, 25, 70))
    with_owner = "MỘT THÀNH VIÊN" in kind and rng.random() < 0.7
    capital = int(rng.choice((5, 10, 15, 20, 30, 50, 100, 200))) * 100_000_000
    template = "tt01" if latest >= date(2021, 1, 4) else "tt20"
    department = "SỞ TÀI CHÍNH" if latest >= date(2025, 3, 1) else "SỞ KẾ HOẠCH VÀ ĐẦU TƯ"
    head = _citizen(rng, *_years_before(latest, 35, 55))
    look = draw_look(rng, modes=("colon", "colon", "dots", "below"))

    def person(form: Form, who: Citizen, shown: str, title: str | None) -> None:
        form.row([("* Họ và tên" if rng.random() < 0.5 else "Họ và tên", form.name(who.full_name)),
                  ("Giới tính", who.sex)], (0.0, form.width * 0.68), bold=(True, False))
        if title:
            form.field("Chức danh", title)
        form.row([("Sinh ngày", form.date(who.birth)), ("Dân tộc", "Kinh"), ("Quốc tịch", "Việt Nam")],
                 (0.0, form.width * 0.45, form.width * 0.72))
        # Before 2016 a 12-digit number was printed on the 12-digit CMND, the card CCCD later replaced.
        issued = _random_day(rng, min(date(2016, 1, 1), latest - timedelta(days=400)), latest)
        card_kind = "Chứng minh nhân dân" if len(shown) == 9 or issued.year < 2016 else (
            "Thẻ căn cước" if issued >= date(2024, 7, 1) else "Căn cước công dân")
        if template == "tt01":
            form.field("Loại giấy tờ pháp lý của cá nhân", card_kind)
            form.field("Số giấy tờ pháp lý của cá nhân", shown, bold=True)
        else:
            form.field("Loại giấy tờ chứng thực cá nhân", card_kind)
            form.field("Số giấy chứng thực cá nhân", shown, bold=True)
        form.row([("Ngày cấp", f"{issued:%d/%m/%Y}"), ("Nơi cấp", "Công an tỉnh" if len(shown) == 9 else
                                                      "Cục Cảnh sát QLHC về TTXH")], (0.0, form.width * 0.4))
        if template == "tt01":
            form.field("Địa chỉ thường trú", str(who.residence))
            form.field("Địa chỉ liên lạc", str(who.residence))
        else:
            form.field("Nơi đăng ký hộ khẩu thường trú", str(who.residence))
            form.field("Chỗ ở hiện tại", str(who.residence))

    def draw(form: Form) -> None:
        form.header([department, province.upper(), "PHÒNG ĐĂNG KÝ KINH DOANH"], None, rng)
        form.title("GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", form.pt + 1.5)
        form.title(kind, form.pt, space=0.0)
        form.y += form.step(0.3)
        form.title(f"Mã số doanh nghiệp: {code}", form.pt, space=0.0)
        form.title(f"Đăng ký lần đầu: {long_date(first) if rng.random() < 0.7 else form.date(first)}", form.pt,
                   "regular", space=0.0)
        if changed:
            form.title(f"Đăng ký thay đổi lần thứ: {int(rng.integers(1, 8))}, {long_date(changed)}", form.pt,
                       "regular", space=0.0)
        form.field("1. Tên công ty", "", mode="colon", space=0.5)
        form.field("Tên công ty viết bằng tiếng Việt", name, bold=True)
        english = f"{fold(brand).upper()} {english_trade} COMPANY LIMITED"
        form.field("Tên công ty viết bằng tiếng nước ngoài", english)
        form.field("Tên công ty viết tắt", f"{fold(brand).upper().replace(' ', '')} CO., LTD")
        form.field("2. Địa chỉ trụ sở chính", head_office, space=0.3)
        form.row([("Điện thoại", f"0{int(rng.integers(20, 30))}{int(rng.integers(0, 10**8)):08d}"), ("Fax", "")],
                 (0.0, form.width * 0.55))
        form.field("3. Vốn điều lệ", f"{capital:,}".replace(",", ".") + " đồng", space=0.3)
        form.field("Bằng chữ", _capitalise(number_words(capital)) + " đồng")
        section = 4
        if with_owner:
            form.field(f"{section}. Thông tin về chủ sở hữu", "", mode="colon", space=0.3)
            person(form, owner, owner.id_number if owner is not rep else printed, None)
            section += 1
        form.field(f"{section}. Người đại diện theo pháp luật của công ty", "", mode="colon", space=0.3)
        person(form, rep, printed, pick(rng, ("Giám đốc", "Tổng giám đốc", "Chủ tịch công ty")))
        form.y += form.step(0.4)
        form.y = form.signer(rng, form.look.left + form.width * 0.7, "TRƯỞNG PHÒNG", None, head.full_name,
                             seal_text=f"PHÒNG ĐĂNG KÝ KINH DOANH {province.removeprefix('Thành phố ')}")

    form = _set(dpi, look, draw)
    fields = {"enterprise_code": code_truth, "enterprise_name": FieldTruth(name),
              "date_of_first_registration": FieldTruth(_iso(first)), "head_office_address": FieldTruth(head_office),
              "legal_representative": FieldTruth(rep.full_name), "id_number": number}
    return _done("business_registration", form, fields, code, defect, {"id_number": (rep.sex, rep.birth)})


# --- land-use certificate ----------------------------------------------------

def land_use_certificate(rng: np.random.Generator, dpi: int, defect: Defect | None) -> Rendered:
    template = pick(rng, ("gcn2014", "gcn2014", "gcn2024", "old"))
    issued = _random_day(rng, *{"gcn2014": (date(2015, 1, 1), date(2024, 7, 31)),
                                "gcn2024": (date(2024, 8, 1), LATEST), "old": (date(2001, 1, 1), date(2009, 9, 30))}
                         [template])
    owner = _citizen(rng, *_years_before(issued, 25, 75), sex="Nam" if rng.random() < 0.7 else None)
    spouse = _citizen(rng, *_years_before(issued, 23, 70), sex="Nữ" if owner.sex == "Nam" else "Nam",
                      residence=owner.residence) if template != "old" and rng.random() < 0.35 else None
    with_cmnd = template == "old" or (issued < date(2021, 1, 1) and rng.random() < 0.5)
    owner_number = _cmnd_number(rng) if with_cmnd else owner.id_number
    letters = "".join(chr(ord("A") + int(i)) for i in rng.integers(0, 26, 2))
    serial = f"{letters}{int(rng.integers(0, 10**8)):08d}"
    parcel, sheet_no = str(int(rng.integers(1, 1500))), str(int(rng.integers(1, 90)))
    use, low, high = pick(rng, _LAND_USES)
    printed_area, area_words, area_value = _area(rng, low, high)
    land = make_address(rng, owner.residence.province)
    land_address = str(land) if use.startswith("Đất ở") else _capitalise(", ".join(str(land).split(", ")[2:]))
    term = "Lâu dài" if use.startswith("Đất ở") else f"Đến ngày {issued.day:02d}/{issued.month:02d}/{issued.year + 50}"
    origin = pick(rng, ("Công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
                        "Nhà nước giao đất có thu tiền sử dụng đất", "Nhận chuyển nhượng quyền sử dụng đất"))
    unit = pick(rng, ("m²", "m²", "m2"))
    signer_role = pick(rng, ("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
                             "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"))
    director = _citizen(rng, *_years_before(issued, 40, 58))
    look = draw_look(rng, modes=("colon", "colon", "dots"))
    card = "CMND số" if with_cmnd else pick(rng, ("CCCD số", "Số định danh cá nhân:", "Căn cước công dân số"))

    def holder(form: Form, who: Citizen, number: str, title: str) -> None:
        form.field(title, f"{form.name(who.full_name)}, sinh năm: {who.birth.year}, {card} {number}",
                   mode="colon")

    def draw(form: Form) -> None:
        red = form.ink(RED)
        if template == "old":
            form.motto(rng)
            red.text(105.0, form.y + 6.0, "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT", form.pt + 4, "bold", align="center")
            form.y += 6.0 + form.step(1.4)
            form.para(f"Ủy ban nhân dân {owner.residence.district_kind} {owner.residence.district} chứng nhận:",
                      indent=0.0)
            form.title("I. NGƯỜI SỬ DỤNG ĐẤT", form.pt, space=0.2)
            form.field(pick(rng, ("Hộ ông (bà)", "Ông (Bà)", "Hộ ông")), form.name(owner.full_name), bold=True)
            form.row([("Năm sinh", str(owner.birth.year)), ("CMND số", owner_number)], (0.0, form.width * 0.4))
            form.field("Địa chỉ thường trú", str(owner.residence))
            form.title("II. THỬA ĐẤT ĐƯỢC QUYỀN SỬ DỤNG", form.pt, space=0.4)
            form.y += form.step(0.8)
            form.table([["Thửa đất số", "Tờ bản đồ số", f"Diện tích ({unit})", "Mục đích sử dụng",
                         "Thời hạn sử dụng", "Nguồn gốc sử dụng"], [parcel, sheet_no, printed_area, use, term, origin]],
                       [16, 16, 18, 26, 22, 32], head=1, pt=form.pt - 1.5)
            form.field("Địa chỉ thửa đất", land_address)
        else:
            _security_paper(form, rng, (220, 120, 140))
            form.y = 14.0
            form.motto(rng)
            if template == "gcn2024":
                _qr(form, f"{serial}|{parcel}|{sheet_no}|{owner_number}", form.look.left, 14.0, 20.0)
                form.text(form.look.right, 20.0, f"Số phát hành: {letters} {serial[2:]}", form.pt - 1, "bold",
                          align="right")
            else:
                _emblem(red, 93.0, form.y, 24.0)
                form.y += 26.0
            heading = ("GIẤY CHỨNG NHẬN\nQUYỀN SỬ DỤNG ĐẤT\nQUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT"
                       if template == "gcn2014" else
                       "GIẤY CHỨNG NHẬN\nQUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT")
            for k, line in enumerate(heading.split("\n")):
                form.y = red.centred(105.0, form.y + form.step(0.3 if k else 0.8), form.width, line,
                                     form.pt + (4 if k == 0 else 1), "bold")
            if template == "gcn2014":
                form.title("I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất", form.pt)
                holder(form, owner, owner_number, "Ông" if owner.sex == "Nam" else "Bà")
                if spouse:
                    holder(form, spouse, spouse.id_number, "và vợ là bà" if spouse.sex == "Nữ" else "và chồng là ông")
                form.field("Địa chỉ thường trú", str(owner.residence))
                form.title("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", form.pt)
                form.field("1. Thửa đất", "", mode="colon")
                form.row([("a) Thửa đất số", parcel), ("Tờ bản đồ số", sheet_no)], (0.0, form.width * 0.45))
                form.field("b) Địa chỉ", land_address)
                form.field("c) Diện tích", f"{printed_area} {unit}, (bằng chữ: {area_words} mét vuông)")
                form.field("d) Hình thức sử dụng", "Sử dụng riêng")
                form.field("đ) Mục đích sử dụng", use)
                form.field("e) Thời hạn sử dụng", term)
                form.field("g) Nguồn gốc sử dụng", origin)
                form.field("2. Nhà ở", "-/-")
                form.field("3. Ghi chú", "Không")
            else:
                form.field("1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất", "", mode="colon", space=0.5)
                holder(form, owner, owner_number, "Ông" if owner.sex == "Nam" else "Bà")
                if spouse:
                    holder(form, spouse, spouse.id_number, "Bà" if spouse.sex == "Nữ" else "Ông")
                form.field("Địa chỉ", str(owner.residence))
                form.field("2. Thông tin thửa đất", "", mode="colon", space=0.3)
                form.y += form.step(0.9)
                form.table([["Thửa đất số", parcel], ["Tờ bản đồ số", sheet_no],
                            ["Diện tích", f"{printed_area} {unit}"], ["Loại đất", use],
                            ["Hình thức sử dụng", "Sử dụng riêng"], ["Thời hạn sử dụng", term],
                            ["Nguồn gốc sử dụng", origin], ["Địa chỉ", land_address]], [35, 95], label_column=True)
                form.field("3. Thông tin tài sản gắn liền với đất", "-/-")
                form.field("4. Ghi chú", "Không")
        home = owner.residence
        form.place_date(f"{_place(home)}, {long_date(issued)}")
        form.y = form.signer(rng, form.look.left + form.width * 0.68, signer_role if template != "old" else
                             "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", None, director.full_name,
                             seal_text=f"ỦY BAN NHÂN DÂN {home.district_kind} {home.district}")
        if template != "gcn2024":
            red.text(form.look.left + 4.0, form.y - 6.0, f"{letters} {serial[2:]}", 16, "bold")
            form.text(form.look.left, form.y + 2.0, f"Số vào sổ cấp GCN: CS {int(rng.integers(1, 20000)):05d}",
                      form.pt - 1.5)
            form.y += form.step()

    form = _set(dpi, look, draw, (253, 244, 244) if template != "old" else (250, 246, 238))
    fields = {"certificate_serial": FieldTruth(serial), "owner_name": FieldTruth(owner.full_name),
              "parcel_number": FieldTruth(parcel), "map_sheet_number": FieldTruth(sheet_no),
              "land_address": FieldTruth(land_address), "area_m2": FieldTruth(area_value)}
    return _done("land_use_certificate", form, fields, None if with_cmnd else owner.id_number, defect, {})


# --- dossier receipt ---------------------------------------------------------

def dossier_receipt(rng: np.random.Generator, dpi: int, defect: Defect | None) -> Rendered:
    received = _random_day(rng, date(2022, 1, 1), LATEST)
    due = received + timedelta(days=int(rng.integers(3, 16)))
    received_at = datetime.combine(received, _clock(rng), VIETNAM_TZ)
    person = _citizen(rng, *_years_before(received, 18, 80))
    old_card = defect is None and received < date(2024, 7, 1) and rng.random() < 0.1
    printed, number = (_cmnd_number(rng), None) if old_card else _number_truth(
        rng, person, defect if defect != "dossier_date" else None)
    number = number or FieldTruth(printed)
    dossier_code, code_truth = _dossier_code(rng, received, defect)
    procedure_code, procedure_name = pick(rng, PROCEDURES)
    home = person.residence
    system = _system_name(home.province)
    payload = pick(rng, ("code", "code", "json", "url"))
    qr_text = {"code": dossier_code, "json": qr_payload(dossier_code, procedure_code, printed, system, received_at),
               "url": f"https://{system}/tra-cuu-ho-so?ma={dossier_code}"}[payload]
    qr_right = rng.random() < 0.3
    template = pick(rng, ("tt01", "printout"))
    office = f"{home.district_kind} {home.district}"
    agency = pick(rng, (["ỦY BAN NHÂN DÂN", office.upper(), "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"],
                        [f"UBND {home.province.upper()}", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"],
                        ["ỦY BAN NHÂN DÂN", _ward(home).upper(), "BỘ PHẬN MỘT CỬA"]))
    name_label = pick(rng, ("Tiếp nhận hồ sơ của", "Họ và tên người nộp", "Người nộp hồ sơ", "Họ tên"))
    id_label = pick(rng, ID_LABELS) if not old_card else pick(rng, ("Số CMND/CCCD", "Số giấy tờ tùy thân"))
    address_label = pick(rng, ("Địa chỉ", "Địa chỉ thường trú", "Nơi cư trú"))
    clerk = _citizen(rng, *_years_before(received, 22, 55))
    returned = _clock(rng)
    look = draw_look(rng, PRINTOUT_FACES if template == "printout" else ("noto-serif", "dejavu-serif", "noto-sans"),
                     modes=("colon", "colon", "dots"))

    def draw(form: Form) -> None:
        _qr(form, qr_text, 165.0 if qr_right else 10.0, 6.0, 24.0)
        form.y = 32.0
        form.header(agency, None, rng)
        form.title("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", form.pt + 1)
        code_label = pick(rng, ("Mã hồ sơ", "Mã hồ sơ", "Số hồ sơ", "Mã số hồ sơ"))
        if template == "printout":
            form.title(f"(Liên: {pick(rng, ('Giao người nộp', 'Lưu'))})", form.pt - 1, "italic", space=0.0)
            form.y += form.step(0.7)
            name = person.full_name if rng.random() < 0.5 else form.name(person.full_name)
            rows = [[code_label, dossier_code], [pick(rng, ("Tên thủ tục", "Thủ tục hành chính")), procedure_name],
                    [pick(rng, ("Mã thủ tục", "Mã TTHC")), procedure_code], [name_label, name],
                    [id_label, printed], [address_label, str(home)],
                    ["Ngày nhận hồ sơ", f"{received_at:%d/%m/%Y %H:%M}"],
                    [pick(rng, ("Ngày hẹn trả kết quả", "Hẹn trả kết quả")), f"{due:%d/%m/%Y} {returned:%H:%M}"]]
            order = rng.permutation(len(rows)) if rng.random() < 0.3 else range(len(rows))
            form.table([rows[int(k)] for k in order], [38, 92], label_column=True, bold_cells={(0, 1)})
        else:
            form.title(f"{code_label}: {dossier_code}", form.pt, space=0.2)
            form.title("(Liên: Giao khách hàng)", form.pt - 1, "italic", space=0.0)
            form.para(f"{agency[-1].capitalize()} {office}", space=0.4)
            form.field(name_label, f"{person.title} {form.name(person.full_name)}" if name_label.startswith("Tiếp")
                       else form.name(person.full_name), bold=True)
            form.field(id_label, printed)
            form.field(address_label, str(home))
            form.field("Số điện thoại", f"0{pick(rng, ('9', '8', '3', '7'))}{int(rng.integers(0, 10**8)):08d}")
            if rng.random() < 0.5:
                form.field("Nội dung yêu cầu giải quyết", procedure_name)
                form.field(pick(rng, ("Mã thủ tục", "Mã TTHC")), procedure_code)
            else:
                form.field("Thủ tục", f"{procedure_code} - {procedure_name}")
            form.field("1. Thành phần hồ sơ nộp gồm", "", mode="colon")
            form.y += form.step(0.9)
            chosen = rng.choice(len(_RECEIVED_PAPERS), size=int(rng.integers(2, 5)), replace=False)
            form.table([["STT", "Tên giấy tờ", "Bản chính", "Bản sao"]] + [
                [str(k + 1), _RECEIVED_PAPERS[int(i)], *(("1", "") if rng.random() < 0.5 else ("", "1"))]
                for k, i in enumerate(chosen)], [10, 80, 20, 20], head=1, pt=form.pt - 1)
            form.field("2. Số lượng hồ sơ", "01 (bộ)")
            form.field("3. Thời gian giải quyết hồ sơ theo quy định là", f"{(due - received).days:02d} ngày")
            when = pick(rng, ("clock", "long"))
            form.field("4. Thời gian nhận hồ sơ", f"{received_at:%H} giờ {received_at:%M} phút, ngày "
                       f"{received:%d/%m/%Y}" if when == "clock" else f"{received_at:%H giờ %M}, {long_date(received)}")
            form.field("5. Thời gian trả kết quả giải quyết hồ sơ", f"{returned:%H} giờ {returned:%M} phút, ngày "
                       f"{due:%d/%m/%Y}" if when == "clock" else f"{returned:%H giờ %M}, {long_date(due)}")
            form.field("6. Đăng ký nhận kết quả tại", pick(rng, ("Bộ phận tiếp nhận và trả kết quả",
                                                                  "Dịch vụ bưu chính công ích")))
        form.y += form.step(0.6)
        top = form.y
        form.y = max(form.signer(rng, form.look.left + form.width * 0.25, "NGƯỜI NỘP HỒ SƠ",
                                 "(Ký và ghi rõ họ tên)", person.full_name, top=top),
                     form.signer(rng, form.look.left + form.width * 0.75, "NGƯỜI TIẾP NHẬN HỒ SƠ",
                                 "(Ký và ghi rõ họ tên)", clerk.full_name, top=top))

    form = _set(dpi, look, draw)
    fields = {"dossier_code": code_truth, "procedure_code": FieldTruth(procedure_code),
              "procedure_name": FieldTruth(procedure_name), "full_name": FieldTruth(person.full_name),
              "id_number": number, "date_received": FieldTruth(_iso(received)), "date_of_return": FieldTruth(_iso(due))}
    return _done("dossier_receipt", form, fields, None if old_card else printed, defect,
                 {"id_number": (None, None)}, dossier_code=dossier_code, qr_payload=qr_text)


# --- applications ------------------------------------------------------------

def application_form(rng: np.random.Generator, dpi: int, defect: Defect | None) -> Rendered:
    written = _random_day(rng, date(2022, 1, 1), LATEST)
    person = _citizen(rng, *_years_before(written, 18, 80))
    printed, number = _number_truth(rng, person, defect)
    _, procedure = pick(rng, PROCEDURES)
    if procedure in _RESIDENCE_PROCEDURES:
        template = "ct01"
    elif procedure == "Đăng ký khai sinh" and defect in (None, "province"):
        template = "birth"  # prints the requester's number but neither sex nor birth date
    else:
        template = "don"
    home = person.residence
    head = person if rng.random() < 0.4 else _citizen(rng, *_years_before(written, 30, 80), residence=home)
    child = _citizen(rng, written - timedelta(days=60), written - timedelta(days=5), residence=home,
                     surname=person.full_name.split()[0])
    look = draw_look(rng)
    addressee = (f"Công an {_ward(home)}" if template == "ct01" else f"Ủy ban nhân dân {_ward(home)}")
    name_label = pick(rng, NAME_LABELS)
    signer_role = {"ct01": "NGƯỜI KÊ KHAI", "birth": "NGƯỜI YÊU CẦU", "don": "NGƯỜI LÀM ĐƠN"}[template]

    def draw(form: Form) -> None:
        form.motto(rng)
        if template == "ct01":
            form.text(form.look.right, 12.0, "Mẫu CT01", form.pt - 2, "italic", align="right")
            form.title("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", form.pt + 2)
        elif template == "birth":
            form.title("TỜ KHAI ĐĂNG KÝ KHAI SINH", form.pt + 2)
        else:
            form.title(pick(rng, ("ĐƠN ĐỀ NGHỊ", "ĐƠN ĐỀ NGHỊ", f"TỜ KHAI {procedure.upper()}")), form.pt + 2)
            form.title(f"(V/v {procedure[:1].lower()}{procedure[1:]})", form.pt, "italic", space=0.0)
        form.title(f"Kính gửi: {addressee}", form.pt, "regular", space=0.4)
        form.y += form.step(0.4)
        if template == "ct01":
            form.field(f"1. {pick(rng, ('Họ, chữ đệm và tên', 'Họ, chữ đệm và tên', 'Họ và tên'))}",
                       form.name(person.full_name), bold=True)
            form.row([("2. Ngày, tháng, năm sinh", form.date(person.birth)), ("3. Giới tính", person.sex)],
                     (0.0, form.width * 0.62))
            form.boxes("4. Số định danh cá nhân", printed)
            form.row([("5. Số điện thoại liên hệ", f"09{int(rng.integers(0, 10**8)):08d}"), ("6. Email", "")],
                     (0.0, form.width * 0.62))
            form.field("7. Họ, chữ đệm và tên chủ hộ", form.name(head.full_name))
            form.field("8. Mối quan hệ với chủ hộ", "Chủ hộ" if head is person else pick(rng, ("Con", "Vợ", "Cháu")))
            form.boxes("9. Số định danh cá nhân của chủ hộ", head.id_number if head is not person else printed)
            form.field("10. Nội dung đề nghị", procedure)
            form.field("11. Những thành viên trong hộ gia đình cùng thay đổi", "", mode="colon")
            form.y += form.step(0.9)
            form.table([["TT", "Họ, chữ đệm và tên", "Ngày, tháng, năm sinh", "Giới tính", "Số định danh cá nhân",
                         "Mối quan hệ với chủ hộ"], ["", "", "", "", "", ""]], [8, 40, 24, 14, 32, 22], head=1,
                       pt=form.pt - 2)
        elif template == "birth":
            form.field(pick(rng, ("Họ, chữ đệm, tên người yêu cầu", "Họ, chữ đệm, tên người yêu cầu", name_label)),
                       form.name(person.full_name), bold=True)
            form.field(pick(rng, RESIDENCE_LABELS), str(home))
            form.field("Giấy tờ tùy thân", _card_words(rng, printed, written))
            form.field("Quan hệ với người được khai sinh", "Cha" if person.sex == "Nam" else "Mẹ")
            form.para("Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:", indent=0.0, space=0.3)
            form.field("Họ, chữ đệm, tên", form.name(child.full_name))
            form.field("Ngày, tháng, năm sinh", form.date(child.birth))
            form.field("ghi bằng chữ", date_words(child.birth), mode="colon", indent=8.0)
            form.row([("Giới tính", child.sex), ("Dân tộc", "Kinh"), ("Quốc tịch", "Việt Nam")])
            form.field("Nơi sinh", _birth_place(rng, home))
            form.field("Quê quán", person.origin)
        else:
            label = pick(rng, ("Tôi tên là", name_label))
            form.row([(label, form.name(person.full_name)), ("Sinh ngày", form.date(person.birth))],
                     (0.0, form.width * 0.6), bold=(True, False))
            form.row([("Giới tính", person.sex), ("Dân tộc", "Kinh"), ("Quốc tịch", "Việt Nam")])
            form.field(pick(rng, ID_LABELS), printed)
            form.field(pick(rng, RESIDENCE_LABELS), str(home))
            form.field("Số điện thoại", f"0{pick(rng, ('9', '8', '3'))}{int(rng.integers(0, 10**8)):08d}")
            form.para(f"Nay tôi làm đơn này kính đề nghị {addressee} xem xét, giải quyết cho tôi thủ tục: "
                      f"{procedure}.", space=0.4)
            form.para("Lý do: để bổ sung hồ sơ theo yêu cầu của cơ quan có thẩm quyền.")
        form.para("Tôi xin cam đoan những thông tin kê khai trên là đúng sự thật và chịu trách nhiệm trước pháp luật "
                  "về lời khai của mình.", space=0.4)
        form.place_date(f"{_place(home)}, {long_date(written)}")
        form.y = form.signer(rng, form.look.left + form.width * 0.7, signer_role,
                             pick(rng, ("(Ký, ghi rõ họ tên)", "(Ký và ghi rõ họ, chữ đệm, tên)")), person.full_name)

    form = _set(dpi, look, draw)
    fields = {"full_name": FieldTruth(person.full_name), "id_number": number, "procedure_name": FieldTruth(procedure)}
    printed_with = {"id_number": (None, None) if template == "birth" else (person.sex, person.birth)}
    return _done("application_form", form, fields, printed, defect, printed_with)

