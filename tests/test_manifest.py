"""pipeline.manifest: what the officer declared for each file, from CSV or JSON."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from pipeline.manifest import Declared, Manifest, ManifestError

NAME_NFC = "Nguyễn Văn Ánh"
NAME_NFD = unicodedata.normalize("NFD", NAME_NFC)
CSV_TEXT = (
    "file,owner_id,dossier_code,procedure_code,doc_type\n"
    "doc_0001.pdf,079203001234,H65.58-250421-0001,1.001234,cccd\n"
    "hoso/doc_0002.tif, 001099012345 ,,2.000123,\n"
)


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_manifest(tmp_path: Path) -> None:
    manifest = Manifest.load(_write(tmp_path, "manifest.csv", CSV_TEXT))
    assert manifest.lookup("batch/doc_0001.pdf", Path("batch/doc_0001.pdf")) == Declared(
        owner_id="079203001234", dossier_code="H65.58-250421-0001", procedure_code="1.001234", doc_type="cccd"
    )


def test_blank_values_become_none_and_spaces_are_trimmed(tmp_path: Path) -> None:
    manifest = Manifest.load(_write(tmp_path, "manifest.csv", CSV_TEXT))
    declared = manifest.lookup("batch/hoso/doc_0002.tif", Path("batch/hoso/doc_0002.tif"))
    assert declared == Declared(owner_id="001099012345", dossier_code=None, procedure_code="2.000123", doc_type=None)


def test_csv_with_byte_order_mark(tmp_path: Path) -> None:
    # Excel's "CSV UTF-8" starts the file with a BOM; the 'file' column must still be found.
    path = _write(tmp_path, "manifest.csv", CSV_TEXT, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    manifest = Manifest.load(path)
    assert manifest.lookup("doc_0001.pdf", Path("doc_0001.pdf")).owner_id == "079203001234"


def test_csv_without_doc_type_column(tmp_path: Path) -> None:
    text = "file,owner_id,dossier_code,procedure_code\na.pdf,079203001234,X-1,1.1\n"
    manifest = Manifest.load(_write(tmp_path, "m.csv", text))
    assert manifest.lookup("a.pdf", Path("a.pdf")) == Declared("079203001234", "X-1", "1.1", None)


def test_values_are_nfc(tmp_path: Path) -> None:
    text = f"file,owner_id,dossier_code,procedure_code,doc_type\na.pdf,{NAME_NFD},,,\n"
    declared = Manifest.load(_write(tmp_path, "m.csv", text)).lookup("a.pdf", Path("a.pdf"))
    assert declared.owner_id == NAME_NFC
    assert unicodedata.is_normalized("NFC", declared.owner_id)


def test_json_list(tmp_path: Path) -> None:
    rows = [
        {"file": "a.pdf", "owner_id": 79203001234, "dossier_code": None, "procedure_code": "1.1",
         "doc_type": "birth_certificate", "note": "ignored"},
        {"file": "b.png", "owner_id": NAME_NFD},
    ]
    manifest = Manifest.load(_write(tmp_path, "m.json", json.dumps(rows, ensure_ascii=False)))
    assert manifest.lookup("a.pdf", Path("a.pdf")) == Declared("79203001234", None, "1.1", "birth_certificate")
    assert manifest.lookup("b.png", Path("b.png")).owner_id == NAME_NFC


def test_json_documents_object_with_bom(tmp_path: Path) -> None:
    data = {"batch": "2025-04", "documents": [{"file": "hoso/a.pdf", "owner_id": "079203001234"}]}
    manifest = Manifest.load(_write(tmp_path, "m.JSON", json.dumps(data), encoding="utf-8-sig"))
    assert manifest.lookup("in/hoso/a.pdf", Path("in/hoso/a.pdf")).owner_id == "079203001234"


def test_lookup_by_relative_path_prefers_the_listed_folder(tmp_path: Path) -> None:
    text = "file,owner_id,dossier_code,procedure_code\nhoso1/scan.pdf,111,,\nhoso2/scan.pdf,222,,\n"
    manifest = Manifest.load(_write(tmp_path, "m.csv", text))
    assert manifest.lookup("batch/hoso2/scan.pdf", Path("batch/hoso2/scan.pdf")).owner_id == "222"
    assert manifest.lookup("batch/hoso1/scan.pdf", Path("batch/hoso1/scan.pdf")).owner_id == "111"


def test_lookup_by_resolved_path_when_given_differs(tmp_path: Path) -> None:
    text = "file,owner_id,dossier_code,procedure_code\nhoso2/scan.pdf,222,,\nhoso1/scan.pdf,111,,\n"
    manifest = Manifest.load(_write(tmp_path, "m.csv", text))
    resolved = tmp_path / "batch" / "hoso1" / "scan.pdf"
    assert manifest.lookup("scan.pdf", resolved).owner_id == "111"


def test_lookup_by_name_when_listed_elsewhere(tmp_path: Path) -> None:
    text = "file,owner_id,dossier_code,procedure_code\nD:/scans/2025/doc_0009.jpg,333,,\n"
    manifest = Manifest.load(_write(tmp_path, "m.csv", text))
    assert manifest.lookup("incoming/doc_0009.jpg", Path("incoming/doc_0009.jpg")).owner_id == "333"


def test_lookup_does_not_match_a_longer_name(tmp_path: Path) -> None:
    text = "file,owner_id,dossier_code,procedure_code\na.pdf,1,,\n"
    manifest = Manifest.load(_write(tmp_path, "m.csv", text))
    assert manifest.lookup("batch/ba.pdf", Path("batch/ba.pdf")) == Declared()


def test_unlisted_file_gets_nothing_declared(tmp_path: Path) -> None:
    manifest = Manifest.load(_write(tmp_path, "manifest.csv", CSV_TEXT))
    assert manifest.lookup("batch/other.pdf", Path("batch/other.pdf")) == Declared()


def test_exact_path_beats_a_same_named_file_elsewhere(tmp_path: Path) -> None:
    text = "file,owner_id,dossier_code,procedure_code\nscan.pdf,111,,\nhoso2/scan.pdf,222,,\n"
    manifest = Manifest.load(_write(tmp_path, "m.csv", text))
    assert manifest.lookup("batch/scan.pdf", Path("batch/scan.pdf")).owner_id == "111"
    assert manifest.lookup("batch/hoso2/scan.pdf", Path("batch/hoso2/scan.pdf")).owner_id == "222"


def test_decomposed_file_name_matches_its_row(tmp_path: Path) -> None:
    name = "Giấy xác nhận cư trú.pdf"
    text = f"file,owner_id,dossier_code,procedure_code\n{name},079203001234,,\n"
    manifest = Manifest.load(_write(tmp_path, "m.csv", text))
    on_disk = unicodedata.normalize("NFD", f"batch/{name}")
    assert manifest.lookup(on_disk, Path(on_disk)).owner_id == "079203001234"


def test_missing_file_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "m.csv", "filename,owner_id\na.pdf,1\n")
    with pytest.raises(ManifestError, match="'file'"):
        Manifest.load(path)


def test_empty_csv(tmp_path: Path) -> None:
    with pytest.raises(ManifestError):
        Manifest.load(_write(tmp_path, "m.csv", ""))


def test_row_without_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "m.csv", "file,owner_id\na.pdf,1\n ,2\n")
    with pytest.raises(ManifestError, match="row 2"):
        Manifest.load(path)


def test_json_row_without_file(tmp_path: Path) -> None:
    with pytest.raises(ManifestError):
        Manifest.load(_write(tmp_path, "m.json", json.dumps([{"owner_id": "1"}])))


@pytest.mark.parametrize(
    "text",
    ['[{"file": "a.pdf",}]', "{'file': 'a.pdf'}", "", '{"documents": [{"file": "a.pdf"}'],
    ids=["trailing-comma", "single-quotes", "empty", "truncated"],
)
def test_bad_json(tmp_path: Path, text: str) -> None:
    with pytest.raises(ManifestError, match="JSON"):
        Manifest.load(_write(tmp_path, "m.json", text))


@pytest.mark.parametrize(
    "data",
    [{"documents": {"file": "a.pdf"}}, ["a.pdf", "b.pdf"], "a.pdf", 42, {"docs": []}],
    ids=["documents-not-list", "list-of-strings", "string", "number", "no-documents-key"],
)
def test_json_of_the_wrong_shape(tmp_path: Path, data) -> None:
    with pytest.raises(ManifestError):
        Manifest.load(_write(tmp_path, "m.json", json.dumps(data)))


def test_manifest_not_in_utf8(tmp_path: Path) -> None:
    # Saved as "CSV (Windows-1258)" by an old Excel: refuse it rather than index mojibake.
    path = tmp_path / "m.csv"
    path.write_bytes(b"file,owner_id\na.pdf,Nguy\xea\xden V\xe3n\n")  # "Nguyễn Văn" in cp1258
    with pytest.raises(ManifestError):
        Manifest.load(path)


def test_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(ManifestError):
        Manifest.load(tmp_path / "nowhere.csv")
