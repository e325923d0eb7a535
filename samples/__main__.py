"""Command line: ``python -m samples OUT_DIR --documents N --seed S [--level LEVEL]``."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from samples.batch import LEVEL_CHOICES, generate_batch


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m samples",
                                     description="Generate a batch of synthetic scanned Vietnamese dossiers.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--documents", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--level", choices=LEVEL_CHOICES, default="mixed")
    args = parser.parse_args(argv)
    if args.documents < 0:
        parser.error("--documents must be >= 0")
    started = time.perf_counter()
    batch = generate_batch(args.out_dir, args.documents, args.seed, args.level)
    pages = sum(len(doc.pages) for doc in batch.documents)
    print(f"wrote {len(batch.documents)} documents ({pages} pages) to {args.out_dir} "
          f"in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
