import unicodedata
from datetime import date

import pytest

from ocr.fields.card import birthday, check_expiry, expected_expiry
from ocr.fields.dossier import check_dossier_code, check_procedure_code, make_dossier_code
from ocr.fields.id_number import check_personal_number, make_personal_number
from ocr.fields.land_certificate import check_certificate_serial
from ocr.fields.mrz import MrzError, check_digit, compare_with_printed, make_td1, parse_td1
from ocr.fields.provinces import PROVINCE_CODES, PROVINCE_SINCE_2025, PROVINCES
from ocr.fields.tax_code import check_tax_code, make_tax_code, tax_check_digit

TODAY = date(2025, 6, 1)
SPEC_MRZ = (
    "IDVNM2030012345079203001234<<5",
    "0305152M2805151VNM<<<<<<<<<<<2",
    "NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<",
)


# --- provinces -------------------------------------------------------------


def test_provinces_are_the_63_pre_2025_codes_mapped_to_34() -> None:
    assert len(PROVINCES) == 63
    assert len(set(PROVINCE_SINCE_2025.values())) == 34
    assert PROVINCE_CODES["001"] == "Thành phố Hà Nội"
    assert PROVINCE_CODES["079"] == "Thành phố Hồ Chí Minh"
    assert PROVINCE_SINCE_2025["074"] == "Thành phố Hồ Chí Minh"  # Bình Dương
    assert PROVINCE_SINCE_2025["070"] == "Tỉnh Đồng Nai"  # Bình Phước
    assert PROVINCES["070"].code_since_2025 == "75"
    assert all(unicodedata.is_normalized("NFC", p.name + p.name_since_2025) for p in PROVINCES.values())


# --- personal number -------------------------------------------------------


@pytest.mark.parametrize(
    ("birth_date", "sex", "digit"),
    [
        (date(1985, 1, 2), "Nam", "0"),
        (date(1985, 1, 2), "Nữ", "1"),
        (date(2003, 5, 15), "Nam", "2"),
        (date(2003, 5, 15), "Nữ", "3"),
        (date(2101, 7, 1), "Nam", "4"),
        (date(2101, 7, 1), "Nữ", "5"),
    ],
)
def test_century_sex_digit_for_each_century_and_sex(birth_date: date, sex: str, digit: str) -> None:
    number = make_personal_number("079", birth_date, sex, 1234)
    assert number == f"079{digit}{birth_date.year % 100:02d}001234"
    check = check_personal_number(number, sex=sex, birth_date=birth_date)
    assert check.valid, check.issues
    assert (check.kind, check.province_code, check.sex, check.birth_year) == ("personal_number", "079", sex, birth_date.year)


def test_spec_number_is_valid_and_printed_sex_is_read_loosely() -> None:
    for printed in ("Nam", "NAM", "nam ", unicodedata.normalize("NFD", "Nam")):
        assert check_personal_number("079203001234", sex=printed, birth_date=date(2003, 5, 15)).issues == ()


def test_sex_mismatch() -> None:
    check = check_personal_number("079203001234", sex="NỮ")
    assert check.issues == ("century/sex digit 2 says male born 2000-2099 but printed sex is Nữ",)


def test_birth_year_mismatch() -> None:
    check = check_personal_number("001085001234", birth_date=date(1986, 4, 1))
    assert check.issues == ("birth-year digits 85 do not match printed year 1986",)


def test_century_mismatch() -> None:
    check = check_personal_number("001285001234", sex="Nam", birth_date=date(1985, 4, 1))
    assert check.issues == ("century/sex digit 2 says male born 2000-2099 but printed birth year is 1985",)


@pytest.mark.parametrize("code", ["000", "003", "099", "097", "005"])
def test_unknown_province(code: str) -> None:
    assert check_personal_number(f"{code}203001234").issues == (f"unknown province code {code}",)


@pytest.mark.parametrize("digit", "6789")
def test_century_digit_out_of_range(digit: str) -> None:
    check = check_personal_number(f"079{digit}03001234")
    assert check.issues == (f"century/sex digit {digit} is not 0-5",)
    assert check.sex is None and check.birth_year is None


def test_unreadable_printed_sex_is_an_issue() -> None:
    assert check_personal_number("079203001234", sex="Nö").issues == ("printed sex 'Nö' is neither Nam nor Nữ",)


def test_nine_digits_is_an_opaque_cmnd_number() -> None:
    check = check_personal_number("012345678", sex="Nữ", birth_date=date(1970, 1, 1))
    assert (check.kind, check.issues, check.valid) == ("cmnd", (), True)


@pytest.mark.parametrize("number", ["", "07920300123", "0792030012345", "07920300123O", "079 203 001 234", "0123456789"])
def test_other_lengths_are_invalid(number: str) -> None:
    check = check_personal_number(number)
    assert check.kind == "invalid" and not check.valid
    assert "expected 12 digits" in check.issues[0]


@pytest.mark.parametrize(
    ("province", "birth_date", "sex", "serial"),
    [
        ("099", date(2003, 1, 1), "Nam", 1),
        ("079", date(1899, 12, 31), "Nam", 1),
        ("079", date(2200, 1, 1), "Nam", 1),
        ("079", date(2003, 1, 1), "Nam", 1_000_000),
        ("079", date(2003, 1, 1), "Nu", 1),
    ],
)
def test_make_personal_number_refuses_what_cannot_be_valid(province: str, birth_date: date, sex: str, serial: int) -> None:
    with pytest.raises(ValueError):
        make_personal_number(province, birth_date, sex, serial)


# --- MRZ -------------------------------------------------------------------


def test_check_digit_icao_examples() -> None:
    assert check_digit("520727") == "3"  # ICAO 9303 Part 3 worked example
    assert check_digit("D23145890") == "7"  # ICAO TD1 specimen document number
    assert check_digit("<<<<<<") == "0"
    with pytest.raises(ValueError):
        check_digit("12a")


def test_spec_example_validates() -> None:
    mrz = parse_td1("\n".join(SPEC_MRZ), today=TODAY)
    assert mrz.issues == ()
    assert mrz.personal_number == "079203001234"
    assert mrz.document_number == "203001234"
    assert (mrz.birth_date, mrz.sex, mrz.expiry) == (date(2003, 5, 15), "Nam", date(2028, 5, 15))
    assert (mrz.surname, mrz.given_names, mrz.full_name) == ("NGUYEN", "VAN A", "NGUYEN VAN A")


def test_make_td1_rebuilds_the_spec_example() -> None:
    made = make_td1("079203001234", full_name="Nguyễn Văn A", birth_date=date(2003, 5, 15), sex="Nam", expiry=date(2028, 5, 15))
    assert made == SPEC_MRZ


def test_ocr_noise_icao_allows_is_tolerated() -> None:
    noisy = "\n  IDVNM 203001234 5 079203001234«<5 \n\n0305152M2805151VNM««««<<<<<<<2\nNGUYEN << VAN<A<<<<<<<<<<<<<<<<<\n"
    assert parse_td1(noisy, today=TODAY).issues == ()


@pytest.mark.parametrize(
    ("line", "position", "label"),
    [
        (0, 14, "document number"),
        (0, 29, "personal number"),
        (1, 6, "birth date"),
        (1, 14, "expiry"),
        (1, 29, "composite"),
    ],
)
def test_each_wrong_check_digit_is_caught(line: int, position: int, label: str) -> None:
    lines = list(SPEC_MRZ)
    wrong = str((int(lines[line][position]) + 1) % 10)
    lines[line] = lines[line][:position] + wrong + lines[line][position + 1 :]
    issues = parse_td1("\n".join(lines), today=TODAY).issues
    assert f"MRZ {label} check digit is {wrong}, computed {SPEC_MRZ[line][position]}" in issues
    assert all("check digit" in issue for issue in issues)


def test_a_misread_digit_is_caught_not_fixed() -> None:
    lines = list(SPEC_MRZ)
    lines[1] = "0305162" + lines[1][7:]  # birth 030515 misread as 030516
    mrz = parse_td1("\n".join(lines), today=TODAY)
    assert mrz.birth_date == date(2003, 5, 16)
    assert "MRZ birth date check digit is 2, computed 3" in mrz.issues
    assert "MRZ composite check digit is 2, computed 9" in mrz.issues


def test_the_two_copies_of_the_number_must_agree() -> None:
    line1 = "IDVNM203001235" + check_digit("203001235") + SPEC_MRZ[0][15:]
    lines = make_td1("079203001234", full_name="Nguyen Van A", birth_date=date(2003, 5, 15), sex="Nam", expiry=date(2028, 5, 15))
    line2 = lines[1][:29] + check_digit(line1[5:30] + lines[1][0:7] + lines[1][8:15] + lines[1][18:29])
    issues = parse_td1("\n".join((line1, line2, lines[2])), today=TODAY).issues
    assert issues == ("MRZ document number 203001235 is not the last 9 digits of 079203001234",)


def test_mrz_sex_and_birth_are_checked_against_its_own_number() -> None:
    lines = make_td1("079303001234", full_name="Tran Thi B", birth_date=date(2003, 5, 15), sex="Nam", expiry=date(2028, 5, 15))
    issues = parse_td1("\n".join(lines), today=TODAY).issues
    assert issues == ("century/sex digit 3 says female born 2000-2099 but printed sex is Nam",)


def test_mrz_years_use_the_century_rule() -> None:
    lines = make_td1("001070001234", full_name="Le Van C", birth_date=date(1970, 1, 2), sex="Nam", expiry=date(2030, 1, 2))
    mrz = parse_td1("\n".join(lines), today=TODAY)
    assert (mrz.birth_date, mrz.expiry, mrz.issues) == (date(1970, 1, 2), date(2030, 1, 2), ())
    born_this_year = make_td1("001225001234", full_name="Le C", birth_date=date(2025, 1, 2), sex="Nam", expiry=date(2039, 1, 2))
    mrz = parse_td1("\n".join(born_this_year), today=TODAY)
    assert (mrz.birth_date, mrz.expiry, mrz.issues) == (date(2025, 1, 2), date(2039, 1, 2), ())


def test_card_without_expiry() -> None:
    lines = make_td1("001150001234", full_name="Pham Thi D", birth_date=date(1950, 3, 4), sex="Nữ", expiry=None)
    assert lines[1][8:15] == "<<<<<<0"
    mrz = parse_td1("\n".join(lines), today=TODAY)
    assert (mrz.expiry, mrz.has_expiry, mrz.issues) == (None, False, ())
    assert compare_with_printed(mrz, {"date_of_expiry": None}) == []
    assert compare_with_printed(mrz, {"date_of_expiry": "2030-03-04"}) == [
        "MRZ date of expiry none differs from printed 2030-03-04"
    ]


def test_impossible_mrz_date_is_an_issue() -> None:
    lines = list(SPEC_MRZ)
    birth = "030230"
    lines[1] = birth + check_digit(birth) + lines[1][7:29]
    lines[1] += check_digit(lines[0][5:30] + lines[1][0:7] + lines[1][8:15] + lines[1][18:29])
    mrz = parse_td1("\n".join(lines), today=TODAY)
    assert mrz.birth_date is None
    assert mrz.issues == ("MRZ birth date '030230': 30/02/2003 is not a real date (02/2003 has 28 days)",)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("\n".join(SPEC_MRZ[:2]), "expected 3 MRZ lines"),
        ("\n".join((SPEC_MRZ[0][:-1], *SPEC_MRZ[1:])), "line 1 has 29 characters"),
        ("\n".join((SPEC_MRZ[0], SPEC_MRZ[1], SPEC_MRZ[2].lower())), "line 3 has characters outside"),
    ],
)
def test_unlocatable_mrz_raises(text: str, says: str) -> None:
    with pytest.raises(MrzError, match=says):
        parse_td1(text, today=TODAY)


def test_mrz_agrees_with_printed_fields() -> None:
    mrz = parse_td1("\n".join(SPEC_MRZ), today=TODAY)
    printed = {
        "id_number": "079203001234",
        "full_name": "Nguyễn Văn A",
        "sex": "Nam",
        "date_of_birth": "2003-05-15",
        "date_of_expiry": "2028-05-15",
    }
    assert compare_with_printed(mrz, printed) == []
    assert compare_with_printed(mrz, {}) == []


def test_mrz_vs_printed_mismatch() -> None:
    mrz = parse_td1("\n".join(SPEC_MRZ), today=TODAY)
    printed = {
        "id_number": "079203001284",
        "full_name": "Nguyễn Văn Á",  # diacritics are not compared
        "sex": "Nữ",
        "date_of_birth": "2003-05-16",
        "date_of_expiry": None,
    }
    assert compare_with_printed(mrz, printed) == [
        "MRZ number 079203001234 differs from printed 079203001284",
        "MRZ sex Nam differs from printed Nữ",
        "MRZ date of birth 2003-05-15 differs from printed 2003-05-16",
        "MRZ date of expiry 2028-05-15 differs from printed none",
    ]


# --- card expiry -----------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "issued", "expected"),
    [
        (date(2003, 5, 15), date(2021, 6, 1), date(2028, 5, 15)),  # the spec card: 25th birthday
        (date(1990, 3, 1), date(2021, 6, 1), date(2030, 3, 1)),  # 40th
        (date(1970, 3, 1), date(2021, 6, 1), date(2030, 3, 1)),  # 60th
        (date(1990, 3, 1), date(2015, 3, 1), date(2030, 3, 1)),  # issued on the 25th birthday: next is 40
        (date(1960, 3, 1), date(2021, 6, 1), None),  # issued after 60: no expiry
        (date(1960, 3, 1), date(2020, 3, 1), None),  # issued on the 60th birthday
        (date(2000, 2, 29), date(2021, 6, 1), date(2025, 2, 28)),  # leap-day birthday, common year
        (date(2000, 2, 29), date(2026, 1, 1), date(2040, 2, 29)),
    ],
)
def test_expected_expiry(birth: date, issued: date, expected: date | None) -> None:
    assert expected_expiry(birth, issued) == expected


def test_birthday_of_a_leap_day_birth() -> None:
    assert birthday(date(2004, 2, 29), 25) == date(2029, 2, 28)


def test_check_expiry() -> None:
    assert check_expiry(date(2003, 5, 15), date(2021, 6, 1), date(2028, 5, 15)) == []
    assert check_expiry(date(1960, 3, 1), date(2021, 6, 1), None) == []
    assert check_expiry(date(2003, 5, 15), date(2021, 6, 1), date(2028, 5, 16)) == [
        "expiry 2028-05-16 differs from the usual 2028-05-15 (soft rule: expiry at 25, 40 or 60)"
    ]
    assert check_expiry(date(1960, 3, 1), date(2021, 6, 1), date(2031, 6, 1)) == [
        "expiry 2031-06-01 differs from the usual Không thời hạn (issued at 60 or later) (soft rule: expiry at 25, 40 or 60)"
    ]
    assert check_expiry(date(2003, 5, 15), date(2021, 6, 1), None) == [
        "expiry Không thời hạn differs from the usual 2028-05-15 (soft rule: expiry at 25, 40 or 60)"
    ]


def test_expiry_before_issue_is_a_hard_issue() -> None:
    assert check_expiry(date(2003, 5, 15), date(2021, 6, 1), date(2020, 5, 15)) == [
        "expiry 2020-05-15 is before the issue date 2021-06-01"
    ]


# --- dossier and procedure codes -------------------------------------------


@pytest.mark.parametrize(
    ("code", "unit", "received", "sequence"),
    [
        ("000.00.31.H57-221010-0001", "000.00.31.H57", date(2022, 10, 10), 1),
        ("H56.14-240823-0001", "H56.14", date(2024, 8, 23), 1),
        ("H56.14-240229-9999", "H56.14", date(2024, 2, 29), 9999),
    ],
)
def test_dossier_code_examples(code: str, unit: str, received: date, sequence: int) -> None:
    check = check_dossier_code(code)
    assert (check.issues, check.unit, check.received, check.sequence) == ((), unit, received, sequence)


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("H56.14-240231-0001", "not a real date"),
        ("H56.14-230229-0001", "not a real date"),
        ("H56.14-241301-0001", "month 13"),
        ("H56.14-240823-0000", "sequence 0000"),
        ("H56.14-240823-001", "is not <unit>-<YYMMDD>-<NNNN>"),
        ("H56.14-20240823-0001", "is not <unit>-<YYMMDD>-<NNNN>"),
        ("240823-0001", "is not <unit>-<YYMMDD>-<NNNN>"),
        ("h56.14-240823-0001", "is not <unit>-<YYMMDD>-<NNNN>"),
        ("H56..14-240823-0001", "is not <unit>-<YYMMDD>-<NNNN>"),
    ],
)
def test_bad_dossier_codes(code: str, says: str) -> None:
    check = check_dossier_code(code)
    assert not check.valid
    assert says in check.issues[0]


def test_make_dossier_code() -> None:
    assert make_dossier_code("000.00.31.H57", date(2022, 10, 10), 1) == "000.00.31.H57-221010-0001"
    for unit, received, sequence in [("H56.14", date(2024, 1, 1), 10_000), ("H56 14", date(2024, 1, 1), 1), ("H56.14", date(2124, 1, 1), 1)]:
        with pytest.raises(ValueError):
            make_dossier_code(unit, received, sequence)


@pytest.mark.parametrize("code", ["1.001612", "2.000001", " 1.001612 "])
def test_procedure_code_shape(code: str) -> None:
    assert check_procedure_code(code) == []


@pytest.mark.parametrize("code", ["1.00161", "1.0016123", "10.01612", "1,001612", "1001612", "1.00161a", ""])
def test_bad_procedure_code_shape(code: str) -> None:
    assert check_procedure_code(code) == [f"procedure code {code!r} is not d.dddddd"]


# --- tax code --------------------------------------------------------------


def test_tax_code_example() -> None:
    assert tax_check_digit("010010910") == 6
    assert check_tax_code("0100109106") == []
    assert check_tax_code("0100109106-001") == []
    assert make_tax_code("010010910") == "0100109106"


@pytest.mark.parametrize("position", range(10))
def test_any_single_changed_digit_fails_the_tax_check(position: int) -> None:
    for digit in "0123456789":
        code = "0100109106"[:position] + digit + "0100109106"[position + 1 :]
        if code != "0100109106":
            assert check_tax_code(code), code


def test_tax_code_mismatch_message() -> None:
    assert check_tax_code("0100109107") == ["tax code 0100109107: check digit 7 differs from computed 6 (soft rule)"]


def test_prefix_with_no_check_digit() -> None:
    # A prefix whose weighted sum is a multiple of 11.
    first9 = next(f"{n:09d}" for n in range(1, 1000) if tax_check_digit(f"{n:09d}") == 10)
    assert check_tax_code(first9 + "0") == [f"tax code {first9}0: no check digit fits its first nine digits (soft rule)"]
    with pytest.raises(ValueError):
        make_tax_code(first9)


@pytest.mark.parametrize("code", ["010010910", "01001091066", "0100109106-01", "0100109106001", "0100109106 001", "O100109106"])
def test_bad_tax_code_shapes(code: str) -> None:
    assert check_tax_code(code) == [f"tax code {code!r} is not 10 digits with an optional -NNN"]


def test_dependent_unit_000() -> None:
    assert check_tax_code("0100109106-000") == ["tax code 0100109106-000: dependent-unit suffix 000 is never issued"]


# --- land-use certificate serial -------------------------------------------


@pytest.mark.parametrize("serial", ["AA01234567", "CS 12345678"])
def test_certificate_serial(serial: str) -> None:
    assert check_certificate_serial(serial) == []


@pytest.mark.parametrize("serial", ["AA0123456", "A012345678", "AA012345678", "aa01234567", "AA-01234567", "BA 123456"])
def test_bad_certificate_serial(serial: str) -> None:
    assert check_certificate_serial(serial) == [f"certificate serial {serial!r} is not 2 letters and 8 digits"]
