"""Write a folder of scanned specimens of every paper type with field-level ground truth.

``samples.batch`` measures OCR on generic dossier pages; this measures
classification, extraction and validation: each file is one paper of a known
type, and ``specimens.json`` gives every field's value and whether the
vietnam.md checks should accept it. Types rotate in ``DOC_TYPES`` order, so any
``count`` of at least nine covers them all. Each specimen of a type that can
carry a defect gets one with probability ``invalid_fraction`` (CMND and
land-use certificates print nothing checkable, so they are always valid).

Files are written exactly as ``samples.batch`` writes them (same formats and
weights, same writer), drawing each from a generator seeded by (seed, index).
``_write``, ``_encoding``, ``_resolve_level`` and ``_EXTENSIONS`` are private to
``samples.batch`` and imported anyway, so the two generators cannot diverge.

``style="b"`` draws the papers with ``samples.style_b`` instead: the set kept
for reporting, never for tuning. Its generator is seeded by (seed, index, 66),
so its people are not style A's for the same seed; a B specimen is scanned
(grey, or in colour unless it goes to TIFF) or, outside ``level="clean"``,
photographed with a phone and written as a JPEG without resolution.

Command line: ``python -m samples.specimen_batch OUT --count N --seed S [--style a|b]``.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from samples import degrade, style_b
from samples.batch import _EXTENSIONS, FORMAT_WEIGHTS, LEVEL_CHOICES, Format, _encoding, _resolve_level, _write
from samples.specimens import DEFECTS, DOC_TYPES, Specimen, make_specimen
from samples.text import pick

GROUND_TRUTH = "specimens.json"
STYLES = ("a", "b")
_STYLE_B_STREAM = 66  # ord("B"): a third seed word, so style B draws other people than style A


@dataclass
class SpecimenSpec:
    """One file's truth; ``fields`` maps a record.md key to {"value", "valid", "issue"}."""

    file: str
    doc_type: str
    fields: dict[str, dict[str, Any]]
    owner_id: str | None
    dossier_code: str | None
    qr_payload: str | None
    defect: str | None
    level: str
    degradations: list[dict[str, Any]]


def _specimen(index: int, seed: int, level: str, invalid_fraction: float
              ) -> tuple[SpecimenSpec, Format, np.ndarray, bool]:
    rng = np.random.default_rng([seed, index])
    doc_type = DOC_TYPES[index % len(DOC_TYPES)]
    resolved = _resolve_level(level, rng)
    formats = list(FORMAT_WEIGHTS)
    fmt = formats[int(rng.choice(len(formats), p=list(FORMAT_WEIGHTS.values())))]
    params = degrade.sample(resolved, rng)
    group4 = fmt == "tiff" and resolved == "clean" and rng.random() < 0.7
    defect = pick(rng, DEFECTS[doc_type]) if DEFECTS[doc_type] and rng.random() < invalid_fraction else None
    specimen = make_specimen(doc_type, rng, dpi=params.dpi, defect=defect)
    image = degrade.apply(specimen.image, params, int(rng.integers(2**31)))
    spec = _spec(index, _EXTENSIONS[fmt], specimen, resolved, {**params.as_dict(), "encoding": _encoding(fmt, group4)})
    return spec, fmt, image, group4


def _spec(index: int, extension: str, specimen: Specimen, level: str, degradation: dict[str, Any]) -> SpecimenSpec:
    return SpecimenSpec(
        file=f"specimen_{index + 1:04d}.{extension}",
        doc_type=specimen.doc_type,
        fields={key: truth.as_dict() for key, truth in specimen.fields.items()},
        owner_id=specimen.owner_id,
        dossier_code=specimen.dossier_code,
        qr_payload=specimen.qr_payload,
        defect=specimen.defect,
        level=level,
        degradations=[degradation],
    )


def _specimen_b(index: int, seed: int, level: str, invalid_fraction: float
                ) -> tuple[SpecimenSpec, Format | None, np.ndarray, bool]:
    """A style B file: format None means a phone photo, written by ``style_b.photo_jpeg``."""
    rng = np.random.default_rng([seed, index, _STYLE_B_STREAM])
    doc_type = DOC_TYPES[index % len(DOC_TYPES)]
    resolved = _resolve_level(level, rng)
    defect = pick(rng, DEFECTS[doc_type]) if DEFECTS[doc_type] and rng.random() < invalid_fraction else None
    if style_b.draw_capture(doc_type, resolved, rng) == "photo":
        photo = style_b.sample_photo(resolved, rng, card=doc_type in ("cccd", "cmnd"))
        rendered = style_b.make_specimen(doc_type, rng, dpi=300, defect=defect)
        image = style_b.photograph(rendered, photo, int(rng.integers(2**31)))
        return _spec(index, "jpg", rendered.specimen, resolved, photo.as_dict()), None, image, False
    formats = list(FORMAT_WEIGHTS)
    fmt = formats[int(rng.choice(len(formats), p=list(FORMAT_WEIGHTS.values())))]
    params = degrade.sample(resolved, rng, style_b.scan_dpi(resolved, rng))
    group4 = fmt == "tiff" and resolved == "clean" and rng.random() < 0.7
    colour = fmt != "tiff" and rng.random() < 0.5  # the TIFF writer takes grey pages
    rendered = style_b.make_specimen(doc_type, rng, dpi=params.dpi, defect=defect)
    image = style_b.scan(rendered, params, int(rng.integers(2**31)), colour=colour)
    degradation = {"capture": "scan", "colour": colour, **params.as_dict(), "encoding": _encoding(fmt, group4)}
    return _spec(index, _EXTENSIONS[fmt], rendered.specimen, resolved, degradation), fmt, image, group4


def generate_specimens(out_dir: Path, count: int, seed: int, level: str = "mixed",
                       invalid_fraction: float = 0.2, *, style: str = "a") -> list[SpecimenSpec]:
    """Write ``count`` specimen files and ``specimens.json`` into ``out_dir``."""
    if level not in LEVEL_CHOICES:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVEL_CHOICES}")
    if not 0.0 <= invalid_fraction <= 1.0:
        raise ValueError(f"invalid_fraction {invalid_fraction} is not between 0 and 1")
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {STYLES}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    make = _specimen if style == "a" else _specimen_b
    specs = []
    for index in range(count):
        spec, fmt, image, group4 = make(index, seed, level, invalid_fraction)
        degradation = spec.degradations[0]
        if fmt is None:
            (out_dir / spec.file).write_bytes(style_b.photo_jpeg(image, degradation["jpeg_quality"]))
        else:
            _write(out_dir / spec.file, fmt, [image], [degradation["dpi"]], group4)
        specs.append(spec)
    (out_dir / GROUND_TRUTH).write_text(
        json.dumps({"specimens": [asdict(spec) for spec in specs]}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8")
    return specs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m samples.specimen_batch",
                                     description="Generate scanned specimens of every paper type with ground truth.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=len(DOC_TYPES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--level", choices=LEVEL_CHOICES, default="mixed")
    parser.add_argument("--invalid-fraction", type=float, default=0.2)
    parser.add_argument("--style", choices=STYLES, default="a",
                        help="a: the style the extraction is developed on; b: the style kept for reporting")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must be >= 0")
    if not 0.0 <= args.invalid_fraction <= 1.0:
        parser.error("--invalid-fraction must be between 0 and 1")
    started = time.perf_counter()
    specs = generate_specimens(args.out_dir, args.count, args.seed, args.level, args.invalid_fraction,
                               style=args.style)
    invalid = sum(spec.defect is not None for spec in specs)
    print(f"wrote {len(specs)} specimens ({invalid} with an invalid field) to {args.out_dir} "
          f"in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
