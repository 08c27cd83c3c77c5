"""Applying the Piccolo migrations, idempotently, on the installed engine."""

from __future__ import annotations

from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine


class MigrationError(RuntimeError):
    pass


async def migrate(engine: Engine) -> None:
    if isinstance(engine, SQLiteEngine):
        # WAL is a property of the file: set once, every later connection uses it.
        await engine.run_ddl("PRAGMA journal_mode=WAL")
    result = await run_forwards(app_name="sharedfactory", migration_id="all")
    if not result.success:
        raise MigrationError(result.message or "migration failed")


async def check_connection(engine: Engine) -> None:
    """Fail early with the driver's own message when the database cannot be reached."""
    await engine.run_ddl("SELECT 1")
