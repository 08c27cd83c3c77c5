"""A database that is full or away answers 503 with Retry-After, never 500.

SQLite's file system full (SQLITE_FULL), a failing disk, a lock held too long; PostgreSQL
stopped, restarting, out of disk or connections: the request did not happen, and the person
is told why and to try again. Every other database error stays a 500 (a bug to fix).
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import asyncpg
from litestar import Request, Response
from litestar.exceptions import HTTPException, InternalServerException

from sharedfactory.bookings.api import language
from sharedfactory.bookings.rules import _
from sharedfactory.i18n.catalog import gettext_for
from sharedfactory.web.errors import page_or_json_error

RETRY_AFTER_S = 30
FULL = _("the database's disk is full: nothing was saved; try again once space is freed")
AWAY = _("the database cannot be reached just now: try again in a moment")
# SQLite's primary result codes (the low byte of the extended one).
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN = 5, 6, 10, 13, 14
POSTGRES_AWAY = (
    asyncpg.exceptions.PostgresConnectionError,  # class 08: cannot connect, connection lost
    asyncpg.exceptions.OperatorInterventionError,  # class 57: shutting down, starting up
    asyncpg.exceptions.ConnectionDoesNotExistError,  # closed in the middle of a query
    ConnectionError,  # refused or reset before PostgreSQL could say anything
)
# A connection the server closed while it sat in a transaction leaves asyncpg's side confused
# ("another operation is in progress", "the underlying connection is closed"). Misuse in our own
# code would look the same, so these are answered 503 but logged with their traceback.
CONFUSED = (asyncpg.exceptions.InterfaceError, asyncpg.exceptions.InternalClientError)
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    sqlite3.OperationalError,
    asyncpg.exceptions.InsufficientResourcesError,  # class 53: disk full, too many connections
    *POSTGRES_AWAY,
    *CONFUSED,
)
log = logging.getLogger(__name__)


def cause(error: BaseException | None) -> str | None:
    """FULL, AWAY, or None for an error that is not about the database being unavailable; an
    error raised while handling one (the rollback after a lost connection) has its cause."""
    seen = 0
    while error is not None and seen < 5:
        if (found := _own_cause(error)) is not None:
            return found
        error, seen = error.__cause__ or error.__context__, seen + 1
    return None


def _own_cause(error: BaseException) -> str | None:
    if isinstance(error, sqlite3.OperationalError):
        code = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
        if code == SQLITE_FULL:
            return FULL
        return AWAY if code in (SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN) else None
    if isinstance(error, asyncpg.exceptions.DiskFullError):
        return FULL
    if isinstance(
        error, (asyncpg.exceptions.InsufficientResourcesError, *POSTGRES_AWAY, *CONFUSED)
    ):
        return AWAY
    return None


def database_unavailable(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    """503 in the person's language (a JSON body on the API, the error page elsewhere)."""
    found = cause(error)
    if found is None:
        log.error("unhandled database error on %s", request.url.path, exc_info=error)
        return page_or_json_error(request, InternalServerException())
    log.warning(
        "database unavailable on %s: %s",
        request.url.path,
        error,
        exc_info=error if isinstance(error, CONFUSED) else None,
    )
    detail = gettext_for(language(request))(found)
    extra = [{"key": "database", "message": "disk full" if found == FULL else "unavailable"}]
    answer = page_or_json_error(request, HTTPException(status_code=503, detail=detail, extra=extra))
    answer.headers["Retry-After"] = str(RETRY_AFTER_S)
    return answer
