"""Settings of CONTRACTS.md section 2, read from the environment only when asked."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "sqlite:///./sharedfactory.db"
# Rupiah per kWh: the business tariff of PRODUCT.md, what the reports' energy cost is priced at.
DEFAULT_ELECTRICITY_TARIFF = Decimal("1444.70")
MAX_WEB_WORKERS = 64


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    mqtt_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str | None = None
    data_dir: Path = Path("./data")
    smtp_url: str | None = None
    mail_from: str = "sharedfactory@localhost"
    electricity_tariff: Decimal = DEFAULT_ELECTRICITY_TARIFF
    web_workers: int = 1

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        settings = cls(
            database_url=env.get("SHAREDFACTORY_DATABASE_URL", DEFAULT_DATABASE_URL),
            mqtt_url=env.get("SHAREDFACTORY_MQTT_URL") or None,
            host=env.get("SHAREDFACTORY_HOST", "127.0.0.1"),
            port=_port(env.get("SHAREDFACTORY_PORT", "8000")),
            secret_key=env.get("SHAREDFACTORY_SECRET_KEY") or None,
            data_dir=Path(env.get("SHAREDFACTORY_DATA_DIR", "./data")),
            smtp_url=env.get("SHAREDFACTORY_SMTP_URL") or None,
            mail_from=env.get("SHAREDFACTORY_MAIL_FROM") or "sharedfactory@localhost",
            electricity_tariff=_tariff(env.get("SHAREDFACTORY_ELECTRICITY_TARIFF")),
            web_workers=_workers(env.get("SHAREDFACTORY_WEB_WORKERS", "1")),
        )
        settings.check()
        return settings

    def check(self) -> None:
        scheme = urlsplit(self.database_url).scheme
        if scheme not in ("sqlite", "postgresql", "postgres"):
            raise SettingsError(
                f"SHAREDFACTORY_DATABASE_URL: unknown scheme {scheme!r} "
                "(use sqlite:///PATH or postgresql://user:pass@host:port/db)"
            )
        if self.mqtt_url and urlsplit(self.mqtt_url).scheme not in ("mqtt", "mqtts"):
            raise SettingsError(
                "SHAREDFACTORY_MQTT_URL: use mqtt://user:pass@host:port or mqtts://"
            )
        if self.smtp_url and not _smtp_url_ok(self.smtp_url):
            raise SettingsError(
                "SHAREDFACTORY_SMTP_URL: use smtp://user:pass@host:port or smtps:// for TLS"
            )
        if "@" not in self.mail_from or any(c in self.mail_from for c in "\r\n<>"):
            raise SettingsError(f"SHAREDFACTORY_MAIL_FROM: {self.mail_from!r} is not an address")
        if not (self.electricity_tariff.is_finite() and self.electricity_tariff > 0):
            raise SettingsError(
                f"SHAREDFACTORY_ELECTRICITY_TARIFF: {self.electricity_tariff} is not a price "
                "above 0 (Rupiah per kWh, e.g. 1444.70)"
            )

    def resolved_secret_key(self) -> str:
        """The configured key, else one generated once into the data directory."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            draft = path.with_name(f"secret_key.{os.getpid()}")
            with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
                f.write(secrets.token_urlsafe(48))
            try:  # a link appears whole or not at all: processes starting together read one key
                os.link(draft, path)
            except FileExistsError:
                pass
            finally:
                draft.unlink()
        return path.read_text().strip()


def _port(raw: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"SHAREDFACTORY_PORT: {raw!r} is not a TCP port (1-65535)")
    return int(raw)


def _workers(raw: str) -> int:
    if not raw.strip().isdigit() or not 1 <= int(raw) <= MAX_WEB_WORKERS:
        raise SettingsError(
            f"SHAREDFACTORY_WEB_WORKERS: {raw!r} is not a number of web server processes "
            f"(1-{MAX_WEB_WORKERS})"
        )
    return int(raw)


def _tariff(raw: str | None) -> Decimal:
    if not raw:
        return DEFAULT_ELECTRICITY_TARIFF
    try:
        return Decimal(raw.strip())
    except InvalidOperation:
        raise SettingsError(
            f"SHAREDFACTORY_ELECTRICITY_TARIFF: {raw!r} is not a number (Rupiah per kWh, "
            "e.g. 1444.70)"
        ) from None


def _smtp_url_ok(raw: str) -> bool:
    parts = urlsplit(raw)
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return False
    return parts.scheme in ("smtp", "smtps") and bool(parts.hostname)
