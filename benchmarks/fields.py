"""Classification and field accuracy on generated specimens of every paper type.

Generates N specimens (samples.specimen_batch: every doc_type, all
degradation levels, a fraction with deliberately invalid numbers), runs each
through the same OCR and record-building code as `sohoa ingest`, and prints,
per doc_type and overall: doc_type accuracy, field exact-match accuracy, owner
accuracy (the record's owner_id against the paper's, over papers that have an
owner), and how many invalid values were wrongly accepted as valid (the target
is 0). A figure printer, not a test.

``--style a`` is the generator the extraction is developed on; ``--style b``
(samples.style_b: other templates, wordings, fonts, photographed cards) is kept
for reporting only, so that its figures say how the extraction carries over to
papers it was not tuned on. Never tune on style b's misses.

    .venv/bin/python benchmarks/fields.py [--style a|b] [--count 108] [--seed 1] [--level mixed] [--show-misses]
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
from samples.specimen_batch import STYLES, generate_specimens  # noqa: E402


def read(path: Path, pool: ThreadPoolExecutor) -> dict:
    """The record `sohoa ingest` would build; a paper whose reading raises gets an empty one that says why,
    as ingest would quarantine it, so that one bad paper costs its own fields and not the whole run."""
    try:
        media_type = detect.sniff_media_type(path.read_bytes()[: detect.SNIFF_BYTES])
        text = recognise_document(path, media_type, options=OcrOptions(), pool=pool)
        return build_record(sha="0" * 64, path=path, media_type=media_type, size=path.stat().st_size,
                            batch="bench", declared=Declared(), text=text)
    except Exception as error:  # noqa: BLE001 - any failure is a finding to count, not a reason to stop
        return {"doc_type": None, "owner_id": None, "fields": {}, "error": f"{type(error).__name__}: {error}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--style", choices=STYLES, default="a")
    parser.add_argument("--count", type=int, default=108)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--level", default="mixed")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    per_type: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses: list[str] = []
    failed: list[str] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sohoa-fields-") as tmp, ThreadPoolExecutor(os.cpu_count()) as pool:
        specs = generate_specimens(Path(tmp), args.count, args.seed, args.level, style=args.style)
        documents = ThreadPoolExecutor(2).map(lambda spec: (spec, read(Path(tmp) / spec.file, pool)), specs)
        for spec, record in documents:
            counts = per_type[spec.doc_type]
            counts["documents"] += 1
            counts["type_right"] += record["doc_type"] == spec.doc_type
            if "error" in record:
                failed.append(spec.file)
                misses.append(f"{spec.file} {spec.doc_type} {spec.level} reading raised {record['error']}")
            elif record["doc_type"] != spec.doc_type:
                misses.append(f"{spec.file} {spec.doc_type} {spec.level} doc_type: read as {record['doc_type']!r}")
            if spec.owner_id is not None:
                counts["owners"] += 1
                counts["owner_right"] += record["owner_id"] == spec.owner_id
                if record["owner_id"] != spec.owner_id:
                    misses.append(f"{spec.file} {spec.doc_type} {spec.level} owner_id: "
                                  f"want {spec.owner_id!r}, got {record['owner_id']!r}")
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
    print(f"{args.count} specimens, style {args.style}, seed {args.seed}, level {args.level}; {seconds:.0f} s")
    print(f"{'doc_type':24} {'docs':>5} {'type acc':>9} {'fields':>7} {'field acc':>10} {'owners':>7} "
          f"{'owner acc':>10} {'invalid':>8} {'wrongly accepted':>17}")
    total: dict[str, int] = defaultdict(int)
    for doc_type, counts in sorted(per_type.items()):
        for name, value in counts.items():
            total[name] += value
        print(_row(doc_type, counts))
    print(_row("overall", total))
    if failed:
        print(f"\n{len(failed)} papers raised an error while being read, counted as misses: {', '.join(failed)}")
    if args.show_misses:
        print("\n".join(["", "misses:", *misses]))
    print(f"\nstyle {args.style}, {args.count} specimens, seed {args.seed}, level {args.level}: "
          f"doc type {_share(total, 'type_right', 'documents')}, fields {_share(total, 'fields_right', 'fields')}, "
          f"owner {_share(total, 'owner_right', 'owners')}")


def _share(counts: dict[str, int], right: str, of: str) -> str:
    """A percentage, or "-" when there was nothing to count (a type whose papers have no owner)."""
    return f"{counts[right] / counts[of]:.1%}" if counts[of] else "-"


def _row(name: str, counts: dict[str, int]) -> str:
    return (f"{name:24} {counts['documents']:5} {_share(counts, 'type_right', 'documents'):>9} {counts['fields']:7} "
            f"{_share(counts, 'fields_right', 'fields'):>10} {counts['owners']:7} "
            f"{_share(counts, 'owner_right', 'owners'):>10} {counts['invalid']:8} {counts['invalid_accepted']:17}")


if __name__ == "__main__":
    main()
