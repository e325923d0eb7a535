"""Shared fixtures: the real-file corpus, a generated batch, and that batch ingested once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_sohoa

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    path = PROJECT.parent / "shared" / "corpus" / "ocrmypdf"
    if not path.is_dir():
        pytest.skip(f"robustness corpus not found at {path}")
    return path


@pytest.fixture(scope="session")
def sample_batch(tmp_path_factory) -> Path:
    """Eight generated documents across all degradation levels, with ground truth and a manifest."""
    from samples.batch import generate_batch

    out = tmp_path_factory.mktemp("batch")
    generate_batch(out, documents=8, seed=11, level="mixed")
    return out


@pytest.fixture(scope="session")
def ingested(sample_batch, tmp_path_factory) -> tuple[Path, dict]:
    """SOHOA_HOME after one real `sohoa ingest` of the sample batch, and its report."""
    home = tmp_path_factory.mktemp("home")
    report_path = home / "report.json"
    run_sohoa(home, "ingest", str(sample_batch), "--manifest", str(sample_batch / "manifest.csv"),
              "--report", str(report_path))
    return home, json.loads(report_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def issuer_key() -> bytes:
    """The local token issuer's key for the service tests: one RSA key for the whole session."""
    from service.auth import new_private_key

    return new_private_key()


@pytest.fixture
def world(tmp_path, issuer_key):
    """A service over a fresh store and index holding the people and papers of tests.service_support."""
    from tests.service_support import build_world

    return build_world(tmp_path / "home", issuer_key)
