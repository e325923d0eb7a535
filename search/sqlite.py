"""The embedded default index: one SQLite file with an FTS5 table.

Diacritics: FTS5's own `remove_diacritics` cannot fold đ to d and cannot rank
an exact spelling first, so every text is indexed twice, as printed (NFC) and
`fold()`ed, both split by `unicode61 remove_diacritics 0` (which still folds
case). Each query chunk must match either spelling. Records matching every
chunk as spelled come first; bm25, weighted towards the as-printed columns,
orders the rest. The explicit tier is needed because bm25 gives no weight to
a word found in more than half the records ("Nguyễn"), so weighting alone
would not rank "Nguyễn" above "Nguyên" in a real collection. The as-printed
columns double as the snippet source, so no text is stored a third time.

Concurrency: several ingest workers may write to one file. WAL lets readers
run alongside a writer, every write takes the lock up front (`BEGIN
IMMEDIATE`, so no transaction has to upgrade a read lock and fail), and
`busy_timeout` makes writers queue instead of failing.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from os import PathLike
from types import TracebackType
from typing import Any, NamedTuple

from search.base import (
    NO_FILTERS,
    Filters,
    IndexBusyError,
    IndexedRecord,
    SearchHit,
    SearchIndexError,
    SearchResults,
    query_chunks,
)
from search.folding import fold, nfc
from search.snippets import make_snippet, query_phrases

SCHEMA_VERSION = 3
BUSY_TIMEOUT_SECONDS = 30.0
_RESOLVE_LIMIT = 10

# `text` is the page text, `identifiers` the file name, codes and extracted
# field values; each has a folded twin.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    fts_rowid INTEGER PRIMARY KEY,  -- rowid of the record's row in documents_fts
    id TEXT NOT NULL UNIQUE,
    doc_type TEXT NOT NULL,
    owner_id TEXT,
    dossier_code TEXT,
    procedure_code TEXT,
    agency TEXT,
    filename TEXT NOT NULL,
    ingested_at TEXT NOT NULL,      -- as the record gives it, ISO 8601 with offset
    ingested_epoch REAL NOT NULL,   -- the same instant, comparable across offsets
    ingested_date TEXT NOT NULL,    -- date part of ingested_at, YYYY-MM-DD
    pages INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_owner ON documents (owner_id, ingested_epoch);
CREATE INDEX IF NOT EXISTS documents_owner_type ON documents (owner_id, doc_type, ingested_epoch);
CREATE INDEX IF NOT EXISTS documents_doc_type ON documents (doc_type, ingested_epoch);
CREATE INDEX IF NOT EXISTS documents_dossier ON documents (dossier_code, ingested_epoch);
CREATE INDEX IF NOT EXISTS documents_procedure ON documents (procedure_code, ingested_epoch);
CREATE INDEX IF NOT EXISTS documents_agency ON documents (agency, ingested_epoch);
CREATE INDEX IF NOT EXISTS documents_ingested ON documents (ingested_date, ingested_epoch);
CREATE INDEX IF NOT EXISTS documents_newest ON documents (ingested_epoch);
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5 (
    text, text_folded, identifiers, identifiers_folded,
    tokenize = 'unicode61 remove_diacritics 0'
)
"""

_EXACT_COLUMNS = "{text identifiers}"
_FOLDED_COLUMNS = "{text_folded identifiers_folded}"
# bm25 weights, in column order: as printed counts five times folded.
_BM25 = "bm25(documents_fts, 5.0, 1.0, 5.0, 1.0)"
_HIT_COLUMNS = "d.fts_rowid, d.id, d.doc_type, d.owner_id, d.dossier_code, d.filename, d.ingested_at, d.pages"


def _fts_string(text: str) -> str:
    """An FTS5 string literal: the tokenizer splits it into a phrase, and no
    character inside it (quotes, *, -, parentheses, AND, NEAR) is syntax."""
    return '"' + text.replace('"', '""') + '"'


def _match_expressions(query: str) -> tuple[str, str] | None:
    """FTS5 expressions for records holding every whitespace-separated chunk
    of `query` as a phrase in either spelling, and in the spelling typed;
    None when the query has no word to look for."""
    # FTS5 ends a string literal at NUL, so a NUL typed or pasted into a query is a space.
    chunks = query_chunks(query.replace("\x00", " "))
    if not chunks:
        return None
    exact = [f"{_EXACT_COLUMNS} : {_fts_string(chunk)}" for chunk in chunks]
    either = [
        f"({clause} OR {_FOLDED_COLUMNS} : {_fts_string(fold(chunk))})"
        for clause, chunk in zip(exact, chunks, strict=True)
    ]
    return " AND ".join(either), " AND ".join(exact)


class _Filter(NamedTuple):
    column: str
    operator: str
    value: str


class _Statements(NamedTuple):
    count_sql: str
    count_arguments: list[Any]
    page_sql: str
    page_arguments: list[Any]
    by_doc_type_sql: str  # count per doc_type, same arguments as count_sql


def _filters(filters: Filters) -> list[_Filter]:
    found = []
    for column, operator, value in (
        ("owner_id", "=", filters.owner_id),
        ("doc_type", "=", filters.doc_type),
        ("dossier_code", "=", filters.dossier_code),
        ("procedure_code", "=", filters.procedure_code),
        ("agency", "=", filters.agency),
        ("ingested_date", ">=", filters.date_from.isoformat() if filters.date_from else None),
        ("ingested_date", "<=", filters.date_to.isoformat() if filters.date_to else None),
    ):
        if value is not None:
            found.append(_Filter(column, operator, nfc(value)))
    return found


def _statements(query: str, filters: list[_Filter]) -> _Statements | None:
    """What finds the records for a query and filters; None when nothing can match."""
    expressions = _match_expressions(query)
    if expressions is not None:
        return _matching(*expressions, filters)
    if filters or not query.strip():
        return _listing(filters)  # a blank query lists records, newest first
    return None


def _listing(filters: list[_Filter]) -> _Statements:
    """Records matching the filters (all records without any), newest first, found through the column indexes."""
    where = " AND ".join([f"d.{f.column} {f.operator} ?" for f in filters] or ["1"])
    values = [f.value for f in filters]
    return _Statements(
        f"SELECT count(*) FROM documents d WHERE {where}",
        values,
        f"SELECT {_HIT_COLUMNS}, 0.0 AS score FROM documents d WHERE {where}"
        " ORDER BY d.ingested_epoch DESC, d.id LIMIT ? OFFSET ?",
        values,
        f"SELECT d.doc_type, count(*) FROM documents d WHERE {where} GROUP BY d.doc_type",
    )


def _matching(either: str, exact: str, filters: list[_Filter]) -> _Statements:
    """Records matching the full-text expressions and the filters, best first.

    The filters are written `+d.column` to keep SQLite off the column indexes:
    walking an index, it would run the full-text query once per row, hundreds
    of times slower than running it once and looking its matches up by rowid.
    """
    where = " AND ".join(["documents_fts MATCH ?", *(f"+d.{f.column} {f.operator} ?" for f in filters)])
    values = [either, *(f.value for f in filters)]
    joined = "documents_fts JOIN documents d ON d.fts_rowid = documents_fts.rowid"
    exact_rowids = "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?"
    return _Statements(
        # Every indexed row has its documents row: without filters, no join.
        f"SELECT count(*) FROM {joined if filters else 'documents_fts'} WHERE {where}",
        values,
        f"SELECT {_HIT_COLUMNS}, (documents_fts.rowid IN ({exact_rowids})) + (-{_BM25}) / (1.0 - {_BM25}) AS score"
        f" FROM {joined} WHERE {where} ORDER BY score DESC, d.ingested_epoch DESC, d.id LIMIT ? OFFSET ?",
        [exact, *values],
        f"SELECT d.doc_type, count(*) FROM {joined} WHERE {where} GROUP BY d.doc_type",
    )


@contextmanager
def _translated_errors() -> Iterator[None]:
    """Turn sqlite3's exceptions into the backend-neutral ones, by error code."""
    try:
        yield
    except sqlite3.Error as error:
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise IndexBusyError(f"search index busy: {error}") from error
        raise SearchIndexError(f"search index: {error}") from error


class SqliteIndex:
    """`search.base.Index` in one SQLite file.

    One connection per instance; a lock makes the instance safe to share
    between a few threads. Processes each open their own instance.
    """

    def __init__(self, path: str | PathLike[str], *, recreate: bool = False) -> None:
        """`recreate`: an index of another schema version is dropped and made anew, empty,
        for `sohoa reindex` to fill; otherwise it is refused."""
        self._lock = threading.Lock()
        with _translated_errors():
            self._connection = sqlite3.connect(
                path,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,  # transactions are begun explicitly
                check_same_thread=False,
            )
            try:
                self._connection.row_factory = sqlite3.Row
                self._connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
                self._connection.execute("PRAGMA journal_mode = WAL")
                # Durable enough with WAL: a lost last commit is re-indexed from the store.
                self._connection.execute("PRAGMA synchronous = NORMAL")
                self._create_schema(recreate)
            except BaseException:
                self._connection.close()
                raise

    def _create_schema(self, recreate: bool) -> None:
        with self._transaction("BEGIN IMMEDIATE") as connection:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                if not recreate:
                    raise SearchIndexError(
                        f"search index schema is version {version}, this sohoa reads version {SCHEMA_VERSION}; "
                        "run `sohoa reindex` to rebuild it from the object store"
                    )
                connection.execute("DROP TABLE IF EXISTS documents_fts")
                connection.execute("DROP TABLE IF EXISTS documents")
            for statement in _SCHEMA.split(";"):
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        """Callers hold `self._lock`, or are the constructor."""
        self._connection.execute(begin)
        try:
            yield self._connection
            self._connection.execute("COMMIT")
        except BaseException:
            if self._connection.in_transaction:
                self._connection.execute("ROLLBACK")
            raise

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        with self._lock, _translated_errors(), self._transaction("BEGIN IMMEDIATE") as connection:
            yield connection

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """One snapshot, so a count and the page of hits it describes agree."""
        with self._lock, _translated_errors(), self._transaction("BEGIN") as connection:
            yield connection

    def upsert(self, record: dict[str, Any]) -> None:
        row = IndexedRecord.from_record(record)
        with self._writing() as connection:
            _replace(connection, row)

    def upsert_many(self, records: Iterable[dict[str, Any]]) -> int:
        with self._writing() as connection:
            return _replace_all(connection, records)

    def delete(self, record_id: str) -> None:
        with self._writing() as connection:
            _remove(connection, nfc(record_id))

    def clear(self) -> None:
        self.rebuild(())

    def rebuild(self, records: Iterable[dict[str, Any]]) -> int:
        """One write transaction: readers (WAL) keep seeing the old index until it commits."""
        with self._writing() as connection:
            connection.execute("DELETE FROM documents_fts")
            connection.execute("DELETE FROM documents")
            return _replace_all(connection, records)

    def count(self) -> int:
        with self._reading() as connection:
            return int(connection.execute("SELECT count(*) FROM documents").fetchone()[0])

    def resolve_id(self, prefix: str) -> list[str]:
        prefix = nfc(prefix)
        if not prefix:
            return []
        with self._reading() as connection:
            # A range rather than LIKE, which would treat _ and % as wildcards
            # and ignore case.
            rows = connection.execute(
                "SELECT id FROM documents WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
                (prefix, prefix + chr(0x10FFFF), _RESOLVE_LIMIT),
            ).fetchall()
        return [row["id"] for row in rows]

    def search(self, query: str, filters: Filters = NO_FILTERS, *, limit: int = 10, offset: int = 0
               ) -> SearchResults:
        """Score: 1 when the record holds every chunk as spelled, plus bm25
        relevance squashed into [0, 1), so ordering by score is the ordering
        described in the module docstring. 0.0 when listing without a query."""
        statements = _statements(query, _filters(filters))
        if statements is None:
            return SearchResults(total=0, hits=[])
        count_sql, count_arguments, page_sql, page_arguments, _ = statements
        with self._reading() as connection:
            total = connection.execute(count_sql, count_arguments).fetchone()[0]
            rows = connection.execute(page_sql, [*page_arguments, max(0, limit), max(0, offset)]).fetchall()
            texts = _texts(connection, [row["fts_rowid"] for row in rows])
        phrases = query_phrases(query)
        return SearchResults(
            total=total,
            hits=[
                SearchHit(
                    id=row["id"],
                    score=float(row["score"]),
                    snippet=make_snippet(texts[row["fts_rowid"]], phrases),
                    doc_type=row["doc_type"],
                    owner_id=row["owner_id"],
                    dossier_code=row["dossier_code"],
                    filename=row["filename"],
                    ingested_at=row["ingested_at"],
                    pages=row["pages"],
                )
                for row in rows
            ],
        )

    def doc_type_counts(self, query: str, filters: Filters = NO_FILTERS) -> dict[str, int]:
        statements = _statements(query, _filters(dataclasses.replace(filters, doc_type=None)))
        if statements is None:
            return {}
        with self._reading() as connection:
            rows = connection.execute(statements.by_doc_type_sql, statements.count_arguments)
            return {row[0]: row[1] for row in rows}

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def __enter__(self) -> SqliteIndex:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def _replace_all(connection: sqlite3.Connection, records: Iterable[dict[str, Any]]) -> int:
    count = 0
    for record in records:
        _replace(connection, IndexedRecord.from_record(record))
        count += 1
    return count


def _replace(connection: sqlite3.Connection, row: IndexedRecord) -> None:
    _remove(connection, row.id)
    cursor = connection.execute(
        "INSERT INTO documents (id, doc_type, owner_id, dossier_code, procedure_code, agency, filename, ingested_at,"
        " ingested_epoch, ingested_date, pages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row.id,
            row.doc_type,
            row.owner_id,
            row.dossier_code,
            row.procedure_code,
            row.agency,
            row.filename,
            row.ingested_at,
            row.instant.timestamp(),
            row.ingested_date,
            row.pages,
        ),
    )
    connection.execute(
        "INSERT INTO documents_fts (rowid, text, text_folded, identifiers, identifiers_folded) VALUES (?, ?, ?, ?, ?)",
        (cursor.lastrowid, row.text, fold(row.text), row.identifiers, fold(row.identifiers)),
    )


def _remove(connection: sqlite3.Connection, record_id: str) -> None:
    found = connection.execute("SELECT fts_rowid FROM documents WHERE id = ?", (record_id,)).fetchone()
    if found is not None:
        connection.execute("DELETE FROM documents_fts WHERE rowid = ?", (found["fts_rowid"],))
        connection.execute("DELETE FROM documents WHERE fts_rowid = ?", (found["fts_rowid"],))


def _texts(connection: sqlite3.Connection, fts_rowids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Fetched for the page of hits only: sorting every match with its text
    attached would read the whole text of every match."""
    placeholders = ", ".join("?" * len(fts_rowids))
    rows = connection.execute(
        f"SELECT rowid, text, identifiers FROM documents_fts WHERE rowid IN ({placeholders})", fts_rowids
    )
    return {row["rowid"]: (row["text"], row["identifiers"]) for row in rows}
