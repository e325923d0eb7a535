"""Tests for the synthetic batch generator (samples/)."""

from __future__ import annotations

import csv
import json
import math
import os
import re
import shutil
import subprocess
import unicodedata
from datetime import datetime
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image

from samples import degrade
from samples.__main__ import main
from samples.quality import cer
from samples.batch import MANIFEST_HEADER, generate_batch, make_page
from samples.render import Block, PageOverflow, page_size, render_page
from samples.text import PROVINCES, make_dossier, make_person

ROOT = Path(__file__).resolve().parents[1]
DOSSIER_CODE = re.compile(r"^[0-9A-Z.]+-(\d{6})-\d{4}$")
# Measured with tesseract 5.3 vie, --psm 3: clean 300-dpi pages (make_page seeds 1-20) give
# 0.00-0.55 % CER, median 0.12 %; seed 1, used below, gives 0.12 %.
CLEAN_CER_BOUND = 0.01


SPEC_PROVINCES = ROOT.parent / "shared" / "specs" / "provinces.csv"


def _check_id(id_number: str, sex: str, birth_year: int, codes: set[str]) -> None:
    assert re.fullmatch(r"\d{12}", id_number), id_number
    assert id_number[:3] in codes
    digit = int(id_number[3])
    assert digit // 2 == birth_year // 100 - 19, (id_number, birth_year)
    assert digit % 2 == (1 if sex == "Nữ" else 0), (id_number, sex)
    assert id_number[4:6] == f"{birth_year % 100:02d}"


@pytest.fixture(scope="module")
def province_codes() -> set[str]:
    """The spec's province codes, not the generator's copy of them, so a number it makes up is caught."""
    if not SPEC_PROVINCES.exists():
        pytest.skip(f"{SPEC_PROVINCES} not available")
    with SPEC_PROVINCES.open(encoding="utf-8") as handle:
        return {row["id_prefix"] for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Seed 3 with 8 documents covers every format, all three levels and multi-page PDF and TIFF.
    out = tmp_path_factory.mktemp("batch")
    generate_batch(out, documents=8, seed=3, level="mixed")
    return out


@pytest.fixture(scope="module")
def ground_truth(batch_dir: Path) -> list[dict]:
    return json.loads((batch_dir / "ground_truth.json").read_text(encoding="utf-8"))["documents"]


# --- content ---------------------------------------------------------------

def test_the_packaged_province_table_is_the_specs_own() -> None:
    """ocr/fields/provinces.csv ships a copy of the spec's table, which the generator and validators share."""
    if not SPEC_PROVINCES.exists():
        pytest.skip(f"{SPEC_PROVINCES} not available")
    with SPEC_PROVINCES.open(encoding="utf-8") as handle:
        rows = {row["id_prefix"]: unicodedata.normalize("NFC", row["province_before_2025_07_01"])
                for row in csv.DictReader(handle)}
    assert PROVINCES == rows


def test_id_numbers_follow_structure(province_codes: set[str]) -> None:
    for seed in range(400):
        rng = np.random.default_rng(seed)
        dossier = make_dossier(rng)
        person = make_person(rng, dossier.received)
        _check_id(person.id_number, person.sex, person.date_of_birth.year, province_codes)
        assert dossier.received.year - person.date_of_birth.year >= 16


def test_some_people_born_after_2000() -> None:
    years = [make_person(np.random.default_rng(s), make_dossier(np.random.default_rng(s)).received)
             .date_of_birth.year for s in range(300)]
    assert min(years) < 2000 <= max(years)


def test_dossier_and_procedure_codes() -> None:
    for seed in range(300):
        dossier = make_dossier(np.random.default_rng(seed))
        match = DOSSIER_CODE.fullmatch(dossier.dossier_code)
        assert match, dossier.dossier_code
        assert datetime.strptime(match.group(1), "%y%m%d").date() == dossier.received
        assert re.fullmatch(r"\d\.\d{6}", dossier.procedure_code)
        assert dossier.due > dossier.received


# --- rendering -------------------------------------------------------------

def test_render_page_ground_truth_matches_lines() -> None:
    blocks = [Block("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", style="bold", align="center"),
              Block(" ".join(["Nguyễn Văn Đức"] * 40), indent=True)]
    image, text = render_page(blocks, dpi=150)
    assert image.dtype == np.uint8 and image.shape == page_size(150)[::-1]
    lines = text.split("\n")
    assert lines[0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert len(lines) > 2  # the long paragraph wrapped
    assert " ".join(lines[1:]) == " ".join(["Nguyễn Văn Đức"] * 40)


def test_render_page_normalises_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Độc lập - Tự do - Hạnh phúc")
    image_nfd, text = render_page([Block(decomposed)], dpi=100)
    image_nfc, _ = render_page([Block(unicodedata.normalize("NFC", decomposed))], dpi=100)
    assert text == unicodedata.normalize("NFC", decomposed)
    assert np.array_equal(image_nfd, image_nfc)


def test_render_page_overflow() -> None:
    with pytest.raises(PageOverflow):
        render_page([Block("dòng") for _ in range(200)], dpi=100)


def test_make_page_is_deterministic() -> None:
    first = make_page(11, "harsh")
    second = make_page(11, "harsh")
    assert np.array_equal(first[0], second[0])
    assert first[1:] == second[1:]
    assert make_page(12, "clean", dpi=100)[1] != first[1]


@pytest.mark.parametrize("level", ["clean", "mild", "harsh"])
def test_make_page_text_and_params(level: str) -> None:
    image, text, params = make_page(5, level)
    assert image.dtype == np.uint8 and image.ndim == 2
    assert text == unicodedata.normalize("NFC", text)
    assert text.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n")
    assert "Mã hồ sơ: " in text and "Mã thủ tục: " in text
    assert params["dpi"] == 300
    if level == "clean":
        assert image.shape == page_size(300)[::-1]
        assert params == degrade.Degradation().as_dict()


def test_make_page_lets_harsh_choose_dpi() -> None:
    image, text, params = make_page(1, "harsh", dpi=None)  # seed 1 draws 200 dpi
    assert params["dpi"] == 200
    assert max(image.shape) < page_size(250)[1]
    assert text.split("\n")[:5] == make_page(1, "harsh")[1].split("\n")[:5]  # same content, other dpi


def test_all_vietnamese_marks_appear() -> None:
    text = "".join(make_page(seed, "clean", dpi=100)[1] for seed in range(8))
    assert set("ươđễậỹ") <= set(text.lower())
    marks = {c for c in unicodedata.normalize("NFD", text) if unicodedata.combining(c)}
    # grave, acute, tilde, hook above, dot below; breve, circumflex, horn
    assert marks >= set("\u0300\u0301\u0303\u0309\u0323\u0306\u0302\u031b")


# --- degradations ----------------------------------------------------------

def _bar_image() -> np.ndarray:
    image = np.full((400, 1000), 255, np.uint8)
    image[195:206, 100:900] = 0
    return image


@pytest.mark.parametrize("angle", [-4.0, -1.5, 0.7, 3.0])
def test_skew_turns_counter_clockwise_by_angle(angle: float) -> None:
    skewed = degrade.skew(_bar_image(), angle)
    assert skewed.shape[0] > 400 and skewed.shape[1] >= 1000
    ys, xs = np.nonzero(skewed < 128)
    slope = np.polyfit(xs, ys, 1)[0]
    assert math.degrees(math.atan(-slope)) == pytest.approx(angle, abs=0.1)
    assert skewed[0, 0] == 255 and skewed[-1, -1] == 255


def test_rotate_quarter_turns() -> None:
    image = _bar_image()
    image[0, 0] = 7  # mark the top-left corner
    assert degrade.rotate(image, 90).shape == (1000, 400)
    assert degrade.rotate(image, 90)[-1, 0] == 7  # counter-clockwise: top-left goes bottom-left
    assert degrade.rotate(image, 180)[-1, -1] == 7
    assert degrade.rotate(image, 270)[0, -1] == 7
    assert np.array_equal(degrade.rotate(image, 0), image)
    with pytest.raises(ValueError):
        degrade.rotate(image, 45)


def test_pixel_effects_do_what_they_say() -> None:
    image = _bar_image()
    original = image.copy()
    noisy = degrade.gaussian_noise(np.full((300, 300), 128, np.uint8), 8.0, seed=1)
    assert noisy.std() == pytest.approx(8.0, rel=0.1)
    assert np.array_equal(degrade.gaussian_noise(image, 8.0, 1), degrade.gaussian_noise(image, 8.0, 1))
    speckled = degrade.specks(image, 1e-3, seed=1)
    assert (speckled[:150] < 128).sum() > 0 and (speckled[200] > 128).sum() > 0
    blurred = degrade.blur(image, 1.0)
    assert 0 < blurred[194, 500] < 255
    lit = degrade.uneven_lighting(image, 0.3, seed=2)
    background = lit[image == 255]
    assert background.min() >= 255 * 0.7 - 1 and background.min() < 240
    jpeg = degrade.jpeg_artifacts(image, 40)
    assert jpeg.shape == image.shape and not np.array_equal(jpeg, image)
    assert np.array_equal(image, original)  # inputs untouched


def test_sampled_levels_stay_in_range() -> None:
    rng = np.random.default_rng(0)
    for _ in range(200):
        assert degrade.sample("clean", rng) == degrade.Degradation()
        mild = degrade.sample("mild", rng)
        assert mild.jpeg_quality is not None and mild.jpeg_quality >= 70
        assert abs(mild.skew_degrees) <= 2 and mild.rotation == 0
        harsh = degrade.sample("harsh", rng)
        assert harsh.jpeg_quality is not None and 40 <= harsh.jpeg_quality <= 80
        assert 0.5 <= abs(harsh.skew_degrees) <= 5
        assert 200 <= harsh.dpi <= 300 and harsh.rotation in (0, 90, 180, 270)
    with pytest.raises(ValueError):
        degrade.sample("awful", rng)  # type: ignore[arg-type]


# --- batch -----------------------------------------------------------------

def test_batch_writes_listed_files(batch_dir: Path, ground_truth: list[dict]) -> None:
    files = {doc["file"] for doc in ground_truth}
    assert len(files) == len(ground_truth) == 8
    assert {p.name for p in batch_dir.iterdir()} == files | {"ground_truth.json", "manifest.csv"}
    with (batch_dir / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == MANIFEST_HEADER
    assert [tuple(r) for r in rows[1:]] == [
        (d["file"], d["owner_id"], d["dossier_code"], d["procedure_code"]) for d in ground_truth]
    assert {Path(f).suffix for f in files} == {".pdf", ".tif", ".jpg", ".png"}
    assert {d["level"] for d in ground_truth} == {"clean", "mild", "harsh"}


def test_batch_formats_open_with_right_page_counts(batch_dir: Path, ground_truth: list[dict]) -> None:
    for doc in ground_truth:
        path = batch_dir / doc["file"]
        pages = len(doc["pages"])
        assert len(doc["degradations"]) == pages
        if path.suffix == ".pdf":
            with pikepdf.open(path) as pdf:
                assert len(pdf.pages) == pages
                first = pdf.pages[0]
                assert b"BT" not in first.Contents.read_bytes()  # image only, no text layer
                picture = pikepdf.PdfImage(next(iter(first.images.values())))  # type: ignore[arg-type]
                width_in = float(first.mediabox[2]) / 72
                assert width_in == pytest.approx(picture.width / doc["degradations"][0]["dpi"], rel=0.01)
            continue
        with Image.open(path) as image:
            assert getattr(image, "n_frames", 1) == pages
            assert round(image.info["dpi"][0]) == doc["degradations"][0]["dpi"]
            if doc["degradations"][0]["encoding"] == "tiff-group4":
                assert image.mode == "1" and image.info["compression"] == "group4"


def test_batch_has_multipage_and_group4(ground_truth: list[dict]) -> None:
    counts = {(Path(d["file"]).suffix, len(d["pages"])) for d in ground_truth}
    assert any(s == ".pdf" and n > 1 for s, n in counts)
    assert any(s == ".tif" and n > 1 for s, n in counts)
    assert any(d["degradations"][0]["encoding"] == "tiff-group4" for d in ground_truth)


def test_batch_ground_truth_is_consistent(ground_truth: list[dict], province_codes: set[str]) -> None:
    for doc in ground_truth:
        assert DOSSIER_CODE.fullmatch(doc["dossier_code"])
        for page in doc["pages"]:
            assert page == unicodedata.normalize("NFC", page)
            assert doc["owner_id"] in page and doc["dossier_code"] in page
            assert f"Mã thủ tục: {doc['procedure_code']}" in page
            born = re.search(r"Ngày sinh: \d\d/\d\d/(\d{4})", page)
            sex = re.search(r"Giới tính: (Nam|Nữ)", page)
            assert born and sex
            _check_id(doc["owner_id"], sex.group(1), int(born.group(1)), province_codes)
            assert doc["full_name"] in page or doc["full_name"].upper() in page


def test_batch_is_deterministic(tmp_path: Path) -> None:
    first = generate_batch(tmp_path / "a", documents=3, seed=9, level="clean")
    generate_batch(tmp_path / "b", documents=3, seed=9, level="clean")
    for name in ["ground_truth.json", "manifest.csv"] + [d.file for d in first.documents]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_batch_rejects_unknown_level(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_batch(tmp_path, documents=1, seed=0, level="awful")


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main([str(tmp_path / "out"), "--documents", "2", "--seed", "4", "--level", "clean"])
    assert "wrote 2 documents" in capsys.readouterr().out
    assert len(json.loads((tmp_path / "out" / "ground_truth.json").read_text())["documents"]) == 2


# --- real OCR --------------------------------------------------------------

@pytest.mark.tesseract
def test_clean_page_ocr_cer(tmp_path: Path) -> None:
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract not installed")
    image, truth, _ = make_page(1, "clean")
    page = tmp_path / "page.pgm"
    Image.fromarray(image).save(page)
    result = subprocess.run(["tesseract", str(page), "-", "-l", "vie", "--psm", "3"],
                            capture_output=True, text=True, check=True,
                            env={**os.environ, "OMP_THREAD_LIMIT": "1"})

    assert cer(truth, result.stdout) < CLEAN_CER_BOUND
