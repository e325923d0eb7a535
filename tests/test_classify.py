"""Classification from printed titles, including the tone-mark errors Tesseract makes."""

from __future__ import annotations

import pytest

from ocr.classify import OTHER, classify, top_down
from ocr.tesseract import Word, words_to_text

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        ("CĂN CƯỚC CÔNG DÂN\nCitizen Identity Card", "cccd"),
        ("CĂN CƯỚC\nIDENTITY CARD", "cccd"),
        ("CHỨNG MINH NHÂN DÂN", "cmnd"),
        ("GIẤY KHAI SINH", "birth_certificate"),
        ("GIẤY CHỨNG NHẬN KẾT HÔN", "marriage_certificate"),
        ("XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", "residence_confirmation"),
        ("GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP\nCÔNG TY TRÁCH NHIỆM HỮU HẠN", "business_registration"),
        ("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT", "land_use_certificate"),
        ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "dossier_receipt"),
        ("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", "application_form"),
        ("ĐƠN ĐỀ NGHỊ CẤP BẢN SAO", "application_form"),
    ],
)
def test_title_under_the_motto_gives_the_doc_type(title, doc_type):
    result = classify(MOTTO + title + "\nHọ và tên: Nguyễn Văn An")
    assert result.doc_type == doc_type
    assert result.confidence >= 0.9


@pytest.mark.parametrize(
    ("ocr_title", "doc_type"),
    [
        ("GIẢY CHƯNG NHẠN KÉT HÔN", "marriage_certificate"),  # stacked tone marks misread
        ("GIAY KHAI SlNH", "birth_certificate"),  # l for I
        ("GIẤY CHỨNG NHẬN QUYÈN SỬ DỤNG ĐÂT", "land_use_certificate"),
        ("GIÂY TIẾP NHẠN HỎ SƠ VÀ HẸN TRẢ KÉT QUẢ", "dossier_receipt"),
    ],
)
def test_titles_are_recognised_through_ocr_errors(ocr_title, doc_type):
    assert classify(MOTTO + ocr_title).doc_type == doc_type


def test_a_paper_named_in_the_body_does_not_decide_the_type():
    receipt = MOTTO + "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ\nThành phần hồ sơ: Giấy khai sinh (bản sao)"
    assert classify(receipt).doc_type == "dossier_receipt"
    letter = MOTTO + "THÔNG BÁO\nCăn cứ tờ khai này, đề nghị ông bổ sung giấy tờ."
    assert classify(letter).doc_type == OTHER


def test_a_form_whose_numbered_item_names_another_paper_is_still_the_form():
    # A speck before the title, and item 8 naming the residence paper the form asks for.
    form = (MOTTO + "'TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ\nKính gửi: Công an phường Phú Thượng\n"
            "8. Nội dung đề nghị: Xác nhận thông tin về cư trú")
    assert classify(form).doc_type == "application_form"


def test_a_title_printed_above_a_table_decides_though_ocr_read_the_table_first():
    def line(text: str, top: int, block: int) -> list[Word]:
        return [Word(word, 0.9, 100 + 80 * index, top, 70, 30, block, 1, 1) for index, word in enumerate(text.split())]

    # A marriage certificate's two columns of labels and values, each read as a block of its own
    # before the block holding the title.
    table = [word for row in range(16) for word in line(f"Họ, chữ đệm, tên: người {row}", 900 + 50 * row, 1 + row)]
    words = (*line("ỦY BAN NHÂN DÂN", 100, 0), *table, *line("GIẤY CHỨNG NHẬN KẾT HÔN", 300, 20))
    assert classify(words_to_text(words)).doc_type == OTHER  # the title is past the top lines
    assert classify(top_down(words)).doc_type == "marriage_certificate"


def test_card_back_is_recognised_by_its_machine_readable_zone():
    back = "Đặc điểm nhân dạng\nIDVNM2030012345079203001234<<5\n0305152M2805151VNM<<<<<<<<<<<2\nNGUYEN<<VAN<A"
    assert classify(back).doc_type == "cccd"


def test_a_fragment_or_an_unrelated_page_is_other():
    assert classify("GIẤY CHỨNG NHẬN").doc_type == OTHER
    assert classify("The LinnSequencer\n32 Track MIDI Sequence Recorder").doc_type == OTHER
    assert classify("").doc_type == OTHER


HEADING = "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\n" + MOTTO


@pytest.mark.parametrize(
    "top",
    [
        "Số: 05/CT-UBND Quảng Ngãi, ngày 16 tháng 4 năm 2020\nCHỈ THỊ\nVề việc triển khai nộp thuế điện tử",
        "Số: 51/QĐ-UBND\nQUYẾT ĐỊNH\nVề việc cấp Giấy chứng nhận quyền sử dụng đất cho hộ ông Lê Văn An",
        "Số: 22/TTr-UBND\nTỜ TRÌNH\nVề việc cấp lại căn cước công dân",
        "Số: 574/UBND-KTTH\nV/v đăng ký bổ sung giấy khai sinh",
        "BÁO CÁO\nTình hình tiếp nhận hồ sơ và hẹn trả kết quả",
        "THÔNG BÁO\nKết luận của Phó Chủ tịch UBND tỉnh",
    ],
)
def test_an_official_document_is_other_whatever_papers_it_names(top):
    result = classify(HEADING + top + "\nCăn cứ Chỉ thị số 16/CT-TTg ngày 20/5/2024 của Thủ tướng Chính phủ;")
    assert result.doc_type == OTHER
    assert result.evidence.startswith("official document")


def test_a_preamble_that_starts_with_can_cu_is_not_a_card_title():
    # "Căn cứ Chỉ thị" opens like "căn cước" letter by letter; read without the kind line above it.
    preamble = ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI\nCăn cứ Chỉ thị số 05/CT-UBND ngày 16/4/2020;\n"
                "CĂN CỨ CHỈ THỊ SỐ 05\nCăn cứ Luật Căn cước ngày 27/11/2023;")
    assert classify(preamble).doc_type == OTHER


def test_a_title_must_be_printed_as_a_title_not_a_sentence_of_the_body():
    # A later page of a letter: its first lines are body text that names papers.
    body = ("2\nGiấy khai sinh của cháu đã được cấp lại theo đề nghị,\n"
            "quyền sử dụng đất của hộ gia đình được công nhận;\n"
            "Căn cước công dân số 079203001234 của ông An")
    assert classify(body).doc_type == OTHER


def test_a_card_title_is_a_short_line_of_its_own():
    assert classify("CĂN CƯỚC CÔNG DÂN\nCitizen Identity Card").doc_type == "cccd"
    assert classify("Ƒ CĂN CƯỚC CÔNG DÂN").doc_type == "cccd"  # a speck of the emblem beside it
    assert classify("GIẤY CHỨNG MINH NHÂN DÂN").doc_type == "cmnd"
    assert classify("ĐĂNG KÝ CẤP CĂN CƯỚC CÔNG DÂN CHO CÔNG DÂN TỪ ĐỦ 14 TUỔI TRỞ LÊN").doc_type == OTHER


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        ("TRÍCH LỤC KHAI SINH", "birth_certificate"),
        ("TRÍCH LỤC KẾT HÔN", "marriage_certificate"),
        ("PHIẾU TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "dossier_receipt"),
        ("GIẤY BIÊN NHẬN HỒ SƠ", "dossier_receipt"),
        ("PHIẾU ĐỀ NGHỊ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "application_form"),
        ("ĐƠN ĐĂNG KÝ BIẾN ĐỘNG ĐẤT ĐAI", "application_form"),
        ("BẢN KHAI NHÂN KHẨU", "application_form"),
        ("THẺ CĂN CƯỚC", "cccd"),
    ],
)
def test_titles_as_real_papers_word_them(title, doc_type):
    assert classify(MOTTO + title).doc_type == doc_type


def test_a_citizens_form_with_its_subject_in_brackets_is_no_cong_van():
    form = MOTTO + "ĐƠN ĐỀ NGHỊ\n__ (V/v cấp bản sao trích lục hộ tịch)\nKính gửi: Ủy ban nhân dân phường Định Công"
    assert classify(form).doc_type == "application_form"

