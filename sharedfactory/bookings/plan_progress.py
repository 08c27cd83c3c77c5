"""An optimiser run's progress for whichever web process is asked. The process that solves
keeps it in memory (`PROGRESS`, told by the solver's thread) and writes it into the plan's row
every second while the run is solving (`published`), so the status page, polled through any of
several worker processes, shows the run moving."""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import AbstractAsyncContextManager
from dataclasses import asdict
from typing import Any

from sharedfactory.background import running, stopped_within
from sharedfactory.bookings.tables import Plan
from sharedfactory.scheduler.solve import Progress

PROGRESS: dict[int, Progress] = {}
WRITE_EVERY_S = 1.0
log = logging.getLogger("sharedfactory.bookings")


def progress_of(row: dict[str, Any]) -> Progress | None:
    """The run's latest progress: this process's own, else the last one written."""
    found = PROGRESS.get(row["pk"])
    if found is not None or row["status"] != "solving":
        return found
    stored = row["solution"].get("progress")
    return Progress(**stored) if isinstance(stored, dict) else None


def published(plan_id: int, solving: dict[str, Any]) -> AbstractAsyncContextManager[None]:
    """Writes the run's progress, with the rest of its `solving` solution, until the block ends."""
    return running(lambda stop: _publish(plan_id, solving, stop))


async def _publish(plan_id: int, solving: dict[str, Any], stop: asyncio.Event) -> None:
    written: Progress | None = None
    while not await stopped_within(stop, WRITE_EVERY_S):
        latest = PROGRESS.get(plan_id)
        if latest is None or latest is written:
            continue
        try:
            await (
                Plan.update({Plan.solution: json.dumps(solving | {"progress": asdict(latest)})})
                .where((Plan._meta.primary_key == plan_id) & (Plan.status == "solving"))
                .run()
            )
        except Exception:  # the database away: the run goes on, readers see the last written
            log.warning("the progress of plan %s was not written", plan_id, exc_info=True)
        written = latest
