"""An optimiser run's progress reaches a web process that does not run it: the solving process
writes it into the plan's row each second while the run is solving, and only then."""

from __future__ import annotations

import asyncio
import json

from piccolo.engine.base import Engine

from sharedfactory.bookings import plan_progress
from sharedfactory.bookings.plan_progress import PROGRESS, progress_of, published
from sharedfactory.bookings.tables import Plan
from sharedfactory.facilities.tables import House
from sharedfactory.scheduler.solve import Progress

SOLVING = {"left_out": {}, "runner": {"host": "elsewhere", "pid": 1, "life": "x", "until": "-"}}


async def _plan_row(plan_id: int) -> dict:
    row = (
        await Plan.select(Plan._meta.primary_key.as_alias("pk"), Plan.status, Plan.solution)
        .where(Plan._meta.primary_key == plan_id)
        .first()
    )
    assert row is not None
    if isinstance(row["solution"], str):
        row["solution"] = json.loads(row["solution"])
    return row


async def _solving_plan() -> int:
    house = await House.select(House._meta.primary_key).where(House.code == "batu-bara").first()
    assert house is not None
    plan = Plan(house=house["id"], problem="{}", solution=json.dumps(SOLVING))
    await plan.save().run()
    return int(plan.id)  # type: ignore[attr-defined]


async def test_another_process_reads_the_progress_the_solving_one_wrote(
    engine: Engine, monkeypatch
) -> None:
    monkeypatch.setattr(plan_progress, "WRITE_EVERY_S", 0.1)
    plan_id = await _solving_plan()
    told = Progress(2.5, 41_000.0, 39_000.0, 0.05, "milp")
    try:
        async with published(plan_id, SOLVING):
            PROGRESS[plan_id] = told
            await asyncio.sleep(0.5)
        row = await _plan_row(plan_id)
        assert row["solution"]["runner"] == SOLVING["runner"]  # the liveness stamp is kept
        PROGRESS.pop(plan_id)  # as in a process that does not run it
        assert progress_of(row) == told
        await Plan.update({Plan.status: "proposed", Plan.solution: "{}"}).where(
            Plan._meta.primary_key == plan_id
        )
        PROGRESS[plan_id] = Progress(3.0, 40_000.0, 39_500.0, 0.01, "milp")
        async with published(plan_id, SOLVING):
            await asyncio.sleep(0.5)
        assert (await _plan_row(plan_id))["solution"] == {}  # an ended run is never rewritten
    finally:
        PROGRESS.pop(plan_id, None)
        await Plan.delete().where(Plan._meta.primary_key == plan_id)


async def test_a_run_without_progress_yet_shows_none(engine: Engine) -> None:
    row = {"pk": -1, "status": "solving", "solution": dict(SOLVING)}
    assert progress_of(row) is None
