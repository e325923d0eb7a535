"""A paper's fields as record.md wants them: value, confidence, page, valid, issues.

Order of trust: a QR code (decoded exactly or not at all) beats the printed
face for what it holds (a card's holder, a receipt's dossier), and a
check-digited MRZ beats the printed face for the number and the dates (OCR
misreads printed dates; a wrong MRZ read fails its check digit). Every check
that fails leaves the value as read and says why, so the record goes to
review instead of being silently corrected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from ocr.classify import OTHER, lists_recipients, official_document, top_down
from ocr.fields import card, mrz
from ocr.fields.dossier import check_dossier_code, check_procedure_code
from ocr.fields.land_certificate import check_certificate_serial
from ocr.fields.tax_code import check_tax_code
from ocr.fields.dates import find_dates
from ocr.fields.extract import Line, RawValue, find_values, lines_from_text, lines_from_words
from ocr.fields.id_number import check_personal_number
from ocr.fields.labels import CHECKED_AGAINST, FIELDS_BY_TYPE, OFFICIAL_DOCUMENT, labels_for
from ocr.fields.qr_payload import read_card_qr, read_qr_payload
from ocr.fields.values import ValueIssue, clean_text, normalise
from ocr.tesseract import Word

_MRZ_LINE = re.compile(r"^[0-9A-Z<«]{26,34}$")


@dataclass
class Field:
    value: str | None
    confidence: float
    page: int
    issues: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"value": self.value, "confidence": self.confidence, "page": self.page,
                "valid": not self.issues, "issues": list(self.issues)}


class PageLike(Protocol):
    """The part of ocr.document.PageText this module reads."""

    number: int
    text: str
    words: tuple[Word, ...]
    qr_codes: tuple[str, ...]
    machine_zone: str | None


def page_lines(pages: Sequence[PageLike]) -> list[Line]:
    lines: list[Line] = []
    for page in pages:
        lines += lines_from_words(page.words, page.number) if page.words else lines_from_text(page.text, page.number)
    return lines


def read_fields(doc_type: str, pages: Sequence[PageLike]) -> dict[str, dict]:
    lines = page_lines(pages)
    if doc_type == OTHER and _is_official_document(pages):
        doc_type = OFFICIAL_DOCUMENT
    kept = FIELDS_BY_TYPE.get(doc_type, FIELDS_BY_TYPE["other"])
    wanted = _MARRIAGE_ROWS if doc_type == "marriage_certificate" else kept + CHECKED_AGAINST
    raw = find_values(lines, wanted, labels_for(doc_type))
    if doc_type == "marriage_certificate":
        raw = _split_spouses(raw)
    raw.update(_unlabelled(lines, kept, raw, doc_type))
    fields: dict[str, Field] = {}
    for key, value in raw.items():
        try:
            fields[key] = Field(normalise(_READ_AS.get(key, key), value.text), value.confidence, value.page)
        except ValueIssue as issue:
            fields[key] = Field(clean_text(value.text), value.confidence, value.page, [str(issue)])
    _apply_qr_codes(pages, fields, doc_type, kept)
    if doc_type in ("cccd", "other"):
        _apply_mrz(pages, lines, fields)
    _check(fields, doc_type)
    return {key: value.to_dict() for key, value in fields.items() if key in kept or key == "mrz"}


def _is_official_document(pages: Sequence[PageLike]) -> bool:
    """An official document names people in its body (whom a decision fines or appoints): their numbers
    are not whose the paper is, so none is read as its id_number (and so as its owner)."""
    texts = [top_down(page.words) if page.words else page.text for page in pages]
    return any(official_document(text) or lists_recipients(text) for text in texts)


# A marriage certificate prints husband and wife side by side, one row per fact.
_MARRIAGE_ROWS = ("full_name", "id_number", "date_of_birth", "date_of_registration")
_SPOUSES = {
    "full_name": ("husband_name", "wife_name"),
    "id_number": ("husband_id_number", "wife_id_number"),
    # Not fields of the record (vietnam.md), but each spouse's number is checked against them.
    "date_of_birth": ("_husband_date_of_birth", "_wife_date_of_birth"),
}
_READ_AS = {"_husband_date_of_birth": "date_of_birth", "_wife_date_of_birth": "date_of_birth"}
_SPOUSE_CHECKS = {"husband_id_number": ("Nam", "_husband_date_of_birth"), "wife_id_number": ("Nữ", "_wife_date_of_birth")}


def _split_spouses(raw: dict[str, RawValue]) -> dict[str, RawValue]:
    """Cut each two-column row at the widest gap between its words: left the husband, right the wife."""
    split = {key: value for key, value in raw.items() if key not in _SPOUSES}
    for key, (left_key, right_key) in _SPOUSES.items():
        value = raw.get(key)
        if value is None:
            continue
        words = [w for w in value.line.words_in(value.start, value.end) if w.left is not None]
        gaps = [(words[i + 1].left - words[i].right, i) for i in range(len(words) - 1)]
        if not gaps:
            continue
        _, cut = max(gaps)
        line = value.line
        for target, first, last in ((left_key, words[0], words[cut]), (right_key, words[cut + 1], words[-1])):
            text = line.text[first.start : last.end].strip(" |:")
            split[target] = RawValue(text, round(line.confidence(first.start, last.end), 3), value.page, line,
                                     first.start, last.end)
    return split


_SERIAL = re.compile(r"\b([A-Z]{2}) ?(\d{8})\b")
# "Phường Quang Trung, ngày 22 tháng 3 năm 2024": where and when an official letter was signed.
_PLACE_AND_DATE = re.compile(r",\s*ngay\s*\d{1,2}\s*thang\s*\d{1,2}\s*nam\s*\d{4}")
# "Ngày 10 tháng 10 năm 2018" alone above the signature: how the back of a card (before the chip) dates its issue.
_CARD_ISSUE_DATE = re.compile(r"^\W*ngay\s*\d{1,2}\s*thang\s*\d{1,2}\s*nam\s*\d{4}\W*$")


_CARDS = ("cccd", "cmnd")
# A short word or none, then 9 or 12 digits and nothing else: how a card prints its number.
_CARD_NUMBER = re.compile(r"^\W*(?:[^\W\d]{1,3}\W*){0,2}(\d{9}|\d{12})\W*$")


def _unlabelled(lines: list[Line], wanted: tuple[str, ...], found: dict[str, RawValue], doc_type: str
                ) -> dict[str, RawValue]:
    """Fields papers print without a label: the land certificate's serial, a letter's or a card's date of
    issue, and a card's number on a line of its own when OCR garbled the short "Số" before it ("sẽ 275867985")."""
    extra: dict[str, RawValue] = {}
    for line in lines:
        if "id_number" in wanted and "id_number" not in found | extra and doc_type in _CARDS:
            if match := _CARD_NUMBER.match(line.text):
                extra["id_number"] = RawValue(match.group(1), line.confidence(*match.span(1)), line.page, line,
                                              *match.span(1))
        if "certificate_serial" in wanted and "certificate_serial" not in found | extra:
            if match := _SERIAL.search(line.text):
                extra["certificate_serial"] = RawValue(match.group(1) + match.group(2), line.confidence(*match.span()),
                                                       line.page, line, *match.span())
        dated = _PLACE_AND_DATE.search(line.folded) or (doc_type in _CARDS and _CARD_ISSUE_DATE.match(line.folded))
        if "date_of_issue" in wanted and "date_of_issue" not in found | extra and dated:
            dates = find_dates(line.text)
            if dates:
                start, end = dates[0].start, dates[0].end
                extra["date_of_issue"] = RawValue(line.text[start:end], line.confidence(start, end), line.page, line,
                                                  start, end)
    return extra


def _zone_candidates(pages: Sequence[PageLike], lines: list[Line]) -> list[tuple[list[str], int, float]]:
    """Three-line blocks that may be the MRZ: the page's own MRZ readings first, then the page OCR."""
    candidates = []
    for page in pages:
        for reading in (page.machine_zone or "").split("\n\n"):
            candidates.extend((lines, page.number, 0.9) for lines in mrz.windows(reading))
    looks_like = [line for line in lines if _MRZ_LINE.match(line.text.replace(" ", ""))]
    for start in range(len(looks_like) - 2):
        block = looks_like[start : start + 3]
        confidence = min(line.confidence(0, len(line.text)) for line in block)
        candidates.append(([line.text.replace(" ", "") for line in block], block[0].page, confidence))
    return candidates


def _apply_mrz(pages: Sequence[PageLike], lines: list[Line], fields: dict[str, Field]) -> None:
    readings = []
    for texts, page, confidence in _zone_candidates(pages, lines):
        try:
            readings.append((mrz.from_ocr(texts), page, confidence))
        except mrz.MrzError:
            continue
    if not readings:
        return
    # Several readings of one zone: the first whose check digits all hold was read right.
    zone, page, confidence = min(readings, key=lambda reading: not reading[0].check_digits_hold)
    fields["mrz"] = Field("\n".join(zone.lines), round(confidence, 3), page, list(zone.issues))
    printed = {key: fields[key].value for key in ("id_number", "full_name", "sex", "date_of_birth",
                                                 "date_of_expiry") if key in fields and not fields[key].issues}
    for mismatch in mrz.compare_with_printed(zone, printed):
        fields["mrz"].issues.append(mismatch)
    if not zone.issues:  # check digits hold: the MRZ wins for the number and dates
        _take_machine_read(fields, "id_number", zone.personal_number, fields["mrz"], "MRZ")
        if zone.birth_date:
            _take_machine_read(fields, "date_of_birth", zone.birth_date.isoformat(), fields["mrz"], "MRZ")
        if zone.expiry:
            _take_machine_read(fields, "date_of_expiry", zone.expiry.isoformat(), fields["mrz"], "MRZ")


def _apply_qr_codes(pages: Sequence[PageLike], fields: dict[str, Field], doc_type: str, kept: tuple[str, ...]
                    ) -> None:
    """A card's QR code holds its holder's facts; a receipt's, its dossier and applicant (vietnam.md)."""
    for page in pages:
        for text in page.qr_codes:
            source = Field(None, 1.0, page.number)
            if doc_type in _CARDS + (OTHER,) and (holder := read_card_qr(text)) is not None:
                for key, value in holder.items():
                    _take_machine_read(fields, key, value, source, "QR code")
                continue
            facts = read_qr_payload(text)
            applicant = facts.applicant_id if doc_type == "dossier_receipt" else None
            for key, value in (("dossier_code", facts.dossier_code), ("procedure_code", facts.procedure_code),
                               ("id_number", applicant)):
                if value and key in kept:
                    _take_machine_read(fields, key, value, source, "QR code")


def _take_machine_read(fields: dict[str, Field], key: str, value: str, source: Field, name: str) -> None:
    """A value read by machine (QR code, MRZ whose check digits hold) replaces the printed one, saying so."""
    current = fields.get(key)
    if current is None:
        fields[key] = Field(value, source.confidence, source.page)
    elif current.value != value:
        current.issues.append(f"printed {current.value!r} differs from the {name}; the {name}'s {value} is kept")
        current.value = value


def _iso(fields: dict[str, Field], key: str) -> date | None:
    item = fields.get(key)
    if item is None or item.issues or not item.value:
        return None
    return date.fromisoformat(item.value)


# Checks of one value on its own (vietnam.md); cross-field checks follow in _check.
SHAPE_CHECKS = {
    "dossier_code": lambda value: list(check_dossier_code(value).issues),
    "procedure_code": check_procedure_code,
    "enterprise_code": check_tax_code,
    "certificate_serial": check_certificate_serial,
}


def _check(fields: dict[str, Field], doc_type: str) -> None:
    number = fields.get("id_number")
    if doc_type == "cccd" and number is not None and not number.issues and number.value and len(number.value) != 12:
        number.issues.append(f"a citizen identity card's number has 12 digits, read {number.value!r}")
    for key, check in SHAPE_CHECKS.items():
        if key in fields and not fields[key].issues and fields[key].value:
            fields[key].issues += check(fields[key].value)
    sex = fields["sex"].value if "sex" in fields and not fields["sex"].issues else None
    checks = {"id_number": (sex, "date_of_birth"), **_SPOUSE_CHECKS}
    for key, (printed_sex, birth_key) in checks.items():
        if key in fields and not fields[key].issues and fields[key].value:
            result = check_personal_number(fields[key].value, sex=printed_sex, birth_date=_iso(fields, birth_key))
            fields[key].issues += result.issues
    birth, issued = _iso(fields, "date_of_birth"), _iso(fields, "date_of_issue")
    expiry_field = fields.get("date_of_expiry")
    if expiry_field is not None and not expiry_field.issues and birth and issued:
        expiry = date.fromisoformat(expiry_field.value) if expiry_field.value else None
        expiry_field.issues += card.check_expiry(birth, issued, expiry)
