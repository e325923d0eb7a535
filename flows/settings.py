"""All configuration, read once at the entry point from SOHOA_* environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "sohoa"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOHOA_", extra="ignore")

    home: Path = Field(default_factory=default_home, description="Where the embedded default keeps everything")
    store: Literal["local", "s3"] = "local"
    index: Literal["sqlite", "elasticsearch"] = "sqlite"

    # S3 / MinIO, when store = "s3"
    s3_endpoint: str = "http://127.0.0.1:9000"
    s3_access_key: str = ""
    s3_secret_key: SecretStr = SecretStr("")
    s3_bucket: str = "sohoa"
    s3_region: str | None = None
    s3_object_lock: bool = True
    s3_retention_days: int | None = Field(default=None, ge=1)
    s3_retention_mode: Literal["GOVERNANCE", "COMPLIANCE"] = "GOVERNANCE"

    # Elasticsearch, when index = "elasticsearch"
    elasticsearch_url: str = "http://127.0.0.1:9200"
    elasticsearch_api_key: SecretStr | None = None
    elasticsearch_alias: str = "sohoa-records"
    agency: str | None = Field(default=None, description="Receiving unit code stamped on ingested records")
    ocr_lang: str = "vie"
    dpi: int = 300
    ocr_workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    # Documents in flight: more than OCR workers, so a core never waits while a
    # finished document is being written out.
    document_workers: int = Field(default_factory=lambda: 2 * (os.cpu_count() or 1) + 1, ge=1)
    max_pages: int = 1000
    max_file_mb: int = 2048
    task_retries: int = 2

    # Web service (`sohoa serve`). Tokens come from the issuer whose keys are at
    # auth_jwks_url; unset, from the local issuer kept under $SOHOA_HOME/issuer.
    auth_jwks_url: str | None = None
    auth_issuer: str = "sohoa-local"
    auth_audience: str = "sohoa"
    # Signs the short-lived download links the service hands out; unset, a key is
    # made once under $SOHOA_HOME/service. Every instance behind one address needs the same.
    url_signing_key: SecretStr | None = None
    signed_url_seconds: int = Field(default=300, ge=10, le=3600)
    thumbnail_dpi: int = Field(default=40, ge=10, le=150)
    # The login page may mint local tokens for any demo user: never on a reachable server.
    demo_login: bool = False
    cookie_secure: bool = Field(default=False, description="Send the login cookie over HTTPS only")

    @property
    def store_root(self) -> Path:
        return self.home / "store"

    @property
    def index_path(self) -> Path:
        return self.home / "index.sqlite3"

    @property
    def prefect_home(self) -> Path:
        return self.home / "prefect"
