"""Helpers for tests that run the real `sohoa` command and grade OCR text."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import jiwer

SOHOA = [str(Path(sys.executable).parent / "sohoa")]  # the console script installed beside this interpreter


def cer(truth: str, text: str) -> float:
    """Character error rate after NFC and whitespace collapsing: layout is not what we grade."""

    def norm(s: str) -> str:
        return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()

    return jiwer.cer(norm(truth), norm(text))


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
