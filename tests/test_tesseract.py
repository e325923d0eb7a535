"""ocr.tesseract: TSV parsing and text assembly (pure), then the real Tesseract on generated pages."""

from __future__ import annotations

import io
import subprocess
import unicodedata

import numpy as np
import pikepdf
import pytest

from ocr import tesseract
from ocr.errors import EngineError
from ocr.tesseract import Word, mean_confidence, parse_tsv, words_to_text
from samples.batch import make_page
from tests.helpers import tesseract_has

HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def _row(level, block, par, line, word, left, top, width, height, conf, text) -> str:
    return "\t".join(str(v) for v in (level, 1, block, par, line, word, left, top, width, height, conf, text))


NFD_VIET = unicodedata.normalize("NFD", "Việt")
TSV = "\n".join(
    [
        HEADER,
        _row(1, 0, 0, 0, 0, 0, 0, 1654, 2339, -1, ""),  # page
        _row(2, 1, 0, 0, 0, 100, 80, 900, 60, -1, ""),  # block
        _row(3, 1, 1, 0, 0, 100, 80, 900, 60, -1, ""),  # paragraph
        _row(4, 1, 1, 1, 0, 100, 80, 900, 30, -1, ""),  # line
        _row(5, 1, 1, 1, 1, 100, 80, 120, 30, 96.5, "Cộng"),
        _row(5, 1, 1, 1, 2, 230, 80, 90, 30, 91.0, "hòa"),
        _row(5, 1, 1, 1, 3, 330, 80, 40, 30, 95.0, " "),  # empty word: dropped
        _row(4, 1, 1, 2, 0, 100, 115, 300, 30, -1, ""),
        _row(5, 1, 1, 2, 1, 100, 115, 140, 30, 88.25, NFD_VIET),
        _row(5, 1, 1, 2, 2, 250, 115, 80, 30, 90, "Nam"),
        _row(2, 2, 0, 0, 0, 100, 300, 900, 30, -1, ""),
        _row(3, 2, 1, 0, 0, 100, 300, 900, 30, -1, ""),
        _row(4, 2, 1, 1, 0, 100, 300, 900, 30, -1, ""),
        _row(5, 2, 1, 1, 1, 100, 300, 60, 30, -1, "Số:"),  # Tesseract sometimes gives -1
        _row(5, 2, 1, 1, 2, 170, 300, 60, 30, 100, "402"),
    ]
) + "\n"


def test_parse_tsv_keeps_only_words() -> None:
    words = parse_tsv(TSV)
    assert [w.text for w in words] == ["Cộng", "hòa", "Việt", "Nam", "Số:", "402"]


def test_parse_tsv_normalises_to_nfc() -> None:
    words = parse_tsv(TSV)
    assert words[2].text == unicodedata.normalize("NFC", "Việt")
    assert len(words[2].text) == 4
    assert all(unicodedata.is_normalized("NFC", w.text) for w in words)


def test_parse_tsv_confidence_scaled_and_clamped() -> None:
    confidences = [w.confidence for w in parse_tsv(TSV)]
    assert confidences == pytest.approx([0.965, 0.91, 0.8825, 0.90, 0.0, 1.0])
    assert all(0.0 <= c <= 1.0 for c in confidences)


def test_parse_tsv_boxes_and_layout() -> None:
    first, _, viet, *_ = parse_tsv(TSV)
    assert (first.left, first.top, first.width, first.height) == (100, 80, 120, 30)
    assert (first.block, first.paragraph, first.line) == (1, 1, 1)
    assert (viet.block, viet.paragraph, viet.line) == (1, 1, 2)


def test_parse_tsv_of_a_page_without_text() -> None:
    blank = "\n".join([HEADER, _row(1, 0, 0, 0, 0, 0, 0, 1654, 2339, -1, "")]) + "\n"
    assert parse_tsv(blank) == ()
    assert parse_tsv("") == ()


def test_parse_tsv_tolerates_windows_line_endings() -> None:
    assert [w.text for w in parse_tsv(TSV.replace("\n", "\r\n"))] == ["Cộng", "hòa", "Việt", "Nam", "Số:", "402"]


def _word(text: str, block: int = 1, paragraph: int = 1, line: int = 1, confidence: float = 0.9) -> Word:
    return Word(text, confidence, 0, 0, 10, 10, block, paragraph, line)


def test_words_to_text_joins_lines_and_paragraphs() -> None:
    assert words_to_text(parse_tsv(TSV)) == "Cộng hòa\nViệt Nam\n\nSố: 402"


def test_words_to_text_paragraphs_within_a_block() -> None:
    words = (
        _word("Họ", line=1), _word("và", line=1), _word("tên", line=1),
        _word("Giới", line=2), _word("tính", line=2),
        _word("Ngày", paragraph=2, line=1), _word("sinh", paragraph=2, line=1),
        _word("Kinh", block=2, paragraph=2, line=1),  # same paragraph number, new block: new paragraph
    )
    assert words_to_text(words) == "Họ và tên\nGiới tính\n\nNgày sinh\n\nKinh"


def test_words_to_text_empty() -> None:
    assert words_to_text(()) == ""


def test_mean_confidence_is_weighted_by_characters() -> None:
    words = (_word("a", confidence=1.0), _word("bbbb", confidence=0.5))
    assert mean_confidence(words) == pytest.approx((1.0 * 1 + 0.5 * 4) / 5)


def test_mean_confidence_counts_nfc_characters() -> None:
    # "Việt" is 4 characters once NFC, whatever the TSV said.
    words = parse_tsv(TSV)
    expected = sum(w.confidence * len(w.text) for w in words) / sum(len(w.text) for w in words)
    assert mean_confidence(words) == pytest.approx(expected)
    assert mean_confidence(words) == pytest.approx(
        (0.965 * 4 + 0.91 * 3 + 0.8825 * 4 + 0.90 * 3 + 0.0 * 3 + 1.0 * 3) / 20
    )


def test_mean_confidence_of_nothing_is_zero() -> None:
    assert mean_confidence(()) == 0.0


# --- the real Tesseract -----------------------------------------------------------------

needs_tesseract = [
    pytest.mark.tesseract,
    pytest.mark.skipif(not tesseract_has("vie", "osd"), reason="tesseract with vie+osd not installed"),
]
DPI = 200


@pytest.fixture(scope="module")
def clean_page() -> tuple[np.ndarray, str]:
    image, truth, _ = make_page(1, "clean", DPI)
    return image, truth


@pytest.fixture(scope="module")
def recognition(clean_page) -> tesseract.Recognition:
    return tesseract.recognise(clean_page[0], dpi=DPI, lang="vie", timeout=120)


class TestRecognise:
    pytestmark = needs_tesseract

    def test_words_have_boxes_inside_the_image(self, clean_page, recognition) -> None:
        height, width = clean_page[0].shape
        assert len(recognition.words) > 50
        for word in recognition.words:
            assert word.text and word.text == word.text.strip()
            assert 0.0 <= word.confidence <= 1.0
            assert word.width > 0 and word.height > 0
            assert 0 <= word.left and word.left + word.width <= width
            assert 0 <= word.top and word.top + word.height <= height

    def test_text_is_the_page(self, clean_page, recognition) -> None:
        truth = clean_page[1]
        first_line = truth.splitlines()[0]
        assert first_line == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        assert recognition.text.splitlines()[0] == first_line
        assert unicodedata.is_normalized("NFC", recognition.text)
        truth_words = set(truth.split())
        read = [w.text for w in recognition.words]
        assert sum(w in truth_words for w in read) / len(read) > 0.95
        assert recognition.confidence > 0.85

    def test_text_layer_pdf_is_readable_and_sized_to_the_image(self, clean_page, recognition, tmp_path) -> None:
        pdf_path = tmp_path / "layer.pdf"
        pdf_path.write_bytes(recognition.text_layer_pdf)
        with pikepdf.open(io.BytesIO(recognition.text_layer_pdf)) as pdf:
            assert len(pdf.pages) == 1
            page = pdf.pages[0]
            box = [float(v) for v in page.mediabox]
            height, width = clean_page[0].shape
            assert box[2] - box[0] == pytest.approx(width / DPI * 72, abs=1)
            assert box[3] - box[1] == pytest.approx(height / DPI * 72, abs=1)
            xobjects = page.obj.Resources.get("/XObject", {})
            assert not [x for x in xobjects.values() if x.get("/Subtype") == "/Image"], "text-only page"
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], capture_output=True, check=True
        ).stdout.decode("utf-8")
        text = unicodedata.normalize("NFC", text)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        found = [w.text for w in recognition.words if w.text in text]
        assert len(found) / len(recognition.words) > 0.95

    def test_colour_page_is_accepted(self, clean_page) -> None:
        crop = np.ascontiguousarray(clean_page[0][:400])  # the letterhead only: keep it quick
        bgr = np.dstack([crop] * 3)
        result = tesseract.recognise(bgr, dpi=DPI, lang="vie", timeout=60)
        assert "VIỆT NAM" in result.text

    def test_timeout_is_an_engine_error(self, clean_page) -> None:
        with pytest.raises(EngineError) as caught:
            tesseract.recognise(clean_page[0], dpi=DPI, lang="vie", timeout=0.01)
        assert caught.value.retryable


class TestOrientation:
    pytestmark = needs_tesseract

    def test_page_turned_clockwise_needs_270(self, clean_page) -> None:
        turned = np.ascontiguousarray(np.rot90(clean_page[0], k=-1))  # 90 degrees clockwise
        orientation = tesseract.detect_orientation(turned, dpi=DPI, timeout=60)
        assert orientation is not None
        assert orientation.rotate_clockwise == 270
        assert orientation.confidence >= 2.0

    def test_upside_down_page_needs_180(self, clean_page) -> None:
        turned = np.ascontiguousarray(np.rot90(clean_page[0], k=2))
        orientation = tesseract.detect_orientation(turned, dpi=DPI, timeout=60)
        assert orientation is not None
        assert orientation.rotate_clockwise == 180
        assert orientation.confidence >= 2.0

    def test_blank_page_has_no_orientation(self) -> None:
        blank = np.full((2339, 1654), 255, np.uint8)
        assert tesseract.detect_orientation(blank, dpi=DPI, timeout=60) is None


@pytest.mark.tesseract
@pytest.mark.skipif(not tesseract_has("eng"), reason="tesseract with eng not installed")
def test_tesseract_runs_on_one_thread_without_changing_this_process(monkeypatch) -> None:
    """OMP_THREAD_LIMIT=1 goes to each Tesseract process, not into this process's environment,
    where it would also hold back numpy and OpenCV in whatever imports the OCR."""
    import os

    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    seen: list[dict] = []
    real_run = subprocess.run

    def spying_run(args, **kwargs):
        seen.append(kwargs.get("env") or {})
        return real_run(args, **kwargs)

    monkeypatch.setattr(tesseract.subprocess, "run", spying_run)
    image = np.full((60, 200), 255, np.uint8)
    tesseract.recognise(image, dpi=300, lang="eng", timeout=60, text_layer=False)
    assert seen and all(env.get("OMP_THREAD_LIMIT") == "1" for env in seen)
    assert "OMP_THREAD_LIMIT" not in os.environ
