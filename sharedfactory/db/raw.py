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

from piccolo.table import Table


def name(table: type[Table]) -> str:
    """The table's quoted name (`user` and the like are reserved words in PostgreSQL)."""
    return f'"{table._meta.tablename}"'


def is_in(column: str, values: Sequence[Any]) -> str:
    """`column IN ({}, {}, ...)`, one placeholder per value; never called with no values."""
    return f"{column} IN ({', '.join(['{}'] * len(values))})"


async def fetch(table: type[Table], sql: str, *args: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await table.raw(sql, *args).run()
    return rows
