from datetime import date

import pytest

from ocr.fields.dates import DateError, find_dates, parse_date, parse_expiry, parse_yymmdd


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/05/2003", date(2003, 5, 15)),
        ("5/3/2024", date(2024, 3, 5)),
        ("05-03-2024", date(2024, 3, 5)),
        ("05.03.2024", date(2024, 3, 5)),
        (" 15 / 05 / 2003 ", date(2003, 5, 15)),
        ("ngày 05 tháng 3 năm 2024", date(2024, 3, 5)),
        ("Ngày 5 tháng 03 năm 2024", date(2024, 3, 5)),
        ("NGÀY 05 THÁNG 03 NĂM 2024", date(2024, 3, 5)),
        ("ngảy 05  thảng 3 năm   2024", date(2024, 3, 5)),  # Tesseract's tone-mark errors
        ("ngày05tháng3năm2024", date(2024, 3, 5)),
        ("29/02/2024", date(2024, 2, 29)),
        ("29/02/2000", date(2000, 2, 29)),
        ("31/12/1900", date(1900, 12, 31)),
        ("15/05/2003.", date(2003, 5, 15)),
    ],
)
def test_parse_date_reads_every_printed_form(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("29/02/2023", "02/2023 has 28 days"),
        ("29/02/1900", "02/1900 has 28 days"),  # 1900 is not a leap year
        ("31/02/2024", "02/2024 has 29 days"),
        ("31/04/2024", "04/2024 has 30 days"),
        ("00/05/2024", "not a real date"),
        ("21/0/1973", "month 0 does not exist"),  # the misreading of 21/9/1973
        ("15/13/2003", "month 13 does not exist"),
        ("ngày 30 tháng 2 năm 2024", "not a real date"),
        ("15/05/1073", "year 1073"),
    ],
)
def test_parse_date_rejects_impossible_dates(text: str, says: str) -> None:
    with pytest.raises(DateError, match=says):
        parse_date(text)


@pytest.mark.parametrize(
    "text",
    ["", "15/05", "15/05/203", "15/05-2003", "Ngày sinh 15/05/2003", "15/05/2003 15/05/2004", "079203001234"],
)
def test_parse_date_wants_exactly_one_date_and_nothing_else(text: str) -> None:
    with pytest.raises(DateError):
        parse_date(text)


def test_find_dates_gives_offsets_in_the_original_text_and_keeps_impossible_dates() -> None:
    text = "Hà Nội, ngảy 05 tháng 3 năm 2024. Ngày sinh: 31/02/1990; hết hạn 15.05.2028"
    found = find_dates(text)
    assert [match.value for match in found] == [date(2024, 3, 5), None, date(2028, 5, 15)]
    assert [text[match.start : match.end] for match in found] == [
        "ngảy 05 tháng 3 năm 2024",
        "31/02/1990",
        "15.05.2028",
    ]
    assert found[1].issue == "31/02/1990 is not a real date (02/1990 has 28 days)"
    assert found[0].issue is None


def test_find_dates_ignores_numbers_that_are_not_dates() -> None:
    assert find_dates("Số 079203001234, lệ phí 1.500.000 đồng, mã 1.001612") == []


def test_find_dates_reads_decomposed_text() -> None:
    import unicodedata

    assert [m.value for m in find_dates(unicodedata.normalize("NFD", "ngày 5 tháng 3 năm 2024"))] == [date(2024, 3, 5)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Không thời hạn", None),
        ("KHÔNG THỜI HẠN", None),
        ("Khong  thoi han", None),
        ("Không thờ hẹn", None),  # a harsh scan's reading: the words' shape still says it
        ("15/05/2028", date(2028, 5, 15)),
    ],
)
def test_parse_expiry(text: str, expected: date | None) -> None:
    assert parse_expiry(text) == expected


def test_parse_expiry_rejects_other_text() -> None:
    with pytest.raises(DateError):
        parse_expiry("Có giá trị")
    with pytest.raises(DateError):
        parse_expiry("Không rõ")


@pytest.mark.parametrize(
    ("yymmdd", "latest", "expected"),
    [
        # birth dates: latest is today, so never in the future
        ("030515", date(2025, 6, 1), date(2003, 5, 15)),
        ("250601", date(2025, 6, 1), date(2025, 6, 1)),
        ("250602", date(2025, 6, 1), date(1925, 6, 2)),
        ("851231", date(2025, 6, 1), date(1985, 12, 31)),
        ("000229", date(2025, 6, 1), date(2000, 2, 29)),
        # expiries: latest is decades ahead, so a future date stays in this century
        ("450515", date(2075, 12, 31), date(2045, 5, 15)),
        ("750515", date(2075, 12, 31), date(2075, 5, 15)),
        ("800515", date(2075, 12, 31), date(1980, 5, 15)),
        # after 2100 the same rule moves on
        ("050101", date(2110, 1, 1), date(2105, 1, 1)),
        ("990101", date(2110, 1, 1), date(2099, 1, 1)),
    ],
)
def test_parse_yymmdd_century(yymmdd: str, latest: date, expected: date) -> None:
    assert parse_yymmdd(yymmdd, latest=latest) == expected


@pytest.mark.parametrize(
    ("yymmdd", "latest"),
    [
        ("000229", date(1999, 12, 31)),  # 1900-02-29 does not exist
        ("230229", date(2025, 6, 1)),
        ("031315", date(2025, 6, 1)),
        ("03051", date(2025, 6, 1)),
        ("03O515", date(2025, 6, 1)),  # letter O is not "fixed" to 0
    ],
)
def test_parse_yymmdd_rejects(yymmdd: str, latest: date) -> None:
    with pytest.raises(DateError):
        parse_yymmdd(yymmdd, latest=latest)
