"""Page images for the record page, drawn from the searchable PDF by poppler's pdftoppm.

The searchable PDF holds each page straightened and upright, which is what a person
wants to look at. Drawn at a low dpi they are a few tens of kilobytes, small enough
for a phone; they are cached on local disk by record id (the SHA-256 of the original,
so a cached image can never belong to other bytes) and can be deleted at any time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from storage.base import ObjectStore

RENDER_TIMEOUT_SECONDS = 60


class PageNotFoundError(LookupError):
    pass


class RenderError(RuntimeError):
    """pdftoppm is missing or failed on this file."""


class Thumbnails:
    def __init__(self, store: ObjectStore, cache: Path, dpi: int) -> None:
        self._store = store
        self._cache = cache
        self._dpi = dpi

    def page_png(self, record: dict[str, Any], number: int) -> bytes:
        """The caller has checked that its principal may read `record`."""
        if not 1 <= number <= len(record.get("pages") or []):
            raise PageNotFoundError(f"the record has no page {number}")
        cached = self._cache / record["id"] / f"{self._dpi}-{number}.png"
        try:
            return cached.read_bytes()
        except FileNotFoundError:
            pass
        image = self._render(record["storage"]["searchable_pdf"], number)
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cached.parent, suffix=".tmp", delete=False) as handle:
            handle.write(image)
        os.replace(handle.name, cached)  # concurrent renders of one page write the same bytes
        return image

    def _render(self, pdf_key: str, number: int) -> bytes:
        if shutil.which("pdftoppm") is None:
            raise RenderError("pdftoppm (poppler-utils) is not installed")
        with tempfile.TemporaryDirectory(prefix="sohoa-thumb-") as folder:
            pdf = Path(folder) / "in.pdf"
            with self._store.open(pdf_key) as source, pdf.open("wb") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)
            out = Path(folder) / "page"
            command = ["pdftoppm", "-f", str(number), "-l", str(number), "-r", str(self._dpi), "-png",
                       "-singlefile", str(pdf), str(out)]
            try:
                subprocess.run(command, check=True, capture_output=True, timeout=RENDER_TIMEOUT_SECONDS)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
                raise RenderError(f"pdftoppm could not draw page {number}") from error
            return out.with_suffix(".png").read_bytes()
