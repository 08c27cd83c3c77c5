"""Settled facts a booking may reuse while the database's facts stamp stays the same.

A booking checks every rule on facts read inside its lock, and other bookings of the machine wait
meanwhile. The settled facts (machines, rules, hours, holidays, shifts, changeovers, the UMKM's
permits and tier) rarely change, and the database's own triggers raise `facts_stamp.n` whenever
any writer changes them (migration 2026-11-23T14:30). So inside the lock a booking reads the stamp
(one query) and reuses what it loaded under that stamp; a changed stamp reloads. Which machines
ever ran pork depends on bookings, not on these tables: the callers read it fresh.

Searches check their cached settled facts against the stamp as read at most `RECENT_S` ago
(`recent_stamp`: one read a second for all of the process's searches), so a change by any
writer reaches them within that second; this process's own changes clear the memo at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from sharedfactory.bookings.fresh import settled_cache
from sharedfactory.bookings.tables import FactsStamp
from sharedfactory.fresh import FreshCache

V = TypeVar("V")
RECENT_S = 1.0
_recent: FreshCache[int] = settled_cache(RECENT_S)


async def current_stamp() -> int:
    """Read inside the booking's transaction, before the facts it guards."""
    row = await FactsStamp.select(FactsStamp.n).where(FactsStamp._meta.primary_key == 1).first()
    return -1 if row is None else int(row["n"])


async def recent_stamp() -> int:
    """The stamp as read at most `RECENT_S` ago, or just now after this process's own change.
    Read in the caller's task, never a shared one: a search reads inside its own transaction,
    whose connection no other task may use."""
    hit = _recent.get("n")
    if hit is not None:
        return hit
    generation = _recent.stamp()
    found = await current_stamp()
    _recent.put("n", found, generation)
    return found


class StampedCache(Generic[V]):
    """Values kept with the stamp they were loaded under."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._items: dict[Hashable, tuple[int, V]] = {}

    async def load(self, key: Hashable, stamp: int, loader: Callable[[], Awaitable[V]]) -> V:
        kept = self._items.get(key)
        if kept is not None and kept[0] == stamp and stamp >= 0:
            return kept[1]
        value = await loader()  # loaded after the stamp was read: at least as new as it
        if len(self._items) >= self.size:
            self._items.clear()
        self._items[key] = (stamp, value)
        return value
