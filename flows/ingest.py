"""The ingest flow: every file of a batch indexed, found duplicate, or quarantined with a reason."""

from __future__ import annotations

import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from prefect import flow
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from ocr import probe
from pipeline.ingest import Services, set_aside
from pipeline.inputs import expand
from pipeline.manifest import Declared, Manifest
from pipeline.report import BatchReport

from flows import wiring
from flows.console import BatchProgress
from flows.settings import Settings
from flows.tasks import ingest_document


def new_batch_id() -> str:
    return f"{datetime.now().strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"


@flow(name="ingest", validate_parameters=False)
def ingest_batch(
    paths: list[str], manifest: str | None = None, report: str | None = None, show_progress: bool = False
) -> dict:
    settings = Settings()
    probe.check_all(settings.ocr_lang)
    declared = Manifest.load(Path(manifest)) if manifest else None
    files = expand(paths)
    batch = new_batch_id()
    options = wiring.ingest_options(settings)
    store, index = wiring.build_store(settings), wiring.build_index(settings)
    started = time.monotonic()
    with (
        ThreadPoolExecutor(settings.ocr_workers, thread_name_prefix="ocr-page") as pool,
        BatchProgress(len(files), enabled=show_progress) as progress,
    ):
        services = Services(store=store, index=index, pool=pool)
        task = ingest_document.with_options(retries=settings.task_retries)
        futures = [
            task.submit(given, path, declared.lookup(given, path) if declared else Declared(), batch, services,
                        options, progress)
            for given, path in files
        ]
        position = {future.task_run_id: number for number, future in enumerate(futures)}
        results: list = [None] * len(files)
        for future in as_completed(futures):  # report files as they finish, not in input order
            number = position[future.task_run_id]
            given, path = files[number]
            outcome = future.result(raise_on_failure=False)
            if isinstance(outcome, BaseException):
                outcome = set_aside(given, path, outcome, batch=batch, store=store)
            results[number] = outcome
            progress.file_done()
    index.close()
    batch_report = BatchReport(batch=batch, documents=results, seconds=time.monotonic() - started)
    if report:
        batch_report.write(Path(report))
    return batch_report.to_dict()


def run(paths: list[str], *, manifest: str | None, report: str | None, show_progress: bool) -> dict:
    """Run the flow with as many documents in flight as the settings allow."""
    settings = Settings()
    runner = ThreadPoolTaskRunner(max_workers=settings.document_workers)
    return ingest_batch.with_options(task_runner=runner)(
        paths=paths, manifest=manifest, report=report, show_progress=show_progress
    )
