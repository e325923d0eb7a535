"""The sohoa web service: `create_app(settings)` builds the FastAPI app (`sohoa serve` runs it with uvicorn).

Officers search, open and review records; citizens see, download and reuse their own
papers; every access is checked against the stored record and written to the audit
log. The JSON API is under `/api`, described at `/openapi.json` (no Swagger page: it
loads its scripts from a CDN, and counter machines are offline); the Vietnamese web
pages are at `/` (`/search`, `/records/<id>`, `/papers`, `/dossiers`).

Getting tokens for development, tests and the demo (local issuer, the default when
`SOHOA_AUTH_JWKS_URL` is unset; its key pair is made under `$SOHOA_HOME/issuer/` on
first use and its public keys are served at `/.well-known/jwks.json`):

    sohoa token --citizen 079203001234                 # a citizen, by personal number
    sohoa token --officer "Nguyễn Văn An" --agency H57  # an officer of one agency
    sohoa token --officer admin --hours 1               # an officer who sees every agency

    curl -H "Authorization: Bearer $(sohoa token --officer admin)" http://127.0.0.1:8000/api/search?q=nguyen

In Python (tests, benchmarks), with the same settings as the app:

    from service.services import local_issuer
    token = local_issuer(settings).mint(subject="079203001234", role="citizen", personal_number="079203001234")

In a browser, paste a token on `/login`; with `sohoa serve --demo-login` (or
`SOHOA_DEMO_LOGIN=true`) that page also mints one for any demo citizen or officer.
Never enable demo login on a server others can reach.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from flows.settings import Settings
from search.base import IndexBusyError, SearchUnavailableError
from storage.base import ObjectNotFoundError, StoreUnavailableError

from service import access, api, operations, pages, records, reuse, signing, thumbnails
from service.auth import IssuerUnavailableError
from service.services import build_services

# The plain modules' exceptions, as HTTP statuses; the message goes to the caller.
ERROR_STATUS: dict[type[Exception], int] = {
    records.RecordNotFoundError: status.HTTP_404_NOT_FOUND,
    operations.NothingVisibleError: status.HTTP_404_NOT_FOUND,
    thumbnails.PageNotFoundError: status.HTTP_404_NOT_FOUND,
    ObjectNotFoundError: status.HTTP_404_NOT_FOUND,
    records.AmbiguousRecordError: status.HTTP_409_CONFLICT,
    records.VersionConflictError: status.HTTP_409_CONFLICT,
    reuse.AlreadyLinkedError: status.HTTP_409_CONFLICT,
    records.FieldRejectedError: status.HTTP_422_UNPROCESSABLE_CONTENT,
    reuse.ReuseRefusedError: status.HTTP_422_UNPROCESSABLE_CONTENT,
    access.ForbiddenFilterError: status.HTTP_403_FORBIDDEN,
    signing.LinkRefusedError: status.HTTP_403_FORBIDDEN,
    thumbnails.RenderError: status.HTTP_503_SERVICE_UNAVAILABLE,
    StoreUnavailableError: status.HTTP_503_SERVICE_UNAVAILABLE,
    IndexBusyError: status.HTTP_503_SERVICE_UNAVAILABLE,
    SearchUnavailableError: status.HTTP_503_SERVICE_UNAVAILABLE,
    IssuerUnavailableError: status.HTTP_503_SERVICE_UNAVAILABLE,
}
_MACHINE_PATHS = ("/api/", "/.well-known/", "/openapi.json", "/healthz")


def _for_machines(request: Request) -> bool:
    return request.url.path.startswith(_MACHINE_PATHS)


def _message(error: Exception) -> str:
    # A store's message names object keys; callers learn only that the file is missing.
    return "not found" if isinstance(error, ObjectNotFoundError) else str(error)


async def _domain_error(request: Request, error: Exception) -> Response:
    code = next(code for kind, code in ERROR_STATUS.items() if isinstance(error, kind))
    if _for_machines(request):
        return JSONResponse({"detail": _message(error)}, status_code=code)
    return _error_page(request, code, _message(error))


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    if _for_machines(request):
        return await http_exception_handler(request, error)
    return _error_page(request, error.status_code, str(error.detail))


def _error_page(request: Request, code: int, message: str) -> Response:
    services = request.app.state.services
    titles = {403: "Không có quyền truy cập", 404: "Không tìm thấy", 409: "Xung đột", 422: "Dữ liệu không hợp lệ"}
    if code == status.HTTP_404_NOT_FOUND:
        message = "Không tìm thấy giấy tờ hoặc hồ sơ này, hoặc bạn không có quyền xem."
    return pages.render(request, services, "error.html", status_code=code, title=titles.get(code, "Lỗi"),
                        message=message)


async def _login_required(request: Request, error: Exception) -> Response:
    assert isinstance(error, pages.LoginRequiredError)
    target = pages.safe_next(error.next_path) or "/"
    return RedirectResponse(request.url_for("login_page").include_query_params(next=target),
                            status.HTTP_303_SEE_OTHER)


def create_app(settings: Settings) -> FastAPI:
    services = build_services(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        services.audit.close()  # the events of the last requests, before uvicorn ends the process
        services.index.close()

    app = FastAPI(
        title="sohoa",
        version="0.1.0",
        summary="Digitised Vietnamese public-administration papers: search, review, citizens' reuse",
        description=__doc__ or "",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    for kind in ERROR_STATUS:
        app.add_exception_handler(kind, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(pages.LoginRequiredError, _login_required)

    @app.get("/.well-known/jwks.json", tags=["identity"])
    def jwks() -> dict[str, Any]:
        """The local issuer's public keys (only when tokens come from the local issuer)."""
        if services.issuer is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "tokens come from an outside issuer")
        return services.issuer.jwks()

    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, str]:
        """Liveness, for load balancers; says nothing about records."""
        return {"status": "ok"}

    return app
