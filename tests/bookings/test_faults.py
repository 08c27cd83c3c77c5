"""PostgreSQL stopped and started again while bookings keep coming: every request answers 201,
409 or 503 (never a 500, never a hang), every booking answered 201 is there afterwards with the
same content and none twice, and the same server process books again once the database is
back (its connection pool recovers).

A database of its own in the session's cluster (migrated, seeded with the demo), served by a
real `sharedfactory serve` process with its connection pool; stopping the cluster also stops
the session's database for a few seconds, as `tests/devices/test_faults.py` does."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest

from sharedfactory.settings import Settings
from tests.conftest import LOGINS, SECRET, booking_monday, database_engine_name
from tests.support.postgres import empty_database
from tests.support.server import server_process
from tests.test_cli import run

pytestmark = [
    pytest.mark.heavy,
    pytest.mark.skipif(
        database_engine_name() != "postgres",
        reason="stops the PostgreSQL server (SQLite: see tests/db/test_disk_full.py)",
    ),
]
ZONE = ZoneInfo("Asia/Jakarta")
MACHINES = ("sleman-fryer-1", "sleman-fryer-2", "sleman-spinner-1", "sleman-roaster-1")
WORKERS, AWAY_S, PHASE_S, PACE_S = 6, 4.0, 3.0, 0.3
RECOVERY_LIMIT_S = 30.0


def slots() -> itertools.chain[dict[str, object]]:
    """Hour-long slots in weeks +1 and +2 of the test's own database."""
    return itertools.chain.from_iterable(
        (
            {
                "machine": machine,
                "starts_at": datetime.combine(
                    booking_monday(week) + timedelta(days=day), clock(hour), ZONE
                ).isoformat(),
                "minutes": 60,
                "product_class": "halal",
                "product": "Keripik salak",
                "quantity": 5,
            }
            for machine in MACHINES
        )
        for week in (1, 2)
        for day in range(5)
        for hour in range(8, 16)
    )


async def own_database(session_url: str) -> str:
    return await empty_database(session_url, "faults")


class Load:
    """Booking requests from several clients, recording every answer."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client, self.wanted = client, slots()
        self.answers: list[tuple[float, int, dict[str, object], dict[str, object]]] = []
        self.running = True

    async def worker(self) -> None:
        """Paced so the slots outlast the test on a fast machine; a 503 asks for the same slot
        again, as a person told to retry would."""
        body = next(self.wanted, None)
        while self.running and body is not None:
            response = await self.client.post("/api/v1/bookings", json=body)
            self.answers.append((time.monotonic(), response.status_code, body, response.json()))
            if response.status_code == 503:
                assert response.headers["retry-after"].isdigit()
            else:
                body = next(self.wanted, None)
            await asyncio.sleep(PACE_S)

    def booked_since(self, moment: float) -> bool:
        return any(a[1] == 201 for a in self.answers if a[0] > moment)

    async def until_booked_since(self, moment: float) -> None:
        deadline = time.monotonic() + RECOVERY_LIMIT_S
        await asyncio.sleep(PHASE_S)
        while not self.booked_since(moment) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)

    def confirmed(self) -> dict[str, dict[str, object]]:
        return {a[3]["code"]: a[3] for a in self.answers if a[1] == 201}  # type: ignore[misc]


async def stored(url: str, codes: list[str]) -> dict[str, dict[str, object]]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT b.code, m.code AS machine, b.starts_at, b.ends_at, b.status, b.price"
            " FROM booking b JOIN machine m ON m.id = b.machine WHERE b.code = ANY($1)",
            codes,
        )
        twice = await connection.fetch(
            "SELECT machine, starts_at FROM booking WHERE status = 'confirmed'"
            " GROUP BY machine, starts_at HAVING count(*) > 1"
        )
    finally:
        await connection.close()
    assert twice == []
    return {r["code"]: dict(r) for r in rows}


async def test_postgres_restarted_under_booking_load(settings, tmp_path: Path) -> None:
    from tests.support.postgres import pg_ctl

    url = await own_database(settings.database_url)
    env = {"SHAREDFACTORY_DATABASE_URL": url, "SHAREDFACTORY_DATA_DIR": str(tmp_path)}
    for command in ("migrate", "seed"):
        done = await asyncio.to_thread(run, command, **env)
        assert done.returncode == 0, done.stderr
    own = Settings(database_url=url, secret_key=SECRET, data_dir=tmp_path)
    with server_process(own) as (base, _server):
        async with httpx.AsyncClient(base_url=base, timeout=15) as client:
            email, password = LOGINS["umkm_sri"]
            login = await client.post(
                "/api/v1/auth/login", json={"email": email, "password": password}
            )
            assert login.status_code == 201, login.text
            load = Load(client)
            workers = [asyncio.create_task(load.worker()) for _ in range(WORKERS)]
            try:
                await asyncio.sleep(PHASE_S)
                await asyncio.to_thread(pg_ctl, settings.database_url, "stop")
                away = time.monotonic()
                try:
                    await asyncio.sleep(AWAY_S)
                finally:
                    await asyncio.to_thread(pg_ctl, settings.database_url, "start")
                back = time.monotonic()
                await load.until_booked_since(back)
            finally:
                load.running = False
                await asyncio.gather(*workers)
            health = (await client.get("/healthz")).json()
    answers = Counter(a[1] for a in load.answers)
    assert set(answers) <= {201, 409, 503}, answers
    assert any(a[1] == 503 for a in load.answers if away < a[0] < back), answers
    assert load.booked_since(back), f"no booking in {RECOVERY_LIMIT_S:.0f} s after the restart"
    assert health["database"] == "ok"
    confirmed = load.confirmed()
    found = await stored(url, list(confirmed))
    assert found.keys() == confirmed.keys()
    for code, answer in confirmed.items():
        row = found[code]
        assert (row["machine"], row["status"], row["price"]) == (
            answer["machine"],
            "confirmed",
            answer["price"],
        )
        assert row["starts_at"] == datetime.fromisoformat(str(answer["starts_at"]))
        assert row["ends_at"] == datetime.fromisoformat(str(answer["ends_at"]))
