"""Errors that carry their own policy, so callers decide by type, never by message.

`InputFileError` means the file itself is bad: the pipeline quarantines it with
`reason` (written for a scanning clerk, in plain words) and carries on with the
batch. `EngineError` means a tool failed on a file that may be fine: worth one
more try. `MissingDependencyError` means the machine is not set up: nothing in
the batch can succeed, so it stops the run with install advice.
"""

from __future__ import annotations


class OcrError(Exception):
    retryable: bool = False


class InputFileError(OcrError):
    """The file cannot become a record; `reason` is shown to the clerk."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class EmptyFileError(InputFileError):
    def __init__(self) -> None:
        super().__init__("The file is empty (0 bytes): scan the paper again.")


class UnsupportedFileError(InputFileError):
    """Not a PDF, TIFF, JPEG or PNG by its bytes, whatever its name says."""


class CorruptFileError(InputFileError):
    """Truncated or damaged: the reader gave up part-way."""


class EncryptedFileError(InputFileError):
    def __init__(self) -> None:
        super().__init__(
            "The PDF is password-protected: ask the sender for an unprotected copy."
        )


class TooLargeError(InputFileError):
    """Pages or pixels beyond the limits: a decompression bomb or a mis-scan."""


class MissingDependencyError(OcrError):
    """A program or language pack is missing; the message says what to install."""


class EngineError(OcrError):
    """Tesseract or poppler failed or timed out on a page."""

    retryable = True
