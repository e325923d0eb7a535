"""Vietnamese text normalisation shared by every search backend.

People search for "Nguyễn Văn Đức" as "nguyen van duc", OCR prints names in
capitals, and text arrives both precomposed (NFC) and decomposed (NFD). A
backend indexes `fold()`ed text next to the NFC original so either spelling
finds the record.

`fold()` maps each code point of the NFC text to exactly one character, so an
offset found in folded text is the same offset in the NFC text: snippets are
located in folded text and cut from the original.
"""

from __future__ import annotations

import re
import unicodedata

# Letters a reader sees as a plain letter plus a stroke, which Unicode does not
# decompose. Eth (Ð, ð) is here because OCR often returns it for the
# identical-looking Đ.
_UNDECOMPOSABLE = {
    "đ": "d",
    "Đ": "d",
    "ð": "d",
    "Ð": "d",
    "ł": "l",
    "Ł": "l",
    "ø": "o",
    "Ø": "o",
}

# Letters and digits, plus combining marks left over after NFC (a tone mark on
# a letter that has no precomposed form). SQLite's unicode61 tokenizer also
# keeps such marks inside a word, so both sides split text the same way.
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+")


def _fold_char(char: str) -> str:
    if char in _UNDECOMPOSABLE:
        return _UNDECOMPOSABLE[char]
    decomposed = unicodedata.normalize("NFD", char)
    # Only strip marks; a Hangul syllable also decomposes, into letters.
    if all(unicodedata.combining(mark) for mark in decomposed[1:]):
        char = decomposed[0]
    lowered = char.lower()
    # "İ".lower() is two code points; one-to-one matters more than that case.
    return lowered if len(lowered) == 1 else char


class _FoldTable(dict[int, str]):
    """A `str.translate` table filled on first sight of each code point, so
    folding costs one C-level lookup per character after warm-up."""

    def __missing__(self, code_point: int) -> str:
        folded = _fold_char(chr(code_point))
        self[code_point] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lowercase `text` and drop its diacritics (đ becomes d), keeping one
    output character per code point of `nfc(text)`."""
    return nfc(text).translate(_FOLD_TABLE)


def word_spans(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of the words in `text`, as the index splits them.

    Offsets found in `fold(t)` are valid in `nfc(t)`, which is how matches
    found diacritic-insensitively are highlighted in the original."""
    return [match.span() for match in _WORD.finditer(text)]


def tokens(text: str) -> list[str]:
    """The folded words of `text`: what a diacritic-insensitive search compares."""
    return _WORD.findall(fold(text))
