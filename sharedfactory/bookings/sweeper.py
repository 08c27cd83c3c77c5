"""The app's booking sweep: releases no-shows and lapsed waitlist offers every minute."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from datetime import UTC, datetime
from typing import Any

from sharedfactory.bookings.changes import release_no_shows
from sharedfactory.bookings.waitlist import reoffer_lapsed
from sharedfactory.facilities.tables import House

log = logging.getLogger("sharedfactory.bookings")


async def sweep_once(now: datetime) -> list[str]:
    released: list[str] = []
    for row in await House.select(House.code).run():
        released += await release_no_shows(row["code"], now)
    await reoffer_lapsed(now)
    return released


async def _sweep_forever(interval_s: float) -> None:
    while True:
        try:
            released = await sweep_once(datetime.now(UTC))
            if released:
                log.info("no-shows released: %s", ", ".join(released))
        except Exception:  # a failed sweep is logged and retried; it never stops the server
            log.exception("booking sweep failed")
        await asyncio.sleep(interval_s)


def booking_sweeper(interval_s: float = 60.0) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        task = asyncio.create_task(_sweep_forever(interval_s))
        try:
            yield
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    return lifespan
