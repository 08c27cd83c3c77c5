"""Hand-written SQL for the reads that every slot search and booking makes.

Piccolo builds a select's SQL anew on each run, and for a select with joins it walks the
foreign keys (copying columns) to do it: under load that was a sixth of the server's time
(docs/performance.md, "Load: the third profile"). The same reads written once as SQL go through
`Table.raw`, which both engines take (`{}` placeholders); the drivers convert the values as they
do for a select, so the rows are the same dicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from piccolo.querystring import QueryString
from piccolo.table import Table

from sharedfactory.db.sqlite_pool import PooledSQLiteEngine


def name(table: type[Table]) -> str:
    """The table's quoted name (`user` and the like are reserved words in PostgreSQL)."""
    return f'"{table._meta.tablename}"'


def is_in(column: str, values: Sequence[Any]) -> str:
    """`column IN ({}, {}, ...)`, one placeholder per value; never called with no values."""
    return f"{column} IN ({', '.join(['{}'] * len(values))})"


async def fetch(table: type[Table], sql: str, *args: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await table.raw(sql, *args).run()
    return rows


async def fetch_many(
    table: type[Table], reads: Sequence[tuple[str, Sequence[Any]]]
) -> list[list[dict[str, Any]]]:
    """Several reads: on SQLite in one hop to the connection's thread (inside a booking's write
    lock each hop waits for the event loop), elsewhere one after the other."""
    engine = table._meta.db
    if not isinstance(engine, PooledSQLiteEngine):
        return [await fetch(table, sql, *args) for sql, args in reads]
    compiled = [QueryString(sql, *args).compile_string(engine_type="sqlite") for sql, args in reads]
    return await engine.run_statements(compiled)
