"""Text layers that lie: a signature stamp on a scan, or a font without Vietnamese letters, is no
reason to skip OCR; a real born-digital page keeps its own text."""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pytest

from ocr.document import with_layer_lines
from ocr.rasterize import Limits, PdfDocument

VBHC = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "vbhc-quangngai"


@pytest.fixture(scope="module")
def vbhc_documents() -> list[dict]:
    if not VBHC.is_dir():
        pytest.skip(f"real signed documents not found at {VBHC}")
    return json.loads((VBHC / "truth.json").read_text(encoding="utf-8"))["documents"]


def _open(path: Path) -> PdfDocument:
    return PdfDocument(path, dpi=300, limits=Limits())


def test_stamp_only_layers_of_signed_scans_are_not_trusted(vbhc_documents) -> None:
    """Every first page of a signed scan holds only the signature stamp's text: it must be OCRed."""
    checked = 0
    for truth in vbhc_documents:
        document = _open(VBHC / "files" / truth["file"])
        for index, kind in enumerate(truth["page_kinds"]):
            layer = document.text_layer(index)
            if kind == "born_digital":
                assert layer is not None and layer.trusted, (truth["file"], index)
            elif layer is not None:
                assert not layer.trusted, (truth["file"], index, layer.text[:80])
                checked += 1
    assert checked >= 7  # one stamp page per signed scan


def _pdf_with_text(path: Path, lines: list[str]) -> Path:
    """A born-digital page in a standard font whose text layer holds `lines` (Latin-1 only)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica,
                                                Encoding=pikepdf.Name.WinAnsiEncoding))
    commands = "".join(f"BT /F1 14 Tf 72 {760 - 24 * row} Td ({line}) Tj ET\n" for row, line in enumerate(lines))
    page = pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
        Contents=pdf.make_stream(commands.encode("latin-1")),
    ))
    pdf.pages.append(page)
    pdf.save(path)
    return path


def test_a_layer_that_covers_its_print_is_trusted(tmp_path: Path) -> None:
    lines = [f"Dong {n}: van ban hanh chinh duoc so hoa va luu tru" for n in range(12)]
    layer = _open(_pdf_with_text(tmp_path / "plain.pdf", lines)).text_layer(0)
    assert layer is not None and layer.trusted


def test_a_layer_in_a_font_without_vietnamese_letters_is_not_trusted(tmp_path: Path) -> None:
    """Scanner software writing Vietnamese in a font that lacks its letters leaves '?' in the words."""
    lines = [f"T? tr?nh s? {n} v? vi?c ph? duy?t quy?t ??nh c?a ?y ban" for n in range(12)]
    layer = _open(_pdf_with_text(tmp_path / "unmapped.pdf", lines)).text_layer(0)
    assert layer is not None and not layer.trusted


def test_lines_of_an_untrusted_layer_that_ocr_missed_are_kept() -> None:
    ocr = "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI\nSố: 53/UBND-KTTH"
    stamp = "Người ký: Ủy ban nhân dân tỉnh Quảng Ngãi\nSố: 53/UBND-KTTH\nThời gian ký: 16.04.2020 07:37:01"
    merged = with_layer_lines(ocr, stamp)
    assert merged.startswith(ocr)
    assert "Người ký: Ủy ban nhân dân tỉnh Quảng Ngãi" in merged
    assert "Thời gian ký: 16.04.2020 07:37:01" in merged
    assert merged.count("53/UBND-KTTH") == 1  # read by OCR already: not repeated
