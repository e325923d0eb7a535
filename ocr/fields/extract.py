"""Find each field's printed value from the OCRed lines of a page.

A label ("Họ và tên / Full name:") is found fuzzily on folded text, so tone
mark errors do not hide it; its value is what follows on the same line up
to the next label (a card prints "Giới tính: Nam  Quốc tịch: Việt Nam" on one
line), or the next line when the label ends its line (names in capitals
under the label). Addresses may continue on the following line. Each value
keeps the confidence of the words it came from, so a doubtful read can be
flagged rather than trusted.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

from ocr.fields.labels import LABELS, MULTILINE
from ocr.tesseract import Word
from search.folding import fold

_MIN_LABEL_SCORE = 90.0
_SEPARATORS = " :;/-.,|"
_MAX_CONTINUATION_LINES = 2


@dataclass(frozen=True)
class Line:
    page: int
    text: str  # NFC words joined by single spaces
    folded: str  # fold(text): same length, so offsets carry over
    spans: tuple[tuple[int, int, float], ...]  # (start, end, confidence) of each word in `text`

    def confidence(self, start: int, end: int) -> float:
        overlapping = [conf for s, e, conf in self.spans if s < end and e > start]
        return sum(overlapping) / len(overlapping) if overlapping else 0.0


@dataclass(frozen=True)
class RawValue:
    text: str
    confidence: float
    page: int


@dataclass(frozen=True)
class _Label:
    key: str
    start: int
    end: int
    score: float


def lines_from_words(words: tuple[Word, ...], page: int) -> list[Line]:
    """Tesseract's own line grouping, in its reading order."""
    grouped: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        grouped.setdefault((word.block, word.paragraph, word.line), []).append(word)
    return [_line(page, [(w.text, w.confidence) for w in line]) for line in grouped.values()]


def lines_from_text(text: str, page: int, confidence: float = 1.0) -> list[Line]:
    """Lines of a page whose text came without word boxes (a PDF's own text layer)."""
    return [_line(page, [(w, confidence) for w in row.split()]) for row in text.splitlines() if row.strip()]


def _line(page: int, words: list[tuple[str, float]]) -> Line:
    spans, parts, position = [], [], 0
    for text, confidence in words:
        text = unicodedata.normalize("NFC", text)
        spans.append((position, position + len(text), confidence))
        parts.append(text)
        position += len(text) + 1
    text = " ".join(parts)
    return Line(page=page, text=text, folded=fold(text), spans=tuple(spans))


def _is_word_boundary(folded: str, start: int, end: int) -> bool:
    before = folded[start - 1] if start > 0 else " "
    after = folded[end] if end < len(folded) else " "
    return not before.isalnum() and not after.isalnum()


def find_labels(line: Line) -> list[_Label]:
    """Every field label in the line, the best reading where two overlap, in line order."""
    candidates = []
    for key, labels in LABELS.items():
        for label in labels:
            if len(label) > len(line.folded) + 2:
                continue
            found = fuzz.partial_ratio_alignment(label, line.folded, score_cutoff=_MIN_LABEL_SCORE)
            if found is None or (len(label) <= 6 and found.score < 100):
                continue
            if _is_word_boundary(line.folded, found.dest_start, found.dest_end):
                candidates.append(_Label(key, found.dest_start, found.dest_end, found.score))
    chosen: list[_Label] = []
    for candidate in sorted(candidates, key=lambda c: (-(c.end - c.start), -c.score)):
        if all(candidate.end <= kept.start or candidate.start >= kept.end for kept in chosen):
            chosen.append(candidate)
    return _merge_bilingual(line, sorted(chosen, key=lambda c: c.start))


def _merge_bilingual(line: Line, labels: list[_Label]) -> list[_Label]:
    """ "Họ và tên / Full name" is one label: merge neighbours of the same key."""
    merged: list[_Label] = []
    for label in labels:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.key == label.key
            and not line.text[previous.end : label.start].strip(_SEPARATORS)
        ):
            merged[-1] = _Label(label.key, previous.start, label.end, max(previous.score, label.score))
        else:
            merged.append(label)
    return merged


def find_values(lines: list[Line], wanted: tuple[str, ...]) -> dict[str, RawValue]:
    """The first value printed for each wanted field."""
    labels_per_line = [find_labels(line) for line in lines]
    values: dict[str, RawValue] = {}
    for index, (line, labels) in enumerate(zip(lines, labels_per_line)):
        for position, label in enumerate(labels):
            if label.key not in wanted or label.key in values:
                continue
            stop = labels[position + 1].start if position + 1 < len(labels) else len(line.text)
            start, end = _trim(line.text, label.end, stop)
            parts = [(line, start, end)] if start < end else []
            follow = index + 1
            if not parts or label.key in MULTILINE:
                # The value is under its label, or runs over: take unlabelled lines that follow.
                limit = 1 if not parts else _MAX_CONTINUATION_LINES
                while follow < len(lines) and not labels_per_line[follow] and limit > 0 and (
                    not parts or label.key in MULTILINE
                ):
                    nxt = lines[follow]
                    parts.append((nxt, *_trim(nxt.text, 0, len(nxt.text))))
                    follow += 1
                    limit -= 1
            parts = [(ln, s, e) for ln, s, e in parts if s < e]
            if parts:
                text = " ".join(ln.text[s:e] for ln, s, e in parts)
                confidence = sum(ln.confidence(s, e) for ln, s, e in parts) / len(parts)
                values[label.key] = RawValue(text=text, confidence=round(confidence, 3), page=line.page)
    return values


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _SEPARATORS:
        start += 1
    while end > start and text[end - 1] in _SEPARATORS:
        end -= 1
    return start, end
