"""Choosing and installing the Piccolo engine from the database URL.

Piccolo finds its engine through ``piccolo_conf`` (for migrations) and through each table's
``_meta.db``. ``use_database`` sets both before anything queries, so the URL comes from the
settings handed to the app and never from import-time environment reads.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from sharedfactory.db.sqlite_pool import PooledSQLiteEngine
from sharedfactory.settings import DEFAULT_DATABASE_URL, SettingsError

PICCOLO_CONF = "sharedfactory.db.piccolo_conf"
_installed: dict[str, Engine] = {}


def engine_for(url: str) -> Engine:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        raw = unquote(url.removeprefix("sqlite:///"))
        if not url.startswith("sqlite:///") or not raw:
            raise SettingsError(
                "SHAREDFACTORY_DATABASE_URL: write sqlite:///PATH (four slashes: absolute)"
            )
        path = Path(raw)
        path.parent.mkdir(parents=True, exist_ok=True)
        return PooledSQLiteEngine(path=str(path), timeout=30)
    if parts.scheme in ("postgresql", "postgres"):
        with warnings.catch_warnings():
            # Piccolo asks the server's version on creation and warns when it is unreachable;
            # check_connection reports that case once, naming the setting.
            warnings.simplefilter("ignore")
            return PostgresEngine(config={"dsn": url}, log_queries=False)
    raise SettingsError(f"SHAREDFACTORY_DATABASE_URL: unknown scheme {parts.scheme!r}")


def use_database(url: str) -> Engine:
    """Make ``url`` the engine of every table and of Piccolo's migration machinery."""
    engine = engine_for(url)
    _installed["engine"] = engine
    os.environ["PICCOLO_CONF"] = PICCOLO_CONF
    from sharedfactory.db.registry import TABLES

    for table in TABLES:
        table._meta.db = engine
    # Piccolo's own migration table and its conf module keep the first engine they saw; a process
    # that switches databases (a benchmark, a test) must move them too.
    from piccolo.apps.migrations.tables import Migration

    Migration._meta.db = engine
    conf = sys.modules.get(PICCOLO_CONF)
    if conf is not None:
        conf.DB = engine  # type: ignore[attr-defined]
    return engine


def current_engine() -> Engine:
    """The installed engine; Piccolo's own CLI (development only) falls back to the env URL."""
    if "engine" in _installed:
        return _installed["engine"]
    return engine_for(os.environ.get("SHAREDFACTORY_DATABASE_URL", DEFAULT_DATABASE_URL))
