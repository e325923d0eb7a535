"""Flows for scheduled upkeep on a Prefect server: rebuild the index, check fixity."""

from __future__ import annotations

from prefect import flow, get_run_logger

from pipeline.verify import OK, verify_store

from flows import wiring
from flows.settings import Settings


@flow(name="reindex")
def reindex() -> int:
    """Rebuild the search index from the object store; returns how many records were indexed."""
    return wiring.rebuild_index(Settings())


@flow(name="verify-fixity")
def verify_fixity() -> dict:
    """Fails the run when an original changed or vanished, so the failure alerts whoever watches runs."""
    results = verify_store(wiring.build_store(Settings()))
    damaged = [result.to_dict() for result in results if result.status != OK]
    logger = get_run_logger()
    for item in damaged:
        logger.error("original %s of record %s is %s", item["key"], item["id"], item["status"])
    if damaged:
        raise RuntimeError(f"{len(damaged)} of {len(results)} stored originals changed or are missing")
    return {"checked": len(results), "damaged": damaged}
