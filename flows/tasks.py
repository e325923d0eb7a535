"""Thin Prefect tasks: one library call each; retried only when the error says it is worth it."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NONE

from pipeline.ingest import DocumentResult, IngestOptions, Services, ingest_file
from pipeline.manifest import Declared


def is_retryable(task, task_run, state) -> bool:
    """Errors carry their policy (`retryable`); a bug or a bad file is not retried."""
    try:
        state.result()
    except Exception as error:  # noqa: BLE001 - we only read the error's declared policy
        return bool(getattr(error, "retryable", False))
    return False


@task(name="ingest-document", cache_policy=NONE, retry_condition_fn=is_retryable, retry_delay_seconds=2)
def ingest_document(
    given: str, path: Path, declared: Declared, batch: str, services: Services, options: IngestOptions, progress
) -> DocumentResult:
    return ingest_file(given, path, declared=declared, batch=batch, services=services, options=options,
                       progress=progress)
