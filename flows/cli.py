"""The `sohoa` command. Prefect is imported only by the commands that run a flow,
so `search` and `show` answer in a fraction of a second."""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated, Optional

import typer

from flows.console import batch_summary, err, out, search_results
from flows.settings import Settings, default_home

app = typer.Typer(
    help=(
        "sohoa: digitise, store and find Vietnamese dossiers.\n\n"
        f"Data lives in $SOHOA_HOME (now: {os.environ.get('SOHOA_HOME') or default_home()})."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _prepare_prefect(settings: Settings) -> None:
    """Prefect runs locally with its state under SOHOA_HOME and never phones home, unless told otherwise."""
    settings.prefect_home.mkdir(parents=True, exist_ok=True)
    defaults = {
        "PREFECT_HOME": str(settings.prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)


def _print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files or folders of scanned papers")],
    manifest: Annotated[Optional[str], typer.Option(help="CSV or JSON: file, owner_id, dossier_code, procedure_code")] = None,
    report: Annotated[Optional[str], typer.Option(help="Write the batch report as JSON to this file")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the batch report as JSON on stdout")] = False,
) -> None:
    """OCR, store and index scanned papers; every file ends indexed, duplicate or quarantined."""
    settings = Settings()
    _prepare_prefect(settings)
    from ocr.errors import MissingDependencyError
    from pipeline.manifest import ManifestError

    from flows.ingest import run

    try:
        result = run(paths, manifest=manifest, report=report, show_progress=err.is_terminal and not as_json)
    except (MissingDependencyError, ManifestError) as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from error
    if as_json:
        _print_json(result)
    else:
        err.print(batch_summary(result))
    unresolved = [d for d in result["documents"] if d["status"] == "quarantined" and not d["reason"]]
    raise typer.Exit(1 if unresolved else 0)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find; diacritics optional")] = "",
    owner: Annotated[Optional[str], typer.Option(help="Only records of this owner (personal number)")] = None,
    doc_type: Annotated[Optional[str], typer.Option("--type", help="Only this doc_type")] = None,
    dossier: Annotated[Optional[str], typer.Option(help="Only this dossier code")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 10,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Find records by name, ID number, dossier code or any words in them."""
    from flows.wiring import build_index
    from search.base import Filters

    index = build_index(Settings())
    results = index.search(query, Filters(owner_id=owner, doc_type=doc_type, dossier_code=dossier), limit=limit)
    index.close()
    if as_json:
        _print_json({"query": query, "total": results.total, "hits": [hit.__dict__ for hit in results.hits]})
    else:
        out.print(search_results(query, results))


@app.command()
def show(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="Record id or a unique prefix of it")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show one record."""
    from pipeline.ingest import load_record
    from storage.base import ObjectNotFoundError

    from flows.wiring import build_index, build_store

    settings = Settings()
    index = build_index(settings)
    matches = index.resolve_id(record_id.lower())
    index.close()
    if len(matches) != 1:
        err.print(f"[red]error:[/red] {'no record' if not matches else 'several records'} match “{record_id}”")
        raise typer.Exit(1)
    try:
        record = load_record(build_store(settings), matches[0])
    except ObjectNotFoundError:
        err.print(f"[red]error:[/red] record {matches[0]} is indexed but not stored: run `sohoa reindex`")
        raise typer.Exit(1)
    if as_json:
        _print_json(record)
        return
    out.print(f"[bold]{record['id']}[/bold]  {record['doc_type']}  {record['source']['filename']}")
    out.print(f"owner {record['owner_id'] or '-'}  dossier {record['dossier_code'] or '-'}  "
              f"ingested {record['ingested_at']}  review: {'yes' if record['needs_review'] else 'no'}")
    out.print(f"original: {record['storage']['original']}\nsearchable PDF: {record['storage']['searchable_pdf']}")
    for page in record["pages"]:
        out.rule(f"page {page['number']} ({page['source']}, confidence {page['confidence']:.2f})")
        out.print(page["text"], markup=False, highlight=False)


@app.command()
def reindex() -> None:
    """Rebuild the search index from the object store (the system of record)."""
    from flows.wiring import rebuild_index

    err.print(f"reindexed {rebuild_index(Settings())} records")



@app.command()
def verify(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Re-read every stored original and report any whose bytes changed or vanished (exit 1 if any)."""
    from pipeline.verify import OK, verify_store

    from flows.wiring import build_store

    results = verify_store(build_store(Settings()))
    damaged = [result for result in results if result.status != OK]
    if as_json:
        _print_json({"checked": len(results), "damaged": [result.to_dict() for result in damaged]})
    else:
        for result in damaged:
            err.print(f"[red]{result.status}[/red] {result.key} (record {result.id})")
        err.print(f"checked {len(results)} originals: {len(damaged)} changed or missing")
    raise typer.Exit(1 if damaged else 0)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; 0.0.0.0 opens it to the network")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    demo_login: Annotated[
        bool, typer.Option("--demo-login", help="Let the login page mint tokens for any demo user")
    ] = False,
) -> None:
    """Start the web service: the JSON API (/openapi.json) and the Vietnamese pages for officers and citizens."""
    import uvicorn

    from service.app import create_app

    settings = Settings()
    if demo_login:
        settings = settings.model_copy(update={"demo_login": True})
    uvicorn.run(create_app(settings), host=host, port=port)


@app.command()
def token(
    citizen: Annotated[Optional[str], typer.Option(help="A citizen's 12-digit personal number")] = None,
    officer: Annotated[Optional[str], typer.Option(help="An officer's name")] = None,
    agency: Annotated[Optional[str], typer.Option(help="Officer's agency: only its records are visible")] = None,
    hours: Annotated[float, typer.Option(min=0.01, max=24 * 30, help="How long the token is valid")] = 8.0,
) -> None:
    """Mint a token from the local issuer, for development and the demo; prints it on stdout."""
    import datetime as dt
    import re

    from service.services import local_issuer

    settings = Settings()
    if (citizen is None) == (officer is None):
        err.print("[red]error:[/red] give exactly one of --citizen NUMBER or --officer NAME")
        raise typer.Exit(2)
    if settings.auth_jwks_url:
        err.print("[red]error:[/red] SOHOA_AUTH_JWKS_URL is set: tokens come from that issuer, not from sohoa")
        raise typer.Exit(2)
    issuer = local_issuer(settings)
    lifetime = dt.timedelta(hours=hours)
    if citizen is not None:
        if not re.fullmatch(r"[0-9]{12}", citizen) or agency:
            err.print("[red]error:[/red] --citizen takes a 12-digit personal number, and no --agency")
            raise typer.Exit(2)
        minted = issuer.mint(subject=citizen, role="citizen", personal_number=citizen, lifetime=lifetime)
    else:
        minted = issuer.mint(subject=officer, role="officer", agency=agency, name=officer, lifetime=lifetime)
    sys.stdout.write(minted + "\n")
