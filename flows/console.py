"""What people see in the terminal: the batch progress bar, the summary, search results.

Everything goes to stderr except what a command is asked to output, so that
`--json` leaves stdout holding one JSON document and nothing else.
"""

from __future__ import annotations

import threading

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from search.base import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN

err = Console(stderr=True)
out = Console()


class _PagesPerMinute(ProgressColumn):
    def render(self, task) -> Text:
        elapsed = task.elapsed or 0
        rate = task.completed * 60 / elapsed if elapsed > 1 else 0
        return Text(f"{rate:.0f} pages/min", style="cyan")


class BatchProgress:
    """Pages done out of pages found so far; files are opened as they are reached, so the total grows."""

    def __init__(self, files: int, *, enabled: bool) -> None:
        self._lock = threading.Lock()
        self._progress = Progress(
            TextColumn("[bold]OCR"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("pages"),
            _PagesPerMinute(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[files]}"),
            console=err,
            disable=not enabled,
        )
        self._files_total = files
        self._files_done = 0
        self._task = self._progress.add_task("ocr", total=0, files=self._files_label())

    def _files_label(self) -> str:
        return f"{self._files_done}/{self._files_total} files"

    def __enter__(self) -> BatchProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()

    def pages_found(self, count: int) -> None:
        with self._lock:
            total = self._progress.tasks[0].total or 0
            self._progress.update(self._task, total=total + count)

    def page_done(self) -> None:
        self._progress.advance(self._task)

    def file_done(self) -> None:
        with self._lock:
            self._files_done += 1
            self._progress.update(self._task, files=self._files_label())


_STATUS_STYLE = {"indexed": "green", "duplicate": "yellow", "quarantined": "red"}


def batch_summary(report: dict) -> Table:
    table = Table(title=f"Batch {report['batch']}", show_lines=False)
    for column in ("file", "status", "pages", "type", "id / reason"):
        table.add_column(column, overflow="fold")
    for doc in report["documents"]:
        style = _STATUS_STYLE.get(doc["status"], "")
        status = doc["status"] + (" (review)" if doc.get("needs_review") else "")
        detail = doc["reason"] if doc["status"] == "quarantined" else (doc["id"] or "")[:16]
        table.add_row(doc["source"], f"[{style}]{status}", str(doc["pages"]), doc.get("doc_type") or "", detail)
    s = report["summary"]
    rate = f", {s['pages_per_minute']} pages/min" if s.get("pages_per_minute") else ""
    table.caption = (
        f"{s['files']} files: {s['indexed']} indexed, {s['duplicate']} duplicate, {s['quarantined']} quarantined, "
        f"{s['needs_review']} to review; {s['pages_ocred']} pages in {s['seconds']} s{rate}"
    )
    return table


def search_results(query: str, results) -> Table:
    """Identifiers kept whole on one line each; the snippet takes the rest of the width."""
    table = Table(title=f"{results.total} records for “{query}”", show_lines=True, expand=True)
    table.add_column("record", no_wrap=True)
    table.add_column("snippet", ratio=1, overflow="fold")
    for hit in results.hits:
        about = Text(f"{hit.id[:12]}\n{hit.doc_type}\n", style="bold")
        about.append(f"owner {hit.owner_id or '-'}\ndossier {hit.dossier_code or '-'}\n{hit.filename}", style="dim")
        table.add_row(about, _highlight(hit.snippet))
    return table


def _highlight(snippet: str) -> Text:
    text = Text()
    bold = False
    for part in snippet.replace(HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN).split(HIGHLIGHT_OPEN):
        text.append(part, style="bold yellow" if bold else "")
        bold = not bold
    return text
