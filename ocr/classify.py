"""What kind of paper a page is, from its printed title.

Every Vietnamese administrative paper carries its kind as a title in
capitals near the top ("GIẤY KHAI SINH", "CĂN CƯỚC CÔNG DÂN"). OCR gets the
letters mostly right and the tone marks often wrong, so titles are matched on
folded text (no diacritics, lowercase) and fuzzily, and only in the top lines:
a receipt that lists "Giấy khai sinh" among the papers received is still a
receipt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ocr.tesseract import Word, lines_of
from search.folding import fold

OTHER = "other"

# Folded titles per doc_type; the longest specific title should win over a shared prefix.
TITLES: dict[str, tuple[str, ...]] = {
    "cccd": ("can cuoc cong dan", "citizen identity card", "the can cuoc", "identity card", "can cuoc"),
    "cmnd": ("chung minh nhan dan",),
    "birth_certificate": ("giay khai sinh", "birth certificate"),
    "marriage_certificate": ("giay chung nhan ket hon", "marriage certificate"),
    "residence_confirmation": ("xac nhan thong tin ve cu tru",),
    "business_registration": ("giay chung nhan dang ky doanh nghiep", "dang ky doanh nghiep"),
    "land_use_certificate": ("giay chung nhan quyen su dung dat", "quyen su dung dat"),
    "dossier_receipt": ("giay tiep nhan ho so va hen tra ket qua", "tiep nhan ho so va hen tra ket qua"),
    "application_form": ("to khai", "don de nghi", "don xin", "phieu yeu cau"),
}
# A chip card's back has no title, only the machine-readable zone.
_MRZ_PREFIX = "idvnm"
_TOP_LINES = 14
_MIN_SCORE = 80.0


@dataclass(frozen=True)
class Classification:
    doc_type: str
    confidence: float  # 0..1
    evidence: str  # the line that decided, for a reviewer


def _title_score(line: str, title: str) -> float:
    """0-100: the line opens with the title, or holds it and little else.

    Forms are titled "TỜ KHAI ..." or "ĐƠN ĐỀ NGHỊ ..." with the purpose after
    the title, so a line opening with a title counts in full. Elsewhere in a
    line a title counts less the more else the line says, which keeps one
    quoted inside a sentence ("... tờ khai này", "Thành phần hồ sơ: Giấy khai
    sinh") below a line that is the title.
    """
    opening = fuzz.ratio(title, line[: len(title)])
    if len(line) < 0.9 * len(title):  # a fragment of a title is not the title
        return min(opening, fuzz.ratio(title, line))
    return max(opening, 0.7 * fuzz.partial_ratio(title, line) + 0.3 * fuzz.ratio(title, line))


# Specks OCR reads before a title ("'TỜ KHAI"); a numbered line ("8. Nội dung đề nghị: Xác nhận
# thông tin về cư trú") is an item of a form, never its title.
_LEADING_SPECKS = re.compile(r"^[\W_]+")
_NUMBERED_ITEM = re.compile(r"^\d{1,2}\s*[.)]")


def top_down(words: tuple[Word, ...]) -> str:
    """A page's lines from the top down, whatever order Tesseract read its blocks in: it read a
    marriage certificate's two-column table before the title printed above it."""
    return "\n".join(" ".join(word.text for word in line)
                     for line in sorted(lines_of(words), key=lambda line: min(word.top for word in line)))


def classify(text: str) -> Classification:
    lines = [_LEADING_SPECKS.sub("", fold(line).strip()) for line in text.splitlines() if line.strip()]
    best, best_score = Classification(OTHER, 0.0, ""), _MIN_SCORE
    for line in lines[:_TOP_LINES]:
        if _NUMBERED_ITEM.match(line):
            continue
        for doc_type, titles in TITLES.items():
            for title in titles:
                score = _title_score(line, title)
                if score > best_score:  # ties go to the earlier line: titles come first
                    best, best_score = Classification(doc_type, round(score / 100, 3), line), score
    if best.doc_type == OTHER and any(line.replace(" ", "").startswith(_MRZ_PREFIX) for line in lines):
        return Classification("cccd", 0.9, "machine-readable zone IDVNM")
    return best
