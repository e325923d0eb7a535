"""Throughput, CPU use, memory and accuracy of `sohoa ingest` against ocrmypdf and bare Tesseract.

Generates a batch of synthetic scanned Vietnamese dossiers (samples.batch) with
at least N pages, then runs on those same pages:

  sohoa          `sohoa ingest DIR --report R` with a fresh SOHOA_HOME (so a
                 fresh Prefect database too); timed as a whole command, and by
                 the flow's own clock (report summary.seconds)
  ocrmypdf       `ocrmypdf -l vie --jobs 2 --output-type pdf IN OUT`, one
                 document after another; plain, then with --deskew --rotate-pages
  tesseract      `tesseract PAGE.pgm - -l vie --dpi D`, two pages at a time: the
                 floor, with no rasterising, deskewing, PDF or storage work

Every tool runs with OMP_THREAD_LIMIT=1. CPU is user+sys time of the tool's
process tree (getrusage of waited-for children, cross-checked by sampling the
tree with psutil every 0.2 s) over wall x cores. Peak memory is the largest sum
of RSS over the tree seen while sampling (shared pages count once per process).
CER is jiwer.cer per page after NFC and whitespace collapsing; a page a tool
did not return counts as CER 1.0.

The machine may be shared: "other CPU %" is what processes outside the
measured tree used during the run, so a busy machine shows up in the table.

    .venv/bin/python benchmarks/ingest.py --pages 24 [--level mixed] [--seed 2024] [--skip-ocrmypdf]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from PIL import Image, ImageSequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import keys  # noqa: E402
from samples.batch import LEVEL_CHOICES, BatchSpec, generate_batch  # noqa: E402
from samples.quality import cer  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"
SOHOA = VENV_BIN / "sohoa"
OCRMYPDF = VENV_BIN / "ocrmypdf"
SAMPLE_EVERY = 0.2
CORES = os.cpu_count() or 1
# Mean pages per generated document is about 1.6 (PDFs 1-3 pages, TIFFs 1-3, images 1).
PAGES_PER_DOCUMENT_GUESS = 1.5


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def tool_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOHOA_", "PREFECT_"))}
    env.update(OMP_THREAD_LIMIT="1", PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1", **extra)
    return env


# --------------------------------------------------------------------------- measuring


@dataclass
class Usage:
    wall: float = 0.0
    cpu_rusage: float = 0.0  # user+sys of waited-for descendants (exact for those)
    cpu_sampled: float = 0.0  # user+sys of descendants seen alive by the sampler (a lower bound)
    peak_rss: int = 0  # bytes, largest sum over the tree at one sample
    other_cpu: float = 0.0  # CPU seconds used by everything else on the machine meanwhile

    @property
    def cpu(self) -> float:
        # A descendant that is never waited for (e.g. an orphaned server) escapes getrusage; the
        # sampler still saw it, so the larger of the two is the better total.
        return max(self.cpu_rusage, self.cpu_sampled)

    @property
    def cpu_percent(self) -> float:
        return 100 * self.cpu / (self.wall * CORES) if self.wall else math.nan

    @property
    def other_percent(self) -> float:
        return 100 * self.other_cpu / (self.wall * CORES) if self.wall else math.nan


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _system_busy() -> float:
    times = psutil.cpu_times()
    busy = ("user", "nice", "system", "irq", "softirq", "steal")  # guest time is already in user
    return sum(getattr(times, name, 0.0) for name in busy)


class Meter:
    """Times a block and samples every descendant of this process while it runs."""

    def __init__(self) -> None:
        self.usage = Usage()
        self._stop = threading.Event()
        self._cpu_by_pid: dict[tuple[int, float], float] = {}
        self._me = psutil.Process()

    def _sample(self) -> None:
        rss = 0
        for child in self._me.children(recursive=True):
            try:
                with child.oneshot():
                    key = (child.pid, child.create_time())
                    times = child.cpu_times()
                    rss += child.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            self._cpu_by_pid[key] = max(self._cpu_by_pid.get(key, 0.0), times.user + times.system)
        self.usage.peak_rss = max(self.usage.peak_rss, rss)

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_EVERY):
            self._sample()

    def __enter__(self) -> Meter:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._cpu0, self._busy0, self._t0 = _children_cpu(), _system_busy(), time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.usage.wall = time.monotonic() - self._t0
        self._stop.set()
        self._thread.join()
        u = self.usage
        u.cpu_rusage = _children_cpu() - self._cpu0
        u.cpu_sampled = sum(self._cpu_by_pid.values())
        u.other_cpu = max(0.0, _system_busy() - self._busy0 - u.cpu)


# --------------------------------------------------------------------------- accuracy


@dataclass
class Page:
    file: str
    number: int  # 1-based within the document
    level: str
    truth: str
    dpi: int


@dataclass
class Result:
    tool: str
    usage: Usage | None = None
    texts: dict[tuple[str, int], str] = field(default_factory=dict)  # (file, page number) -> text
    failures: list[str] = field(default_factory=list)
    skipped: str | None = None  # why the tool was not measured
    wall_override: float | None = None  # the flow's own clock, for the flow-only row
    notes: list[str] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return self.wall_override if self.wall_override is not None else self.usage.wall

    def cers(self, pages: list[Page]) -> list[float]:
        return [cer(p.truth, self.texts.get((p.file, p.number))) for p in pages]


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else math.nan


# --------------------------------------------------------------------------- the batch


def make_batch(work: Path, pages: int, seed: int, level: str) -> tuple[Path, BatchSpec]:
    """Generate documents until there are at least `pages` pages; scans alone go in work/batch."""
    documents = max(1, math.ceil(pages / PAGES_PER_DOCUMENT_GUESS))
    while True:
        out = work / "batch"
        shutil.rmtree(out, ignore_errors=True)
        spec = generate_batch(out, documents, seed, level)
        total = sum(len(doc.pages) for doc in spec.documents)
        if total >= pages:
            break
        documents += max(1, math.ceil((pages - total) / PAGES_PER_DOCUMENT_GUESS))
    # `sohoa ingest DIR` takes every file in DIR: keep the ground truth and manifest out of it.
    for extra in (spec.ground_truth_path, spec.manifest_path):
        extra.replace(work / extra.name)
    return out, spec


def page_list(spec: BatchSpec) -> list[Page]:
    return [
        Page(doc.file, number, doc.level, text, int(doc.degradations[number - 1]["dpi"]))
        for doc in spec.documents
        for number, text in enumerate(doc.pages, start=1)
    ]


# --------------------------------------------------------------------------- the tools


def run_sohoa(batch_dir: Path, work: Path) -> tuple[Result, Result, list[str]]:
    home, report = work / "sohoa-home", work / "sohoa-report.json"
    command = [str(SOHOA), "ingest", str(batch_dir), "--report", str(report)]
    log("sohoa ingest ...")
    with (work / "sohoa.log").open("wb") as output, Meter() as meter:
        proc = subprocess.run(command, env=tool_env(SOHOA_HOME=str(home)), stdout=output, stderr=subprocess.STDOUT)
    command_row, flow_row = Result("sohoa ingest (command)", meter.usage), Result("sohoa (flow only)")
    if proc.returncode != 0 or not report.exists():
        tail = (work / "sohoa.log").read_text(errors="replace")[-2000:]
        command_row.failures.append(f"exit {proc.returncode}: {tail}")
    turned = unsure = 0
    if report.exists():
        data = json.loads(report.read_text(encoding="utf-8"))
        for doc in data["documents"]:
            name = Path(doc["source"]).name
            if doc["status"] != "indexed" or not doc["id"]:
                command_row.failures.append(f"{name}: {doc['status']} {doc.get('reason') or ''}".strip())
                continue
            record_path = home / "store" / keys.record(doc["id"])  # the embedded store keeps objects by key
            record = json.loads(record_path.read_text(encoding="utf-8"))
            for page in record["pages"]:
                command_row.texts[(name, page["number"])] = page["text"]
                turned += page["rotation"] != 0
                unsure += page["rotation"] == 0 and page["source"] == "ocr" and page["confidence"] < 0.75
        command_row.notes.append(
            f"{turned} pages turned upright; Tesseract OSD ran on at least {turned + unsure} pages "
            "(turned, or left with confidence < 0.75)")
        summary = data["summary"]
        flow_row.usage = meter.usage
        flow_row.wall_override = float(summary["seconds"])
        flow_row.texts = command_row.texts
        command_row.notes.append(
            f"flow {summary['seconds']} s of {meter.usage.wall:.1f} s wall: "
            f"{meter.usage.wall - summary['seconds']:.1f} s outside the flow (Prefect start-up/shutdown, imports)"
        )
    else:
        flow_row.skipped = "no report written"
    log(f"sohoa done in {meter.usage.wall:.1f} s")
    return command_row, flow_row, [shlex.join(command)]


def _image_dpi_missing(path: Path) -> bool:
    if path.suffix.lower() == ".pdf":
        return False
    with Image.open(path) as image:
        dpi = image.info.get("dpi")
    return not dpi or min(dpi) < 1


# -raw keeps the text layer's own order. The default (reading-order) mode misreads the
# text layer of a skewed page: on a page skewed 1.75 degrees it gave CER 0.196 where
# -raw and ocrmypdf's --sidecar both gave 0.004. Both modes are reported.
PDFTOTEXT = ["pdftotext", "-enc", "UTF-8", "-raw"]


def _pdftotext_pages(pdf: Path, raw: bool = True) -> list[str]:
    command = PDFTOTEXT if raw else [c for c in PDFTOTEXT if c != "-raw"]
    out = subprocess.run([*command, str(pdf), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8", errors="replace").split("\f")


def run_ocrmypdf(name: str, extra: list[str], spec: BatchSpec, batch_dir: Path, work: Path) -> tuple[Result, list[str]]:
    out_dir = work / name.replace(" ", "_")
    out_dir.mkdir()
    result = Result(name)
    base = [str(OCRMYPDF), "-l", "vie", "--jobs", "2", "--output-type", "pdf", *extra]
    commands, outputs = [], []
    log(f"{name} ...")
    with Meter() as meter:
        for doc in spec.documents:
            source, target = batch_dir / doc.file, out_dir / f"{doc.file}.pdf"
            dpi = ["--image-dpi", "300"] if _image_dpi_missing(source) else []
            command = [*base, *dpi, str(source), str(target)]
            proc = subprocess.run(command, env=tool_env(), capture_output=True)
            if proc.returncode != 0:
                message = proc.stderr.decode(errors="replace").strip().splitlines()[-3:]
                result.failures.append(f"{doc.file}: exit {proc.returncode}: {' | '.join(message)}")
                if proc.returncode == 3 or "ghostscript" in " ".join(message).lower():  # MissingDependencyError
                    result.skipped = f"missing dependency: {' | '.join(message)}"
                    break
            else:
                outputs.append((doc, target))
            commands.append(shlex.join(command))
    result.usage = meter.usage
    default_mode = []
    for doc, target in outputs:  # text extraction is not timed
        texts, reading_order = _pdftotext_pages(target), _pdftotext_pages(target, raw=False)
        for number in range(1, len(doc.pages) + 1):
            if number <= len(texts):
                result.texts[(doc.file, number)] = texts[number - 1]
                default_mode.append(cer(doc.pages[number - 1], reading_order[number - 1]))
    if default_mode:
        result.notes.append(f"mean CER {mean(default_mode):.3f} when read with pdftotext's default "
                            "reading-order mode instead of -raw")
    log(f"{name} done in {meter.usage.wall:.1f} s")
    shown = [commands[0].replace(str(batch_dir), "BATCH").replace(str(out_dir), "OUT")] if commands else []
    shown = [f"{c}   (once per document, sequentially)" for c in shown]
    return result, shown + ([f"{shlex.join(PDFTOTEXT)} OUT/FILE.pdf -   (not timed; pages split on \\f)"]
                            if shown and name == "ocrmypdf plain" else [])


def rasterise(spec: BatchSpec, batch_dir: Path, pgm_dir: Path) -> list[tuple[Page, Path]]:
    """Every page as an 8-bit grey PGM (not timed): pdftoppm for PDFs, Pillow for images."""
    pgm_dir.mkdir()
    jobs = []
    pages = {(p.file, p.number): p for p in page_list(spec)}
    for doc in spec.documents:
        source, stem = batch_dir / doc.file, pgm_dir / Path(doc.file).stem
        if source.suffix.lower() == ".pdf":
            subprocess.run(["pdftoppm", "-r", "300", "-gray", str(source), str(stem)], check=True)
            files = sorted(pgm_dir.glob(f"{stem.name}-*.pgm"))
            dpis = [300] * len(files)
        else:
            files, dpis = [], []
            with Image.open(source) as image:
                for index, frame in enumerate(ImageSequence.Iterator(image), start=1):
                    target = pgm_dir / f"{stem.name}-{index}.pgm"
                    frame.convert("L").save(target)
                    files.append(target)
                    dpis.append(pages[(doc.file, index)].dpi)
        for number, (path, dpi) in enumerate(zip(files, dpis), start=1):
            page = pages[(doc.file, number)]
            page.dpi = dpi
            jobs.append((page, path))
    return jobs


def run_tesseract(spec: BatchSpec, batch_dir: Path, work: Path) -> tuple[Result, list[str]]:
    log("rasterising pages for bare tesseract (not timed) ...")
    jobs = rasterise(spec, batch_dir, work / "pgm")
    result = Result("tesseract (2 at a time)")

    def command(page: Page, path: Path) -> list[str]:
        return ["tesseract", str(path), "-", "-l", "vie", "--dpi", str(page.dpi)]

    def ocr(job: tuple[Page, Path]) -> None:
        page, path = job
        proc = subprocess.run(command(page, path), env=tool_env(), capture_output=True)
        if proc.returncode != 0:
            result.failures.append(f"{path.name}: exit {proc.returncode}")
        else:
            result.texts[(page.file, page.number)] = proc.stdout.decode("utf-8", errors="replace")

    log("tesseract ...")
    with Meter() as meter, ThreadPoolExecutor(2) as pool:
        list(pool.map(ocr, jobs))
    result.usage = meter.usage
    log(f"tesseract done in {meter.usage.wall:.1f} s")
    example = shlex.join(command(*jobs[0])).replace(str(work / "pgm"), "PGM") if jobs else ""
    return result, [f"{example}   (every page, 2-worker pool; PGMs from `pdftoppm -r 300 -gray` or Pillow)"]


# --------------------------------------------------------------------------- reporting


def machine() -> list[str]:
    def first_line(command: list[str]) -> str:
        try:
            out = subprocess.run(command, capture_output=True, text=True, timeout=30)
            return (out.stdout or out.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "?"

    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    revision = first_line(["git", "-C", str(ROOT), "describe", "--always", "--dirty"])
    return [
        f"cpu:        {model}; {CORES} logical cores ({psutil.cpu_count(logical=False)} physical), "
        f"{psutil.virtual_memory().total / 2**30:.1f} GiB RAM",
        f"os:         {platform.platform()}; Python {platform.python_version()}",
        f"tesseract:  {first_line(['tesseract', '--version'])}",
        f"ocrmypdf:   {first_line([str(OCRMYPDF), '--version'])}",
        f"poppler:    {first_line(['pdftoppm', '-v'])}",
        f"sohoa:      git {revision}",
        f"load avg:   {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1/5/15 min, at the end of the run)",
    ]


def fmt(value: float, digits: int = 1) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def table(rows: list[Result], pages: list[Page]) -> list[str]:
    header = ("tool", "pages", "wall s", "pages/min", "CPU %", "CPU s/page", "other CPU %", "peak MiB",
              "CER", "CER clean", "CER degraded")
    clean = [p for p in pages if p.level == "clean"]
    degraded = [p for p in pages if p.level != "clean"]
    lines = []
    for row in rows:
        if row.skipped and row.usage is None:
            lines.append((row.tool, "skipped", "", "", "", "", "", "", "", "", ""))
            continue
        flow_only = row.wall_override is not None
        u = row.usage
        done = sum(1 for p in pages if (p.file, p.number) in row.texts)
        lines.append((
            row.tool,
            str(done) if done == len(pages) else f"{done}/{len(pages)}",
            fmt(row.wall),
            fmt(done * 60 / row.wall if row.wall else math.nan),
            "-" if flow_only else fmt(u.cpu_percent, 0),
            "-" if flow_only else fmt(u.cpu / done if done else math.nan, 2),
            "-" if flow_only else fmt(u.other_percent, 0),
            "-" if flow_only else fmt(u.peak_rss / 2**20, 0),
            fmt(mean(row.cers(pages)), 3),
            fmt(mean(row.cers(clean)), 3),
            fmt(mean(row.cers(degraded)), 3),
        ))
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]

    def render(cells) -> str:
        return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    return [render(header), render(["-" * w for w in widths]), *[render(line) for line in lines]]


def throughput(row: Result, pages: list[Page]) -> float:
    if row.usage is None or row.skipped:
        return math.nan
    done = sum(1 for p in pages if (p.file, p.number) in row.texts)
    return done * 60 / row.wall if row.wall else math.nan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=24, help="at least this many pages (default 24)")
    parser.add_argument("--level", choices=LEVEL_CHOICES, default="mixed")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--skip-ocrmypdf", action="store_true", help="measure only sohoa and bare tesseract")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (outputs, logs) and print where")
    args = parser.parse_args(argv)
    if args.pages < 1:
        parser.error("--pages must be >= 1")
    for tool in ("tesseract", "pdftoppm", "pdftotext"):
        if not shutil.which(tool):
            parser.error(f"{tool} is not on PATH (run scripts/setup.sh)")

    work = Path(tempfile.mkdtemp(prefix="sohoa-bench-"))
    try:
        log(f"generating at least {args.pages} pages (level {args.level}, seed {args.seed}) in {work} ...")
        started = time.monotonic()
        batch_dir, spec = make_batch(work, args.pages, args.seed, args.level)
        pages = page_list(spec)
        log(f"{len(spec.documents)} documents, {len(pages)} pages in {time.monotonic() - started:.0f} s")

        commands: list[str] = []
        sohoa_cmd, sohoa_flow, used = run_sohoa(batch_dir, work)
        commands += [c.replace(str(batch_dir), "BATCH").replace(str(work), "WORK") for c in used]
        commands[-1] += "   (SOHOA_HOME=WORK/sohoa-home, fresh)"
        rows = [sohoa_cmd, sohoa_flow]
        if args.skip_ocrmypdf:
            rows += [Result("ocrmypdf plain", skipped="--skip-ocrmypdf"),
                     Result("ocrmypdf deskew+rotate", skipped="--skip-ocrmypdf")]
        else:
            for name, extra in (("ocrmypdf plain", []),
                                ("ocrmypdf deskew+rotate",
                                 ["--deskew", "--rotate-pages", "--rotate-pages-threshold", "14.0"])):
                row, used = run_ocrmypdf(name, extra, spec, batch_dir, work)
                rows.append(row)
                commands += used
        tess, used = run_tesseract(spec, batch_dir, work)
        rows.append(tess)
        commands += used

        formats = sorted({Path(d.file).suffix for d in spec.documents})
        rotated = sum(1 for doc in spec.documents for d in doc.degradations if d.get("rotation"))
        levels = {lv: sum(1 for p in pages if p.level == lv) for lv in ("clean", "mild", "harsh")}
        print()
        print(f"sohoa ingest benchmark: {len(spec.documents)} documents, {len(pages)} pages "
              f"(asked for >= {args.pages}); level {args.level}, seed {args.seed}; "
              f"pages by level: {', '.join(f'{k} {v}' for k, v in levels.items())}; {rotated} pages scanned "
              f"sideways or upside down; formats {' '.join(formats)}")
        print()
        print("\n".join(machine()))
        print()
        print("\n".join(table(rows, pages)))
        print()
        print("CPU % = user+sys of the tool's process tree / (wall x cores); CPU s/page = that CPU time / pages "
              "(less sensitive to a busy machine than wall time);\nother CPU % = rest of the machine meanwhile.\nCER = mean per-page jiwer.cer (NFC, whitespace collapsed); degraded = mild + harsh pages.")
        by_level = ", ".join(
            f"{row.tool}: " + " / ".join(fmt(mean(row.cers([p for p in pages if p.level == lv])), 3)
                                         for lv in ("clean", "mild", "harsh"))
            for row in rows if row.usage is not None and row.wall_override is None
        )
        print(f"CER by level (clean / mild / harsh): {by_level}")
        print()
        print("pages/min ratios (sohoa command | sohoa flow only):")
        for row in rows[2:]:
            other = throughput(row, pages)
            if math.isnan(other):
                print(f"  sohoa / {row.tool}: not measured ({row.skipped or 'failed'})")
                continue
            print(f"  sohoa / {row.tool}: {throughput(sohoa_cmd, pages) / other:.2f}x | "
                  f"{throughput(sohoa_flow, pages) / other:.2f}x")
        notes = [f"{row.tool}: {n}" for row in rows for n in row.notes]
        notes += [f"{row.tool}: WARNING: other processes used {row.usage.other_percent:.0f}% of the machine "
                  "meanwhile; its figures are slowed by them"
                  for row in rows if row.usage is not None and row.wall_override is None
                  and row.usage.other_percent > 15]
        notes += [f"{row.tool}: SKIPPED: {row.skipped}" for row in rows if row.skipped]
        notes += [f"{row.tool}: failed: {f}" for row in rows if row is not sohoa_flow for f in row.failures]
        notes += [f"{row.tool}: CPU by getrusage {row.usage.cpu_rusage:.1f} s, by psutil sampling "
                  f"{row.usage.cpu_sampled:.1f} s (short-lived processes escape sampling)"
                  for row in rows if row.usage is not None and row.wall_override is None]
        print()
        print("notes:")
        print("\n".join(f"  {n}" for n in notes))
        print()
        print("commands:")
        print("\n".join(f"  {c}" for c in commands))
        if args.keep:
            print(f"\nwork folder kept: {work}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
