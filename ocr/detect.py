"""Recognise a file's type from its first bytes, never from its name.

Clerks rename files and scanners mislabel them; the bytes are the only
evidence. We accept exactly the four formats scanners produce.
"""

from __future__ import annotations

PDF = "application/pdf"
TIFF = "image/tiff"
JPEG = "image/jpeg"
PNG = "image/png"

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"II+\x00", TIFF),  # BigTIFF
    (b"MM\x00+", TIFF),
)

# A PDF header may be preceded by junk; readers accept it within the first KiB.
_PDF_HEADER_WINDOW = 1024

SNIFF_BYTES = _PDF_HEADER_WINDOW


def sniff_media_type(head: bytes) -> str | None:
    """Media type of a file from its first `SNIFF_BYTES` bytes, or None if unknown."""
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature):
            return media_type
    if b"%PDF-" in head[:_PDF_HEADER_WINDOW]:
        return PDF
    return None
