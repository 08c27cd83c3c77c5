"""A small cache whose entries live for a few seconds and are dropped at once by the process's
own changes: `clear()` (or `drop(key)`) after writing, and a value loaded while a change was being
made is not kept (`put` stores it only if nothing was cleared since its `stamp`)."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class FreshCache(Generic[V]):
    def __init__(self, ttl_s: float, size: int = 256) -> None:
        self.ttl_s, self.size = ttl_s, size
        self._items: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self._generation = 0
        self._loading: dict[Hashable, asyncio.Task[V]] = {}

    def get(self, key: Hashable) -> V | None:
        hit = self._items.get(key)
        if hit is None or hit[0] <= time.monotonic():
            return None
        return hit[1]

    async def load(self, key: Hashable, loader: Callable[[], Awaitable[V]]) -> V:
        """The cached value, or the loader's; callers asking for a key that is being loaded
        wait for that one load instead of each starting their own (a burst after expiry)."""
        hit = self.get(key)
        if hit is not None:
            return hit
        task = self._loading.get(key)
        if task is None:
            task = asyncio.ensure_future(self._load(key, loader, self.stamp()))
            self._loading[key] = task
            task.add_done_callback(lambda _: self._loading.pop(key, None))
        return await asyncio.shield(task)  # one asker leaving does not cancel the others' load

    async def _load(self, key: Hashable, loader: Callable[[], Awaitable[V]], stamp: int) -> V:
        value = await loader()
        self.put(key, value, stamp)
        return value

    def stamp(self) -> int:
        """Take before loading; hand to `put`."""
        return self._generation

    def put(self, key: Hashable, value: V, stamp: int) -> None:
        if stamp != self._generation:
            return
        self._items[key] = (time.monotonic() + self.ttl_s, value)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def drop(self, key: Hashable) -> None:
        self._generation += 1
        self._items.pop(key, None)

    def clear(self) -> None:
        self._generation += 1
        self._items.clear()
