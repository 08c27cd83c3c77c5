"""Work a process does beside its requests, for as long as a block lasts: started as a task,
told to stop at the block's end and awaited, so work already begun finishes (cancelling it
mid-query would strand its database connection)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager


@asynccontextmanager
async def running(work: Callable[[asyncio.Event], Awaitable[None]]) -> AsyncIterator[None]:
    """`work(stop)` runs during the block; `stop` is set when the block ends."""
    stop = asyncio.Event()
    task = asyncio.ensure_future(work(stop))
    try:
        yield
    finally:
        stop.set()
        await task


async def stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    """Wait up to `seconds`; True if `stop` was set meanwhile."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True
