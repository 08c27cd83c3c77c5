"""Deliveries handed from paho's network thread to the event loop.

The thread appends to a deque and wakes the loop only when the loop is waiting and enough has
come in (one item when it is idle, a full batch while it fills one): once per batch, not once
per message. (A `call_soon_threadsafe` per message, each writing to the loop's self-pipe and
waking its selector, was a quarter of the ingest's CPU.) Appending to a deque and reading a
flag are atomic under the GIL, and the loop checks the deque again after raising its flag, so
no item is left waiting for a wake that never comes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import Generic, TypeVar

Item = TypeVar("Item")


class Inbox(Generic[Item]):
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._items: deque[Item] = deque()
        self._ready = asyncio.Event()
        self._waiting = False
        self._enough = 1

    def put(self, item: Item) -> None:
        """From any thread."""
        self._items.append(item)
        if self._waiting and len(self._items) >= self._enough:
            self._waiting = False
            self._loop.call_soon_threadsafe(self._ready.set)

    async def wait(self, timeout: float, enough: int = 1) -> bool:
        """In the loop: True as soon as `enough` items are in, else after `timeout` whether
        anything is in."""
        if len(self._items) >= enough:
            return True
        self._ready.clear()
        self._enough, self._waiting = enough, True
        if len(self._items) >= enough:  # put between the first look and the flag: no wake sent
            self._waiting = False
            return True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), timeout)
        self._waiting = False
        return bool(self._items)

    def take(self, most: int) -> list[Item]:
        """Up to `most` items, oldest first."""
        items = self._items
        return [items.popleft() for _ in range(min(most, len(items)))]

    def __len__(self) -> int:
        return len(self._items)
