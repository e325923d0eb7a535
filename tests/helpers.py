"""Helpers for tests that run the real `sohoa` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SOHOA = [str(Path(sys.executable).parent / "sohoa")]  # the console script installed beside this interpreter


def sohoa_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SOHOA_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        COLUMNS="200",
    )
    return env


def run_sohoa(home: Path, *args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [*SOHOA, *args], env=sohoa_env(home), capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"sohoa {' '.join(args)} exited {result.returncode}:\n{result.stderr[-4000:]}")
    return result


def run_json(home: Path, *args: str) -> dict:
    return json.loads(run_sohoa(home, *args, "--json").stdout)


def tesseract_has(*languages: str) -> bool:
    """Whether Tesseract and these language packs are installed (tests that run it skip otherwise)."""
    from ocr import probe
    from ocr.errors import MissingDependencyError

    try:
        return set(languages) <= probe.tesseract_languages()
    except MissingDependencyError:
        return False
