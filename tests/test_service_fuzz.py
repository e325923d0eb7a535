"""Fuzzing the JSON API from its own OpenAPI description: whatever comes in, no 5xx goes out.

Schemathesis reads `/openapi.json` from the app in process (ASGI, no socket) and sends
generated requests, valid and invalid, to every operation, once with an officer's
token and once with a citizen's. The app runs over the small world of
tests/service_support.py (real local store and SQLite index, six papers of two
citizens); about half the generated record ids and dossier codes are swapped for
real ones so the fuzzer reaches the code behind the access checks (views, versions,
thumbnails, downloads, corrections, reuse) instead of stopping at "not found".

Bounded to `MAX_EXAMPLES` (25) generated examples per operation and role, plus schemathesis'
boundary cases, always the same ones; about a minute on two cores. For a longer hunt with
fresh random examples:

    SOHOA_FUZZ_EXAMPLES=300 .venv/bin/pytest tests/test_service_fuzz.py
"""

from __future__ import annotations

import os
import tempfile
import zlib
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install -e '.[test]')")

from hypothesis import HealthCheck, settings  # noqa: E402  (hypothesis comes with schemathesis)
from schemathesis.checks import not_a_server_error  # noqa: E402

from flows.settings import Settings  # noqa: E402
from service.app import create_app  # noqa: E402
from tests.service_support import A_DOSSIER, B_DOSSIER, World, build_world  # noqa: E402

pytestmark = pytest.mark.slow

# The same examples every run in CI; SOHOA_FUZZ_EXAMPLES=300 makes a longer, randomised hunt.
MAX_EXAMPLES = int(os.environ.get("SOHOA_FUZZ_EXAMPLES", "25"))
DERANDOMIZE = "SOHOA_FUZZ_EXAMPLES" not in os.environ
DOSSIERS = (A_DOSSIER, B_DOSSIER, "H56.14-240823-0001")


def _load_schema() -> Any:
    """The API description, read over ASGI from an app on an empty home (the description needs no data).

    Loaded at import, so that each operation is its own test item: schemathesis'
    fixture-based loader (`schemathesis.pytest.from_fixture`) fails under pytest 9
    (it sets `Function._nodeid`, which pytest 9 no longer has; schemathesis 4.32.5).
    """
    with tempfile.TemporaryDirectory(prefix="sohoa-fuzz-schema-") as home:
        app = create_app(Settings(home=Path(home)))
        try:
            return schemathesis.openapi.from_asgi("/openapi.json", app)
        finally:
            app.state.services.index.close()


schema = _load_schema()


# `world` (tests/conftest.py) is made afresh per operation: schemathesis ends the app's lifespan after
# each test item, which closes the index (service.app's lifespan), so an app cannot be shared between items.


def _pick(value: Any, choices: list[str]) -> str | None:
    """A real value in place of the generated one about half the time, chosen from the generated one,
    so that Hypothesis replays a failing example exactly."""
    digest = zlib.crc32(repr(value).encode())
    return choices[(digest >> 1) % len(choices)] if digest % 2 else None


def steer(case: Any, world: World) -> None:
    """Point some generated requests at the world's records and dossiers."""
    ids = [paper["id"] for paper in world.papers.values()]
    refs = [*ids, *(record_id[:8] for record_id in ids)]  # full ids and unique prefixes, own and others'
    path = case.path_parameters or {}
    if "ref" in path and (real := _pick(path["ref"], refs)):
        path["ref"] = real
    if "record_id" in path and (real := _pick(path["record_id"], ids)):
        path["record_id"] = real
    if "code" in path and (real := _pick(path["code"], list(DOSSIERS))):
        path["code"] = real
    if isinstance(case.body, dict) and "record_id" in case.body and (real := _pick(case.body["record_id"], ids)):
        case.body["record_id"] = real


FUZZ = settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=DERANDOMIZE,
                suppress_health_check=list(HealthCheck))


def call_as(case: Any, world: World, who: str) -> None:
    steer(case, world)
    response = case.call(headers=world.auth(who), app=world.client.app)  # not the schema's empty app
    case.validate_response(response, checks=[not_a_server_error])


@schema.parametrize()
@FUZZ
def test_officer_requests_never_cause_server_errors(case, world):
    call_as(case, world, "officer")  # an officer who sees every agency


@schema.parametrize()
@FUZZ
def test_citizen_requests_never_cause_server_errors(case, world):
    call_as(case, world, "a")  # citizen A (Nguyễn Văn An), who owns three of the six papers


def test_a_nul_in_the_search_text_is_not_a_server_error(tmp_path, issuer_key):
    world = build_world(tmp_path / "home", issuer_key)
    world.client = type(world.client)(world.client.app, raise_server_exceptions=False)
    for who in ("officer", "a"):
        assert world.get(who, "/api/search", params={"q": "an\x00b"}).status_code < 500
