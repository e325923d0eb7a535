"""FastAPI dependencies: the process's services, and the caller proven by their token.

A token is accepted from the `Authorization: Bearer` header (API clients) or from the
HttpOnly login cookie (the web pages, and the images and downloads they link to).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from service.auth import CITIZEN, OFFICER, AuthError, Principal
from service.operations import Caller
from service.services import Services

COOKIE = "sohoa_token"


def get_services(request: Request) -> Services:
    return request.app.state.services


def presented_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return request.cookies.get(COOKIE) or None


def unauthorized(message: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, message, headers={"WWW-Authenticate": "Bearer"})


def authenticate(request: Request, services: Services) -> Principal:
    """Raises AuthError when no valid token comes with the request."""
    token = presented_token(request)
    if token is None:
        raise AuthError("a bearer token or the login cookie is required")
    return services.verifier.verify(token)


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def current_caller(request: Request, services: Annotated[Services, Depends(get_services)]) -> Caller:
    try:
        principal = authenticate(request, services)
    except AuthError as error:
        raise unauthorized(str(error)) from error
    return Caller(principal, client_address(request))


def require_officer(caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
    if caller.principal.role != OFFICER:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "officers only")
    return caller


def require_citizen(caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
    if caller.principal.role != CITIZEN:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "citizens only")
    return caller


ServicesDep = Annotated[Services, Depends(get_services)]
CallerDep = Annotated[Caller, Depends(current_caller)]
OfficerDep = Annotated[Caller, Depends(require_officer)]
CitizenDep = Annotated[Caller, Depends(require_citizen)]
