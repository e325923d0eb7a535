"""Synthetic Vietnamese administrative content: people, dossiers and page text.

Everything here is invented. Names are combined at random from common surnames,
middle and given names; ID numbers, dossier codes and procedure codes follow the
structures in the project's domain notes (vietnam.md) so that downstream
validators accept them, but no value is looked up from a real register.
All randomness comes from the caller's ``numpy.random.Generator`` so a seed
reproduces the same content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, TypeVar

import numpy as np

from ocr.fields.dossier import make_dossier_code
from ocr.fields.id_number import make_personal_number
from ocr.fields.provinces import PROVINCE_CODES as PROVINCES  # code -> name printed on older papers
from samples.render import Block
from search.folding import nfc

T = TypeVar("T")
Sex = Literal["Nam", "Nữ"]
PageKind = Literal["xac_nhan", "don_de_nghi", "thong_bao", "to_khai", "tiep_nhan"]
PAGE_KINDS: tuple[PageKind, ...] = ("xac_nhan", "don_de_nghi", "thong_bao", "to_khai", "tiep_nhan")


SURNAMES = (
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh",
    "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh",
    "Trịnh", "Lương", "Đoàn", "Mai", "Tạ", "Lưu", "Thái", "Quách", "Chử",
)
MIDDLE_NAMES: dict[Sex, tuple[str, ...]] = {
    "Nam": ("Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Công", "Thành", "Xuân", "Quang",
            "Tiến", "Trọng", "Thế", "Bảo", "Gia", "Khắc", "Duy", "Mạnh"),
    "Nữ": ("Thị", "Thị", "Ngọc", "Thu", "Thanh", "Mỹ", "Kim", "Phương", "Thùy", "Bích",
           "Diệu", "Hồng", "Khánh", "Tuyết", "Quỳnh", "Hải"),
}
GIVEN_NAMES: dict[Sex, tuple[str, ...]] = {
    "Nam": ("Đức", "Hùng", "Dũng", "Tuấn", "Thắng", "Cường", "Phúc", "Lộc", "Hiếu", "Nghĩa",
            "Trường", "Quý", "Khải", "Vỹ", "Sơn", "Thịnh", "Hưng", "Kiên", "Long", "Nam",
            "Huy", "Khoa", "Việt", "Đạt", "Lực", "Tài", "Hải", "Bình", "Quyết", "Tùng",
            "Toàn", "Nhật", "Duy", "Thuận", "Khiêm", "Lâm", "Phước", "Mạnh", "Luận",
            "Tường", "Chiến", "Nguyên", "Lập", "Hiển", "Dưỡng", "Thưởng", "Kỷ"),
    "Nữ": ("Lan", "Hương", "Ngọc", "Hằng", "Thảo", "Trang", "Nguyệt", "Loan", "Yến",
           "Diễm", "Phượng", "Huyền", "Ánh", "Tuyết", "Hạnh", "Dung", "Nhung", "Liên",
           "Thủy", "Quỳnh", "Vy", "My", "Nga", "Trinh", "Xuân", "Oanh", "Uyên", "Thư",
           "Nhàn", "Hiền", "Giang", "Mỹ", "Khuê", "Duyên", "Vân", "Châu", "Ngân",
           "Lụa", "Mến", "Thoại", "Ngữ", "Nhạn"),
}
STREETS = (
    "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt",
    "Phan Đình Phùng", "Điện Biên Phủ", "Võ Thị Sáu", "Nguyễn Thị Minh Khai",
    "Cách Mạng Tháng Tám", "Quang Trung", "Lê Duẩn", "Hùng Vương", "Trường Chinh",
    "Nguyễn Huệ", "Bạch Đằng", "Hoàng Diệu", "Phạm Ngũ Lão", "Ngô Quyền",
    "Lạc Long Quân", "Âu Cơ", "Tôn Đức Thắng", "Nguyễn Văn Cừ", "Yết Kiêu",
    "Chu Văn An", "Nguyễn Khuyến", "Huỳnh Thúc Kháng", "Lý Tự Trọng",
)
WARDS = (
    "Bến Nghé", "Tân Định", "Phú Mỹ", "Quang Trung", "Hòa Bình", "Tân Lập",
    "Thịnh Liệt", "Hưng Lợi", "Đông Hòa", "Tân Phong", "An Khánh", "Phước Long",
    "Trung Hòa", "Yên Hòa", "Nghĩa Đô", "Vĩnh Phúc", "Mỹ Đình", "Xuân Đỉnh",
    "Thạnh Mỹ Lợi", "Hiệp Bình Chánh", "Tương Mai", "Định Công", "Tân Thới Hiệp",
    "Hòa Khánh", "Phú Thượng", "Đông Ngạc", "Long Phước", "Bình Trưng",
)
DISTRICTS = (
    "Ba Đình", "Hoàn Kiếm", "Đống Đa", "Cầu Giấy", "Đông Anh", "Gia Lâm", "Sóc Sơn",
    "Thủ Đức", "Bình Thạnh", "Gò Vấp", "Tân Bình", "Hóc Môn", "Củ Chi", "Dĩ An",
    "Thuận An", "Bến Cát", "Long Thành", "Nhơn Trạch", "Châu Thành", "Cái Răng",
    "Ninh Kiều", "Hải Châu", "Sơn Trà", "Hòa Vang", "Yên Lạc", "Tiên Du",
)

# Procedure names with codes shaped like the national database's ``d.dddddd``;
# the codes are illustrative, not looked up.
PROCEDURES: tuple[tuple[str, str], ...] = (
    ("1.004194", "Đăng ký thường trú"),
    ("1.004222", "Đăng ký tạm trú"),
    ("1.004241", "Xác nhận thông tin về cư trú"),
    ("1.001193", "Đăng ký khai sinh"),
    ("1.000894", "Đăng ký kết hôn"),
    ("1.004884", "Cấp bản sao trích lục hộ tịch"),
    ("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản"),
    ("2.000720", "Đăng ký thành lập hộ kinh doanh"),
    ("1.004873", "Cấp giấy xác nhận tình trạng hôn nhân"),
    ("1.000656", "Đăng ký khai tử"),
    ("1.001612", "Điều chỉnh thông tin trong Cơ sở dữ liệu về cư trú"),
)


@dataclass(frozen=True)
class Address:
    house: str
    street: str
    ward_kind: str
    ward: str
    district_kind: str
    district: str
    province: str

    def __str__(self) -> str:
        return (f"{self.house}, đường {self.street}, {self.ward_kind} {self.ward}, "
                f"{self.district_kind} {self.district}, {self.province}")


@dataclass(frozen=True)
class Person:
    full_name: str
    sex: Sex
    date_of_birth: date
    id_number: str
    residence: Address
    phone: str


@dataclass(frozen=True)
class Dossier:
    dossier_code: str
    procedure_code: str
    procedure_name: str
    received: date
    due: date


def pick(rng: np.random.Generator, items: Sequence[T]) -> T:
    return items[int(rng.integers(len(items)))]


def make_id_number(rng: np.random.Generator, province_code: str, sex: Sex, birth_year: int) -> str:
    """A 12-digit personal number for someone born in `birth_year`, its 6-digit serial drawn at random."""
    return make_personal_number(province_code, date(birth_year, 1, 1), sex, int(rng.integers(0, 1_000_000)))


def make_address(rng: np.random.Generator, province: str) -> Address:
    if rng.random() < 0.7:
        house = f"Số {int(rng.integers(1, 400))}"
    else:
        house = f"Số {int(rng.integers(1, 200))}/{int(rng.integers(1, 40))}"
    ward_kind = "phường" if rng.random() < 0.7 else "xã"
    district_kind = pick(rng, ("quận", "huyện", "thị xã", "thành phố"))
    return Address(house, pick(rng, STREETS), ward_kind, pick(rng, WARDS),
                   district_kind, pick(rng, DISTRICTS), province)


def make_person(rng: np.random.Generator, latest: date) -> Person:
    """Invent an adult (at least 16 on ``latest``) with a consistent ID number."""
    sex: Sex = "Nam" if rng.random() < 0.5 else "Nữ"
    name = f"{pick(rng, SURNAMES)} {pick(rng, MIDDLE_NAMES[sex])} {pick(rng, GIVEN_NAMES[sex])}"
    year = int(rng.integers(1945, latest.year - 16 + 1))
    born = date(year, 1, 1) + timedelta(days=int(rng.integers(0, 365)))
    code = pick(rng, sorted(PROVINCES))
    province = PROVINCES[code] if rng.random() < 0.6 else PROVINCES[pick(rng, sorted(PROVINCES))]
    phone = f"0{pick(rng, ('9', '8', '3', '7'))}{int(rng.integers(0, 100_000_000)):08d}"
    return Person(nfc(name), sex, born, make_id_number(rng, code, sex, year),
                  make_address(rng, province), phone)


def make_dossier(rng: np.random.Generator) -> Dossier:
    received = date(2022, 1, 1) + timedelta(days=int(rng.integers(0, 1277)))  # to mid-2025
    province_digits = int(rng.integers(10, 99))
    if rng.random() < 0.6:
        unit = f"000.{int(rng.integers(0, 100)):02d}.{int(rng.integers(1, 100)):02d}.H{province_digits:02d}"
    else:
        unit = f"H{province_digits:02d}.{int(rng.integers(1, 100)):02d}"
    code = make_dossier_code(unit, received, int(rng.integers(1, 200)))
    procedure_code, procedure_name = pick(rng, PROCEDURES)
    due = received + timedelta(days=int(rng.integers(3, 16)))
    return Dossier(code, procedure_code, nfc(procedure_name), received, due)


def long_date(day: date) -> str:
    """Write a date as papers do: days below 10 and months 1-2 get a leading zero."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


_SENTENCES: dict[str, tuple[str, ...]] = {
    "don_de_nghi": (
        "Tôi tên là {name}, hiện cư trú tại {address}.",
        "Nay tôi làm đơn này kính đề nghị {agency} xem xét, giải quyết thủ tục {procedure} cho tôi.",
        "Lý do: để bổ sung hồ sơ theo yêu cầu của cơ quan có thẩm quyền.",
        "Tôi xin cam đoan những thông tin kê khai trên là đúng sự thật và chịu trách nhiệm"
        " trước pháp luật về lời khai của mình.",
        "Kính mong quý cơ quan xem xét, giải quyết.",
        "Kèm theo đơn này là bản sao giấy tờ tùy thân và các giấy tờ có liên quan.",
    ),
    "xac_nhan": (
        "{agency} xác nhận {title} {name} hiện đang cư trú tại địa chỉ nêu trên.",
        "Thông tin về cư trú của công dân đã được cập nhật trong Cơ sở dữ liệu quốc gia về dân cư.",
        "Giấy xác nhận này có giá trị sử dụng trong thời hạn {days} ngày kể từ ngày ký.",
        "Giấy xác nhận được cấp để công dân bổ sung hồ sơ {procedure}.",
        "Trong thời gian cư trú tại địa phương, {title} {name} chấp hành tốt chủ trương,"
        " chính sách của Đảng và pháp luật của Nhà nước.",
    ),
    "thong_bao": (
        "Căn cứ hồ sơ đề nghị {procedure} của {title} {name}, {agency} thông báo như sau.",
        "Hồ sơ của công dân chưa đầy đủ thành phần theo quy định.",
        "Đề nghị công dân bổ sung bản sao giấy khai sinh và giấy tờ chứng minh chỗ ở hợp pháp.",
        "Thời hạn bổ sung hồ sơ là {days} ngày làm việc kể từ ngày nhận được thông báo này.",
        "Quá thời hạn nêu trên, nếu công dân không bổ sung thì hồ sơ sẽ được trả lại.",
        "Mọi thắc mắc xin liên hệ Bộ phận tiếp nhận và trả kết quả trong giờ hành chính.",
    ),
    "to_khai": (
        "Tôi đề nghị cơ quan có thẩm quyền giải quyết thủ tục {procedure} theo các thông tin đã kê khai.",
        "Người khai chịu trách nhiệm về tính chính xác của các thông tin đã cung cấp.",
        "Các giấy tờ kèm theo được nộp dưới dạng bản sao có chứng thực hoặc bản chụp kèm bản chính để đối chiếu.",
        "Tôi đồng ý để cơ quan giải quyết khai thác thông tin của tôi trong Cơ sở dữ liệu quốc gia về dân cư.",
    ),
    "tiep_nhan": (
        "Bộ phận tiếp nhận và trả kết quả đã nhận hồ sơ của {title} {name} đề nghị giải quyết thủ tục {procedure}.",
        "Hồ sơ đã được số hóa và lưu trữ trên Hệ thống thông tin giải quyết thủ tục hành chính.",
        "Khi đến nhận kết quả, công dân mang theo giấy tiếp nhận này và giấy tờ tùy thân.",
        "Công dân có thể tra cứu tình trạng giải quyết hồ sơ bằng mã hồ sơ trên Cổng Dịch vụ công quốc gia.",
        "Trường hợp hồ sơ bị trả chậm, cơ quan giải quyết sẽ có văn bản xin lỗi và hẹn lại thời gian trả kết quả.",
    ),
    "common": (
        "Việc thực hiện thủ tục được tuân thủ theo quy định hiện hành của pháp luật.",
        "Phí, lệ phí được nộp theo quy định và được ghi nhận trên biên lai điện tử.",
        "Thông tin cá nhân của công dân được bảo vệ theo quy định về bảo vệ dữ liệu cá nhân.",
        "Kết quả giải quyết được trả trực tiếp hoặc qua dịch vụ bưu chính công ích theo đăng ký của công dân.",
        "Cán bộ tiếp nhận đã kiểm tra kỹ tính đầy đủ và hợp lệ của thành phần hồ sơ.",
        "Trong quá trình giải quyết, nếu cần bổ sung thông tin, cơ quan sẽ liên hệ qua số điện thoại đã đăng ký.",
        "Hồ sơ được giải quyết trong thời hạn {days} ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.",
        "Giấy tờ đã số hóa được lưu trong kho dữ liệu và được tái sử dụng khi công dân thực hiện thủ tục khác.",
        "{Title} {name} có trách nhiệm thông báo kịp thời khi có thay đổi thông tin về nhân thân.",
        "Ủy ban nhân dân {ward} đề nghị các cơ quan, tổ chức có liên quan tạo điều kiện"
        " để công dân hoàn thành thủ tục.",
        "Mọi hành vi gian lận, khai man sẽ bị xử lý theo quy định của pháp luật.",
        "Nơi nhận kết quả là Bộ phận một cửa của Ủy ban nhân dân {ward}.",
    ),
}

_TITLES: dict[PageKind, tuple[str, str | None]] = {
    "xac_nhan": ("GIẤY XÁC NHẬN", "Về việc xác nhận thông tin cư trú"),
    "don_de_nghi": ("ĐƠN ĐỀ NGHỊ", None),
    "thong_bao": ("THÔNG BÁO", "Về việc bổ sung hồ sơ"),
    "to_khai": ("TỜ KHAI", None),
    "tiep_nhan": ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", None),
}
_NUMBER_SYMBOLS: dict[PageKind, str] = {"xac_nhan": "GXN", "thong_bao": "TB", "tiep_nhan": "TNHS"}


def paragraphs(rng: np.random.Generator, kind: PageKind, person: Person, dossier: Dossier,
               agency: str, count: int) -> list[str]:
    """Compose ``count`` paragraphs of 1-3 sentences from the kind's and the common templates."""
    pool = list(_SENTENCES[kind]) + list(_SENTENCES["common"])
    order = rng.permutation(len(pool))
    title = "ông" if person.sex == "Nam" else "bà"
    values = {
        "name": person.full_name, "title": title, "Title": title.capitalize(),
        "address": str(person.residence), "agency": agency,
        "procedure": lower_first(dossier.procedure_name),
        "ward": f"{person.residence.ward_kind} {person.residence.ward}",
        "days": int(rng.integers(5, 31)),
    }
    result: list[str] = []
    used = 0
    for _ in range(count):
        size = int(rng.integers(1, 4))
        chosen = [pool[i] for i in order[used:used + size]]
        used += size
        if chosen:
            result.append(nfc(" ".join(s.format(**values) for s in chosen)))
    return result


def compose_page(rng: np.random.Generator, person: Person, dossier: Dossier, kind: PageKind) -> list[Block]:
    """Lay out one paper the way Vietnamese public bodies print them, top to bottom."""
    residence = person.residence
    agency_name = pick(rng, (
        f"Ủy ban nhân dân {residence.ward_kind} {residence.ward}",
        f"Công an {residence.district_kind} {residence.district}",
        f"Bộ phận tiếp nhận và trả kết quả {residence.district_kind} {residence.district}",
    ))
    agency_line = agency_name.upper()
    issued_by_citizen = kind in ("don_de_nghi", "to_khai")
    day = dossier.received - timedelta(days=int(rng.integers(0, 4))) if issued_by_citizen else (
        dossier.received if kind == "tiep_nhan" else dossier.received + timedelta(days=int(rng.integers(1, 6))))
    title, subtitle = _TITLES[kind]
    if kind in ("don_de_nghi", "to_khai"):
        subtitle = f"({pick(rng, ('V/v', 'Về việc'))} {lower_first(dossier.procedure_name)})"

    blocks = [
        Block("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", style="bold", align="center"),
        Block("Độc lập - Tự do - Hạnh phúc", style="bold", align="center", rule=True),
        Block(agency_line, style="bold", align="center", space_before=0.6, scale=0.95),
    ]
    if kind in _NUMBER_SYMBOLS:
        blocks.append(Block(f"Số: {int(rng.integers(1, 3000))}/{_NUMBER_SYMBOLS[kind]}-UBND",
                            align="center", space_before=0.2))
    blocks.append(Block(f"{residence.district}, {long_date(day)}", style="italic", align="right",
                        space_before=0.6))
    blocks.append(Block(title, style="bold", align="center", space_before=0.8, scale=1.08))
    if subtitle:
        blocks.append(Block(subtitle, style="bold" if kind != "tiep_nhan" else "regular", align="center"))
    if issued_by_citizen:
        blocks.append(Block(f"Kính gửi: {agency_name}", align="center", space_before=0.5))

    shown_name = person.full_name.upper() if rng.random() < 0.5 else person.full_name
    id_label = pick(rng, ("Số định danh cá nhân", "Số định danh cá nhân/CCCD", "Số CCCD"))
    fields = [
        f"Họ và tên: {shown_name}",
        f"Giới tính: {person.sex}",
        f"Ngày sinh: {person.date_of_birth:%d/%m/%Y}",
        f"{id_label}: {person.id_number}",
    ]
    if rng.random() < 0.5:
        fields.append("Dân tộc: Kinh" if rng.random() < 0.8 else "Quốc tịch: Việt Nam")
    fields.append(f"Nơi thường trú: {residence}")
    if rng.random() < 0.5:
        fields.append(f"Số điện thoại: {person.phone}")
    fields += [f"Mã hồ sơ: {dossier.dossier_code}", f"Mã thủ tục: {dossier.procedure_code}"]
    if kind == "tiep_nhan":
        fields += [f"Tên thủ tục: {dossier.procedure_name}",
                   f"Ngày nhận hồ sơ: {dossier.received:%d/%m/%Y}",
                   f"Ngày hẹn trả kết quả: {dossier.due:%d/%m/%Y}"]
    blocks += [Block(text, space_before=0.8 if i == 0 else 0.0) for i, text in enumerate(fields)]

    for i, text in enumerate(paragraphs(rng, kind, person, dossier, agency_name, int(rng.integers(1, 4)))):
        blocks.append(Block(text, indent=True, space_before=0.5 if i == 0 else 0.2))

    if issued_by_citizen:
        role, signer = ("NGƯỜI LÀM ĐƠN" if kind == "don_de_nghi" else "NGƯỜI KHAI"), person.full_name
    else:
        official = make_person(rng, dossier.received)
        role = "NGƯỜI TIẾP NHẬN" if kind == "tiep_nhan" else pick(rng, ("CHỦ TỊCH", "TRƯỞNG CÔNG AN", "CÁN BỘ TƯ PHÁP"))
        signer = official.full_name
    blocks += [
        Block(role, style="bold", align="signature", space_before=0.8),
        Block("(Ký, ghi rõ họ tên)", style="italic", align="signature"),
        Block(signer, style="bold", align="signature", space_before=2.5),
    ]
    return blocks
