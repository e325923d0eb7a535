"""Find each field's printed value from the OCRed lines of a page.

A label ("Họ và tên / Full name:") is found fuzzily on folded text, so tone
mark errors do not hide it; its value is what follows on the same line up
to the next label (a card prints "Giới tính: Nam  Quốc tịch: Việt Nam" on one
line), or the next line when the label ends its line (names in capitals
under the label). Addresses may continue on the following lines. Each value
keeps the confidence of the words it came from, so a doubtful read can be
flagged rather than trusted.
"""

from __future__ import annotations

import functools
import re
import statistics
import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from ocr.fields import gazetteer
from ocr.fields.labels import AT_LINE_START, MULTILINE, TRANSLATIONS
from ocr.fields.values import has_alnum, looks_like
from ocr.tesseract import Word, lines_of
from search.folding import fold

# What stands between a label and its value, or ends a value: punctuation, and dotted leaders however they
# came ("........", "……", "____").
_SEPARATORS = " :;/-.,|_*…·"
_MAX_CONTINUATION_LINES = 2


@dataclass(frozen=True)
class Span:
    start: int  # offsets of a word in Line.text
    end: int
    confidence: float
    left: int | None = None  # pixel extent on the page, when OCR gave boxes
    right: int | None = None
    top: int | None = None
    bottom: int | None = None

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2  # type: ignore[operator]

    @property
    def height(self) -> int:
        return self.bottom - self.top  # type: ignore[operator]


@dataclass(frozen=True)
class Line:
    page: int
    text: str  # NFC words joined by single spaces
    folded: str  # fold(text): same length, so offsets carry over
    spans: tuple[Span, ...]
    block: int | None = None  # Tesseract's layout block, when OCR gave one

    def words_in(self, start: int, end: int) -> list[Span]:
        return [span for span in self.spans if span.start < end and span.end > start]

    def confidence(self, start: int, end: int) -> float:
        words = self.words_in(start, end)
        return sum(word.confidence for word in words) / len(words) if words else 0.0


@dataclass(frozen=True)
class RawValue:
    text: str
    confidence: float
    page: int
    line: Line  # where the value starts
    start: int
    end: int


@dataclass(frozen=True)
class Label:
    key: str
    start: int
    end: int
    score: float


# A "word" this much flatter than the page's text is a speck Tesseract read letters into ("HS:" one
# pixel high): no letter is that flat.
_FLAT = 0.35


def lines_from_words(words: tuple[Word, ...], page: int) -> list[Line]:
    """Tesseract's own line grouping, in its reading order, without specks read as flat words."""
    inked = [has_alnum(word.text) for word in words]
    heights = [word.height for word, ink in zip(words, inked) if ink]
    flat = _FLAT * statistics.median_high(heights) if heights else 0
    kept = tuple(word for word, ink in zip(words, inked) if word.height >= flat or not ink)
    return [_line(page, [(w.text, w.confidence, (w.left, w.left + w.width, w.top, w.top + w.height)) for w in line],
                  block=line[0].block)
            for line in lines_of(kept)]


def lines_from_text(text: str, page: int, confidence: float = 1.0) -> list[Line]:
    """Lines of a page whose text came without word boxes (a PDF's own text layer)."""
    return [_line(page, [(w, confidence, None) for w in row.split()]) for row in text.splitlines() if row.strip()]


Box = tuple[int, int, int, int]  # left, right, top, bottom


def _line(page: int, words: list[tuple[str, float, Box | None]], block: int | None = None) -> Line:
    spans, parts, position = [], [], 0
    for text, confidence, box in words:
        text = unicodedata.normalize("NFC", text)
        spans.append(Span(position, position + len(text), confidence, *(box or (None, None, None, None))))
        parts.append(text)
        position += len(text) + 1
    text = " ".join(parts)
    return Line(page=page, text=text, folded=fold(text), spans=tuple(spans), block=block)


_TOKEN = re.compile(r"[^\W_]+")


def _misread_letters(printed: str, expected: str) -> int | None:
    """How far a label word as OCR printed it is beyond the letters it may lose: short words
    exactly, longer ones with a letter or two misread; None when it is another word."""
    if printed == expected:
        return 0
    allowed = 0 if len(expected) < 4 else 1 if len(expected) < 8 else 2
    distance = Levenshtein.distance(printed, expected, score_cutoff=allowed + 1)
    if distance <= allowed:
        return 0
    return 1 if distance == allowed + 1 and len(expected) >= 3 else None


def _same_words(window: list[tuple[str, int, int]], words: tuple[str, ...]) -> bool:
    """A label of three words or more says enough to forgive one more misread letter ("có giá tị đến"),
    except in its last word, which often tells it from a shorter label ("họ tên cha" from "họ tên")."""
    spare = 1 if len(words) >= 3 else 0
    beyond: int | None = 0
    for (token, _, _), word in zip(window, words):
        beyond = _misread_letters(token, word)
        if beyond is None or beyond > spare:
            return False
        spare -= beyond
    return not beyond


@functools.cache
def _label_words(label: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(label))


def find_labels(line: Line, labels: dict[str, tuple[str, ...]]) -> list[Label]:
    """Every label in the line, word by word, the longest where two overlap, in line order.

    Matching whole words (each allowed a misread letter or two) keeps "họ, chữ
    đệm, tên" from passing for "họ, chữ đệm, tên người mẹ", which a character
    similarity on the whole label would allow.
    """
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(line.folded)]
    first_word = 1 if len(tokens) > 1 and _LIST_MARKER.match(line.text[: tokens[1][1]]) else 0
    candidates = []
    for key, variants in labels.items():
        for label in variants:
            words = _label_words(label)
            # A word as common as "Số", "Tên" or "Bà" is a label only where a line (or its item: "1. Tên:")
            # starts with it.
            starts = (range(first_word, min(first_word + 1, len(tokens))) if label in AT_LINE_START
                      else range(len(tokens) - len(words) + 1))
            for first in starts:
                window = tokens[first : first + len(words)]
                # A colon ends a label: "Họ, chữ đệm, tên: VÕ ..." is not "họ, chữ đệm, tên vợ". A
                # province is not a label a letter away from it ("Nam Định", "năm sinh").
                if (_same_words(window, words) and ":" not in line.folded[window[0][2] : window[-1][1]]
                        and not gazetteer.is_province(" ".join(token for token, _, _ in window))):
                    candidates.append(Label(key, window[0][1], window[-1][2], float(len(label))))
    chosen: list[Label] = []
    for candidate in sorted(candidates, key=lambda c: (-(c.end - c.start), c.start)):
        if all(candidate.end <= kept.start or candidate.start >= kept.end for kept in chosen):
            chosen.append(candidate)
    return _merge_bilingual(line, _with_notes(line, sorted(chosen, key=lambda c: c.start)))


# A note in brackets right after a label says how to fill it in: "Giới tính (Nam/Nữ):", "Họ và tên (viết
# chữ in hoa):". It belongs to the label, not the value, and a label inside it is no label of its own.
_NOTE = re.compile(r"\s*\([^():]{1,40}\)")


def _with_notes(line: Line, labels: list[Label]) -> list[Label]:
    kept: list[Label] = []
    for label in labels:
        if kept and label.start < kept[-1].end:
            continue
        note = _NOTE.match(line.text, label.end)
        kept.append(Label(label.key, label.start, note.end(), label.score) if note else label)
    return kept


def _merge_bilingual(line: Line, labels: list[Label]) -> list[Label]:
    """ "Họ và tên / Full name" is one label: merge neighbours of the same key."""
    merged: list[Label] = []
    for label in labels:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.key == label.key
            and not line.text[previous.end : label.start].strip(_SEPARATORS)
        ):
            merged[-1] = Label(label.key, previous.start, label.end, max(previous.score, label.score))
        else:
            merged.append(label)
    return merged


def find_values(lines: list[Line], wanted: tuple[str, ...], labels: dict[str, tuple[str, ...]]) -> dict[str, RawValue]:
    """The first value printed for each wanted field."""
    labels_per_line = [find_labels(line, labels) for line in lines]
    values: dict[str, RawValue] = {}
    for index, (line, found) in enumerate(zip(lines, labels_per_line)):
        for position, label in enumerate(found):
            if label.key not in wanted or label.key in values:
                continue
            stop = found[position + 1].start if position + 1 < len(found) else len(line.text)
            if position + 1 < len(found):
                stop = _before_next_item(line.text, label, stop)
            value_start = _after_translation(line, label.end, stop, label.key)
            start, end = _trim(line.text, value_start, stop)
            parts = [(line, value_start, stop)] if start < end and looks_like(label.key, line.text[start:end]) else []
            if not parts and _value_is_elsewhere(lines, labels_per_line, index) and (
                row := _rest_of_row(lines, labels_per_line, line, label)
            ) is not None:
                values[label.key] = _value([(row, 0, len(row.text))])
                continue
            if not parts or label.key in MULTILINE:
                # The value is under its label, or runs over: take the unlabelled rows that follow.
                limit = (0 if parts else 1) + (_MAX_CONTINUATION_LINES if label.key in MULTILINE else 0)
                if line.spans and line.spans[0].left is not None:
                    below = _rows_below(lines, line, label, parts, labels, limit)
                else:
                    below = _lines_after(lines, labels_per_line, index, limit)
                if parts or (below and looks_like(label.key, _value(below).text)):
                    parts += below
            if parts:
                values[label.key] = _value(parts)
    return values


def _line_start(line: Line, label: Label) -> int:
    """Where the printed line of a label starts: rows below start there too, not under the label's
    first word ("2. Địa chỉ trụ sở chính:"). Words further left, beyond a wide gap, are another column."""
    spans = list(line.spans)
    first = spans.index(line.words_in(label.start, label.end)[0])
    while first > 0 and spans[first].left - spans[first - 1].right <= 1.5 * spans[first].height:
        first -= 1
    return spans[first].left


# "/ Nauonawy:" after "Quốc tịch": the English half of a bilingual label, too garbled to match.
_SLASHED_TRANSLATION = re.compile(r"\s*/[^:/]{0,24}:")
_WORD = re.compile(r"\S+")
_NOT_LETTER = re.compile(r"[^a-z ]")
_TRANSLATION_SIMILARITY = 0.6


def _after_translation(line: Line, start: int, stop: int, key: str) -> int:
    """Where the value starts, past the English half of its label however OCR garbled it: after a
    slash, or words that still resemble the translation ("Place of orig/n:" for "place of origin")."""
    if match := _SLASHED_TRANSLATION.match(line.text, start, stop):
        return match.end()
    translation = TRANSLATIONS.get(key)
    words = list(_WORD.finditer(line.text, start, stop))
    if translation is None or not words:
        return start
    size = len(translation.split())
    best, end = _TRANSLATION_SIMILARITY, start
    for count in range(max(1, size - 1), min(size + 1, len(words)) + 1):
        said = _NOT_LETTER.sub("", line.folded[words[0].start() : words[count - 1].end()])
        similarity = Levenshtein.normalized_similarity(said, translation)
        if similarity >= best:
            best, end = similarity, words[count - 1].end()
    return end


def _lines_after(lines: list[Line], labels_per_line: list[list[Label]], index: int, limit: int
                 ) -> list[tuple[Line, int, int]]:
    """Unlabelled lines after line `index`, in reading order: for text that came without word boxes."""
    parts = []
    follow, line = index + 1, lines[index]
    while follow < len(lines) and limit > 0 and lines[follow].page == line.page:
        nxt, nxt_labels = lines[follow], labels_per_line[follow]
        if not _add_unlabelled(parts, nxt, nxt_labels):
            break
        follow, limit = follow + 1, limit - 1
    return parts


# Below this mean word confidence, unlabelled text is specks OCR read off noise or a card's
# pattern ("X. HS:" before the next label, "su" under an address), not a value running on.
_SPECK_CONFIDENCE = 0.5


def _add_unlabelled(parts: list[tuple[Line, int, int]], line: Line, labels: list[Label]) -> bool:
    """Add the line's text up to its first label; False when a label ends the value there."""
    cut = labels[0].start if labels else len(line.text)
    if (_trim(line.text, 0, cut)[0] < cut and not _LIST_MARKER.match(line.text[:cut])
            and line.confidence(0, cut) >= _SPECK_CONFIDENCE):
        parts.append((line, 0, cut))
    return not labels


# A row below is the next printed line when its middle lies within this many of the
# line heights above it: card and form leading is 1.2-1.45 lines.
_NEXT_ROW_WITHIN = 1.6


def _rows_below(lines: list[Line], line: Line, label: Label, parts: list[tuple[Line, int, int]],
                labels: dict[str, tuple[str, ...]], limit: int) -> list[tuple[Line, int, int]]:
    """The printed rows under a label or its value, found by position.

    Tesseract's line order does not say what is printed below: it joins a card's
    "Có giá trị đến" column to the address beside it, and reads the back of a
    card right after its front. So a row below is the words just under the
    previous row and right of where the label's line starts (or in the label's
    own Tesseract block: a form's address runs over to the page margin),
    whichever Tesseract lines they came in.
    """
    anchor = [span for piece, start, end in parts for span in piece.words_in(start, end)]
    anchor = anchor or line.words_in(label.start, label.end)
    column = _line_start(line, label)
    below: list[tuple[Line, int, int]] = []
    for _ in range(limit):
        bottom = max(span.bottom for span in anchor)
        height = statistics.median_high(span.height for span in anchor)
        lower = [(other, span) for other in lines if other.page == line.page for span in other.spans
                 if (span.left >= column - height or other.block == line.block) and bottom < span.middle
                 and has_alnum(other.text[span.start : span.end])]  # not a ruling's "|"
        nearest = min((span.middle for _, span in lower), default=None)
        if nearest is None or nearest > bottom + _NEXT_ROW_WITHIN * height:
            break
        # Only the nearest row (a small label and its value below can both lie within reach), and
        # the rest of the Tesseract lines it is in: accents and descenders move a word's middle
        # ("thường" of the label under a short "Cai" lay beyond reach).
        near = [(other, span) for other, span in lower if span.middle <= nearest + height / 2]
        row_lines = {id(other) for other, _ in near}
        row_line = _row_line(line.page, near + [(other, span) for other, span in lower if id(other) in row_lines
                                                and nearest + height / 2 < span.middle <= nearest + height])
        if not _add_unlabelled(below, row_line, find_labels(row_line, labels)):
            break
        anchor = list(row_line.spans)
    return below


def _value_is_elsewhere(lines: list[Line], labels_per_line: list[list[Label]], index: int) -> bool:
    """The line after a bare label is another label, or text Tesseract put in another block."""
    if index + 1 >= len(lines) or labels_per_line[index + 1]:
        return True
    return lines[index].block is not None and lines[index + 1].block != lines[index].block


def _rest_of_row(lines: list[Line], labels_per_line: list[list[Label]], line: Line, label: Label) -> Line | None:
    """Words printed to the right of a label that ends its line, on the same row of a table.

    Tesseract reads a ruled table column by column ("Họ, chữ đệm, tên:" in one block,
    the husband's and the wife's names in others): when what follows a bare label is not
    its value, the value is found by position.
    """
    words = line.words_in(label.start, label.end)
    if not words or words[-1].right is None:
        return None
    top, bottom, right = min(w.top for w in words), max(w.bottom for w in words), words[-1].right
    row = [(other, span) for other, other_labels in zip(lines, labels_per_line)
           if other is not line and other.page == line.page and not other_labels
           for span in other.spans if span.top is not None and top <= span.middle <= bottom and span.left > right]
    return _row_line(line.page, row) if row else None


def _row_line(page: int, row: list[tuple[Line, Span]]) -> Line:
    """Words gathered by position from Tesseract's lines as one line, left to right."""
    return _line(page, sorted(((other.text[span.start : span.end], span.confidence,
                                (span.left, span.right, span.top, span.bottom)) for other, span in row),
                              key=lambda word: word[2][0]))


# The numbering of the next item is not part of a value that runs over: "10. Nơi tạm trú", "c) Diện tích".
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}[.)]?|[a-zđ]\)|[*•-])\s*$")
_ITEM_NUMBER = re.compile(r"(?:^|\s)(?:(\d{1,2})[.)]|([a-z])\))\s*$")


def _before_next_item(text: str, label: Label, stop: int) -> int:
    """Where a value ends on a line of numbered items: before the next item's number, not after it
    ("2. Ngày sinh: 07/05/1998 3. Giới tính: Nữ"). Only the number that follows the label's own counts:
    "Tổ 1." ends an address as printed."""
    own, after = _ITEM_NUMBER.search(text, 0, label.start), _ITEM_NUMBER.search(text, label.end, stop)
    if own is None or after is None:
        return stop
    if own[1] and after[1] and int(after[1]) == int(own[1]) + 1:
        return after.start()
    if own[2] and after[2] and ord(after[2]) == ord(own[2]) + 1:
        return after.start()
    return stop


def _value(parts: list[tuple[Line, int, int]]) -> RawValue:
    """Join the pieces as printed (a comma ending a line stays), trimmed only at the two ends."""
    text = " ".join(line.text[start:end].strip() for line, start, end in parts)
    start, end = _trim(text, 0, len(text))
    confidence = sum(line.confidence(start_, end_) for line, start_, end_ in parts) / len(parts)
    first, first_start, first_end = parts[0]
    first_start, first_end = _trim(first.text, first_start, first_end)
    return RawValue(text=text[start:end], confidence=round(confidence, 3), page=first.page, line=first,
                    start=first_start, end=first_end)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _SEPARATORS:
        start += 1
    while end > start and text[end - 1] in _SEPARATORS:
        end -= 1
    return start, end
