"""A small cache whose entries live for a few seconds and are dropped at once by the process's
own changes: `clear()` (or `drop(key)`) after writing, and a value loaded while a change was being
made is not kept (`put` stores it only if nothing was cleared since its `stamp`).

An entry may name what it was read from (`tags`, e.g. one house's fryers): `clear(tags)` then
drops only the entries sharing a tag with the change, and those naming nothing (`tags=None`:
touched by any change)."""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")
Tags = frozenset[Hashable] | None


class FreshCache(Generic[V]):
    def __init__(self, ttl_s: float, size: int = 256) -> None:
        self.ttl_s, self.size = ttl_s, size
        self._items: OrderedDict[Hashable, tuple[float, V, Tags]] = OrderedDict()
        self._generation = 0  # every clear of everything
        self._changes: Counter[Hashable] = Counter()  # tagged clears, by tag; `None`: any
        self._loading: dict[Hashable, asyncio.Task[V]] = {}

    def get(self, key: Hashable) -> V | None:
        hit = self._items.get(key)
        if hit is None or hit[0] <= time.monotonic():
            return None
        return hit[1]

    async def load(self, key: Hashable, loader: Callable[[], Awaitable[V]], tags: Tags = None) -> V:
        """The cached value, or the loader's; callers asking for a key that is being loaded
        wait for that one load instead of each starting their own (a burst after expiry)."""
        hit = self.get(key)
        if hit is not None:
            return hit
        task = self._loading.get(key)
        if task is None:
            # A context of its own: the load belongs to no asker, so it must not run in the
            # database transaction (and connection) of whichever asker happened to start it.
            load = self._load(key, loader, tags, self.stamp(tags))
            task = asyncio.get_running_loop().create_task(load, context=contextvars.Context())
            self._loading[key] = task
            task.add_done_callback(lambda _: self._loading.pop(key, None))
        return await asyncio.shield(task)  # one asker leaving does not cancel the others' load

    async def _load(
        self, key: Hashable, loader: Callable[[], Awaitable[V]], tags: Tags, stamp: int
    ) -> V:
        value = await loader()
        self.put(key, value, stamp, tags)
        return value

    def stamp(self, tags: Tags = None) -> int:
        """Take before loading; hand to `put` with the same tags. (Counts only grow, so their
        sum moves exactly when one of them does.)"""
        named = (None,) if tags is None else tags
        return self._generation + sum(self._changes[tag] for tag in named)

    def put(self, key: Hashable, value: V, stamp: int, tags: Tags = None) -> None:
        if stamp != self.stamp(tags):
            return
        self._items[key] = (time.monotonic() + self.ttl_s, value, tags)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def drop(self, key: Hashable) -> None:
        self._generation += 1
        self._items.pop(key, None)

    def clear(self, tags: Tags = None) -> None:
        """Everything, or what shares a tag with `tags` and what names nothing."""
        if tags is None:
            self._generation += 1
            self._items.clear()
            return
        self._changes.update((None, *tags))
        for key in [k for k, (_, _, kept) in self._items.items() if kept is None or kept & tags]:
            del self._items[key]
