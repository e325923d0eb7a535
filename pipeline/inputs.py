"""What a clerk points at: files and folders, expanded to a stable list of files."""

from __future__ import annotations

from pathlib import Path


def expand(paths: list[str]) -> list[tuple[str, Path]]:
    """(as given, resolved path) for each file, folders walked in name order.

    Hidden files (scanner and OS droppings such as .DS_Store) are skipped;
    a path that does not exist is kept so that it is reported, not forgotten.
    """
    files: list[tuple[str, Path]] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        candidates = (
            [p for p in sorted(path.rglob("*")) if p.is_file() and not _hidden(p.relative_to(path))]
            if path.is_dir()
            else [path]
        )
        for candidate in candidates:
            label = given if candidate == path else str(candidate)
            resolved = candidate.resolve()
            if resolved not in seen:
                seen.add(resolved)
                files.append((label, candidate))
    return files


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)
