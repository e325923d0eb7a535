"""Fields of whole papers: values, validation issues, and the MRZ's word over the printed face."""

from __future__ import annotations

from ocr.document import PageText
from ocr.fields.qr_payload import read_qr_payload
from ocr.fields.read import read_fields
from pipeline.ingest import owner_from_fields

FRONT = """CĂN CƯỚC CÔNG DÂN
Số / No.: 079203001234
Họ và tên / Full name:
NGUYỄN VĂN A
Ngày sinh / Date of birth: {dob}
Giới tính / Sex: {sex} Quốc tịch / Nationality: Việt Nam
Có giá trị đến / Date of expiry: 15/05/2028"""
MRZ = """IDVNM2030012345079203001234<<5
0305152M2805151VNM<<<<<<<<<<<2
NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<"""


def _read(doc_type: str, *texts: str) -> dict:
    return read_fields(doc_type, [PageText(n, t, "ocr", 0.9, 0, 0.0) for n, t in enumerate(texts, start=1)])


def test_a_consistent_card_is_valid_and_owned_by_its_number():
    fields = _read("cccd", FRONT.format(dob="15/05/2003", sex="Nam"), MRZ)
    assert all(item["valid"] for item in fields.values()), fields
    assert fields["date_of_birth"]["value"] == "2003-05-15"
    assert fields["mrz"]["page"] == 2
    assert owner_from_fields("cccd", fields) == "079203001234"


def test_the_mrz_wins_over_a_misread_printed_date_and_says_so():
    fields = _read("cccd", FRONT.format(dob="15/06/2003", sex="Nam"), MRZ)
    assert fields["date_of_birth"]["value"] == "2003-05-15"
    assert not fields["date_of_birth"]["valid"]
    assert "MRZ" in fields["date_of_birth"]["issues"][0]


def test_an_mrz_with_a_wrong_check_digit_is_not_trusted():
    broken = MRZ.replace("0305152M", "0305153M")
    fields = _read("cccd", FRONT.format(dob="15/05/2003", sex="Nam"), broken)
    assert not fields["mrz"]["valid"]
    assert any("check digit" in issue for issue in fields["mrz"]["issues"])
    assert fields["date_of_birth"]["value"] == "2003-05-15"  # the printed value stands


def test_a_number_that_contradicts_the_printed_sex_is_invalid():
    fields = _read("cccd", FRONT.format(dob="15/05/2003", sex="Nữ"))
    assert not fields["id_number"]["valid"]
    assert owner_from_fields("cccd", fields) is None  # an invalid number owns nothing


def test_qr_payload_forms():
    facts = read_qr_payload('{"dossier_code": "H56.14-240823-0001", "procedure_code": "1.001612", '
                            '"applicant_id": "079203001234"}')
    assert (facts.dossier_code, facts.procedure_code, facts.applicant_id) == (
        "H56.14-240823-0001", "1.001612", "079203001234")
    assert read_qr_payload("ma_ho_so=000.00.31.H57-221010-0001;ma_thu_tuc=1.001612").dossier_code == (
        "000.00.31.H57-221010-0001")
    assert read_qr_payload("https://dichvucong.gov.vn/tra-cuu").dossier_code is None


def _row(words: list[tuple[str, int]], line: int) -> list:
    """Words of one printed row at the given x positions, as Tesseract reports them."""
    from ocr.tesseract import Word

    return [Word(text, 0.95, left, 100 * line, 20 * len(text), 30, 1, 1, line) for text, left in words]


def test_marriage_certificate_columns_are_split_and_each_spouse_checked():
    from ocr.document import PageText

    words = (
        _row([("GIẤY", 400), ("CHỨNG", 520), ("NHẬN", 680), ("KẾT", 800), ("HÔN", 900)], 1)
        + _row([("Họ,", 100), ("chữ", 180), ("đệm,", 260), ("tên:", 360), ("LƯU", 600), ("DUY", 700),
                ("PHÚC", 800), ("TẠ", 1400), ("THANH", 1480), ("HUYỀN", 1640)], 2)
        + _row([("Ngày,", 100), ("tháng,", 220), ("năm", 360), ("sinh:", 440), ("04/10/1996", 600),
                ("07/06/1997", 1400)], 3)
        + _row([("Số", 100), ("định", 160), ("danh", 260), ("cá", 360), ("nhân:", 420), ("077096059001", 600),
                ("025197001811", 1400)], 4)
    )
    page = PageText(1, "", "ocr", 0.95, 0, 0.0, words=tuple(words))
    fields = read_fields("marriage_certificate", [page])
    assert fields["husband_name"]["value"] == "Lưu Duy Phúc"
    assert fields["wife_name"]["value"] == "Tạ Thanh Huyền"
    assert fields["husband_id_number"]["valid"]  # 0 = man born in the 1900s, 96 = 1996
    assert fields["wife_id_number"]["valid"]
    assert not any(key.startswith("_") for key in fields)

    wrong_year = [w if w.text != "077096059001" else w.__class__(**{**w.__dict__, "text": "077095059001"})
                  for w in words]
    fields = read_fields("marriage_certificate", [PageText(1, "", "ocr", 0.95, 0, 0.0, words=tuple(wrong_year))])
    assert not fields["husband_id_number"]["valid"]


def test_a_number_is_checked_against_the_birth_date_printed_beside_it_even_when_not_kept():
    letter = ("XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ\n1. Họ, chữ đệm và tên: ĐINH THÙY QUỲNH\n"
              "2. Ngày, tháng, năm sinh: 07/05/1998 3. Giới tính: Nữ\n4. Số định danh cá nhân: {number}\n"
              "Phường Quang Trung, ngày 22 tháng 3 năm 2024")
    good = _read("residence_confirmation", letter.format(number="048198991859"))
    assert good["id_number"]["valid"]
    assert "date_of_birth" not in good and "sex" not in good  # not fields of this paper (vietnam.md)
    assert good["date_of_issue"]["value"] == "2024-03-22"
    wrong_year = _read("residence_confirmation", letter.format(number="048197991859"))
    assert not wrong_year["id_number"]["valid"]


def test_look_alike_letters_in_the_mrz_digits_are_read_as_digits_and_still_checked():
    misread = MRZ.replace("0305152M2805151", "O3O5152M28O5151").replace("<<<<<<2\n", "<<<<<<Z\n")
    fields = _read("cccd", FRONT.format(dob="15/05/2003", sex="Nam"), misread)
    assert fields["mrz"]["valid"], fields["mrz"]
    wrong = MRZ.replace("0305152M", "0305I53M")  # I -> 1 gives 0305153: its check digit 2 fails
    assert not _read("cccd", FRONT.format(dob="15/05/2003", sex="Nam"), wrong)["mrz"]["valid"]


def test_a_table_read_column_by_column_still_pairs_labels_with_their_row():
    from ocr.document import PageText
    from ocr.tesseract import Word

    def block(number: int, rows: list[list[tuple[str, int]]]) -> list[Word]:
        return [Word(text, 0.95, left, 200 + 60 * row, 20 * len(text), 30, number, 1, row)
                for row, words in enumerate(rows) for text, left in words]

    words = (
        block(1, [[("GIẤY", 400), ("CHỨNG", 520), ("NHẬN", 680), ("KẾT", 800), ("HÔN", 900)]])
        + block(2, [[], [("Họ,", 100), ("chữ", 160), ("đệm,", 230), ("tên:", 320)],
                    [("Số", 100), ("định", 160), ("danh", 240), ("cá", 330), ("nhân:", 380)]])
        + block(3, [[], [("ĐẶNG", 700), ("TRỌNG", 820), ("LỘC", 960)], [("015080786806", 700)]])
        + block(4, [[], [("LÊ", 1400), ("MỸ", 1460), ("HIỀN", 1530)], [("027189653304", 1400)]])
    )
    fields = read_fields("marriage_certificate", [PageText(1, "", "ocr", 0.95, 0, 0.0, words=tuple(words))])
    assert (fields["husband_name"]["value"], fields["wife_name"]["value"]) == ("Đặng Trọng Lộc", "Lê Mỹ Hiền")
    assert (fields["husband_id_number"]["value"], fields["wife_id_number"]["value"]) == (
        "015080786806", "027189653304")


def _read_zone(machine_zone: str) -> dict:
    front = PageText(1, FRONT.format(dob="15/05/2003", sex="Nam"), "ocr", 0.9, 0, 0.0, machine_zone=machine_zone)
    return read_fields("cccd", [front])


def test_of_several_readings_of_the_mrz_the_one_whose_check_digits_hold_is_taken():
    misread = MRZ.replace("0305152M", "0305162M")  # birth date check digit no longer holds
    fields = _read_zone(misread + "\n\n" + MRZ)
    assert fields["mrz"]["valid"] and fields["mrz"]["value"] == MRZ


def test_an_mrz_printed_with_a_wrong_check_digit_stays_invalid_whatever_the_readings():
    wrong = MRZ.replace("<<<<<<<<<<<2\n", "<<<<<<<<<<<7\n")  # composite check digit
    also_misread = wrong.replace("0305152M", "0305162M")  # a second reading, its birth date misread too
    fields = _read_zone(wrong + "\n\n" + also_misread)
    assert not fields["mrz"]["valid"]
    assert any("composite check digit" in issue for issue in fields["mrz"]["issues"])


def test_miscounted_fillers_are_put_back_to_the_layout_length():
    lines = MRZ.splitlines()
    short_name = lines[2][:-4]  # line 3 read 4 fillers short
    long_tail = lines[1][:18] + "<" * 13 + lines[1][-1]  # line 2's empty optional data read 2 long
    fields = _read_zone("\n".join((lines[0], long_tail, short_name)))
    assert fields["mrz"]["valid"] and fields["mrz"]["value"] == MRZ


CARD_QR = "079203001234|025123456|Nguyễn Văn A|15052003|Nam|Số 12, đường Lê Lợi, phường Bến Thành|15052021"


def _with_qr(doc_type: str, text: str, qr: str) -> dict:
    return read_fields(doc_type, [PageText(1, text, "ocr", 0.9, 0, 0.0, qr_codes=(qr,))])


def test_a_card_qr_code_reads_as_the_holders_facts():
    from ocr.fields.qr_payload import read_card_qr

    assert read_card_qr(CARD_QR) == {
        "id_number": "079203001234", "full_name": "Nguyễn Văn A", "date_of_birth": "2003-05-15", "sex": "Nam",
        "place_of_residence": "Số 12, đường Lê Lợi, phường Bến Thành", "date_of_issue": "2021-05-15"}
    assert read_card_qr('{"dossier_code": "H56.14-240823-0001"}') is None


def test_a_cards_qr_code_wins_over_a_misread_face_and_says_so():
    misread = FRONT.format(dob="15/06/2003", sex="Nam").replace("NGUYỄN VĂN A", "NGUYÊN VĂN Ạ")
    fields = _with_qr("cccd", misread, CARD_QR)
    assert fields["date_of_birth"]["value"] == "2003-05-15"
    assert "QR code" in fields["date_of_birth"]["issues"][0]
    assert fields["full_name"]["value"] == "Nguyễn Văn A"
    assert fields["place_of_residence"]["value"] == "Số 12, đường Lê Lợi, phường Bến Thành"  # not printed on this face
    assert fields["id_number"]["valid"] and fields["date_of_issue"]["valid"]


def test_a_receipts_qr_code_wins_for_the_dossier_and_the_applicant():
    receipt = ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ\nMã hồ sơ: H56.14-240828-0001\n"
               "Tiếp nhận hồ sơ của: Ông NGUYỄN VĂN A\nSố định danh cá nhân: 079203001284\nMã thủ tục: 1.001612")
    qr = '{"dossier_code": "H56.14-240823-0001", "procedure_code": "1.001612", "applicant_id": "079203001234"}'
    fields = _with_qr("dossier_receipt", receipt, qr)
    assert fields["dossier_code"]["value"] == "H56.14-240823-0001"
    assert fields["id_number"]["value"] == "079203001234"
    assert not fields["id_number"]["valid"]  # the printed number differed: a person looks
    assert fields["procedure_code"]["valid"]


def test_a_citizen_identity_card_number_has_twelve_digits():
    fields = _read("cccd", FRONT.format(dob="15/05/2003", sex="Nam").replace("079203001234", "079203001"))
    assert not fields["id_number"]["valid"]
    assert owner_from_fields("cccd", fields) is None
    assert _read("cmnd", "CHỨNG MINH NHÂN DÂN\nSố 079203001\nHọ tên: NGUYỄN VĂN A")["id_number"]["valid"]


def test_no_one_named_in_an_official_document_owns_it():
    decision = ("ỦY BAN NHÂN DÂN\nXÃ TỊNH KHÊ\nSố: 12/QĐ-XPHC\nQUYẾT ĐỊNH\nXử phạt vi phạm hành chính\n"
                "Họ và tên: NGUYỄN VĂN A\nNgày, tháng, năm sinh: 15/05/2003\nGiới tính: Nam\n"
                "Số định danh cá nhân: 079203001234")
    fields = _read("other", decision)
    assert "id_number" not in fields and "full_name" not in fields
    assert owner_from_fields("other", fields) is None
    assert _read("other", decision.replace("QUYẾT ĐỊNH\n", "").replace("Số: 12/QĐ-XPHC\n", ""))["id_number"]["valid"]


def test_a_later_page_listing_recipients_shows_an_official_document_whose_heading_was_lost():
    first = "Số định danh cá nhân: 079203001234\nGiới tính: Nam"  # a body page; its heading read as nothing
    last = "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.\nNơi nhận: TM. ỦY BAN NHÂN DÂN\n- Như Điều 3;"
    assert "id_number" not in _read("other", first, last)
    assert _read("other", first)["id_number"]["valid"]
