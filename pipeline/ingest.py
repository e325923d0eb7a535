"""Ingest one file: the steps a scanned paper goes through, as plain functions.

Checksums first (paperless-ngx's lesson): a file whose bytes already have a
record is a duplicate before any OCR is spent on it. Then the file is
recognised from local disk, and only then stored: original, searchable copy,
words, and last the record, written create-only. The record is the commit
point, so two processes ingesting the same bytes at once leave exactly one
record (the loser reports a duplicate), and a crash before it leaves
nothing that a re-run would not redo.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from collections.abc import Iterable
from concurrent.futures import Executor
from dataclasses import asdict, dataclass
from pathlib import Path

from ocr import detect
from ocr.classify import OTHER, Classification, classify, top_down
from ocr.document import DocumentText, OcrOptions, PageProgress, recognise_document
from ocr.fields.qr_payload import QrFacts, read_qr_payload
from ocr.fields.read import read_fields
from ocr.errors import EmptyFileError, InputFileError, TooLargeError, UnsupportedFileError
from pipeline import keys
from pipeline.manifest import Declared
from search.base import Index
from storage.base import ObjectExistsError, ObjectStore

INDEXED, DUPLICATE, QUARANTINED = "indexed", "duplicate", "quarantined"
RECORD_SCHEMA_VERSION = 1
# Pages read with less confidence than this are flagged for a person to check.
REVIEW_BELOW_CONFIDENCE = 0.6


@dataclass(frozen=True)
class IngestOptions:
    ocr: OcrOptions = OcrOptions()
    max_file_bytes: int = 2 * 1024**3
    agency: str | None = None  # the receiving unit whose officers may see these records


@dataclass
class DocumentResult:
    source: str
    status: str
    id: str | None
    reason: str | None = None
    doc_type: str | None = None
    pages: int = 0
    needs_review: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Services:
    store: ObjectStore
    index: Index
    pool: Executor


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


def ingest_file(
    given: str,
    path: Path,
    *,
    declared: Declared,
    batch: str,
    services: Services,
    options: IngestOptions,
    progress: PageProgress | None = None,
) -> DocumentResult:
    """Raises only what is worth retrying (EngineError, StoreUnavailableError); bad files are quarantined."""
    try:
        size = path.stat().st_size
        sha = sha256_of(path)
        with path.open("rb") as handle:
            head = handle.read(detect.SNIFF_BYTES)
    except OSError as error:
        reason = f"The file cannot be read ({error.strerror or error}): check it exists and is not locked."
        return DocumentResult(source=given, status=QUARANTINED, id=None, reason=reason)

    if services.store.exists(keys.record(sha)):
        return _duplicate(given, sha, services.store)
    try:
        media_type = _admit(size, head, options)
        text = recognise_document(path, media_type, options=options.ocr, pool=services.pool, progress=progress)
    except InputFileError as error:
        return quarantine(given, path, sha, error.reason, batch=batch, store=services.store)

    record = build_record(
        sha=sha, path=path, media_type=media_type, size=size, batch=batch, declared=declared, text=text,
        agency=options.agency,
    )
    store = services.store
    metadata = {"filename": path.name, "batch": batch}
    try:
        store.put_file(keys.original(sha), path, content_type=media_type, metadata=metadata, sha256=sha, overwrite=False)
    except ObjectExistsError:
        pass  # same bytes, same key: stored by an earlier, interrupted run or by a concurrent one
    store.put_bytes(keys.searchable_pdf(sha), text.searchable_pdf, content_type=detect.PDF, metadata=metadata)
    store.put_bytes(keys.words(sha), _words_json(text), content_type="application/json")
    try:
        store.put_bytes(keys.record(sha), encode_record(record), content_type="application/json", overwrite=False)
    except ObjectExistsError:
        return _duplicate(given, sha, store)
    services.index.upsert(record)
    return _result(given, INDEXED, record)


def _admit(size: int, head: bytes, options: IngestOptions) -> str:
    if size == 0:
        raise EmptyFileError()
    if size > options.max_file_bytes:
        raise TooLargeError(
            f"The file is {size / 1024**2:.0f} MiB, over the {options.max_file_bytes / 1024**2:.0f} MiB limit: "
            "split it or scan at 300 dpi."
        )
    media_type = detect.sniff_media_type(head)
    if media_type is None:
        raise UnsupportedFileError(
            "This is not a PDF, TIFF, JPEG or PNG file (judged by its contents, not its name): "
            "export or scan it as one of those."
        )
    return media_type


def _duplicate(given: str, sha: str, store: ObjectStore) -> DocumentResult:
    return _result(given, DUPLICATE, load_record(store, sha))


def _result(given: str, status: str, record: dict) -> DocumentResult:
    return DocumentResult(source=given, status=status, id=record["id"], doc_type=record["doc_type"],
                          pages=len(record["pages"]), needs_review=record["needs_review"])


def quarantine(given: str, path: Path, sha: str, reason: str, *, batch: str, store: ObjectStore) -> DocumentResult:
    """Keep the bytes and the reason together, away from the records, so nothing is lost."""
    try:
        store.put_file(keys.quarantined(sha), path, metadata={"filename": path.name}, sha256=sha, overwrite=False)
    except ObjectExistsError:
        pass
    note = {"id": sha, "source": given, "filename": path.name, "reason": reason, "batch": batch, "at": now_iso()}
    store.put_bytes(
        keys.quarantine_note(sha),
        json.dumps(note, ensure_ascii=False, indent=2).encode("utf-8"),
        content_type="application/json",
    )
    return DocumentResult(source=given, status=QUARANTINED, id=sha, reason=reason)


def build_record(
    *, sha: str, path: Path, media_type: str, size: int, batch: str, declared: Declared, text: DocumentText,
    agency: str | None = None,
) -> dict:
    pages = [
        {
            "number": page.number,
            "text": unicodedata.normalize("NFC", page.text),
            "source": page.source,
            "confidence": page.confidence,
            "rotation": page.rotation,
            "skew_degrees": page.skew_degrees,
            "lines_of_print": page.lines.lines,
            "lines_unread": page.lines.unread,
        }
        for page in text.pages
    ]
    issues = [
        f"page {page['number']} was read with low confidence ({page['confidence']:.2f})"
        for page in pages
        if page["source"] == "ocr" and page["text"] and page["confidence"] < REVIEW_BELOW_CONFIDENCE
    ] + [
        # Tesseract drops lines and still reports a high confidence for the rest (ocr.coverage).
        f"page {page.number}: text was lost, {page.lines.unread} of {page.lines.lines} lines of print were not read"
        for page in text.pages
        if page.lines.lost_text()
    ]
    found = classify_pages(top_down(page.words) if page.words else page.text for page in text.pages)
    if declared.doc_type and found.doc_type not in (OTHER, declared.doc_type):
        issues.append(f"declared as {declared.doc_type} at the counter, but the paper reads as {found.doc_type}")
    doc_type = declared.doc_type or found.doc_type
    fields = read_fields(doc_type, text.pages)
    qr_codes = [code for page in text.pages for code in page.qr_codes]
    qr = read_qr_payload(qr_codes[0]) if qr_codes else QrFacts()
    return {
        "id": sha,
        "sha256": sha,
        "schema_version": RECORD_SCHEMA_VERSION,
        "source": {
            "filename": unicodedata.normalize("NFC", path.name),
            "media_type": media_type,
            "size": size,
            "batch": batch,
        },
        "doc_type": doc_type,
        "classification": {"doc_type": found.doc_type, "confidence": found.confidence, "evidence": found.evidence},
        # Trust: what the officer declared, then the paper's QR code, then what was read off the paper.
        "owner_id": declared.owner_id or qr.applicant_id or owner_from_fields(doc_type, fields),
        "dossier_code": declared.dossier_code or qr.dossier_code or _valid_value(fields, "dossier_code"),
        "procedure_code": declared.procedure_code or qr.procedure_code or _valid_value(fields, "procedure_code"),
        "agency": agency,
        "pages": pages,
        "fields": fields,
        "qr_codes": qr_codes,
        "needs_review": bool(issues) or any(not item["valid"] for item in fields.values()),
        "issues": issues,
        "storage": {
            "original": keys.original(sha),
            "searchable_pdf": keys.searchable_pdf(sha),
            "words": keys.words(sha),
        },
        "ingested_at": now_iso(),
    }


def _valid_value(fields: dict[str, dict], key: str) -> str | None:
    item = fields.get(key)
    return item["value"] if item and item["valid"] else None


def owner_from_fields(doc_type: str, fields: dict[str, dict]) -> str | None:
    """The person or business a paper belongs to, when the paper itself says so unambiguously."""
    if doc_type == "business_registration":
        return _valid_value(fields, "enterprise_code")
    number = _valid_value(fields, "id_number")
    return number if number and len(number) == 12 else None


def classify_pages(texts: Iterable[str]) -> Classification:
    """The first page that names its kind decides: a dossier's cover page comes first."""
    for text in texts:
        found = classify(text)
        if found.doc_type != OTHER:
            return found
    return Classification(OTHER, 0.0, "")


def _words_json(text: DocumentText) -> bytes:
    """Word boxes and confidences per page, kept beside the record for field extraction and review."""
    pages = [
        {
            "number": page.number,
            "words": [[w.text, round(w.confidence, 3), w.left, w.top, w.width, w.height] for w in page.words],
        }
        for page in text.pages
    ]
    return json.dumps({"columns": ["text", "confidence", "left", "top", "width", "height"], "pages": pages},
                      ensure_ascii=False).encode("utf-8")


def encode_record(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")


def load_record(store: ObjectStore, sha: str) -> dict:
    return json.loads(store.get_bytes(keys.record(sha)))


def set_aside(given: str, path: Path, error: BaseException, *, batch: str, store: ObjectStore) -> DocumentResult:
    """Quarantine a file whose processing failed for good, so it is reported and kept rather than lost."""
    reason = (
        f"Processing failed ({type(error).__name__}: {error}). The file was kept; "
        "run the batch again later, and report it if it fails again."
    )
    try:
        sha = sha256_of(path)
    except OSError:
        return DocumentResult(source=given, status=QUARANTINED, id=None, reason=reason)
    return quarantine(given, path, sha, reason, batch=batch, store=store)
