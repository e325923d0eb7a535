"""Who is calling: RS256 bearer tokens checked against an issuer's public keys.

In production the issuer is the province's identity provider, reached through its
JWKS URL (`SOHOA_AUTH_JWKS_URL`). For development and the demo the service is its
own issuer: an RSA key pair made once under `$SOHOA_HOME/issuer/`, its public half
served at `/.well-known/jwks.json`, tokens minted by `sohoa token`. The local
issuer's keys are read from disk rather than fetched over HTTP, so a single-worker
server never waits on itself.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CITIZEN, OFFICER = "citizen", "officer"
Role = Literal["citizen", "officer"]
ALGORITHM = "RS256"
# Clocks of the issuer and this server may differ a little.
LEEWAY_SECONDS = 30


class AuthError(Exception):
    """The request does not prove who is calling; the message is safe to show."""


class IssuerUnavailableError(Exception):
    """The issuer's keys could not be fetched: nobody can be authenticated until it is back."""


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    personal_number: str | None = None  # citizens: the owner_id of their papers
    agency: str | None = None  # officers: when set, only records of this agency
    name: str | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.subject


def read_or_create_secret(path: Path, make: Callable[[], bytes]) -> bytes:
    """The file's bytes, creating it (mode 0600) the first time; when processes race, the first one's bytes win."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(make())
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # fails if another process got there first
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)
    return path.read_bytes()


def _thumbprint(public_jwk: dict[str, Any]) -> str:
    """RFC 7638 key id: stable for the key, so tokens keep verifying across restarts."""
    canonical = json.dumps({name: public_jwk[name] for name in ("e", "kty", "n")}, separators=(",", ":"))
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def new_private_key() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


class LocalIssuer:
    """The development issuer: one RSA key under `folder`, made on first use."""

    def __init__(self, folder: Path, *, issuer: str, audience: str) -> None:
        self._path = folder / "private.pem"
        self.issuer = issuer
        self.audience = audience
        private = serialization.load_pem_private_key(read_or_create_secret(self._path, new_private_key), None)
        if not isinstance(private, rsa.RSAPrivateKey):
            raise ValueError(f"{self._path} does not hold an RSA private key")
        self._private_key = private
        public = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
        self.key_id = _thumbprint(public)
        self._jwks = {"keys": [{**public, "kid": self.key_id, "use": "sig", "alg": ALGORITHM}]}

    def jwks(self) -> dict[str, Any]:
        return self._jwks

    def mint(
        self,
        *,
        subject: str,
        role: Role,
        personal_number: str | None = None,
        agency: str | None = None,
        name: str | None = None,
        lifetime: dt.timedelta = dt.timedelta(hours=8),
        now: dt.datetime | None = None,
    ) -> str:
        issued = now or dt.datetime.now(dt.timezone.utc)
        claims: dict[str, Any] = {
            "iss": self.issuer, "aud": self.audience, "sub": subject, "role": role,
            "iat": issued, "nbf": issued, "exp": issued + lifetime,
        }
        for claim, value in (("personal_number", personal_number), ("agency", agency), ("name", name)):
            if value:
                claims[claim] = value
        return jwt.encode(claims, self._private_key, algorithm=ALGORITHM, headers={"kid": self.key_id})


KeyFinder = Callable[[str], Any]  # token -> the verifying key its `kid` names


def local_keys(issuer: LocalIssuer) -> KeyFinder:
    keys = {key.key_id: key.key for key in jwt.PyJWKSet.from_dict(issuer.jwks()).keys}

    def find(token: str) -> Any:
        try:
            key_id = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as error:
            raise AuthError("malformed token") from error
        if not isinstance(key_id, str) or key_id not in keys:
            raise AuthError("token signed by an unknown key")
        return keys[key_id]

    return find


def remote_keys(jwks_url: str) -> KeyFinder:
    """Keys fetched from the issuer and cached; a `kid` not yet seen triggers one refetch (key rotation)."""
    client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600, timeout=10)

    def find(token: str) -> Any:
        try:
            return client.get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientConnectionError as error:
            raise IssuerUnavailableError(str(error)) from error
        except jwt.PyJWKClientError as error:
            raise AuthError(f"no key of the issuer verifies this token ({error})") from error
        except jwt.PyJWTError as error:
            raise AuthError("malformed token") from error

    return find


class TokenVerifier:
    def __init__(self, keys: KeyFinder, *, issuer: str, audience: str) -> None:
        self._keys = keys
        self._issuer = issuer
        self._audience = audience

    def verify(self, token: str) -> Principal:
        key = self._keys(token)
        try:
            claims = jwt.decode(
                token, key, algorithms=[ALGORITHM], audience=self._audience, issuer=self._issuer,
                leeway=LEEWAY_SECONDS, options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise AuthError("token expired") from error
        except jwt.PyJWTError as error:
            raise AuthError(f"invalid token ({error})") from error
        return principal_from_claims(claims)


def _optional_text(claims: dict[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise AuthError(f"claim {name} must be a string")
    return value


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    role = claims.get("role")
    subject = _optional_text(claims, "sub")
    if subject is None:
        raise AuthError("token has no subject")
    personal_number = _optional_text(claims, "personal_number")
    if role == CITIZEN:
        if personal_number is None:
            raise AuthError("a citizen's token must carry personal_number")
        return Principal(subject, CITIZEN, personal_number=personal_number, name=_optional_text(claims, "name"))
    if role == OFFICER:
        return Principal(subject, OFFICER, agency=_optional_text(claims, "agency"), name=_optional_text(claims, "name"))
    raise AuthError("token role must be citizen or officer")
