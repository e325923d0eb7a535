"""Labels as real papers word them, not only as our specimens print them, and values however they follow."""

from __future__ import annotations

from datetime import date

import pytest

from ocr.document import PageText
from ocr.fields.extract import find_values, lines_from_text
from ocr.fields.labels import CHECKED_AGAINST, FIELDS_BY_TYPE, labels_for
from ocr.fields.mrz import make_td1
from ocr.fields.read import read_fields
from ocr.fields.values import normalise


def _values(text: str, doc_type: str) -> dict[str, str]:
    wanted = FIELDS_BY_TYPE[doc_type] + CHECKED_AGAINST
    found = find_values(lines_from_text(text, 1), wanted, labels_for(doc_type))
    return {key: value.text for key, value in found.items()}


@pytest.mark.parametrize("label", ["Họ và tên", "Họ, chữ đệm và tên", "Họ, chữ đệm, tên", "Họ tên", "Tên",
                                   "Họ, chữ đệm và tên khai sinh / Full name", "Full name", "1. Tên",
                                   "Họ và tên (viết chữ in hoa)"])
def test_every_wording_of_the_name_label(label):
    text = f"{label}: NGUYỄN VĂN AN\nNgày sinh: 01/02/1990"
    assert _values(text, "application_form")["full_name"] == "NGUYỄN VĂN AN"


@pytest.mark.parametrize("label", ["Nơi thường trú", "Nơi cư trú", "Địa chỉ thường trú", "Nơi ở hiện tại",
                                   "Place of residence"])
def test_every_wording_of_the_residence_label(label):
    text = f"Họ và tên: LÊ THỊ HÀ\n{label}: Số 5, phố Huế, phường Hàng Bài\nNgày sinh: 01/02/1990"
    assert _values(text, "residence_confirmation")["place_of_residence"] == "Số 5, phố Huế, phường Hàng Bài"


def test_the_permanent_address_is_taken_where_a_form_prints_both():
    text = ("9. Nơi thường trú: Số 1, đường Lê Lợi\n10. Nơi tạm trú: Số 2, đường Trần Phú\n"
            "11. Nơi ở hiện tại: Số 3, ngõ 4")
    assert _values(text, "residence_confirmation")["place_of_residence"] == "Số 1, đường Lê Lợi"


@pytest.mark.parametrize("label", ["Quê quán", "Quê quán / Place of origin", "Nơi đăng ký khai sinh",
                                   "Nơi đăng ký khai sinh / Place of birth"])
def test_every_wording_of_the_place_of_origin_on_a_card(label):
    text = f"{label}: Xã Tân Hiệp, huyện Dĩ An, Tỉnh Bình Dương\nNgày, tháng, năm cấp: 15/08/2024"
    assert _values(text, "cccd")["place_of_origin"] == "Xã Tân Hiệp, huyện Dĩ An, Tỉnh Bình Dương"


@pytest.mark.parametrize("label", ["Số CCCD", "Số định danh cá nhân", "Số CMND/CCCD", "Số giấy tờ tùy thân",
                                   "Số thẻ căn cước", "Số căn cước công dân",
                                   "Số định danh cá nhân / Personal identification number"])
def test_every_wording_of_the_number_label(label):
    text = f"Họ và tên: LÊ THỊ HÀ\n{label}: 079190012345"
    assert normalise("id_number", _values(text, "application_form")["id_number"]) == "079190012345"


@pytest.mark.parametrize("label", ["Ngày, tháng, năm sinh", "Ngày sinh", "Sinh ngày", "Date of birth",
                                   "Ngày, tháng, năm sinh / Date of birth"])
def test_every_wording_of_the_birth_date_label(label):
    assert _values(f"{label}: 09/03/1990\nGiới tính: Nữ", "cccd")["date_of_birth"] == "09/03/1990"


@pytest.mark.parametrize("line", ["Giới tính: Nữ", "Giới tính / Sex: Nữ", "Sex: Nữ", "Nam/Nữ: Nữ",
                                  "Giới tính (Nam/Nữ): Nữ"])
def test_every_wording_of_the_sex_label(line):
    assert normalise("sex", _values(f"{line}\nQuốc tịch: Việt Nam", "cccd")["sex"]) == "Nữ"


@pytest.mark.parametrize("label", ["Có giá trị đến", "Ngày hết hạn", "Date of expiry",
                                   "Ngày, tháng, năm hết hạn / Date of expiry"])
def test_every_wording_of_the_expiry_label(label):
    text = f"Ngày, tháng, năm cấp / Date of issue: 15/08/2024\n{label}: 09/03/2030"
    values = _values(text, "cccd")
    assert values["date_of_expiry"] == "09/03/2030"
    assert values["date_of_issue"] == "15/08/2024"


@pytest.mark.parametrize("line", ["Họ và tên: NGUYỄN VĂN AN", "Họ và tên:........NGUYỄN VĂN AN..........",
                                  "Họ và tên……NGUYỄN VĂN AN……………", "Họ và tên:_____NGUYỄN VĂN AN_____"])
def test_a_value_after_a_colon_or_a_dotted_leader(line):
    assert _values(line + "\nNgày sinh: 01/02/1990", "application_form")["full_name"] == "NGUYỄN VĂN AN"


def test_a_value_on_the_line_below_its_label():
    assert _values("Họ, chữ đệm và tên khai sinh\nNGUYỄN VĂN AN\nNgày sinh: 01/02/1990", "cccd")["full_name"] == (
        "NGUYỄN VĂN AN")


def test_a_word_name_is_a_label_only_where_a_line_or_its_item_starts():
    text = "Ghi chú: Tên gọi theo giấy khai sinh\nTên gọi khác: BÉ AN\nTên: NGUYỄN VĂN AN"
    assert _values(text, "application_form")["full_name"] == "NGUYỄN VĂN AN"


@pytest.mark.parametrize("printed", ["09/03/1990", "09-03-1990", "09.03.1990", "9/3/1990", "ngày 09 tháng 03 năm 1990",
                                     "Ngày 9 tháng 3 năm 1990"])
def test_dates_in_every_printed_form(printed):
    assert normalise("date_of_birth", printed) == "1990-03-09"


def test_a_2024_identity_card_front_and_back():
    mrz = make_td1("001190012345", full_name="Trần Thị Bích", birth_date=date(1990, 3, 9), sex="Nữ",
                   expiry=date(2030, 3, 9))
    front = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSOCIALIST REPUBLIC OF VIET NAM\nCĂN CƯỚC\nIDENTITY CARD\n"
             "Số định danh cá nhân / Personal identification number: 001190012345\n"
             "Họ, chữ đệm và tên khai sinh / Full name:\nTRẦN THỊ BÍCH\n"
             "Ngày, tháng, năm sinh / Date of birth: 09/03/1990\n"
             "Giới tính / Sex: Nữ Quốc tịch / Nationality: Việt Nam")
    back = ("Nơi cư trú / Place of residence: Số 5, phố Huế, phường Hàng Bài,\n"
            "quận Hoàn Kiếm, Thành phố Hà Nội\n"
            "Nơi đăng ký khai sinh / Place of birth: Xã Tân Hiệp, huyện Dĩ An, Tỉnh Bình Dương\n"
            "Ngày, tháng, năm cấp / Date of issue: 15/08/2024\n"
            "Ngày, tháng, năm hết hạn / Date of expiry: 09/03/2030\n" + "\n".join(mrz))
    fields = read_fields("cccd", [PageText(1, front, "ocr", 0.9, 0, 0.0), PageText(2, back, "ocr", 0.9, 0, 0.0)])
    assert {key: item["value"] for key, item in fields.items() if key != "mrz"} == {
        "id_number": "001190012345", "full_name": "Trần Thị Bích", "date_of_birth": "1990-03-09", "sex": "Nữ",
        "nationality": "Việt Nam",
        "place_of_residence": "Số 5, phố Huế, phường Hàng Bài, quận Hoàn Kiếm, Thành phố Hà Nội",
        "place_of_origin": "Xã Tân Hiệp, huyện Dĩ An, Tỉnh Bình Dương", "date_of_issue": "2024-08-15",
        "date_of_expiry": "2030-03-09"}
    assert all(item["valid"] for item in fields.values()), fields


def test_numbered_items_on_one_line_end_before_the_next_items_number():
    text = ("1. Họ, chữ đệm và tên: NGUYỄN VĂN AN 2. Ngày, tháng, năm sinh: 07/05/1998 3. Giới tính: Nữ\n"
            "9. Nơi thường trú: Số 1, đường Lê Lợi, Quận 1 10. Nơi tạm trú: Số 2, đường Trần Phú")
    values = _values(text, "residence_confirmation")
    assert values["place_of_residence"] == "Số 1, đường Lê Lợi, Quận 1"
    assert values["date_of_birth"] == "07/05/1998"
    # Only the number after the label's own: "5." here is the address's.
    assert _values("9. Nơi thường trú: Tổ 4, Khu phố 5. Điện thoại: 0912345678", "residence_confirmation")[
        "place_of_residence"] == "Tổ 4, Khu phố 5"


@pytest.mark.parametrize(("father", "mother"), [("Họ và tên người cha", "Họ và tên người mẹ"),
                                                ("Họ, chữ đệm và tên cha", "Họ, chữ đệm và tên mẹ"),
                                                ("Họ tên người cha", "Họ tên người mẹ")])
def test_parents_under_every_wording_of_their_labels(father, mother):
    text = f"Họ và tên: TRẦN VĂN BÌNH\n{father}: TRẦN VĂN AN\n{mother}: PHẠM THỊ LAN"
    values = _values(text, "birth_certificate")
    assert (values["full_name"], values["father_name"], values["mother_name"]) == (
        "TRẦN VĂN BÌNH", "TRẦN VĂN AN", "PHẠM THỊ LAN")


def test_the_head_of_household_is_not_the_person():
    text = "Họ và tên chủ hộ: LÊ VĂN TÁM\nQuan hệ với chủ hộ: Con\nHọ và tên: LÊ THỊ HÀ"
    assert _values(text, "residence_confirmation")["full_name"] == "LÊ THỊ HÀ"


def test_the_back_of_a_card_dates_its_issue_without_a_label():
    back = "Đặc điểm nhân dạng: Nốt ruồi C: 2cm trên mép phải\nNgày 10 tháng 10 năm 2018\nCỤC TRƯỞNG CỤC CẢNH SÁT"
    fields = read_fields("cccd", [PageText(1, back, "ocr", 0.9, 0, 0.0)])
    assert fields["date_of_issue"]["value"] == "2018-10-10"
