"""Check once, up front, that the external programs we drive are usable.

Failing on page one of a batch with "tesseract not found" deep in a stack
trace helps nobody; failing before the batch starts, with the apt-get line
that fixes it, does.
"""

from __future__ import annotations

import functools
import shutil
import subprocess

from packaging.version import Version

from ocr.errors import MissingDependencyError

MIN_TESSERACT = Version("4.1")
APT_PACKAGES = "tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils"


def _advice(what: str) -> str:
    return f"{what}. Install it with: sudo apt-get install {APT_PACKAGES} (or run `make setup`)."


@functools.cache
def tesseract_version() -> Version:
    if shutil.which("tesseract") is None:
        raise MissingDependencyError(_advice("The `tesseract` program is not installed"))
    out = subprocess.run(
        ["tesseract", "--version"], capture_output=True, text=True, check=False
    ).stdout
    version = Version(out.split()[1].split("-")[0])
    if version < MIN_TESSERACT:
        raise MissingDependencyError(
            _advice(f"Tesseract {version} is too old; {MIN_TESSERACT} or newer is needed")
        )
    return version


@functools.cache
def tesseract_languages() -> frozenset[str]:
    tesseract_version()
    out = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, check=False
    ).stdout
    return frozenset(line.strip() for line in out.splitlines()[1:] if line.strip())


def require_language(lang: str) -> None:
    missing = set(lang.split("+")) - tesseract_languages()
    if missing:
        raise MissingDependencyError(
            _advice(f"Tesseract has no language data for {', '.join(sorted(missing))}")
        )


@functools.cache
def require_poppler() -> None:
    for program in ("pdftoppm", "pdftotext", "pdfinfo"):
        if shutil.which(program) is None:
            raise MissingDependencyError(_advice(f"The poppler program `{program}` is not installed"))


def check_all(lang: str) -> None:
    """Everything the OCR pipeline needs; raises MissingDependencyError with advice.

    Besides the page language: `osd` turns pages upright (without it Tesseract's
    orientation check fails as if the page had too little text, silently), and
    `eng` reads the MRZ and boxed digits."""
    require_language(f"{lang}+osd+eng")
    require_poppler()
