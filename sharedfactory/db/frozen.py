"""A Piccolo migration made of frozen DDL, one list per engine."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder


def ddl_migration(
    migration_id: str, description: str, sqlite: Sequence[str], postgres: Sequence[str]
) -> Callable[[], Awaitable[MigrationManager]]:
    async def forwards() -> MigrationManager:
        manager = MigrationManager(
            migration_id=migration_id, app_name="sharedfactory", description=description
        )

        async def create() -> None:
            engine = engine_finder()
            assert engine is not None, "use_database() installs the engine first"
            for sql in sqlite if engine.engine_type == "sqlite" else postgres:
                await engine.run_ddl(sql)

        manager.add_raw(create)
        return manager

    return forwards
