"""Portable CHECK expressions: the same SQL text must hold on SQLite and PostgreSQL."""

from __future__ import annotations


def digits(column: str, length: int) -> str:
    """`column` is exactly `length` ASCII digits (no regex: SQLite has none by default)."""
    stripped = column
    for digit in "0123456789":
        stripped = f"replace({stripped}, '{digit}', '')"
    return f"length({column}) = {length} AND {stripped} = ''"


def one_of(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


def slug(column: str) -> str:
    """A lower-case code without spaces; the full pattern is checked at the edge (domain.codes)."""
    return (
        f"length({column}) BETWEEN 2 AND 64 AND {column} = lower({column}) "
        f"AND {column} NOT LIKE '% %'"
    )
