import sys
import unicodedata

import pytest

from search.folding import fold, nfc, tokens, word_spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("NGUYỄN VĂN ĐỨC", "nguyen van duc"),
        ("ĐẶNG THỊ HỒNG NHUNG", "dang thi hong nhung"),
        ("Trương Ngọc Ánh, Lưu Quỳnh Hương", "truong ngoc anh, luu quynh huong"),
        ("Cộng hòa xã hội chủ nghĩa Việt Nam", "cong hoa xa hoi chu nghia viet nam"),
        ("Độc lập - Tự do - Hạnh phúc", "doc lap - tu do - hanh phuc"),
        ("đ Đ", "d d"),
        ("Ðức", "duc"),  # eth, which OCR returns for the identical-looking Đ
        ("079203001234", "079203001234"),
    ],
)
def test_fold_drops_case_and_diacritics(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_treats_decomposed_and_precomposed_text_alike() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Đức, Hồ Chí Minh")
    assert decomposed != "Nguyễn Văn Đức, Hồ Chí Minh"
    assert fold(decomposed) == fold("Nguyễn Văn Đức, Hồ Chí Minh") == "nguyen van duc, ho chi minh"


def test_fold_keeps_one_character_per_code_point_of_the_nfc_text() -> None:
    every_code_point = "".join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF)
    assert len(fold(every_code_point)) == len(nfc(every_code_point))


def test_offsets_in_folded_text_cut_the_original_words() -> None:
    original = unicodedata.normalize("NFD", "Họ và tên: NGUYỄN VĂN ĐỨC; İstanbul")
    folded = fold(original)
    words = [nfc(original)[start:end] for start, end in word_spans(folded)]
    assert words == ["Họ", "và", "tên", "NGUYỄN", "VĂN", "ĐỨC", "İstanbul"]


def test_fold_leaves_letters_without_diacritics_of_other_scripts_alone() -> None:
    assert fold("대한민국") == "대한민국"
    assert fold("ΆΛΦΑ") == "αλφα"


def test_fold_is_idempotent() -> None:
    text = "Giấy chứng nhận quyền sử dụng đất ĐỒNG NAI"
    assert fold(fold(text)) == fold(text)


def test_nfc_composes_decomposed_text() -> None:
    assert nfc("Vie\u0323\u0302t") == "Việt"


def test_tokens_split_codes_and_dates_into_folded_words() -> None:
    assert tokens("Mã hồ sơ: 000.00.31.H57-221010-0001, ngày 12/03/2024") == [
        "ma",
        "ho",
        "so",
        "000",
        "00",
        "31",
        "h57",
        "221010",
        "0001",
        "ngay",
        "12",
        "03",
        "2024",
    ]


def test_tokens_split_on_underscores_and_ignore_punctuation() -> None:
    assert tokens("giay_khai_sinh.pdf") == ["giay", "khai", "sinh", "pdf"]
    assert tokens('"(*) -- AND') == ["and"]
    assert tokens("... / -") == []
