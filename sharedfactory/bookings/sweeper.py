"""The app's booking sweep, every minute: releases no-shows, re-offers lapsed waitlist offers
and starts the houses' daily optimiser runs when they are due. Of several web processes only
the one holding the sweeper lock sweeps (`SweepTurn`): two would start a house's daily run
twice."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sharedfactory.background import running, stopped_within
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


class SweepTurn:
    """Whether this process sweeps: always with no lock file (one web process), else while it
    holds an exclusive `flock` on the file. The kernel releases the lock when its holder exits,
    however it exits, so another process takes the turn at its next try."""

    def __init__(self, lock_file: Path | None) -> None:
        self.lock_file = lock_file
        self._held: int | None = None

    def mine(self) -> bool:
        if self.lock_file is None or self._held is not None:
            return True
        self.lock_file.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            return False
        self._held = handle
        return True

    def give_up(self) -> None:
        if self._held is not None:
            os.close(self._held)
            self._held = None


async def _sweep_until(stop: asyncio.Event, interval_s: float, turn: SweepTurn) -> None:
    """Every `interval_s` (the first after one interval) until `stop`; a sweep that has begun
    finishes (cancelling it mid-query would strand its database connection)."""
    while not await stopped_within(stop, interval_s):
        if not turn.mine():
            continue
        try:
            released = await sweep_once(datetime.now(UTC))
            if released:
                log.info("no-shows released: %s", ", ".join(released))
        except Exception:  # a failed sweep is logged and retried; it never stops the server
            log.exception("booking sweep failed")


def booking_sweeper(
    interval_s: float = 60.0, lock_file: Path | None = None
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        turn = SweepTurn(lock_file)
        try:
            async with running(lambda stop: _sweep_until(stop, interval_s, turn)):
                yield
        finally:
            turn.give_up()

    return lifespan
