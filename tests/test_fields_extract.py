"""Finding printed values next to their labels, through the errors OCR makes."""

from __future__ import annotations

import pytest

from ocr.fields.extract import find_values, lines_from_text
from ocr.fields.labels import FIELDS_BY_TYPE, labels_for
from ocr.fields.values import ValueIssue, normalise

CARD_FRONT = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
CĂN CƯỚC CÔNG DÂN
Số / No.: 079203001234
Họ và tên / Full name:
NGUYỄN VĂN ĐỨC
Ngày sinh / Date of birth: 15/05/2003
Giới tính / Sex: Nam Quốc tịch / Nationality: Việt Nam
Quê quán / Place of origin: Xã Tân Hiệp, huyện
Dĩ An, Bình Dương
Nơi thường trú / Place of residence: 12 Lê Lợi, phường Bến Thành,
Quận 1, TP Hồ Chí Minh
Có giá trị đến / Date of expiry: 15/05/2028"""


def _values(text: str, doc_type: str) -> dict[str, str]:
    return {key: value.text for key, value in find_values(lines_from_text(text, 1), FIELDS_BY_TYPE[doc_type], labels_for(doc_type)).items()}


def test_card_front_fields_are_found_beside_under_and_after_their_labels():
    values = _values(CARD_FRONT, "cccd")
    assert values["id_number"] == "079203001234"
    assert values["full_name"] == "NGUYỄN VĂN ĐỨC"  # under its label
    assert values["sex"] == "Nam"  # two labelled values on one line
    assert values["nationality"] == "Việt Nam"
    assert values["place_of_origin"] == "Xã Tân Hiệp, huyện Dĩ An, Bình Dương"  # over two lines
    assert values["date_of_expiry"] == "15/05/2028"


def test_labels_are_found_through_tone_mark_errors():
    ocr = "Họ vả tên: LÊ THỊ HÀ\nNgảy sinh: 01/02/1990\nNơi thường trủ: Phường 3, Quận 5"
    values = _values(ocr, "residence_confirmation")
    assert values["full_name"] == "LÊ THỊ HÀ"
    assert values["place_of_residence"] == "Phường 3, Quận 5"


def test_a_specific_label_wins_over_the_general_one_it_contains():
    text = "Họ và tên: TRẦN VĂN BÌNH\nHọ và tên cha: TRẦN VĂN AN\nHọ và tên mẹ: PHẠM THỊ LAN"
    values = _values(text, "birth_certificate")
    assert (values["full_name"], values["father_name"], values["mother_name"]) == (
        "TRẦN VĂN BÌNH", "TRẦN VĂN AN", "PHẠM THỊ LAN")


def test_a_label_with_no_value_anywhere_gives_no_field():
    assert "full_name" not in _values("Họ và tên:\nNgày sinh: 01/01/2000", "cccd")


def test_values_are_normalised_as_the_record_contract_says():
    assert normalise("full_name", "NGUYỄN VĂN ĐỨC") == "Nguyễn Văn Đức"
    assert normalise("id_number", "Số 079 203 001234") == "079203001234"
    assert normalise("date_of_birth", "15/05/2003") == "2003-05-15"
    assert normalise("date_of_issue", "ngày 05 tháng 3 năm 2024") == "2024-03-05"
    assert normalise("date_of_expiry", "Không thời hạn") is None
    assert normalise("sex", "Nữ") == "Nữ"
    assert normalise("area_m2", "1.120,5 m²") == "1120.5"
    assert normalise("dossier_code", "000.00.31.H57 - 221010 - 0001") == "000.00.31.H57-221010-0001"


@pytest.mark.parametrize(("key", "raw"), [("date_of_birth", "31/02/2003"), ("id_number", "07920300"),
                                          ("sex", "Không rõ")])
def test_unreadable_values_raise_rather_than_guess(key, raw):
    with pytest.raises(ValueIssue):
        normalise(key, raw)
