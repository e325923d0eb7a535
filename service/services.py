"""The backends and keys one service process works with, built once from settings."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from flows.settings import Settings
from flows.wiring import build_index, build_store
from search.base import Index
from storage.base import ObjectStore

from service.audit import AuditLog
from service.auth import LocalIssuer, TokenVerifier, local_keys, read_or_create_secret, remote_keys
from service.signing import UrlSigner, new_secret
from service.thumbnails import Thumbnails


@dataclass(frozen=True)
class Services:
    settings: Settings
    store: ObjectStore
    index: Index
    verifier: TokenVerifier
    issuer: LocalIssuer | None  # None when tokens come from an outside issuer
    signer: UrlSigner
    audit: AuditLog
    thumbnails: Thumbnails

    def csrf_token(self, login_token: str) -> str:
        """Ties a page's forms to the login cookie, which another site can make a browser send but cannot read."""
        return hmac.new(self.signer.secret, b"csrf:" + login_token.encode(), hashlib.sha256).hexdigest()


def local_issuer(settings: Settings) -> LocalIssuer:
    return LocalIssuer(settings.home / "issuer", issuer=settings.auth_issuer, audience=settings.auth_audience)


def build_services(settings: Settings) -> Services:
    store = build_store(settings)
    issuer = None if settings.auth_jwks_url else local_issuer(settings)
    keys = local_keys(issuer) if issuer else remote_keys(settings.auth_jwks_url or "")
    if settings.url_signing_key is not None:
        secret = settings.url_signing_key.get_secret_value().encode()
    else:
        secret = read_or_create_secret(settings.home / "service" / "url-signing.key", new_secret)
    return Services(
        settings=settings,
        store=store,
        index=build_index(settings),
        verifier=TokenVerifier(keys, issuer=settings.auth_issuer, audience=settings.auth_audience),
        issuer=issuer,
        signer=UrlSigner(secret, dt.timedelta(seconds=settings.signed_url_seconds)),
        audit=AuditLog(store),
        thumbnails=Thumbnails(store, settings.home / "cache" / "thumbnails", settings.thumbnail_dpi),
    )
