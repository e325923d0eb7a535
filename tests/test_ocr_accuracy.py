"""How well the page pipeline reads generated Vietnamese pages, graded by character error rate.

Bounds were set from measurement (seeds 1-6, recognise_page with default
options): clean pages averaged CER 0.0011 (max 0.0017), mild 0.006 (max
0.02), harsh 0.024 (max 0.047). Raw Tesseract on the same harsh pages, with
no deskew or orientation fix, had a median of 0.061 and a max of 0.85.
"""

from __future__ import annotations

import statistics

import pytest

from ocr.page import PageOptions, recognise_page
from samples.batch import make_page
from samples.quality import cer

pytestmark = pytest.mark.tesseract

SEEDS = range(1, 5)
# level: (bound for every page, bound for the mean)
BOUNDS = {"clean": (0.01, 0.005), "mild": (0.03, 0.012), "harsh": (0.08, 0.04)}


@pytest.mark.parametrize("level", list(BOUNDS))
def test_character_error_rate_stays_within_measured_bounds(level):
    rates = []
    for seed in SEEDS:
        image, truth, params = make_page(seed, level, dpi=None)
        page = recognise_page(image, params["dpi"], PageOptions())
        rates.append(cer(truth, page.recognition.text))
    worst, mean = BOUNDS[level]
    assert max(rates) < worst, rates
    assert statistics.mean(rates) < mean, rates
