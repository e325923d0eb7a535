"""Write a folder of scanned-looking dossiers with their ground truth.

A document is one applicant's dossier: its pages share the person, dossier code
and procedure code, and are saved in one of the formats counters actually
receive (image-only PDF, TIFF, JPEG, PNG). Every document draws from its own
generator seeded by (seed, index), so a batch is reproducible and documents do
not shift when the count changes.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import cv2
import img2pdf
import numpy as np
import pikepdf
from PIL import Image

from samples import degrade
from samples.render import Block, PageOverflow, render_page
from samples.text import PAGE_KINDS, Dossier, Person, compose_page, make_dossier, make_person, pick

Format = Literal["pdf", "tiff", "jpeg", "png"]
FORMAT_WEIGHTS: dict[Format, float] = {"pdf": 0.40, "tiff": 0.25, "jpeg": 0.20, "png": 0.15}
_EXTENSIONS: dict[Format, str] = {"pdf": "pdf", "tiff": "tif", "jpeg": "jpg", "png": "png"}
LEVEL_CHOICES = ("clean", "mild", "harsh", "mixed")
FILE_JPEG_QUALITY = 92
MANIFEST_HEADER = ("file", "owner_id", "dossier_code", "procedure_code")


@dataclass
class DocumentSpec:
    """One file's truth; ``full_name`` is in title case even where pages print it in capitals."""

    file: str
    pages: list[str]
    level: str
    degradations: list[dict[str, Any]]
    owner_id: str
    full_name: str
    dossier_code: str
    procedure_code: str


@dataclass
class BatchSpec:
    out_dir: Path
    documents: list[DocumentSpec] = field(default_factory=list)

    @property
    def ground_truth_path(self) -> Path:
        return self.out_dir / "ground_truth.json"

    @property
    def manifest_path(self) -> Path:
        return self.out_dir / "manifest.csv"

    def to_json(self) -> dict[str, Any]:
        return {"documents": [vars(doc) for doc in self.documents]}


def _render_fitting(blocks: list[Block], dpi: int, font_pt: float, line_spacing: float
                    ) -> tuple[np.ndarray, str]:
    """Drop trailing paragraphs until the page fits, so any size/spacing draw still yields a page."""
    while True:
        try:
            return render_page(blocks, dpi, font_pt=font_pt, line_spacing=line_spacing)
        except PageOverflow:
            paragraphs = [i for i, block in enumerate(blocks) if block.indent]
            if not paragraphs:
                raise
            blocks = blocks[:paragraphs[-1]] + blocks[paragraphs[-1] + 1:]


def _page(rng: np.random.Generator, person: Person, dossier: Dossier, level: degrade.Level,
          dpi: int | None) -> tuple[np.ndarray, str, degrade.Degradation]:
    params = degrade.sample(level, rng, dpi)
    blocks = compose_page(rng, person, dossier, pick(rng, PAGE_KINDS))
    font_pt = float(rng.choice((13.0, 13.5, 14.0)))
    line_spacing = round(float(rng.uniform(1.15, 1.4)), 2)
    clean, text = _render_fitting(blocks, params.dpi, font_pt, line_spacing)
    return degrade.apply(clean, params, int(rng.integers(2**31))), text, params


def _resolve_level(level: str, rng: np.random.Generator) -> degrade.Level:
    if level == "mixed":
        levels = list(degrade.MIXED_WEIGHTS)
        return levels[int(rng.choice(len(levels), p=list(degrade.MIXED_WEIGHTS.values())))]
    if level not in degrade.LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVEL_CHOICES}")
    return level  # type: ignore[return-value]


def make_page(seed: int, level: str, dpi: int | None = 300) -> tuple[np.ndarray, str, dict[str, Any]]:
    """One degraded page, its exact text and what was done to it, for OCR unit tests.

    ``dpi=None`` lets the level choose the resolution as batches do (harsh: 200-300).
    """
    rng = np.random.default_rng(seed)
    resolved = _resolve_level(level, rng)
    dossier = make_dossier(rng)
    image, text, params = _page(rng, make_person(rng, dossier.received), dossier, resolved, dpi)
    return image, text, params.as_dict()


def _jpeg_bytes(image: np.ndarray, dpi: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", quality=FILE_JPEG_QUALITY, dpi=(dpi, dpi))
    return buffer.getvalue()


def _bilevel(image: np.ndarray) -> Image.Image:
    _, binary = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return Image.fromarray(binary > 127)


def _write(path: Path, fmt: Format, pages: list[np.ndarray], dpis: list[int], group4: bool) -> None:
    if fmt == "pdf":
        # img2pdf writes PDF 1.3 and, with pikepdf >= 10, a random /ID; rewrite as
        # PDF 1.4 (what Circular 01/2023 asks of scans) with an ID derived from the content.
        raw = img2pdf.convert([_jpeg_bytes(p, d) for p, d in zip(pages, dpis, strict=True)], nodate=True,
                              engine=img2pdf.Engine.internal)
        with pikepdf.open(io.BytesIO(raw)) as pdf:
            pdf.save(path, min_version="1.4", deterministic_id=True)
    elif fmt == "jpeg":
        path.write_bytes(_jpeg_bytes(pages[0], dpis[0]))
    elif fmt == "png":
        Image.fromarray(pages[0]).save(path, "PNG", dpi=(dpis[0], dpis[0]), compress_level=1)
    elif group4:
        frames = [_bilevel(p) for p in pages]
        frames[0].save(path, "TIFF", save_all=True, append_images=frames[1:], dpi=(dpis[0], dpis[0]),
                       compression="group4")
    else:
        # OpenCV rather than Pillow: Pillow's multi-page libtiff path leaves an
        # uninitialised alignment byte, so identical pages gave different files.
        params = [cv2.IMWRITE_TIFF_COMPRESSION, cv2.IMWRITE_TIFF_COMPRESSION_LZW, cv2.IMWRITE_TIFF_RESUNIT, 2,
                  cv2.IMWRITE_TIFF_XDPI, dpis[0], cv2.IMWRITE_TIFF_YDPI, dpis[0]]
        if not cv2.imwritemulti(str(path), pages, params):
            raise OSError(f"could not write {path}")


def _encoding(fmt: Format, group4: bool) -> str:
    if fmt == "tiff":
        return "tiff-group4" if group4 else "tiff-lzw"
    return {"pdf": "pdf-jpeg", "jpeg": "jpeg", "png": "png"}[fmt]


def _document(index: int, seed: int, level: str) -> tuple[DocumentSpec, Format, list[np.ndarray], bool]:
    rng = np.random.default_rng([seed, index])
    resolved = _resolve_level(level, rng)
    formats = list(FORMAT_WEIGHTS)
    fmt = formats[int(rng.choice(len(formats), p=list(FORMAT_WEIGHTS.values())))]
    count = {"pdf": int(rng.integers(1, 4)), "tiff": int(rng.choice((1, 1, 2, 3)))}.get(fmt, 1)
    dossier = make_dossier(rng)
    person = make_person(rng, dossier.received)
    # One scanner setting per dossier: all its pages share a resolution.
    dpi = degrade.sample(resolved, rng).dpi
    group4 = fmt == "tiff" and resolved == "clean" and rng.random() < 0.7
    images, texts, records = [], [], []
    for _ in range(count):
        image, text, params = _page(rng, person, dossier, resolved, dpi)
        images.append(image)
        texts.append(text)
        records.append({**params.as_dict(), "encoding": _encoding(fmt, group4)})
    spec = DocumentSpec(
        file=f"doc_{index + 1:04d}.{_EXTENSIONS[fmt]}", pages=texts, level=resolved, degradations=records,
        owner_id=person.id_number, full_name=person.full_name,
        dossier_code=dossier.dossier_code, procedure_code=dossier.procedure_code,
    )
    return spec, fmt, images, group4


def generate_batch(out_dir: Path, documents: int, seed: int, level: str = "mixed") -> BatchSpec:
    """Write ``documents`` files plus ground_truth.json and manifest.csv into ``out_dir``."""
    if level not in LEVEL_CHOICES:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVEL_CHOICES}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    batch = BatchSpec(out_dir)
    for index in range(documents):
        spec, fmt, images, group4 = _document(index, seed, level)
        _write(out_dir / spec.file, fmt, images, [d["dpi"] for d in spec.degradations], group4)
        batch.documents.append(spec)
    batch.ground_truth_path.write_text(
        json.dumps(batch.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    with batch.manifest_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(MANIFEST_HEADER)
        for doc in batch.documents:
            writer.writerow((doc.file, doc.owner_id, doc.dossier_code, doc.procedure_code))
    return batch
