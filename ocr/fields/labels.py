"""The printed labels that introduce each field, folded (no diacritics, lowercase).

Papers print Vietnamese labels, often followed by an English one ("Họ và
tên / Full name:"); both are listed so either one, or both, mark the field.
Longer, more specific labels are preferred where two overlap ("họ và tên
cha" over "họ và tên"). Each field lists every wording real papers use for it
(forms, certificates, the chip card and the 2024 card of Circular 16/2024),
not only the ones our specimens print.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, ...]] = {
    "id_number": ("so dinh danh ca nhan", "so can cuoc cong dan", "so the can cuoc", "so can cuoc", "so cccd",
                  "so cmnd/cccd", "so cccd/cmnd", "so cmnd", "so / no", "so/no", "personal identification number",
                  "so giay to tuy than", "so dinh danh"),
    "full_name": ("ho, chu dem va ten khai sinh", "ho va ten khai sinh", "ho, chu dem va ten", "ho, chu dem, ten",
                  "ho va ten", "ho ten", "ten", "full name", "fullname"),
    "date_of_birth": ("ngay, thang, nam sinh", "ngay thang nam sinh", "ngay sinh", "sinh ngay", "date of birth"),
    "sex": ("gioi tinh", "nam/nu", "sex"),
    "nationality": ("quoc tich", "nationality"),
    "ethnicity": ("dan toc", "ethnicity"),
    # The 2024 card prints where the birth was registered instead ("Nơi đăng ký khai sinh / Place of birth").
    "place_of_origin": ("que quan", "noi dang ky khai sinh", "place of origin"),
    # Printed after "Nơi thường trú" where a form has both, so the permanent address is the first found.
    "place_of_residence": ("noi thuong tru", "noi cu tru", "dia chi thuong tru", "noi o hien tai",
                           "place of residence"),
    "place_of_birth": ("noi sinh", "place of birth"),
    "date_of_issue": ("ngay, thang, nam cap", "ngay cap", "ngay, thang, nam", "date, month, year", "date of issue"),
    "date_of_expiry": ("co gia tri den", "ngay, thang, nam het han", "ngay het han", "date of expiry", "gia tri den"),
    "father_name": ("ho va ten cha", "ho ten cha", "ho, chu dem, ten cha", "ho, chu dem va ten cha",
                    "ho va ten nguoi cha", "ho ten nguoi cha", "ho, chu dem, ten nguoi cha",
                    "ho, chu dem va ten nguoi cha"),
    "mother_name": ("ho va ten me", "ho ten me", "ho, chu dem, ten me", "ho, chu dem va ten me",
                    "ho va ten nguoi me", "ho ten nguoi me", "ho, chu dem, ten nguoi me",
                    "ho, chu dem va ten nguoi me"),
    "husband_name": ("ho va ten chong", "ho ten chong", "ho, chu dem, ten chong", "ho, chu dem va ten chong"),
    "wife_name": ("ho va ten vo", "ho ten vo", "ho, chu dem, ten vo", "ho, chu dem va ten vo"),
    "husband_id_number": ("so dinh danh cua chong", "so dinh danh chong"),
    "wife_id_number": ("so dinh danh cua vo", "so dinh danh vo"),
    "date_of_registration": ("ngay dang ky", "ngay, thang, nam dang ky"),

    "enterprise_code": ("ma so doanh nghiep", "ma so thue"),
    "enterprise_name": ("ten doanh nghiep viet bang tieng viet", "ten cong ty viet bang tieng viet",
                        "ten doanh nghiep", "ten cong ty"),
    "date_of_first_registration": ("dang ky lan dau",),
    "head_office_address": ("dia chi tru so chinh",),
    "legal_representative": ("nguoi dai dien theo phap luat",),
    "certificate_serial": ("so seri", "so phat hanh", "serial"),
    "owner_name": ("chu su dung dat",),
    "parcel_number": ("thua dat so",),
    "map_sheet_number": ("to ban do so",),
    "land_address": ("dia chi thua dat", "dia chi"),
    "area_m2": ("dien tich",),
    "dossier_code": ("ma ho so", "so ho so"),
    "procedure_code": ("ma thu tuc", "ma thu tuc hanh chinh"),
    "procedure_name": ("ten thu tuc", "noi dung yeu cau giai quyet", "noi dung de nghi"),
    "date_received": ("ngay nhan", "ngay tiep nhan", "thoi gian nhan ho so"),
    "date_of_return": ("ngay hen tra ket qua", "ngay tra ket qua", "thoi gian tra ket qua giai quyet ho so",
                       "thoi gian tra ket qua"),
}

# The English half of a card's bilingual label ("Quê quán / Place of origin"). A harsh scan garbles it
# past matching as a label ("Place of orig/n", "Piace Gf reskKferxe"); it is still not the value.
TRANSLATIONS: dict[str, str] = {
    "full_name": "full name", "date_of_birth": "date of birth", "sex": "sex", "nationality": "nationality",
    "place_of_origin": "place of origin", "place_of_residence": "place of residence",
    "date_of_expiry": "date of expiry", "id_number": "personal identification number",
}

# Where a paper prints a field under its own words, those replace the general labels for that paper.
TYPE_LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    # A card's "Place of birth" is the English half of "Nơi đăng ký khai sinh".
    "cccd": {"place_of_origin": (*LABELS["place_of_origin"], "place of birth")},
    "cmnd": {
        "id_number": ("so",),
        "full_name": ("ho ten", "ho va ten"),
        "date_of_birth": ("sinh ngay", "ngay sinh"),
        "place_of_origin": ("nguyen quan", "que quan"),
        "place_of_residence": ("noi dkhk thuong tru", "noi thuong tru"),
    },
    "birth_certificate": {"date_of_issue": ("ngay, thang, nam dang ky", "ngay dang ky")},
    "business_registration": {
        "legal_representative": ("ho va ten", "ho ten"),  # under "Người đại diện theo pháp luật"
        "date_of_birth": ("sinh ngay", "ngay sinh"),
        "id_number": ("so giay to phap ly cua ca nhan", "so giay to tuy than", "so dinh danh ca nhan"),
    },
    "land_use_certificate": {"owner_name": ("ong", "ba")},  # "Bà: ĐINH KHÁNH THƯ, sinh năm: 1991, ..."
    "dossier_receipt": {"full_name": ("tiep nhan ho so cua", "ho va ten nguoi nop")},
    # The paper's date is where it was signed ("Phường X, ngày ..."), not a labelled value.
    "residence_confirmation": {"date_of_issue": ()},
}

# Labels of things we do not extract: they end the value before them.
STOP_LABELS = (
    "noi tam tru", "ten goi khac", "quan he voi chu ho", "ho, chu dem va ten chu ho", "ho va ten chu ho",
    "ho ten chu ho",
    "so dinh danh ca nhan cua chu ho", "dien thoai", "so dien thoai", "so dien thoai lien he", "fax", "email",
    "ton giao", "nam sinh", "ghi bang chu", "bang chu", "von dieu le", "chuc danh", "ten cong ty viet tat",
    "ten cong ty viet bang tieng nuoc ngoai", "dia chi lien lac", "loai giay to phap ly cua ca nhan", "noi cap",
    "dac diem nhan dang", "so chung thuc", "giay to tuy than", "noi dang ky ket hon",
    "ho, chu dem, ten nguoi di khai sinh", "ho, chu dem, ten nguoi di dang ky",
    "hinh thuc su dung", "muc dich su dung", "thoi han su dung", "nguon goc su dung", "dang ky thay doi lan thu",
    "dang ky nhan ket qua tai", "thanh phan ho so", "so luong ho so", "thoi gian giai quyet", "kinh gui",
)
STOP = "_stop"


def labels_for(doc_type: str) -> dict[str, tuple[str, ...]]:
    """Every label to look for on this kind of paper, the paper's own wording first."""
    overrides = TYPE_LABELS.get(doc_type, {})
    taken = {label for variants in overrides.values() for label in variants}
    labels = {key: tuple(label for label in variants if label not in taken) for key, variants in LABELS.items()}
    labels.update(overrides)
    labels[STOP] = STOP_LABELS
    return labels

# Facts a paper prints beside a person's number that the number must agree with (vietnam.md):
# read to check the number, kept in the record only where FIELDS_BY_TYPE lists them.
CHECKED_AGAINST = ("date_of_birth", "sex")

# Labels that are also everyday words: they count only at the start of a line (after its item number).
AT_LINE_START = frozenset({"so", "ong", "ba", "ten"})

# Fields whose value may run over to the next printed line.
MULTILINE = frozenset({"place_of_origin", "place_of_residence", "place_of_birth", "head_office_address",
                       "land_address", "enterprise_name"})

OFFICIAL_DOCUMENT = "official_document"

# The fields each kind of paper carries (vietnam.md); only these are looked for.
FIELDS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "cccd": ("id_number", "full_name", "date_of_birth", "sex", "nationality", "place_of_origin",
             "place_of_residence", "date_of_expiry", "date_of_issue"),
    "cmnd": ("id_number", "full_name", "date_of_birth", "place_of_origin", "place_of_residence"),
    "birth_certificate": ("full_name", "date_of_birth", "sex", "ethnicity", "nationality", "place_of_birth",
                          "id_number", "father_name", "mother_name", "date_of_issue"),
    "marriage_certificate": ("husband_name", "wife_name", "husband_id_number", "wife_id_number",
                             "date_of_registration"),
    "residence_confirmation": ("full_name", "id_number", "place_of_residence", "date_of_issue"),
    "business_registration": ("enterprise_code", "enterprise_name", "date_of_first_registration",
                              "head_office_address", "legal_representative", "id_number"),
    "land_use_certificate": ("certificate_serial", "owner_name", "parcel_number", "map_sheet_number",
                             "land_address", "area_m2"),
    "dossier_receipt": ("dossier_code", "procedure_code", "procedure_name", "full_name", "id_number",
                        "date_received", "date_of_return"),
    "application_form": ("full_name", "id_number", "procedure_name"),
    "other": ("id_number", "full_name", "dossier_code", "procedure_code", "enterprise_code"),
    # Until official documents have a type of their own they classify as other, but keep none of a person's
    # fields: the people an official document names are not whose it is (its own fields: record.md).
    OFFICIAL_DOCUMENT: ("dossier_code", "procedure_code", "enterprise_code"),
}
