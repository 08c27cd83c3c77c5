"""The chain in the session database (SQLite, or PostgreSQL with
SHAREDFACTORY_TEST_DATABASE=postgres): concurrent appends never fork it, a rolled-back write
leaves no event, and the verify names the first broken link of a row edited or deleted in the
database. Tests that break the chain repair it before they end: others share the database and
its head (the reports print it)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from sharedfactory.audit.chain import append, chain_head, verify
from sharedfactory.audit.hashing import Event, canonical_json, event_hash
from sharedfactory.audit.tables import AuditEvent

pytestmark = pytest.mark.timeout(120)


async def appended(kind: str, count: int) -> list[dict[str, Any]]:
    for number in range(count):
        await append(kind, actor=None, house=None, subject=f"{kind}-{number}", data={"n": number})
    return await AuditEvent.select().where(AuditEvent.kind == kind).order_by(AuditEvent.id).run()


async def set_columns(pk: int, **values: str) -> None:
    assignments = ", ".join(f"{column} = {{}}" for column in values)
    sql = f"UPDATE audit_event SET {assignments} WHERE id = {{}}"
    await AuditEvent.raw(sql, *values.values(), pk).run()


@asynccontextmanager
async def tampered(row: dict[str, Any], **values: str) -> AsyncIterator[None]:
    """`row` edited straight in the database, then put back as it was."""
    await set_columns(row["id"], **values)
    try:
        yield
    finally:
        await set_columns(row["id"], **{column: row[column] for column in values})


async def test_twenty_concurrent_appends_leave_one_unbroken_chain(engine):
    before = await chain_head()
    hashes = await asyncio.gather(
        *(
            append("test.concurrent", actor=None, house=None, subject=f"c-{n}", data={"n": n})
            for n in range(20)
        )
    )
    rows = (
        await AuditEvent.select()
        .where(AuditEvent.kind == "test.concurrent")
        .order_by(AuditEvent.id)
        .run()
    )
    assert len(rows) == len(set(hashes)) == 20
    ids = [row["id"] for row in rows]
    assert ids == list(range(ids[0], ids[0] + 20))
    assert rows[0]["prev_hash"] == before
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(rows))
    assert set(hashes) == {row["hash"] for row in rows}
    assert await chain_head() == rows[-1]["hash"]
    result = await verify()
    assert result.ok, result
    assert result.head == rows[-1]["hash"]


async def append_then_fail() -> None:
    async with AuditEvent._meta.db.transaction():
        await append("test.rolled_back", actor=None, house=None, subject="gone", data={})
        raise RuntimeError("changed our mind")


async def test_an_append_inside_a_rolled_back_transaction_leaves_no_event(engine):
    head = await chain_head()
    with pytest.raises(RuntimeError, match="changed our mind"):
        await append_then_fail()
    assert not await AuditEvent.exists().where(AuditEvent.kind == "test.rolled_back").run()
    assert await chain_head() == head
    assert (await verify()).ok


async def test_stored_events_hash_as_they_were_appended(engine):
    digest = await append(
        "test.stored",
        actor=3,
        house="sleman",
        subject="kopi – Merapi",
        data={"quantity": 1.5, "note": "ñ"},
    )
    row = await AuditEvent.select().where(AuditEvent.hash == digest).first().run()
    assert row["data"] == canonical_json({"quantity": 1.5, "note": "ñ"})
    assert (row["actor"], row["house"], row["subject"]) == (3, "sleman", "kopi – Merapi")
    assert await chain_head() == digest


async def test_verify_reads_in_pages_and_agrees_whatever_their_size(engine):
    await appended("test.pages", 5)
    whole, paged = await verify(), await verify(page_size=3)
    assert whole.ok
    assert paged.ok
    assert (whole.events, whole.head) == (paged.events, paged.head)
    assert whole.events == await AuditEvent.count().run()
    seen: list[int] = []
    await verify(page_size=2, progress=seen.append)
    assert seen[-1] == whole.events
    assert seen == sorted(seen)


async def test_verify_names_a_row_whose_data_was_edited_in_the_database(engine):
    rows = await appended("test.edited", 3)
    middle = rows[1]
    async with tampered(middle, data='{"n":99}'):
        result = await verify()
    assert (result.ok, result.broken_at) == (False, middle["id"])
    assert result.reason == "hash mismatch: the stored hash is not the hash of the event's contents"
    assert result.events == middle["id"] - 1
    assert (await verify()).ok  # repaired


async def test_verify_catches_an_edit_whose_hash_was_recomputed(engine):
    rows = await appended("test.rehashed", 3)
    middle = rows[1]
    forged = {name: middle[name] for name in ("id", "at", "kind", "actor", "house", "subject")}
    event = Event(**forged, data='{"n":99}', prev_hash=middle["prev_hash"])
    async with tampered(middle, data=event.data, hash=event_hash(event)):
        result = await verify()
    assert (result.ok, result.broken_at) == (False, rows[2]["id"])
    assert result.reason == f"prev_hash is not event {middle['id']}'s hash"
    assert (await verify()).ok


async def test_verify_names_the_gap_a_deleted_row_leaves(engine):
    rows = await appended("test.deleted", 3)
    middle = rows[1]
    await AuditEvent.raw("DELETE FROM audit_event WHERE id = {}", middle["id"]).run()
    try:
        result = await verify()
    finally:
        await AuditEvent.insert(AuditEvent(**middle)).run()
    assert (result.ok, result.broken_at) == (False, rows[2]["id"])
    assert result.reason == (
        f"gap in ids: event {middle['id']} is missing "
        f"(expected id {middle['id']}, found {rows[2]['id']})"
    )
    assert (await verify()).ok
