"""Closed vocabularies that let a tone mark Tesseract misread be put back.

Tesseract `vie` drops or swaps tone marks on capitals ("NGUYỄN" read as
"NGUYÊN", "Đà Nẵng" as "Đà Năng", "Tỉnh" as "Tính"). Where the paper prints
a word from a closed list (a surname, a province, the name of an
administrative unit) and the reading folds to exactly one word of that list,
the list's spelling is the printed one. A reading that is itself on the list,
or that folds to two of its words ("Chu" and "Chử"), is left as read.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ocr.fields.provinces import PROVINCES
from search.folding import tokens

# The commonest Vietnamese surnames, which cover nearly every citizen.
SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Đào", "Đoàn", "Doãn", "Đinh", "Lâm", "Trịnh", "Mai", "Trương", "Lương", "Tạ", "Cao", "Hà",
    "Thái", "Chu", "Chử", "Quách", "Lưu", "Tô", "Tăng", "Kiều", "Vương", "Triệu", "Châu", "Phùng", "La", "Lã",
    "Lại", "Mạc", "Âu", "Diệp", "Tôn", "Thân", "Khúc", "Nông", "Lò", "Kim", "Giang", "Hứa", "Cù", "Bạch",
    "Lục", "Mã", "Ông", "Quan", "Tống", "Từ", "Ninh", "Khổng", "Đàm", "Đồng", "Kha", "Lữ", "Nghiêm", "Vi",
    "Hàn", "Phó", "Trình", "Phí", "Thạch", "Danh", "Cấn", "Hầu", "Tiêu", "Văn", "Ân", "Bế",
)

# Administrative units as an address names them inside it, each after a comma.
UNITS = ("Tỉnh", "Thành phố", "thành phố", "quận", "huyện", "thị xã", "thị trấn", "phường", "xã")


def _key(text: str) -> str:
    """Letters and digits without marks or case: what a misread tone mark or a stray colon leaves alike."""
    return " ".join(tokens(text))


def _by_fold(words: tuple[str, ...] | list[str]) -> dict[str, str | None]:
    """Folded form to the one word it comes from, or None when two words share it."""
    spellings: dict[str, set[str]] = defaultdict(set)
    for word in words:
        spellings[_key(word)].add(word)
    return {key: next(iter(found)) if len(found) == 1 else None for key, found in spellings.items()}


_SURNAMES = _by_fold(SURNAMES)
_PROVINCES = _by_fold([name for province in PROVINCES.values()
                       for name in (province.name, province.name_since_2025)])
_PROVINCE_NAMES = frozenset(_key(re.sub(r"^(Tỉnh|Thành phố) ", "", name)) for name in _PROVINCES.values() if name)


def restore_surname(word: str) -> str:
    """A name's first word ("Nguyên") as the surname list spells it ("Nguyễn"), where that is unambiguous."""
    return _SURNAMES.get(_key(word)) or word


def is_province(words: str) -> bool:
    """Whether the words name a province, without its "Tỉnh" or "Thành phố"."""
    return _key(words) in _PROVINCE_NAMES


def restore_province(part: str) -> str:
    """An address part ("Tính Thái Bình", "Thành phố Đà Năng") as the province list spells it."""
    return _PROVINCES.get(_key(part)) or part


_UNIT_WORDS = _by_fold(sorted({unit.lower() for unit in UNITS}))  # the reading keeps its capital


def restore_unit(part: str) -> str:
    """An address part that starts with a unit misread ("quân Hải Châu") as the unit is spelt."""
    words = part.split()
    for size in (2, 1):
        unit = _UNIT_WORDS.get(_key(" ".join(words[:size]))) if len(words) > size else None
        if unit is not None:
            first = unit[0].upper() if words[0][:1].isupper() else unit[0]
            return " ".join([first + unit[1:], *words[size:]])
    return part


def _starts_unit(words: list[str], index: int) -> bool:
    if " ".join(words[index : index + 2]) in UNITS:
        return True
    return words[index] in UNITS and (index == 0 or f"{words[index - 1]} {words[index]}" not in UNITS)


def address(text: str, *, commas: bool = True) -> str:
    """An address with a comma before each unit ("đường Yết Kiêu phường Xuân Đỉnh" lost one to OCR),
    and its province spelt as the province list spells it. A place that is not an address ("Trạm y
    tế xã X") takes `commas=False`."""
    words = text.split()
    joined: list[str] = []
    for index, word in enumerate(words):
        if commas and joined and _starts_unit(words, index) and not joined[-1].endswith(","):
            joined[-1] += ","
        joined.append(word)
    # A full stop before a comma ("Hai Bà Trưng., phường") is a speck.
    parts = (part.strip().rstrip(".").strip() for part in " ".join(joined).split(","))
    return ", ".join(restore_province(restore_unit(part)) for part in parts if part)
