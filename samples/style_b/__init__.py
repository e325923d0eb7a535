"""Style B: a second, independent specimen generator, for reporting only.

Style A (``samples.specimens``) is what the field extraction is developed and
tuned on. A benchmark on the generator one tunes on says little about real
papers ("our generator is not the world"), so style B draws the same paper
types the way other real papers look: other templates and years (2016 barcode
CCCD, 2024 identity card, "trích lục" copies, pre-2016 birth certificates,
2024 land certificates, system printouts), other label wordings, values after
dots or under their label, ruled tables with label cells, Noto and DejaVu
faces at 11.5-14 pt, red seals over names, colour, and phone photos of cards
and papers lying on a table. Its truth has style A's form (``FieldTruth``,
``owner_id``, ``doc_type``), so ``benchmarks/fields.py --style b`` scores it
the same way.

Use it to report, never to tune: a fix made because a style B paper failed
makes style B one more development set. People, addresses and identifiers
come from style A's generators and the ``ocr.fields`` validators, imported,
so the truth cannot drift between the styles.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from samples.specimens import DEFECTS, DOC_TYPES, Defect, DocType
from samples.style_b import cards, papers
from samples.style_b.drawing import Rendered
from samples.style_b.photo import Photo, draw_capture, photo_jpeg, photograph, sample_photo, scan, scan_dpi

_BUILDERS: dict[DocType, Callable[[np.random.Generator, int, Defect | None], Rendered]] = {
    "cccd": cards.cccd,
    "cmnd": cards.cmnd,
    "birth_certificate": papers.birth_certificate,
    "marriage_certificate": papers.marriage_certificate,
    "residence_confirmation": papers.residence_confirmation,
    "business_registration": papers.business_registration,
    "land_use_certificate": papers.land_use_certificate,
    "dossier_receipt": papers.dossier_receipt,
    "application_form": papers.application_form,
}


def make_specimen(doc_type: DocType, rng: np.random.Generator, *, dpi: int = 300,
                  defect: Defect | None = None) -> Rendered:
    """Render one clean style B paper; ``defect`` must be one of style A's ``DEFECTS[doc_type]``."""
    if doc_type not in _BUILDERS:
        raise ValueError(f"unknown doc_type {doc_type!r}; expected one of {DOC_TYPES}")
    if defect is not None and defect not in DEFECTS[doc_type]:
        raise ValueError(f"{doc_type} cannot carry defect {defect!r}; possible: {DEFECTS[doc_type]}")
    return _BUILDERS[doc_type](rng, dpi, defect)


__all__ = ["Photo", "Rendered", "draw_capture", "make_specimen", "photo_jpeg", "photograph", "sample_photo", "scan",
           "scan_dpi"]
