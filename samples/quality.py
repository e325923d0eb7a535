"""How far OCR text is from a page's ground truth: the character error rate.

Graded after NFC and whitespace collapsing, since line breaks and spacing are
layout, not reading. One definition, shared by the tests and the benchmarks.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import jiwer
import numpy as np


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def cer(truth: str, text: str | None) -> float:
    """0.0 is perfect; a page that was not read at all (None) counts as 1.0."""
    if text is None:
        return 1.0
    truth, text = normalise(truth), normalise(text)
    if not truth:
        return 0.0 if not text else 1.0
    return float(jiwer.cer(truth, text))


def substring_distance(needle: str, haystack: str) -> int:
    """Fewest edits turning ``needle`` into some substring of ``haystack`` (semi-global Levenshtein).

    Row by row over the needle, vectorised over the haystack: a row's insertions
    are a running minimum, so each row costs a few numpy passes, not a Python loop.
    """
    if not needle:
        return 0
    if not haystack:
        return len(needle)
    text = np.frombuffer(haystack.encode("utf-32-le"), dtype=np.uint32)
    offsets = np.arange(len(text) + 1, dtype=np.int64)
    row = np.zeros(len(text) + 1, dtype=np.int64)  # the match may start anywhere for free
    for i, char in enumerate(needle, 1):
        best = np.empty_like(row)
        best[0] = i
        best[1:] = np.minimum(row[:-1] + (text != ord(char)), row[1:] + 1)
        row = np.minimum.accumulate(best - offsets) + offsets
    return int(row.min())  # and may end anywhere for free


def snippet_cer(snippets: Sequence[str], text: str | None) -> float:
    """CER of verbatim lines known to be on a page, each matched where it reads best in ``text``.

    For truth that covers only part of a page (hand-copied snippets): the summed
    `substring_distance` of the snippets over their summed length, both sides
    normalised as in `cer`. A page that was not read at all (None) counts as 1.0.
    """
    if text is None:
        return 1.0
    needles = [normalise(snippet) for snippet in snippets]
    total = sum(len(needle) for needle in needles)
    if not total:
        return 0.0
    text = normalise(text)
    return sum(substring_distance(needle, text) for needle in needles) / total
