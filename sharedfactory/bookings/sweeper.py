"""The app's booking sweep, every minute: releases no-shows, re-offers lapsed waitlist offers
and starts the houses' daily optimiser runs when they are due."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sharedfactory.bookings.changes import release_no_shows
from sharedfactory.bookings.daily_plans import start_due_plans
from sharedfactory.bookings.waitlist import reoffer_lapsed
from sharedfactory.facilities.tables import House

log = logging.getLogger("sharedfactory.bookings")


async def sweep_once(now: datetime) -> list[str]:
    released: list[str] = []
    for row in await House.select(House.code).run():
        released += await release_no_shows(row["code"], now)
    await reoffer_lapsed(now)
    await start_due_plans(now)
    return released


async def _sweep_until(stop: asyncio.Event, interval_s: float) -> None:
    """Every `interval_s` (the first after one interval) until `stop`; a sweep that has begun
    finishes (cancelling it mid-query would strand its database connection)."""
    while not await _stopped_within(stop, interval_s):
        try:
            released = await sweep_once(datetime.now(UTC))
            if released:
                log.info("no-shows released: %s", ", ".join(released))
        except Exception:  # a failed sweep is logged and retried; it never stops the server
            log.exception("booking sweep failed")


async def _stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True


def booking_sweeper(interval_s: float = 60.0) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = asyncio.create_task(_sweep_until(stop, interval_s))
        try:
            yield
        finally:
            stop.set()
            await task

    return lifespan
