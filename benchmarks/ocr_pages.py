"""sohoa's OCR against plain Tesseract on the same page images, page by page.

The project rule: no page may read worse than plain `tesseract IMG - -l vie`
beyond a small tolerance. For every page this prints sohoa's CER beside plain
Tesseract's, the mean per set and the pages where sohoa falls furthest behind;
`--check TOL` exits 1 if any page is worse than Tesseract by more than TOL.

How each side runs:
  sohoa      `ocr.document.recognise_document` on the whole file (PDF or image),
             documents `--workers` at a time sharing one page pool of that size
  tesseract  `tesseract IMG - -l vie`, no --dpi, `--workers` pages at a time.
             IMG is the file itself for an image; for a PDF page, the page
             rendered by `pdftoppm -r 300 -gray`, stored losslessly as PNG with
             its 300 dpi (pdftoppm's own PNG output ignores -gray)

Page sets:
  vbhc-scans                  scanned pages of the real Quang Ngai PDFs (blank
                              and born-digital pages left out); snippet CER
  vbhc-born-digital-as-image  the born-digital pages rendered to 300-dpi gray
                              PNGs; truth `pdftotext -f N -l N`; full CER
  vbhc-lowres                 page 1 of the first six scanned PDFs (by name) at
                              110 dpi, JPEG q75 without DPI, as is and noisy /
                              blurred / dark / turned 90 degrees; snippet CER
  linn                        ocrmypdf's linn.png with its approximate English
                              truth linn.txt; full CER
  synthetic                   samples.batch.make_page, 4 fixed seeds per level
                              clean/mild/harsh, PNG with DPI; full CER

Metrics (samples.quality): `cer` is the CER of the whole page text; `snippet_cer`
matches each hand-copied truth line where it reads best in the page text
(semi-global Levenshtein) and divides the summed edits by the summed line
lengths, so text outside the snippets costs nothing. Both NFC, whitespace
collapsed. A page a side failed to read counts as 1.0.

Times: sohoa's wall seconds per document (documents overlap when --workers > 1)
and user+sys CPU of the whole sohoa phase (this process and its children);
Tesseract's CPU seconds per page (wait4 of each process). Generated inputs are
made once into --cache and are not timed. Add a set by writing one function
`(cache) -> list[Page]` and naming it in SETS.

    .venv/bin/python benchmarks/ocr_pages.py [--sets a,b] [--limit N] [--workers 2]
        [--check 0.01] [--json OUT] [--cache /tmp/sohoa-ocr-pages]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["OMP_THREAD_LIMIT"] = "1"

from ocr.detect import sniff_media_type  # noqa: E402
from ocr.document import OcrOptions, recognise_document  # noqa: E402
from samples import degrade  # noqa: E402
from samples.batch import make_page  # noqa: E402
from samples.quality import cer, snippet_cer  # noqa: E402

CORPUS = Path("/work/shared/corpus")
VBHC = CORPUS / "vbhc-quangngai"
LINN = CORPUS / "ocrmypdf" / "resources" / "linn.png"
LOWRES_DPI = 110
LOWRES_JPEG_QUALITY = 75
SYNTHETIC_SEEDS = (101, 102, 103, 104)


class Page(NamedTuple):
    name: str
    file: Path  # what sohoa reads
    index: int  # 0-based page of `file`
    truth: str | tuple[str, ...]
    metric: Callable[..., float]  # (truth, text) -> CER


# ---------------------------------------------------------------- inputs

def _slug(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", path.stem).strip("-")


def _short(path: Path) -> str:
    """'51 QĐ UB.signed_20250219_231940.pdf' -> '51 QĐ UB'."""
    return path.name.split("_")[0].removesuffix(".signed")


def _cached(path: Path, make: Callable[[Path], None]) -> Path:
    """Make `path` once; a half-written file never counts as made."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name("partial-" + path.name)
        make(partial)
        partial.rename(path)
    return path


def _gray(pdf: Path, index: int, dpi: int) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        stem = Path(tmp) / "page"
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(index + 1), "-l", str(index + 1),
                        "-singlefile", str(pdf), str(stem)], check=True)
        return cv2.imread(f"{stem}.pgm", cv2.IMREAD_GRAYSCALE)


def _png(image: np.ndarray, dpi: int | None, path: Path) -> None:
    Image.fromarray(image).save(path, "PNG", dpi=(dpi, dpi) if dpi else None, compress_level=1)


def rendered(pdf: Path, index: int, cache: Path) -> Path:
    """The page as `pdftoppm -r 300 -gray` renders it, as a PNG that says 300 dpi."""
    return _cached(cache / "render" / f"{_slug(pdf)}-p{index + 1}.png",
                   lambda out: _png(_gray(pdf, index, 300), 300, out))


def _vbhc() -> list[tuple[Path, dict]]:
    truth = json.loads((VBHC / "truth.json").read_text(encoding="utf-8"))
    return sorted(((VBHC / "files" / doc["file"], doc) for doc in truth["documents"]), key=lambda x: x[0].name)


def _snippets(doc: dict, index: int) -> tuple[str, ...]:
    return tuple(s["text"] for s in doc["snippets"] if s["page"] == index + 1)


def _kind_pages(kind: str) -> list[tuple[Path, dict, int]]:
    return [(path, doc, i) for path, doc in _vbhc() for i, k in enumerate(doc["page_kinds"]) if k == kind]


def vbhc_scans(cache: Path) -> list[Page]:
    return [Page(f"{_short(path)} p{i + 1}", path, i, _snippets(doc, i), snippet_cer)
            for path, doc, i in _kind_pages("scanned")]


def vbhc_born_digital_as_image(cache: Path) -> list[Page]:
    def text_layer(path: Path, i: int) -> str:
        return subprocess.run(["pdftotext", "-f", str(i + 1), "-l", str(i + 1), str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
    return [Page(f"{_short(path)} p{i + 1} image", rendered(path, i, cache), 0, text_layer(path, i), cer)
            for path, _, i in _kind_pages("born_digital")]


def _darker(image: np.ndarray) -> np.ndarray:
    """A dim phone photo: gamma 1.5, paper at ~170 and ink at ~20 instead of 255 and 0."""
    lut = (20 + 150 * (np.arange(256) / 255.0) ** 1.5).astype(np.uint8)
    return cv2.LUT(image, lut)


LOWRES_VARIANTS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "lowres": lambda image: image,
    "noisy": lambda image: degrade.gaussian_noise(image, 12.0, seed=7),
    "blurred": lambda image: degrade.blur(image, 0.8),
    "dark": _darker,
    "rot90": lambda image: degrade.rotate(image, 90),
}


def _lowres_source(pdf: Path, doc: dict) -> np.ndarray:
    """110 dpi: downscaled from the 300-dpi render, or rendered directly when the scan is coarser."""
    if min(doc["scan_dpi"]) < 300:
        return _gray(pdf, 0, LOWRES_DPI)
    scale = LOWRES_DPI / 300
    return cv2.resize(_gray(pdf, 0, 300), None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def vbhc_lowres(cache: Path) -> list[Page]:
    sources = [(path, doc) for path, doc in _vbhc() if doc["page_kinds"][0] == "scanned"][:6]
    pages = []
    for path, doc in sources:
        source: list[np.ndarray] = []  # rendered at most once, only if some variant is missing
        for variant, change in LOWRES_VARIANTS.items():
            def make(out: Path, change=change, path=path, doc=doc) -> None:
                source[:] = source or [_lowres_source(path, doc)]
                # cv2 writes a JFIF header without units: no DPI, as phones and cheap scanners send.
                cv2.imwrite(str(out), change(source[0]), [cv2.IMWRITE_JPEG_QUALITY, LOWRES_JPEG_QUALITY])
            file = _cached(cache / "lowres" / f"{_slug(path)}-p1-{variant}.jpg", make)
            pages.append(Page(f"{_short(path)} p1 {variant}", file, 0, _snippets(doc, 0), snippet_cer))
    return pages


def linn(cache: Path) -> list[Page]:
    return [Page("linn.png", LINN, 0, LINN.with_suffix(".txt").read_text(encoding="utf-8"), cer)]


def synthetic(cache: Path) -> list[Page]:
    pages = []
    for level in degrade.LEVELS:
        for seed in SYNTHETIC_SEEDS:
            image, truth, meta = make_page(seed, level, dpi=None)
            file = _cached(cache / "synthetic" / f"{level}-{seed}.png", lambda out: _png(image, meta["dpi"], out))
            pages.append(Page(f"{level} seed {seed}", file, 0, truth, cer))
    return pages


SETS: dict[str, Callable[[Path], list[Page]]] = {
    "vbhc-scans": vbhc_scans,
    "vbhc-born-digital-as-image": vbhc_born_digital_as_image,
    "vbhc-lowres": vbhc_lowres,
    "linn": linn,
    "synthetic": synthetic,
}


# ---------------------------------------------------------------- the two sides

def _cpu() -> float:
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


Pages = list[tuple[str, str]] | None  # (text, source) per page: "ocr" or "text-layer"


def run_sohoa(files: list[Path], workers: int) -> tuple[dict[Path, Pages], dict[Path, float], float, float]:
    """Pages of every file, wall seconds per file, and the phase's wall and CPU seconds."""
    def read(path: Path) -> tuple[Pages, float]:
        started = time.monotonic()
        try:
            media_type = sniff_media_type(path.read_bytes()[:1024])
            result = recognise_document(path, media_type, options=OcrOptions(), pool=pool)
            texts = [(page.text, page.source) for page in result.pages]
        except Exception as error:  # a failed document scores 1.0 on every page; say why
            print(f"  sohoa failed on {path.name}: {type(error).__name__}: {error}", file=sys.stderr)
            texts = None
        return texts, time.monotonic() - started

    started, cpu = time.monotonic(), _cpu()
    with ThreadPoolExecutor(workers) as pool, ThreadPoolExecutor(workers) as documents:
        results = dict(zip(files, documents.map(read, files)))
    return ({p: r[0] for p, r in results.items()}, {p: r[1] for p, r in results.items()},
            time.monotonic() - started, _cpu() - cpu)


def tesseract(image: Path) -> tuple[str | None, float]:
    """`tesseract IMG - -l vie` as a user types it; its text (None on failure) and its CPU seconds."""
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(["tesseract", str(image), "-", "-l", "vie"], stdout=subprocess.PIPE, stderr=errors)
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            errors.seek(0)
            print(f"  tesseract failed on {image}: {errors.read().decode(errors='replace')}", file=sys.stderr)
    return (out.decode("utf-8") if not proc.returncode else None), usage.ru_utime + usage.ru_stime


def tesseract_image(page: Page, cache: Path) -> Path:
    return rendered(page.file, page.index, cache) if page.file.suffix.lower() == ".pdf" else page.file


# ---------------------------------------------------------------- report

def _output(command: list[str]) -> list[str]:
    try:
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT).stdout.splitlines()
    except OSError:
        return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated, from: " + ", ".join(SETS))
    parser.add_argument("--limit", type=int, help="at most N pages per set")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--check", type=float, metavar="TOL", help="exit 1 if a page's CER exceeds Tesseract's by > TOL")
    parser.add_argument("--json", type=Path, metavar="OUT")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/sohoa-ocr-pages"))
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.sets.split(",") if name.strip()]
    if unknown := [name for name in names if name not in SETS]:
        parser.error(f"unknown sets {unknown}; known: {', '.join(SETS)}")

    # Before the run: the ocr code imported above is what was on disk now.
    revision = {"commit": _output(["git", "rev-parse", "HEAD"])[:1],
                "uncommitted_ocr": _output(["git", "status", "--porcelain", "--", "ocr"])}
    print("preparing pages (not timed) ...", flush=True)
    sets = {name: SETS[name](args.cache)[: args.limit] for name in names}
    pages = [(name, page) for name, members in sets.items() for page in members]
    images = {page: tesseract_image(page, args.cache) for _, page in pages}
    files = list(dict.fromkeys(page.file for _, page in pages))

    print(f"sohoa on {len(files)} files ...", flush=True)
    texts, doc_wall, sohoa_wall, sohoa_cpu = run_sohoa(files, args.workers)
    print(f"tesseract on {len(pages)} pages ...", flush=True)
    started = time.monotonic()
    with ThreadPoolExecutor(args.workers) as pool:
        plain = dict(zip(images, pool.map(tesseract, images.values())))
    tess_wall = time.monotonic() - started

    rows = []
    for name, page in pages:
        got = texts[page.file]
        text, source = got[page.index] if got is not None and page.index < len(got) else (None, None)
        rows.append({"set": name, "page": page.name, "file": str(page.file), "index": page.index,
                     "tesseract_image": str(images[page]), "metric": page.metric.__name__,
                     "sohoa": round(page.metric(page.truth, text), 4),
                     "tesseract": round(page.metric(page.truth, plain[page][0]), 4),
                     "tesseract_cpu_s": round(plain[page][1], 2), "sohoa_source": source,
                     "sohoa_text": text, "tesseract_text": plain[page][0]})
        rows[-1]["diff"] = round(rows[-1]["sohoa"] - rows[-1]["tesseract"], 4)

    means = {}
    for name in sets:
        members = [row for row in rows if row["set"] == name]
        print(f"\n{name} ({len(members)} pages, {members[0]['metric'] if members else '-'})")
        print(f"  {'page':<34} {'sohoa':>7} {'tess':>7} {'diff':>7} {'tess cpu s':>10}")
        for row in members:
            print(f"  {row['page']:<34} {row['sohoa']:7.3f} {row['tesseract']:7.3f} {row['diff']:+7.3f}"
                  f" {row['tesseract_cpu_s']:10.1f}")
        if members:
            means[name] = {side: round(statistics.fmean(row[side] for row in members), 4)
                           for side in ("sohoa", "tesseract")}
            print(f"  {'mean':<34} {means[name]['sohoa']:7.3f} {means[name]['tesseract']:7.3f}"
                  f" {means[name]['sohoa'] - means[name]['tesseract']:+7.3f}")

    worst = sorted(rows, key=lambda row: row["diff"], reverse=True)[:10]
    print("\nworst pages (sohoa CER minus tesseract CER)")
    for row in worst:
        print(f"  {row['diff']:+7.3f}  {row['set']:<27} {row['page']:<34} {row['sohoa']:.3f} vs {row['tesseract']:.3f}")
    tess_cpu = sum(row["tesseract_cpu_s"] for row in rows)
    print(f"\nsohoa:     {len(files)} files, wall {sohoa_wall:.1f} s, CPU {sohoa_cpu:.1f} s (process + children)")
    print(f"tesseract: {len(rows)} pages, wall {tess_wall:.1f} s, CPU {tess_cpu:.1f} s; workers {args.workers}")
    command = shlex.join([".venv/bin/python", "benchmarks/ocr_pages.py", *(argv if argv is not None else sys.argv[1:])])
    print(f"command:   {command}")

    if args.json:
        report = {
            "command": command, "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            **revision, "tesseract": _output(["tesseract", "--version"])[:1], "workers": args.workers,
            "means": means, "worst": [{k: row[k] for k in ("set", "page", "diff")} for row in worst],
            "totals": {"sohoa_wall_s": round(sohoa_wall, 1), "sohoa_cpu_s": round(sohoa_cpu, 1),
                       "tesseract_wall_s": round(tess_wall, 1), "tesseract_cpu_s": round(tess_cpu, 1)},
            "documents": {str(path): {"sohoa_wall_s": round(wall, 2)} for path, wall in doc_wall.items()},
            "pages": rows,
        }
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"figures:   {args.json}")

    if args.check is not None:
        failing = [row for row in rows if row["diff"] > args.check]
        for row in failing:
            print(f"CHECK FAILED: {row['set']} / {row['page']}: {row['diff']:+.3f} > {args.check}")
        return 1 if failing else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
