"""The ingest task retries only what says it is worth retrying."""

from __future__ import annotations

from prefect.states import Completed, Failed

from flows.tasks import is_retryable
from ocr.errors import CorruptFileError, EngineError
from storage.base import StoreUnavailableError


def test_only_errors_marked_retryable_are_retried():
    assert is_retryable(None, None, Failed(data=EngineError("tesseract timed out")))
    assert is_retryable(None, None, Failed(data=StoreUnavailableError("S3 is down")))
    assert not is_retryable(None, None, Failed(data=CorruptFileError("damaged")))
    assert not is_retryable(None, None, Failed(data=KeyError("a bug")))
    assert not is_retryable(None, None, Completed(data=1))
