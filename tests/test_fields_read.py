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
