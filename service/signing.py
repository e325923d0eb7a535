"""Short-lived download links that the service issues and checks itself.

A browser or PDF viewer cannot always send a bearer header, and the store's own URL
(a file path, or a presigned S3 URL) would hand over the bytes with no check at all.
So the service signs a grant naming one record, one file and the caller, valid for
minutes; redeeming it re-reads the record and applies the same access rule, so a grant
can never reach another record, whatever id is put in the URL.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

import jwt

from service.auth import CITIZEN, OFFICER, Principal

_ALGORITHM = "HS256"
_AUDIENCE = "sohoa-download"


class LinkRefusedError(Exception):
    """The link was not signed here, has expired, or names another record or file."""


@dataclass(frozen=True)
class Grant:
    principal: Principal
    record_id: str
    file: str


def new_secret() -> bytes:
    return secrets.token_hex(32).encode()


class UrlSigner:
    def __init__(self, secret: bytes, lifetime: dt.timedelta) -> None:
        self.secret = secret
        self.lifetime = lifetime

    def sign(
        self, principal: Principal, record_id: str, file: str, *, now: dt.datetime | None = None
    ) -> tuple[str, dt.datetime]:
        """A token for the `token` query parameter of the download URL, and when it stops working."""
        issued = now or dt.datetime.now(dt.timezone.utc)
        expires = issued + self.lifetime
        claims: dict[str, Any] = {
            "aud": _AUDIENCE, "iat": issued, "exp": expires, "rid": record_id, "file": file,
            "sub": principal.subject, "role": principal.role,
            "pn": principal.personal_number, "agency": principal.agency,
        }
        return jwt.encode(claims, self.secret, algorithm=_ALGORITHM), expires

    def check(self, token: str, record_id: str, file: str) -> Grant:
        """The grant, if `token` was signed here, is unexpired and names exactly this record and file."""
        try:
            claims = jwt.decode(token, self.secret, algorithms=[_ALGORITHM], audience=_AUDIENCE,
                                options={"require": ["exp", "rid", "file", "sub", "role"]})
        except jwt.PyJWTError as error:
            raise LinkRefusedError(f"invalid or expired download link ({error})") from error
        if claims["rid"] != record_id or claims["file"] != file or claims["role"] not in (CITIZEN, OFFICER):
            raise LinkRefusedError("this download link is for another file")
        principal = Principal(claims["sub"], claims["role"], personal_number=claims.get("pn"),
                              agency=claims.get("agency"))
        return Grant(principal, record_id, file)
