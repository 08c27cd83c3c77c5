"""Appending to the audit chain and verifying it, in the database.

One appender at a time: the head is read and the next event inserted under the chain's lock, so
two writers never chain onto the same head (a fork). SQLite: an IMMEDIATE transaction (the
database's write lock), or the caller's open transaction, joined, so a write and its event
commit or roll back together. PostgreSQL: `pg_advisory_xact_lock` inside the transaction (the
caller's if one is open), held until it ends. The primary key is the sequence number, so even a
writer that skipped the lock could not insert a second event after the same head.

An append joined to a caller's transaction should be its last statement: the chain's lock is
then always taken last and held briefly, and no two transactions wait on each other through it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from sharedfactory.audit.hashing import (
    GENESIS,
    Event,
    broken_link,
    canonical_json,
    event_hash,
)
from sharedfactory.audit.tables import AuditEvent

# pg_advisory_xact_lock's key for the chain: "SFAUDIT" in ASCII, any constant of our own will do.
CHAIN_LOCK = 0x53_46_41_55_44_49_54
PAGE = 1000


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int  # events checked (all of them when ok)
    head: str  # the hash of the last good event (GENESIS when none)
    broken_at: int | None = None  # the first event that does not follow the chain
    reason: str | None = None


@asynccontextmanager
async def _chain_locked() -> AsyncIterator[None]:
    engine = AuditEvent._meta.db
    if isinstance(engine, SQLiteEngine):
        # Nested inside the caller's transaction this joins it (Piccolo's allow_nested).
        async with engine.transaction(transaction_type=TransactionType.immediate):
            yield
        return
    async with engine.transaction():
        await AuditEvent.raw("SELECT pg_advisory_xact_lock({})", CHAIN_LOCK).run()
        yield


async def _head() -> tuple[int, str]:
    row = (
        await AuditEvent.select(AuditEvent.id, AuditEvent.hash)
        .order_by(AuditEvent.id, ascending=False)
        .first()
        .run()
    )
    return (0, GENESIS) if row is None else (int(row["id"]), str(row["hash"]))


@dataclass(frozen=True)
class Appended:
    id: int
    hash: str


async def append(
    kind: str,
    *,
    actor: int | None,
    house: str | None,
    subject: str,
    data: Mapping[str, Any],
    at: datetime | None = None,
) -> str:
    """Chain one event onto the head; its hash. `at` defaults to now (UTC)."""
    appended = await append_numbered(
        kind, actor=actor, house=house, subject=subject, data=data, at=at
    )
    return appended.hash


async def append_numbered(
    kind: str,
    *,
    actor: int | None,
    house: str | None,
    subject: str,
    data: Mapping[str, Any],
    at: datetime | None = None,
) -> Appended:
    """`append`, answering the event's sequence number as well as its hash."""
    moment = (at or datetime.now(UTC)).astimezone(UTC)
    text = canonical_json(data)
    async with _chain_locked():
        last_id, last_hash = await _head()
        event = Event(last_id + 1, moment, kind, actor, house, subject, text, last_hash)
        digest = event_hash(event)
        row = AuditEvent(
            id=event.id,
            at=moment,
            kind=kind,
            actor=actor,
            house=house,
            subject=subject,
            data=text,
            prev_hash=last_hash,
            hash=digest,
        )
        await AuditEvent.insert(row).run()
    return Appended(event.id, digest)


async def chain_head() -> str:
    """The hash of the newest event, or GENESIS (64 zeros) while the log is empty."""
    return (await _head())[1]


async def event_count() -> int:
    return int(await AuditEvent.count().run())


async def _pages(size: int) -> AsyncIterator[dict[str, Any]]:
    """Every event in id order, `size` rows per query (keyset pages: never all in memory)."""
    after = 0
    while True:
        rows = (
            await AuditEvent.select()
            .where(AuditEvent.id > after)
            .order_by(AuditEvent.id)
            .limit(size)
            .run()
        )
        for row in rows:
            yield row
        if len(rows) < size:
            return
        after = int(rows[-1]["id"])


def _event(row: dict[str, Any]) -> Event:
    names = ("id", "at", "kind", "actor", "house", "subject", "data", "prev_hash")
    return Event(**{name: row[name] for name in names})


async def verify(
    page_size: int = PAGE, progress: Callable[[int], None] | None = None
) -> VerifyResult:
    """Recompute every hash in id order; the first broken link, if any. `progress` is told the
    number of events checked after each page."""
    checked, previous = 0, GENESIS
    async for row in _pages(page_size):
        event = _event(row)
        reason = broken_link(checked + 1, previous, event, row["hash"])
        if reason is not None:
            return VerifyResult(False, checked, previous, event.id, reason)
        checked, previous = event.id, row["hash"]
        if progress is not None and checked % page_size == 0:
            progress(checked)
    if progress is not None:
        progress(checked)
    return VerifyResult(True, checked, previous)


async def event_intact(event_id: int) -> bool:
    """One event still hashes to its stored hash, follows the event before it, and the event
    after it (if any) still points to it. The whole chain is `verify`'s (and the CLI's) job."""
    rows = (
        await AuditEvent.select()
        .where((AuditEvent.id >= event_id - 1) & (AuditEvent.id <= event_id + 1))
        .order_by(AuditEvent.id)
        .run()
    )
    by_id = {int(row["id"]): row for row in rows}
    row = by_id.get(event_id)
    if row is None:
        return False
    before = by_id.get(event_id - 1)
    previous = GENESIS if event_id == 1 else (before["hash"] if before else None)
    if previous is None or broken_link(event_id, previous, _event(row), row["hash"]) is not None:
        return False
    after = by_id.get(event_id + 1)
    return after is None or after["prev_hash"] == row["hash"]
