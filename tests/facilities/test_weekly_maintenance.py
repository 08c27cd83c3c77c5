"""Recurring maintenance over the JSON API: `repeat_weeks` adds the same window every week, all
checked first and written together, or none; the single window keeps its old shape; the answer
lists the bookings in any of the windows with slots to move them to.

House `minahasa-selatan`, its separator, weeks +9 to +11; windows and bookings are deleted after
each test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from sharedfactory.facilities import house_calendar
from sharedfactory.facilities.tables import Machine, MaintenanceWindow
from tests.conftest import log_in
from tests.facilities.weekly_support import (
    FRIDAY_BEFORE,
    SEPARATOR,
    at,
    book,
    booked_codes,
    log_in_operator,
    open_days,
)

URL = f"/api/v1/machines/{SEPARATOR}/maintenance"


@pytest.fixture
def friday_before(monkeypatch):
    monkeypatch.setattr(house_calendar, "now", lambda: FRIDAY_BEFORE)


@pytest.fixture
async def booked() -> AsyncIterator[list[str]]:
    async with booked_codes() as codes:
        yield codes


@pytest.fixture
async def windows() -> AsyncIterator[None]:
    """Every maintenance window of the separator added by the test goes."""
    machine = (await Machine.select(Machine.id).where(Machine.code == SEPARATOR).first())["id"]
    before = [w["id"] for w in await MaintenanceWindow.select(MaintenanceWindow.id)]
    yield
    await MaintenanceWindow.delete().where(
        MaintenanceWindow.machine == machine, MaintenanceWindow.id.not_in(before or [0])
    )


async def separator_windows() -> list[dict]:
    return await MaintenanceWindow.select().where(MaintenanceWindow.machine.code == SEPARATOR)


def body(starts, hours: int = 2, **more) -> dict:
    return {
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=hours)).isoformat(),
        "reason": "Servis berkala",
    } | more


async def test_a_window_repeated_every_week_lists_the_bookings_in_any_of_them(
    client, windows, friday_before, booked
):
    tuesday = (await open_days())[1]
    third = tuesday + timedelta(weeks=2)
    await book(booked, "bk-weekly-mnt-3", SEPARATOR, at(third, 13), 1)
    await log_in_operator(client)
    answer = await client.post(URL, json=body(at(tuesday, 13), repeat_weeks=3))
    assert answer.status_code == 201, answer.text
    added = answer.json()
    assert added["label"] == f"{tuesday.isoformat()} 13.00–15.00 WITA"
    assert [w["label"] for w in added["repeats"]] == [
        f"{(tuesday + timedelta(weeks=n)).isoformat()} 13.00–15.00 WITA" for n in (1, 2)
    ]
    [conflict] = [c for c in added["conflicts"] if c["booking"] == "bk-weekly-mnt-3"]
    assert conflict["alternatives"]
    assert all(s["starts_at"] != at(third, 13).isoformat() for s in conflict["alternatives"])
    assert len(await separator_windows()) >= 3
    single = await client.post(URL, json=body(at(tuesday, 8)))
    assert single.status_code == 201, single.text
    assert single.json()["repeats"] == []


async def test_a_series_is_written_whole_or_not_at_all(client, windows):
    tuesday = (await open_days())[1]
    await log_in(client, "admin")
    blocking = await client.post(URL, json=body(at(tuesday + timedelta(weeks=2), 14)))
    assert blocking.status_code == 201, blocking.text
    before = await separator_windows()
    answer = await client.post(URL, json=body(at(tuesday, 13), repeat_weeks=3))
    assert answer.status_code == 409, answer.text
    extra = answer.json()["extra"][0]
    assert extra["key"] == "starts_at"
    assert "week 3 overlaps" in extra["message"]
    assert await separator_windows() == before


@pytest.mark.parametrize(
    ("hours", "weeks", "key"),
    [(8 * 24, 2, "ends_at"), (2, 13, "repeat_weeks"), (2, 0, "repeat_weeks")],
)
async def test_a_wrong_series_names_its_field(client, windows, hours, weeks, key):
    tuesday = (await open_days())[1]
    await log_in(client, "admin")
    before = await separator_windows()
    answer = await client.post(URL, json=body(at(tuesday, 13), hours, repeat_weeks=weeks))
    assert answer.status_code == 400, answer.text
    extra = answer.json()["extra"][0]
    assert extra["key"] == key or key in extra["message"]
    assert await separator_windows() == before
