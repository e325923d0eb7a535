"""What kind of paper a page is, from its printed title.

Every Vietnamese administrative paper carries its kind as a title in
capitals near the top ("GIẤY KHAI SINH", "CĂN CƯỚC CÔNG DÂN"). OCR gets the
letters mostly right and the tone marks often wrong, so titles are matched on
folded text (no diacritics, lowercase) and fuzzily, and only in the top lines
printed as titles are (capitals): a receipt that lists "Giấy khai sinh" among
the papers received is still a receipt, and a decision whose preamble says
"Căn cứ Chỉ thị ..." is not a card.

An official document (quyết định, chỉ thị, công văn ...; Decree 30/2020) is
no citizen's paper whatever papers it names: until it has a type of its own it
is `other`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ocr.tesseract import Word, lines_of
from search.folding import fold

OTHER = "other"

# Folded titles per doc_type; the longest specific title should win over a shared prefix.
TITLES: dict[str, tuple[str, ...]] = {
    "cccd": ("can cuoc cong dan", "citizen identity card", "the can cuoc", "identity card", "can cuoc"),
    "cmnd": ("giay chung minh nhan dan", "chung minh nhan dan"),
    # An extract from the register (trích lục) is issued in place of the certificate and carries its fields.
    "birth_certificate": ("giay khai sinh", "trich luc khai sinh", "birth certificate"),
    "marriage_certificate": ("giay chung nhan ket hon", "trich luc ket hon", "marriage certificate"),
    "residence_confirmation": ("xac nhan thong tin ve cu tru",),
    "business_registration": ("giay chung nhan dang ky doanh nghiep", "dang ky doanh nghiep"),
    "land_use_certificate": ("giay chung nhan quyen su dung dat", "quyen su dung dat"),
    "dossier_receipt": ("giay tiep nhan ho so va hen tra ket qua", "tiep nhan ho so va hen tra ket qua",
                        "phieu tiep nhan ho so", "giay bien nhan ho so", "bien nhan ho so"),
    "application_form": ("to khai", "don de nghi", "don xin", "don dang ky", "phieu yeu cau", "phieu de nghi",
                         "ban khai"),
}
# A chip card's back has no title, only the machine-readable zone.
_MRZ_PREFIX = "idvnm"
_TOP_LINES = 14
_MIN_SCORE = 80.0
# A card's title is a short line of its own: matched word by word, other words no longer than a speck.
_CARDS = ("cccd", "cmnd")
_WORD = re.compile(r"[^\W_]+")
_SPECK_LETTERS = 2
# A title is printed in capitals (or, for an English one, in title case); OCR turns the odd letter.
_CAPITALS = 0.6

# The kinds of official document (vietnam.md), folded, as printed centred under the heading, and their
# abbreviations in the number and symbol ("Số: 138/QĐ-UBND"). A công văn has neither: its number names the body
# ("Số: 574/UBND-KTTH") and its subject follows "V/v" (a citizen's form puts "(V/v ...)" in brackets).
OFFICIAL_KINDS = (
    "nghi quyet", "quyet dinh", "chi thi", "quy che", "quy dinh", "thong cao", "thong bao", "huong dan",
    "chuong trinh", "ke hoach", "phuong an", "de an", "du an", "bao cao", "bien ban", "to trinh", "hop dong",
    "cong dien", "ban ghi nho", "ban thoa thuan", "giay uy quyen", "giay moi", "giay gioi thieu",
    "giay nghi phep", "phieu gui", "phieu chuyen", "phieu bao", "cong van",
)
_KIND_ABBREVIATIONS = ("nq", "qd", "ct", "qc", "qyd", "tc", "tb", "hd", "ctr", "kh", "pa", "da", "bc", "bb", "ttr",
                       "cd", "gn", "tth", "guq", "gm", "ggt", "gnp", "pg", "pc", "pb")
# "Số:" with its colon: a body line wrapped before "số 16/CT-TTg ngày ..." cites another document.
_NUMBER_SYMBOL = re.compile(r"^so\s*:[^/]{0,8}/\s*([a-z]+)\s*-\s*[a-z]")
_SUBJECT_OF_LETTER = re.compile(r"^[^\w(]*v\s*/\s*v\b")
_KIND_SCORE = 85.0


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


def _card_title_score(line: str, title: str) -> float:
    """0-100: the line is the card's title, every word of it, with nothing else but specks (an emblem's or a
    QR code's, read as a letter or two).

    "Căn cứ" (as in "Căn cứ Chỉ thị số ...", how an official document's
    preamble starts) is a letter or two from "căn cước" as characters; as
    words, "cứ" is not "cước". And a sentence that holds the title ("Đăng ký
    cấp căn cước công dân cho ...") is not the title.
    """
    words, wanted = _WORD.findall(line), title.split()
    for first in range(len(words) - len(wanted) + 1):
        window = words[first : first + len(wanted)]
        rest = words[:first] + words[first + len(wanted) :]
        if (all(Levenshtein.distance(word, read) <= (len(word) >= 4) for word, read in zip(wanted, window))
                and all(len(word) <= _SPECK_LETTERS for word in rest)):
            return fuzz.ratio(title, " ".join(window))
    return 0.0


def _printed_as_title(line: str) -> bool:
    """Capitals ("CĂN CƯỚC CÔNG DÂN"), or an English title in title case ("Citizen Identity Card"); body text
    is neither."""
    letters = [char for char in line if char.isalpha()]
    if not letters:
        return False
    if sum(char.isupper() for char in letters) >= _CAPITALS * len(letters):
        return True
    return all(word[0].isupper() for word in re.findall(r"[^\W\d_]+", line))


# Specks OCR reads before a title ("'TỜ KHAI"); a numbered line ("8. Nội dung đề nghị: Xác nhận
# thông tin về cư trú") is an item of a form, never its title.
_LEADING_SPECKS = re.compile(r"^[\W_]+")
_NUMBERED_ITEM = re.compile(r"^\d{1,2}\s*[.)]")


def top_down(words: tuple[Word, ...]) -> str:
    """A page's lines from the top down, whatever order Tesseract read its blocks in: it read a
    marriage certificate's two-column table before the title printed above it."""
    return "\n".join(" ".join(word.text for word in line)
                     for line in sorted(lines_of(words), key=lambda line: min(word.top for word in line)))


def _top_lines(text: str) -> list[tuple[str, str]]:
    """The first lines as printed and folded, without specks before them."""
    printed = [line.strip() for line in text.splitlines() if line.strip()][:_TOP_LINES]
    return [(line, _LEADING_SPECKS.sub("", fold(line))) for line in printed]


def official_document(text: str) -> str | None:
    """The line that shows a page is an official document: its kind standing as a title ("QUYẾT ĐỊNH"),
    a number whose symbol names a kind ("Số: 138/QĐ-UBND"), or a công văn's "V/v" subject under its number;
    else None."""
    numbered = False
    for printed, line in _top_lines(text):
        if number := _NUMBER_SYMBOL.match(line):
            if number[1] in _KIND_ABBREVIATIONS:
                return printed
            numbered = True
        if numbered and _SUBJECT_OF_LETTER.match(fold(printed)):
            return printed
        if _printed_as_title(printed) and max(fuzz.ratio(kind, line) for kind in OFFICIAL_KINDS) >= _KIND_SCORE:
            return printed
    return None


# "Nơi nhận:" heads the list of recipients beside the signature at an official document's end.
_RECIPIENTS = re.compile(r"^\W*noi nhan\s*:")


def lists_recipients(text: str) -> bool:
    """The page ends an official document: its recipients are listed. A weaker sign than the top lines (it is
    not used to classify), but it shows on a later page whose first page was read badly."""
    return any(_RECIPIENTS.match(fold(line)) for line in text.splitlines())


def classify(text: str) -> Classification:
    if (evidence := official_document(text)) is not None:
        return Classification(OTHER, 1.0, f"official document: {evidence}")
    best, best_score = Classification(OTHER, 0.0, ""), _MIN_SCORE
    for printed, line in _top_lines(text):
        if _NUMBERED_ITEM.match(line) or not _printed_as_title(printed):
            continue
        for doc_type, titles in TITLES.items():
            for title in titles:
                score = _card_title_score(line, title) if doc_type in _CARDS else _title_score(line, title)
                if score > best_score:  # ties go to the earlier line: titles come first
                    best, best_score = Classification(doc_type, round(score / 100, 3), line), score
    if best.doc_type == OTHER and any(_LEADING_SPECKS.sub("", fold(line)).replace(" ", "").startswith(_MRZ_PREFIX)
                                      for line in text.splitlines()):
        return Classification("cccd", 0.9, "machine-readable zone IDVNM")
    return best
