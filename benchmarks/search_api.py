"""Search latency through the HTTP API of `sohoa serve`, beside the same searches in process and on the bare index.

Fills the embedded SQLite index of a fresh SOHOA_HOME with synthetic records,
10,000 and then 100,000 of them: about 2 KB of Vietnamese administrative text each,
with names, personal numbers, dossier and procedure codes and an agency (the
generator of benchmarks/search_sqlite.py), indexed with `upsert_many` in batches.
Search asks the index alone, so no record JSON is written to the store. At each size
it starts `sohoa serve` (uvicorn) in a subprocess and
sends the same ~200 searches, one after another over one keep-alive connection
(httpx), as an officer of every agency or of one agency:

- names with and without diacritics, a given name alone, common words, personal
  numbers and dossier codes, a name with a doc_type, owner or date filter, an owner's
  records listed without words (the index alone decides these);
- a name searched by an officer of one agency, and a name with a procedure code filter.

Three timings per search:

- HTTP: `GET /api/search` through the running service (token check, search,
  doc_type counts, audit log write, JSON), as a client sees it;
- service: `service.operations.search` in this process on the same home (search,
  doc_type counts, audit log write), so HTTP minus service is the web layer;
- index: the one `SqliteIndex.search` call underneath (limit 20, the filters the
  service narrows the request to), what benchmarks/search_sqlite.py measures.

    .venv/bin/python benchmarks/search_api.py [--sizes 10000,100000] [--queries 200] [--seed 1] [--keep]

It prints what it did and a table per size; the home is removed unless --keep.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_sqlite import make_queries, make_records, percentile  # noqa: E402

from flows.settings import Settings  # noqa: E402
from search.base import Filters  # noqa: E402
from search.folding import fold  # noqa: E402
from search.sqlite import SqliteIndex  # noqa: E402
from service import operations  # noqa: E402
from service.auth import Principal  # noqa: E402
from service.operations import Caller  # noqa: E402
from service.access import search_scope  # noqa: E402
from service.searching import SearchRequest  # noqa: E402
from service.services import build_services, local_issuer  # noqa: E402

SOHOA = Path(sys.executable).parent / "sohoa"
BATCH = 1000
LIMIT = 20  # the API's default page
AGENCIES = ["H57", "H29", "H79", "H10", "G22"]
THE_AGENCY = "H57"
PROCEDURES = ["1.001612", "1.004884", "1.001193", "2.000815", "1.000894", "1.003003", "2.001757"]
WARM_UP = 10


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    filters: dict[str, Any]  # the API's filters: doc_type, owner_id, dossier_code, procedure_code, date_from, date_to
    officer: str  # "all" (sees every agency) or "agency" (sees THE_AGENCY's records only)


def records_for(count: int, rng: random.Random, first: int) -> Iterator[dict[str, Any]]:
    """search_sqlite's records with what the service filters on beside them: agency and procedure code."""
    for number, record in enumerate(make_records(count, rng), start=first):
        record["source"]["filename"] = f"scan_{number:06d}.pdf"
        record["agency"] = rng.choice(AGENCIES)
        record["procedure_code"] = rng.choice(PROCEDURES)
        yield record


def fill(index: SqliteIndex, count: int, rng: random.Random, first: int, sample: list[dict[str, Any]]) -> float:
    """Add `count` records, returning the seconds spent indexing; keeps a sample of them (without their
    text) to build queries from."""
    index_seconds = 0.0
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal index_seconds
        started = time.perf_counter()
        index.upsert_many(batch)
        index_seconds += time.perf_counter() - started
        batch.clear()

    for record in records_for(count, rng, first):
        batch.append(record)
        if rng.random() < 2000 / count:
            sample.append({**record, "pages": []})
        if len(batch) == BATCH:
            flush()
    if batch:
        flush()
    return index_seconds


def queries_for(sample: list[dict[str, Any]], count: int, rng: random.Random) -> tuple[list[Query], list[str]]:
    """search_sqlite's ten kinds of search by an officer of every agency, and two kinds that narrow by what
    only the service knows: the officer's agency, and a procedure code."""
    plain = make_queries(sample, count - count // 6, rng)
    queries = [Query(kind, text, dict(filters), "all") for kind, text, filters in plain]
    ours = [record for record in sample if record["agency"] == THE_AGENCY]
    for number in range(count // 6):
        record = rng.choice(ours)
        name = record["fields"]["full_name"]["value"]
        if number % 2:
            queries.append(Query("agency officer: name", fold(name), {}, "agency"))
        else:
            queries.append(Query("name + procedure filter", fold(name),
                                 {"procedure_code": record["procedure_code"]}, "all"))
    kinds = list(dict.fromkeys(query.kind for query in queries))
    rng.shuffle(queries)
    return queries, kinds


def api_params(query: Query) -> dict[str, str]:
    params = {"q": query.text, "limit": str(LIMIT)}
    params.update({name: value.isoformat() if isinstance(value, dt.date) else str(value)
                   for name, value in query.filters.items()})
    return params


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`sohoa serve` on a free port of 127.0.0.1, over the given home."""

    def __init__(self, home: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "SOHOA_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
               "DO_NOT_TRACK": "1"}
        self.log = home / f"serve-{self.port}.log"
        with self.log.open("wb") as sink:
            self.process = subprocess.Popen([str(SOHOA), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                                            env=env, stdout=sink, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"sohoa serve did not start:\n{self.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def timed(queries: list[Query], run: Callable[[Query], int]) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Milliseconds per query by kind, and the hits each kind found in all, after a short warm-up."""
    for query in queries[:WARM_UP]:
        run(query)
    latencies: dict[str, list[float]] = defaultdict(list)
    found: dict[str, int] = defaultdict(int)
    for query in queries:
        started = time.perf_counter()
        total = run(query)
        latencies[query.kind].append((time.perf_counter() - started) * 1000)
        found[query.kind] += total
    return latencies, found


def measure_http(server: Server, tokens: dict[str, str], queries: list[Query]) -> tuple[dict, dict]:
    with httpx.Client(base_url=server.base, timeout=120) as client:
        def run(query: Query) -> int:
            response = client.get("/api/search", params=api_params(query),
                                  headers={"Authorization": f"Bearer {tokens[query.officer]}"})
            response.raise_for_status()
            return response.json()["total"]

        return timed(queries, run)


def measure_in_process(home: Path, queries: list[Query]) -> tuple[tuple[dict, dict], tuple[dict, dict]]:
    services = build_services(Settings(home=home))
    callers = {
        "all": Caller(Principal(subject="bench-admin", role="officer", name="Bench Admin"), "127.0.0.1"),
        "agency": Caller(Principal(subject="bench-h57", role="officer", agency=THE_AGENCY, name="Bench H57"),
                         "127.0.0.1"),
    }

    def request(query: Query) -> SearchRequest:
        return SearchRequest(query.text, Filters(**query.filters), LIMIT, 0)

    def service_search(query: Query) -> int:
        return operations.search(services, callers[query.officer], request(query)).total

    def index_search(query: Query) -> int:
        filters = search_scope(callers[query.officer].principal, Filters(**query.filters))  # as the service does
        return services.index.search(query.text, filters, limit=LIMIT, offset=0).total

    try:
        return timed(queries, service_search), timed(queries, index_search)
    finally:
        services.index.close()


def report(size: int, kinds: list[str], columns: list[tuple[dict, dict]]) -> None:
    names = ["HTTP", "service", "index"]
    print(f"\n{size:,} records: latency in ms, {sum(len(v) for v in columns[0][0].values())} sequential searches")
    header = f"{'search':<28}{'n':>4}" + "".join(f"{name + ' p50':>13}{name + ' p95':>13}" for name in names)
    print(header)
    print("-" * len(header))
    for kind in [*kinds, "all"]:
        cells = []
        for latencies, _ in columns:
            samples = [x for v in latencies.values() for x in v] if kind == "all" else latencies[kind]
            cells.append(f"{percentile(samples, 0.5):>13.1f}{percentile(samples, 0.95):>13.1f}")
        count = sum(len(v) for v in columns[0][0].values()) if kind == "all" else len(columns[0][0][kind])
        print(f"{kind:<28}{count:>4}" + "".join(cells))
    means = "  ".join(f"{name} {statistics.fmean(x for v in lat.values() for x in v):.1f}"
                      for name, (lat, _) in zip(names, columns, strict=True))
    print(f"mean ms: {means}")
    empty = [kind for kind in kinds if columns[0][1][kind] == 0]
    if empty:
        print(f"note: no hits at all for {', '.join(empty)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="collection sizes, ascending, comma-separated")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the home (its path is printed)")
    arguments = parser.parse_args()
    sizes = sorted(int(size) for size in arguments.sizes.split(","))
    rng = random.Random(arguments.seed)
    home = Path(tempfile.mkdtemp(prefix="sohoa-bench-api-"))
    print(f"$ {Path(sys.executable).name} benchmarks/search_api.py --sizes {arguments.sizes} "
          f"--queries {arguments.queries} --seed {arguments.seed}")
    print(f"home {home} · {os.cpu_count()} cpus · Python {sys.version.split()[0]} · SQLite "
          f"{__import__('sqlite3').sqlite_version}")
    try:
        settings = Settings(home=home)
        issuer = local_issuer(settings)
        tokens = {
            "all": issuer.mint(subject="bench-admin", role="officer", name="Bench Admin",
                               lifetime=dt.timedelta(hours=24)),
            "agency": issuer.mint(subject="bench-h57", role="officer", agency=THE_AGENCY, name="Bench H57",
                                  lifetime=dt.timedelta(hours=24)),
        }
        sample: list[dict[str, Any]] = []
        have = 0
        for size in sizes:
            added = size - have
            with SqliteIndex(settings.index_path) as index:
                index_seconds = fill(index, added, rng, have, sample)
            have = size
            index_mib = sum(path.stat().st_size for path in home.glob("index.sqlite3*")) / 2**20
            print(f"\nfilled to {size:,} records (+{added:,}): index {index_seconds:.1f} s (upsert_many, "
                  f"{BATCH}/batch); index files {index_mib:.0f} MiB")
            queries, kinds = queries_for(sample, arguments.queries, random.Random(arguments.seed + size))
            server = Server(home)
            try:
                http = measure_http(server, tokens, queries)
            finally:
                server.stop()
            service, index_only = measure_in_process(home, queries)
            report(size, kinds, [http, service, index_only])
    finally:
        if arguments.keep:
            print(f"\nkept {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
