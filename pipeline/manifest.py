"""What the officer declared at the counter for each file, from a CSV or JSON manifest.

Columns: file, owner_id, dossier_code, procedure_code (and optionally
doc_type). A row matches a file by its path as listed, or by its name.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

FIELDS = ("owner_id", "dossier_code", "procedure_code", "doc_type")


class ManifestError(ValueError):
    """The manifest itself is unreadable: the batch should not start."""


@dataclass(frozen=True)
class Declared:
    owner_id: str | None = None
    dossier_code: str | None = None
    procedure_code: str | None = None
    doc_type: str | None = None


class Manifest:
    def __init__(self, rows: list[dict[str, str]]) -> None:
        self._by_path: dict[str, Declared] = {}
        self._by_name: dict[str, Declared] = {}
        for number, row in enumerate(rows, start=1):
            name = _clean(row.get("file"))
            if not name:
                raise ManifestError(f"manifest row {number} has no 'file'")
            declared = Declared(**{key: _clean(row.get(key)) for key in FIELDS})
            self._by_path[Path(name).as_posix()] = declared
            self._by_name.setdefault(Path(name).name, declared)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise ManifestError(f"cannot read manifest {path}: {error}") from error
        if path.suffix.lower() == ".json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                raise ManifestError(f"manifest {path} is not valid JSON: {error}") from error
            rows = data.get("documents", data) if isinstance(data, dict) else data
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise ManifestError(f"manifest {path} must be a list of objects (or {{'documents': [...]}})")
            return cls([{k: "" if v is None else str(v) for k, v in row.items()} for row in rows])
        reader = csv.DictReader(text.splitlines())
        if reader.fieldnames is None or "file" not in reader.fieldnames:
            raise ManifestError(f"manifest {path} needs a header row with a 'file' column")
        return cls(list(reader))

    def lookup(self, given: str, path: Path) -> Declared:
        """The row for a file: its exact path, else the longest listed path it ends with, else its name."""
        candidates = [_clean(Path(p).as_posix()) or "" for p in (given, path)]
        for candidate in candidates:
            if candidate in self._by_path:
                return self._by_path[candidate]
        suffixes = [
            key for key in self._by_path for candidate in candidates if candidate.endswith("/" + key)
        ]
        if suffixes:
            return self._by_path[max(suffixes, key=len)]
        return self._by_name.get(_clean(path.name) or "", Declared())


def _clean(value: str | None) -> str | None:
    value = unicodedata.normalize("NFC", (value or "").strip())
    return value or None
