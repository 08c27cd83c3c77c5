"""CREATE TABLE statements with every constraint inline, for SQLite and PostgreSQL.

Piccolo adds Check/Unique constraints with ``ALTER TABLE ... ADD CONSTRAINT``, which SQLite
does not have, so its generated migrations cannot create our constraints there. This module
renders the tables' declared constraints inside ``CREATE TABLE``; its output is frozen into
the migration files (``python -m sharedfactory.db.ddl``), and a test checks that the migrated
schema still matches the table classes.
"""

from __future__ import annotations

import sys

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.table import Table

from sharedfactory.db.registry import TABLES


def create_table(table: type[Table]) -> list[str]:
    name = table._meta.tablename
    parts = [column.ddl for column in table._meta.columns]
    parts += [f"CONSTRAINT {name}_{c._meta.name} {c.ddl}" for c in table._meta.constraints]
    statements = [f"CREATE TABLE {name} (\n    " + ",\n    ".join(parts) + "\n)"]
    for column in table._meta.foreign_key_columns:
        column_name = column._meta.db_column_name
        statements.append(f'CREATE INDEX {name}_{column_name} ON {name} ("{column_name}")')
    return statements


def schema(engine: Engine, names: set[str] | None = None) -> list[str]:
    """DDL of every table, or of the tables whose class names are in `names`."""
    saved = [table._meta._db for table in TABLES]
    try:
        for table in TABLES:
            table._meta.db = engine
        chosen = [t for t in TABLES if names is None or t.__name__ in names]
        return [sql for table in chosen for sql in create_table(table)]
    finally:
        for table, db in zip(TABLES, saved, strict=True):
            table._meta._db = db


def main() -> None:
    """`python -m sharedfactory.db.ddl [TableClass ...]`: the DDL lists for a migration file."""
    names = set(sys.argv[1:]) or None
    engines: dict[str, Engine] = {
        "sqlite": SQLiteEngine(path=":memory:"),
        "postgres": PostgresEngine(config={}),
    }
    for label, engine in engines.items():
        sys.stdout.write(f"{label.upper()} = [\n")
        for sql in schema(engine, names):
            sys.stdout.write(f"    {sql!r},\n")
        sys.stdout.write("]\n\n")


if __name__ == "__main__":
    main()
