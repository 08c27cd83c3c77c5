"""Noticing an optimiser run whose process is gone (killed with -9, out of memory, restarted).

The solve runs in the web process that started it (see `plans`), so its plan row stays
"solving" when that process dies. Each run is stamped with its runner: the host, the process id
and a token of this process's life, and a deadline (the time limit plus a grace). A reader
settles a run as failed when its runner is provably gone (same host: the process is dead, or it
is this process in a later life, or this process no longer runs it) or its deadline has passed
(any host). Nothing was booked or proposed by such a run, so its requests simply wait again.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from datetime import datetime, timedelta
from typing import Any

from sharedfactory.bookings.rules import _
from sharedfactory.bookings.tables import Plan

LIFE = secrets.token_hex(8)  # this process's life: a restarted process may get the same pid
GRACE = timedelta(seconds=60)  # writing the answer after the time limit; a busy machine
ABANDONED = _(
    "the optimiser stopped before it finished (its process ended); nothing was proposed or "
    "booked, the requests still wait: run the optimiser again"
)


RUNNING_HERE: set[int] = set()  # plan ids whose solve is a task of this process


def runner_stamp(now: datetime, time_limit: float) -> dict[str, Any]:
    until = now + timedelta(seconds=time_limit) + GRACE
    return {"host": socket.gethostname(), "pid": os.getpid(), "life": LIFE, "until": until}


def stamp_json(stamp: dict[str, Any]) -> dict[str, Any]:
    return stamp | {"until": stamp["until"].isoformat()}


def abandoned(stamp: dict[str, Any] | None, now: datetime, running_here: bool) -> bool:
    """True when the run stamped `stamp` can no longer finish; `running_here`: this process
    still has the run's task."""
    if not stamp:
        return False  # a run from before stamps existed: left as it is
    if now > datetime.fromisoformat(stamp["until"]):
        return True
    if stamp["host"] != socket.gethostname():
        return False  # another machine's process: only its deadline tells
    if stamp["pid"] == os.getpid():
        return stamp["life"] != LIFE or not running_here
    return not _alive(int(stamp["pid"]))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


async def settle_if_abandoned(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """`row` (a plan with its solution decoded), marked failed when its run was abandoned."""
    solution = row["solution"]
    stamp = solution.get("runner")
    if row["status"] != "solving" or not abandoned(stamp, now, row["pk"] in RUNNING_HERE):
        return row
    failed = {"error": ABANDONED, "left_out": solution.get("left_out", {})}
    await (
        Plan.update({Plan.status: "failed", Plan.solution: json.dumps(failed)})
        .where(Plan._meta.primary_key == row["pk"], Plan.status == "solving")
        .run()
    )
    return row | {"status": "failed", "solution": failed}
