"""pipeline.inputs: what a clerk points at becomes a stable list of files, nothing lost, nothing twice."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.inputs import expand


@pytest.fixture
def batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scanner's output folder, with the droppings real folders have; cwd is its parent."""
    root = tmp_path / "batch"
    for relative in [
        "doc_0002.pdf",
        "doc_0001.pdf",
        "doc_0010.jpg",
        "hoso_b/trang_2.tif",
        "hoso_b/trang_1.tif",
        "hoso_a/scan.png",
        ".DS_Store",
        "hoso_a/.~lock.scan.png#",
        ".thumbnails/doc_0001.png",
        "hoso_b/.git/config",
    ]:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(relative.encode())
    (root / "empty_folder").mkdir()
    monkeypatch.chdir(tmp_path)
    return root


def test_folder_is_walked_in_name_order_without_hidden_files(batch: Path) -> None:
    assert expand(["batch"]) == [
        ("batch/doc_0001.pdf", Path("batch/doc_0001.pdf")),
        ("batch/doc_0002.pdf", Path("batch/doc_0002.pdf")),
        ("batch/doc_0010.jpg", Path("batch/doc_0010.jpg")),
        ("batch/hoso_a/scan.png", Path("batch/hoso_a/scan.png")),
        ("batch/hoso_b/trang_1.tif", Path("batch/hoso_b/trang_1.tif")),
        ("batch/hoso_b/trang_2.tif", Path("batch/hoso_b/trang_2.tif")),
    ]


def test_every_listed_path_exists_and_is_a_file(batch: Path) -> None:
    for _, path in expand(["batch"]):
        assert path.is_file()


def test_order_does_not_depend_on_creation_order(tmp_path: Path) -> None:
    root = tmp_path / "z"
    root.mkdir()
    for name in ["c.pdf", "a.pdf", "b.pdf"]:
        (root / name).write_bytes(b"x")
    first = expand([str(root)])
    (root / "a.pdf").unlink()
    (root / "a.pdf").write_bytes(b"x")  # now the newest
    assert expand([str(root)]) == first
    assert [path.name for _, path in first] == ["a.pdf", "b.pdf", "c.pdf"]


def test_a_hidden_folder_given_explicitly_is_walked(tmp_path: Path) -> None:
    root = tmp_path / ".incoming"
    root.mkdir()
    (root / "a.pdf").write_bytes(b"x")
    assert [path.name for _, path in expand([str(root)])] == ["a.pdf"]


def test_same_file_twice_is_listed_once(batch: Path) -> None:
    files = expand(["batch/doc_0001.pdf", "batch", "./batch/doc_0001.pdf", str(batch / "doc_0001.pdf")])
    paths = [path.resolve() for _, path in files]
    assert len(paths) == len(set(paths)) == 6
    assert files[0] == ("batch/doc_0001.pdf", Path("batch/doc_0001.pdf"))  # first mention wins, label as given


def test_same_folder_twice_is_listed_once(batch: Path) -> None:
    assert expand(["batch", "batch/", str(batch), "batch/hoso_b"]) == expand(["batch"])


def test_symlink_to_a_listed_file_is_listed_once(batch: Path) -> None:
    os.symlink(batch / "doc_0002.pdf", batch.parent / "link.pdf")
    files = expand(["batch", "link.pdf"])
    assert len(files) == 6
    assert "link.pdf" not in [given for given, _ in files]


def test_missing_paths_are_kept_to_be_reported(batch: Path) -> None:
    files = expand(["batch/doc_0001.pdf", "missing.pdf", "nowhere/"])
    assert files == [
        ("batch/doc_0001.pdf", Path("batch/doc_0001.pdf")),
        ("missing.pdf", Path("missing.pdf")),
        ("nowhere/", Path("nowhere")),
    ]


def test_given_file_keeps_its_label_even_if_hidden(batch: Path) -> None:
    # A clerk who names a file explicitly means it, dot or not.
    assert expand(["batch/.DS_Store"]) == [("batch/.DS_Store", Path("batch/.DS_Store"))]


def test_nothing_given_nothing_listed() -> None:
    assert expand([]) == []


def test_empty_folder_lists_nothing(tmp_path: Path) -> None:
    assert expand([str(tmp_path)]) == []
