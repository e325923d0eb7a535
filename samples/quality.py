"""How far OCR text is from a page's ground truth: the character error rate.

Graded after NFC and whitespace collapsing, since line breaks and spacing are
layout, not reading. One definition, shared by the tests and the benchmarks.
"""

from __future__ import annotations

import unicodedata

import jiwer


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
