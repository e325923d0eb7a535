"""The one module that talks to Tesseract.

Pages go to Tesseract as PGM/PPM files (uncompressed: encoding a noisy
300-dpi page as PNG cost more than OCR itself here). One Tesseract run gives
both the words with their boxes (TSV) and an invisible text layer (a
text-only PDF page) for the searchable copy, so a page is recognised once.

Tesseract runs as a subprocess of its own with `OMP_THREAD_LIMIT=1`: its
OpenMP threads made it 6-7x slower on our 2-core machines, and we parallelise
across pages instead. The limit is set for each Tesseract process only, not
for the whole Python process (which would also throttle numpy and OpenCV in
everything that imports this module); pytesseract cannot pass an environment
per call, so the command lines are built here.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ocr.errors import EngineError


@dataclass(frozen=True)
class Word:
    text: str
    confidence: float  # 0..1
    left: int
    top: int
    width: int
    height: int
    block: int
    paragraph: int
    line: int


@dataclass(frozen=True)
class Recognition:
    """Words with boxes, and the page's invisible text layer; text and confidence follow from the words,
    so a reading whose words are replaced in part (ocr.regions) stays consistent."""

    words: tuple[Word, ...]
    text_layer_pdf: bytes  # one page, invisible text, same size as the image at `dpi`

    @functools.cached_property
    def text(self) -> str:
        return words_to_text(self.words)

    @functools.cached_property
    def confidence(self) -> float:
        """Character-weighted mean word confidence, 0..1."""
        return mean_confidence(self.words)


@dataclass(frozen=True)
class Orientation:
    rotate_clockwise: int  # degrees that make the page upright: 0, 90, 180, 270
    confidence: float  # Tesseract's OSD confidence (unbounded, >2 is usable)


class _TesseractFailed(EngineError):
    """Tesseract ran and exited with an error (it also does so for a page with too little text)."""


@contextmanager
def _image_file(image: np.ndarray) -> Iterator[Path]:
    """The image as a PGM/PPM file Tesseract can read, in a directory of its own for the outputs."""
    with tempfile.TemporaryDirectory(prefix="sohoa-ocr-") as tmp:
        path = Path(tmp) / ("page.pgm" if image.ndim == 2 else "page.ppm")
        if not cv2.imwrite(str(path), image):
            raise EngineError(f"could not write page image to {path}")
        yield path


def _run(source: Path, output: str, options: list[str], *, what: str, timeout: float) -> str:
    """Run `tesseract SOURCE OUTPUT OPTIONS...` on one thread; its standard output.

    Raises EngineError (retryable) on a time-out or a failure."""
    try:
        result = subprocess.run(["tesseract", str(source), output, *options], capture_output=True, timeout=timeout,
                                env={**os.environ, "OMP_THREAD_LIMIT": "1"}, check=False)
    except subprocess.TimeoutExpired as error:
        raise EngineError(f"tesseract timed out on {what} after {timeout:.0f} s") from error
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise _TesseractFailed(f"tesseract failed on {what}: {message[-1] if message else result.returncode}")
    return result.stdout.decode("utf-8", errors="replace")


def recognise(image: np.ndarray, *, dpi: int, lang: str, timeout: float, text_layer: bool = True,
              single_line: bool = False) -> Recognition:
    """OCR one page image (grayscale or BGR uint8); `text_layer=False` skips the PDF page (empty bytes),
    `single_line` reads the image as one line of text (page segmentation mode 7)."""
    with _image_file(image) as source:
        base = source.with_name("out")
        options = ["-l", lang, "--dpi", str(dpi), *(["--psm", "7"] if single_line else []),
                   "-c", "tessedit_create_tsv=1", *(["-c", "textonly_pdf=1", "pdf"] if text_layer else [])]
        _run(source, str(base), options, what="a page", timeout=timeout)
        return Recognition(
            words=parse_tsv(base.with_suffix(".tsv").read_text(encoding="utf-8")),
            text_layer_pdf=base.with_suffix(".pdf").read_bytes() if text_layer else b"",
        )


MRZ_CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"


def read_machine_zone(image: np.ndarray, *, dpi: int, timeout: float) -> str:
    """Text of a cropped machine-readable zone, read as uniform lines of MRZ characters only.

    The `vie` model turns `<` into letters and reads digits as Vietnamese
    words; the zone is plain ASCII in a fixed font, which `eng` restricted
    to the MRZ alphabet reads far better.
    """
    with _image_file(image) as source:
        text = _run(source, "stdout", ["-l", "eng", "--dpi", str(dpi), "--psm", "6",
                                       "-c", f"tessedit_char_whitelist={MRZ_CHARACTERS}",
                                       "-c", "load_system_dawg=0", "-c", "load_freq_dawg=0"],
                    what="the machine-readable zone", timeout=timeout)
    return "\n".join(line.replace(" ", "") for line in text.splitlines() if line.strip())


def read_digits(image: np.ndarray, *, dpi: int, timeout: float) -> tuple[str, float]:
    """One line of digits only, and its mean word confidence: a number whose boxes were whited out."""
    with _image_file(image) as source:
        words = parse_tsv(_run(source, "stdout", ["-l", "eng", "--dpi", str(dpi), "--psm", "7",
                                                  "-c", "tessedit_char_whitelist=0123456789", "tsv"],
                               what="boxed digits", timeout=timeout))
    if not words:
        return "", 0.0
    return "".join(word.text for word in words), sum(word.confidence for word in words) / len(words)


_OSD_ROTATE = re.compile(r"^Rotate:\s*(\d+)", re.MULTILINE)
_OSD_CONFIDENCE = re.compile(r"^Orientation confidence:\s*([\d.]+)", re.MULTILINE)


def detect_orientation(image: np.ndarray, *, dpi: int, timeout: float) -> Orientation | None:
    """Tesseract's orientation guess, or None when the page has too little text to tell."""
    with _image_file(image) as source:
        try:
            osd = _run(source, "stdout", ["-l", "osd", "--psm", "0", "--dpi", str(dpi)],
                       what="orientation detection", timeout=timeout)
        except _TesseractFailed:
            return None  # "Too few characters": nothing to orient by
    rotate, confidence = _OSD_ROTATE.search(osd), _OSD_CONFIDENCE.search(osd)
    if rotate is None or confidence is None:
        return None
    return Orientation(rotate_clockwise=int(rotate[1]) % 360, confidence=float(confidence[1]))


def parse_tsv(tsv: str) -> tuple[Word, ...]:
    """Words from Tesseract's TSV, NFC, skipping its empty layout rows."""
    words = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        text = unicodedata.normalize("NFC", cells[11]).strip()
        if not text:
            continue
        words.append(
            Word(
                text=text,
                confidence=max(0.0, float(cells[10])) / 100.0,
                left=int(cells[6]),
                top=int(cells[7]),
                width=int(cells[8]),
                height=int(cells[9]),
                block=int(cells[2]),
                paragraph=int(cells[3]),
                line=int(cells[4]),
            )
        )
    return tuple(words)


def words_to_text(words: tuple[Word, ...]) -> str:
    """Reading-order text: words of a line by spaces, lines by newlines, paragraphs by blank lines."""
    lines: list[str] = []
    previous_line = previous_paragraph = None
    for word in words:
        line_key = (word.block, word.paragraph, word.line)
        paragraph_key = (word.block, word.paragraph)
        if line_key == previous_line:
            lines[-1] += " " + word.text
            continue
        if previous_paragraph is not None and paragraph_key != previous_paragraph:
            lines.append("")
        lines.append(word.text)
        previous_line, previous_paragraph = line_key, paragraph_key
    return "\n".join(lines)


def lines_of(words: tuple[Word, ...]) -> list[list[Word]]:
    """The words of each of Tesseract's lines, in its reading order."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault((word.block, word.paragraph, word.line), []).append(word)
    return list(lines.values())


def mean_confidence(words: tuple[Word, ...]) -> float:
    characters = sum(len(word.text) for word in words)
    if characters == 0:
        return 0.0
    return sum(word.confidence * len(word.text) for word in words) / characters
