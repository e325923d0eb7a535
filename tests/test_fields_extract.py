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


def _boxed_lines(rows: list[tuple[int, list[tuple]]]):
    """OCR lines with word boxes: each row is (block, [(text, left, top[, height[, confidence]])]),
    words 28 px high and read at 0.95 unless said."""
    from ocr.fields.extract import lines_from_words
    from ocr.tesseract import Word

    def word(number: int, block: int, text: str, left: int, top: int, height: int = 28, confidence: float = 0.95):
        return Word(text, confidence, left, top, 14 * len(text), height, block, 1, number)

    words = [word(number, block, *spec) for number, (block, row) in enumerate(rows) for spec in row]
    return lines_from_words(tuple(words), 1)


def test_an_address_runs_on_under_its_label_even_where_ocr_joined_it_to_the_next_column():
    # A chip card front: the address's last line sits beside "Có giá trị đến" on the left, and
    # Tesseract reads both as one line of another block.
    lines = _boxed_lines([
        (1, [("Nơi", 1050, 750), ("thường", 1100, 750), ("trú:", 1200, 750)]),
        (1, [("Số", 1050, 785), ("390,", 1090, 785), ("đường", 1160, 785), ("Lê", 1260, 785), ("Lợi,", 1300, 785)]),
        (2, [("Có", 780, 822), ("giá", 810, 822), ("trị", 850, 822), ("đến:", 880, 822), ("Không", 920, 822),
             ("thời", 940, 822), ("hạn", 1000, 822), ("quận", 1050, 822), ("Dĩ", 1120, 822),
             ("An,", 1210, 822), ("Tỉnh", 1260, 822), ("Bình", 1330, 822), ("Dương", 1400, 822)]),
        (3, [("NGÓN", 780, 1400), ("TRỎ", 880, 1400), ("TRÁI", 960, 1400)]),
    ])
    values = find_values(lines, FIELDS_BY_TYPE["cccd"], labels_for("cccd"))
    assert values["place_of_residence"].text == "Số 390, đường Lê Lợi, quận Dĩ An, Tỉnh Bình Dương"


def test_a_name_under_its_label_wins_over_a_speck_read_beside_the_label():
    lines = _boxed_lines([
        (1, [("Họ", 1050, 700), ("và", 1090, 700), ("tên:", 1130, 700), ("Sộ", 1400, 700)]),
        (1, [("LÝ", 1100, 735), ("QUANG", 1150, 735), ("THẮNG", 1260, 735)]),
        (1, [("Ngày", 1050, 770), ("sinh:", 1120, 770), ("07/09/1947", 1200, 770)]),
    ])
    values = find_values(lines, FIELDS_BY_TYPE["cccd"], labels_for("cccd"))
    assert values["full_name"].text == "LÝ QUANG THẮNG"


def test_a_garbled_english_half_of_a_label_is_not_part_of_the_value():
    values = _values("Giới tính / Sex: Nam Quốc tịch / Nauonawy: Việt Nam\nCó giá tị đến: 23/08/2030", "cccd")
    assert values["nationality"] == "Việt Nam"
    assert values["date_of_expiry"] == "23/08/2030"  # one misread letter more in a four-word label


@pytest.mark.parametrize(
    ("line", "key", "value"),
    [
        ("Quê quán / Place of orig/n: Xã Bình Trưng, Tỉnh Quảng Nam", "place_of_origin",
         "Xã Bình Trưng, Tỉnh Quảng Nam"),
        ("Quê quán Place of ovriger+ Phường Phú Thượng, Tỉnh Thanh Hóa", "place_of_origin",
         "Phường Phú Thượng, Tỉnh Thanh Hóa"),  # no slash, no colon: the words still resemble it
        ("Nơi thường trú Piace Gf reskKferxe Số 306, đường Hai Bà Trưng", "place_of_residence",
         "Số 306, đường Hai Bà Trưng"),
        ("Giới tính / Sex: Nam Quốc tịch: Việt Nam", "sex", "Nam"),  # a value is not taken for "sex"
    ],
)
def test_an_english_half_of_a_label_garbled_past_matching_is_still_not_the_value(line, key, value):
    assert _values(line, "cccd")[key] == value


def test_a_colon_ends_a_label_so_a_surname_after_it_does_not_lengthen_it():
    # "Họ, chữ đệm, tên: VÕ" folds like "họ, chữ đệm, tên vợ", the wife's label on a marriage paper.
    values = _values("Họ, chữ đệm, tên: VÕ VĂN HIẾU\nNgày, tháng, năm sinh: 01/11/2017", "birth_certificate")
    assert values["full_name"] == "VÕ VĂN HIẾU"


def test_the_person_who_registered_a_birth_is_not_the_child():
    text = ("Họ, chữ đệm, tên: VÕ VĂN HIẾU\nHọ, chữ đệm, tên người cha: VÕ QUỐC THẮNG\n"
            "Họ, chữ đệm, tên người đi khai sinh: VÕ QUỐC THẮNG")
    assert _values(text, "birth_certificate")["full_name"] == "VÕ VĂN HIẾU"
    # Where the child's own line was lost, no name is better than the declarant's.
    assert "full_name" not in _values(text.split("\n", 1)[1], "birth_certificate")


def test_a_row_below_is_taken_whole_though_accents_lift_some_of_its_words():
    # A short second line ("Cai") under the place of origin, then the next label, whose
    # "thường" (accents above, a descender below) sits lower in the box than "Nơi".
    lines = _boxed_lines([  # as read off a CMND copy at 300 dpi
        (1, [("Nguyên", 1063, 618, 27), ("quán", 1162, 619, 26), ("Xã", 1229, 619, 20), ("Xuân", 1270, 618, 21),
             ("Tỉnh", 1603, 618, 21), ("Lào", 1668, 619, 20)]),
        (1, [("Cai", 1062, 659, 19)]),
        (1, [("Nơi", 1063, 696, 20), ("ĐKHK", 1114, 696, 20), ("thường", 1204, 699, 36), ("trú", 1296, 696, 21),
             ("Số", 1336, 695, 22), ("83/32,", 1372, 697, 22)]),
    ])
    values = find_values(lines, FIELDS_BY_TYPE["cmnd"], labels_for("cmnd"))
    assert values["place_of_origin"].text == "Xã Xuân Tỉnh Lào Cai"
    assert values["place_of_residence"].text == "Số 83/32"


def test_specks_read_as_words_are_not_part_of_a_value():
    lines = _boxed_lines([  # as read off a harsh CCCD copy at 200 dpi, made smaller
        (1, [("Quê", 1050, 699, 18), ("quán:", 1092, 700, 17)]),
        (1, [("Xã", 1052, 721, 18), ("Tân", 1086, 715, 30), ("Lập,", 1135, 719, 24), ("Thành", 1187, 714, 29),
             ("phố", 1270, 713, 32), ("Đà", 1320, 713, 32), ("Nẵng", 1360, 713, 32)]),
        # Speckle left of the next label, one of them a pixel high.
        (1, [("X.", 832, 765, 14, 0.44), ("HS:", 933, 779, 1, 0.05), ("Nơi", 1050, 755, 20),
             ("thường", 1085, 754, 18), ("trú:", 1153, 754, 14)]),
        (2, [("Số", 1050, 773, 24), ("1,", 1088, 779, 19), ("đường", 1113, 779, 23), ("Lê", 1192, 779, 23),
             ("Lợi", 1223, 779, 23)]),
        (3, [("su", 1618, 830, 23, 0.41)]),  # the card's pattern under the address
    ])
    values = find_values(lines, FIELDS_BY_TYPE["cccd"], labels_for("cccd"))
    assert values["place_of_origin"].text == "Xã Tân Lập, Thành phố Đà Nẵng"
    assert values["place_of_residence"].text == "Số 1, đường Lê Lợi"


def test_a_place_one_letter_from_a_label_is_not_that_label():
    # "Nam Định" folds one letter away from "năm sinh", a label that ends a value.
    values = _values("Nơi thường trú / Place of residence:\nSố 334, đường Phạm Ngũ Lão,\n"
                     "huyện Bình Thạnh, Tỉnh Nam Định", "cccd")
    assert values["place_of_residence"] == "Số 334, đường Phạm Ngũ Lão, huyện Bình Thạnh, Tỉnh Nam Định"


def test_a_misread_last_label_word_does_not_turn_a_name_into_another_label():
    values = _values("Họ tên CHỬ THÀNH NAM\nSinh ngày 17-10-1996", "cmnd")
    assert values["full_name"] == "CHỬ THÀNH NAM"  # not "họ tên cha" (the father's label)


@pytest.mark.parametrize(
    ("key", "read", "written"),
    [
        ("full_name", "NGUYÊN VĂN ĐỨC", "Nguyễn Văn Đức"),  # one surname folds to "nguyen"
        ("full_name", "ĐĂNG KHẮC VỸ", "Đặng Khắc Vỹ"),
        ("full_name", "CHU VĂN AN", "Chu Văn An"),  # Chu and Chử both exist: left as read
        ("full_name", "NGUYÊN", "Nguyễn"),
        ("place_of_residence", "Số 1, đường Yết Kiêu phường Xuân Đỉnh, thị xã Gia Lâm, Tính Bắc Ninh",
         "Số 1, đường Yết Kiêu, phường Xuân Đỉnh, thị xã Gia Lâm, Tỉnh Bắc Ninh"),
        ("head_office_address", "Số 86, xã Xuân Đỉnh, Thành phố Đà Năng, Việt Nam",
         "Số 86, xã Xuân Đỉnh, Thành phố Đà Nẵng, Việt Nam"),
        ("place_of_origin", "Xã Hòa Khánh, thị xã Châu Thành, Tỉnh: Yên Bái", "Xã Hòa Khánh, thị xã Châu Thành, Tỉnh Yên Bái"),
        ("place_of_birth", "Trạm y tế phường Phú Thượng, Tính Bắc Giang", "Trạm y tế phường Phú Thượng, Tỉnh Bắc Giang"),
        ("place_of_origin", "Phường Yên Hòa, quân Hải Châu, thi xa Gia Lâm, Thành phố Hồ Chí Minh",
         "Phường Yên Hòa, quận Hải Châu, thị xã Gia Lâm, Thành phố Hồ Chí Minh"),  # unit names
        ("place_of_residence", "Số 306, đường Hai Bà Trưng., phường Tân Lập., quận Ninh Kiều",
         "Số 306, đường Hai Bà Trưng, phường Tân Lập, quận Ninh Kiều"),  # a speck before a comma
        ("father_name", "VÕ QUANG HUY ị", "Võ Quang Huy"),  # lowercase after capitals is not the name
        ("mother_name", "VÕ HẢI XUÂN : 3ã", "Võ Hải Xuân"),
        ("father_name", "ĐẶNG MẠNH LÂM Sià", "Đặng Mạnh Lâm"),
        ("owner_name", "LÊ THỊ NGUYỆTt", "Lê Thị Nguyệt"),
        ("full_name", "Nguyễn Văn An", "Nguyễn Văn An"),  # printed in person case: left as printed
        ("date_of_birth", "11z04-1978", "1978-04-11"),  # one separator misread: the other says what
    ],
)
def test_names_and_addresses_lose_specks_and_are_spelt_as_their_lists_spell_them(key, read, written):
    assert normalise(key, read) == written
