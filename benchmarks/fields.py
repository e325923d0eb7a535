"""Classification and field accuracy on generated specimens of every paper type.

Generates N specimens (samples.specimen_batch: every doc_type, all
degradation levels, a fraction with deliberately invalid numbers), runs each
through the same OCR and record-building code as `sohoa ingest`, and prints,
per doc_type and overall: doc_type accuracy, field exact-match accuracy, and
how many invalid values were wrongly accepted as valid (the target is 0).
A figure printer, not a test.

    .venv/bin/python benchmarks/fields.py [--count 108] [--seed 1] [--level mixed] [--show-misses]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ocr import detect  # noqa: E402
from ocr.document import OcrOptions, recognise_document  # noqa: E402
from pipeline.ingest import build_record  # noqa: E402
from pipeline.manifest import Declared  # noqa: E402
from samples.specimen_batch import generate_specimens  # noqa: E402


def read(path: Path, pool: ThreadPoolExecutor) -> dict:
    media_type = detect.sniff_media_type(path.read_bytes()[: detect.SNIFF_BYTES])
    text = recognise_document(path, media_type, options=OcrOptions(), pool=pool)
    return build_record(sha="0" * 64, path=path, media_type=media_type, size=path.stat().st_size, batch="bench",
                        declared=Declared(), text=text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=108)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--level", default="mixed")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    per_type: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses: list[str] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sohoa-fields-") as tmp, ThreadPoolExecutor(os.cpu_count()) as pool:
        specs = generate_specimens(Path(tmp), args.count, args.seed, args.level)
        documents = ThreadPoolExecutor(2).map(lambda spec: (spec, read(Path(tmp) / spec.file, pool)), specs)
        for spec, record in documents:
            counts = per_type[spec.doc_type]
            counts["documents"] += 1
            counts["type_right"] += record["doc_type"] == spec.doc_type
            for key, truth in spec.fields.items():
                got = record["fields"].get(key)
                counts["fields"] += 1
                if got is not None and got["value"] == truth["value"]:
                    counts["fields_right"] += 1
                else:
                    misses.append(f"{spec.file} {spec.doc_type} {spec.level} {key}: "
                                  f"want {truth['value']!r}, got {got['value'] if got else None!r}")
                if not truth["valid"]:
                    counts["invalid"] += 1
                    counts["invalid_accepted"] += bool(got and got["valid"])
    seconds = time.monotonic() - started
    print(f"{args.count} specimens, seed {args.seed}, level {args.level}; {seconds:.0f} s")
    print(f"{'doc_type':24} {'docs':>5} {'type acc':>9} {'fields':>7} {'field acc':>10} {'invalid':>8} "
          f"{'wrongly accepted':>17}")
    total: dict[str, int] = defaultdict(int)
    for doc_type, counts in sorted(per_type.items()):
        for name, value in counts.items():
            total[name] += value
        print(_row(doc_type, counts))
    print(_row("overall", total))
    if args.show_misses:
        print("\n".join(["", "field misses:", *misses]))


def _row(name: str, counts: dict[str, int]) -> str:
    type_acc = counts["type_right"] / counts["documents"] if counts["documents"] else 0
    field_acc = counts["fields_right"] / counts["fields"] if counts["fields"] else 0
    return (f"{name:24} {counts['documents']:5} {type_acc:9.1%} {counts['fields']:7} {field_acc:10.1%} "
            f"{counts['invalid']:8} {counts['invalid_accepted']:17}")


if __name__ == "__main__":
    main()
