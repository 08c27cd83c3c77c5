"""A raw connection of the benchmark's own (sqlite3 or asyncpg), apart from the app's engine, for
polling what the ingest has committed and for bulk-loading synthetic rollups."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote


def numbered(sql: str) -> str:
    counter = iter(range(1, 10_000))
    return re.sub(r"\?", lambda _match: f"${next(counter)}", sql)


class RawDb:
    """`?` placeholders on both engines; every read sees what was committed before it began."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = not url.startswith("sqlite:///")
        self._sqlite: sqlite3.Connection | None = None
        self._pg: Any = None
        self._turn = asyncio.Lock()  # one asyncpg connection runs one query at a time

    async def open(self) -> RawDb:
        if self.postgres:
            import asyncpg

            self._pg = await asyncpg.connect(self.url)
        else:
            path = unquote(self.url.removeprefix("sqlite:///"))
            self._sqlite = sqlite3.connect(
                path, isolation_level=None, timeout=30, check_same_thread=False
            )
        return self

    async def fetch(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        if self._pg is not None:
            async with self._turn:
                return [tuple(row) for row in await self._pg.fetch(numbered(sql), *args)]
        assert self._sqlite is not None
        return list(self._sqlite.execute(sql, args).fetchall())

    async def scalar(self, sql: str, *args: Any) -> Any:
        return (await self.fetch(sql, *args))[0][0]

    async def executemany(self, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
        if self._pg is not None:
            async with self._pg.transaction():
                await self._pg.executemany(numbered(sql), rows)
            return
        assert self._sqlite is not None
        connection = self._sqlite

        def write() -> None:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(sql, rows)
            connection.execute("COMMIT")

        await asyncio.to_thread(write)

    async def close(self) -> None:
        if self._pg is not None:
            await self._pg.close()
        if self._sqlite is not None:
            self._sqlite.close()
