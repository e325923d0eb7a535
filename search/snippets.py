"""Snippets cut from the original text around what a query matched.

Backends match on folded text, but people should read the words as printed
("Nguyễn Văn Đức", not "nguyen van duc"). Matches are therefore located in
`fold(text)` and cut, with the same offsets, from `nfc(text)`. Pure functions,
so every backend produces the same snippets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from search.base import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, query_chunks
from search.folding import fold, nfc, tokens, word_spans

SNIPPET_WIDTH = 160
_ELLIPSIS = "…"
_SPACE = re.compile(r"\s+")


class _Match(NamedTuple):
    start: int
    end: int
    phrase: int


def query_phrases(query: str) -> list[tuple[str, ...]]:
    """The folded phrases of a user's query, one per chunk (`query_chunks`)."""
    return [tuple(tokens(chunk)) for chunk in query_chunks(query)]


def make_snippet(texts: Sequence[str], phrases: Sequence[Sequence[str]], width: int = SNIPPET_WIDTH) -> str:
    """About `width` characters around the stretch holding the most distinct
    `phrases` (from `query_phrases`), every occurrence wrapped in highlight
    markers.

    `texts` are a record's texts in order of preference (page text, then
    identifiers such as the file name): the snippet comes from the one where
    most phrases occur, and from the start of the first non-blank one when
    none match."""
    candidates = [nfc(text) for text in texts if text.strip()] or [""]
    best_text, best_matches, best_covered = candidates[0], [], 0
    if phrases:
        for text in candidates:
            matches = _find(text, phrases)
            covered = len({match.phrase for match in matches})
            if covered > best_covered:
                best_text, best_matches, best_covered = text, matches, covered
    start, end = _window(best_text, best_matches, width)
    return _render(best_text, start, end, best_matches)


def _find(text: str, phrases: Sequence[Sequence[str]]) -> list[_Match]:
    """Every occurrence of every phrase in `text`, compared word by word after folding."""
    folded = fold(text)
    spans = word_spans(folded)
    words = [folded[start:end] for start, end in spans]
    by_first_word: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    for index, phrase in enumerate(phrases):
        if phrase:
            by_first_word.setdefault(phrase[0], []).append((index, tuple(phrase)))
    matches = []
    for position, word in enumerate(words):
        for index, phrase in by_first_word.get(word, ()):
            last = position + len(phrase) - 1
            if tuple(words[position : last + 1]) == phrase:
                matches.append(_Match(spans[position][0], spans[last][1], index))
    return matches


def _window(text: str, matches: list[_Match], width: int) -> tuple[int, int]:
    if not matches:
        return 0, _cut_end(text, min(len(text), width), 0)
    best_first, best_last, best_covered = 0, 0, 0
    for first, anchor in enumerate(matches):
        limit = max(anchor.end, anchor.start + width)
        last = first
        while last + 1 < len(matches) and matches[last + 1].end <= limit:
            last += 1
        covered = len({match.phrase for match in matches[first : last + 1]})
        if covered > best_covered:
            best_first, best_last, best_covered = first, last, covered
    group_start = matches[best_first].start
    group_end = max(match.end for match in matches[best_first : best_last + 1])
    slack = max(0, width - (group_end - group_start))
    start = max(0, group_start - slack // 2)
    end = min(len(text), max(start + width, group_end))
    start = max(0, min(start, end - width))
    return _cut_start(text, start, group_start), _cut_end(text, end, group_end)


def _cut_start(text: str, start: int, keep_from: int) -> int:
    """Move a cut forward past the word it would split, unless that would
    lose the first match."""
    if start == 0 or text[start - 1].isspace():
        return start
    space = _SPACE.search(text, start, keep_from)
    return space.end() if space else start


def _cut_end(text: str, end: int, keep_to: int) -> int:
    """Move a cut back before the word it would split, unless that would
    lose the last match."""
    if end >= len(text) or text[end].isspace():
        return end
    for position in range(end - 1, keep_to, -1):
        if text[position].isspace():
            return position
    return end


def _render(text: str, start: int, end: int, matches: list[_Match]) -> str:
    pieces = []
    position = start
    for match_start, match_end in _merged(matches, start, end):
        pieces += [text[position:match_start], HIGHLIGHT_OPEN, text[match_start:match_end], HIGHLIGHT_CLOSE]
        position = match_end
    pieces.append(text[position:end])
    body = _SPACE.sub(" ", "".join(pieces)).strip()
    prefix = _ELLIPSIS if text[:start].strip() else ""
    suffix = _ELLIPSIS if text[end:].strip() else ""
    return f"{prefix}{body}{suffix}"


def _merged(matches: list[_Match], start: int, end: int) -> list[tuple[int, int]]:
    """Inside-the-window matches with overlaps joined, so markers never nest."""
    merged: list[tuple[int, int]] = []
    for match in sorted(matches):
        if match.start < start or match.end > end:
            continue
        if merged and match.start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], match.end))
        else:
            merged.append((match.start, match.end))
    return merged
