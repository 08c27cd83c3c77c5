"""`sharedfactory serve` with several worker processes (`SHAREDFACTORY_WEB_WORKERS`): what one
process does holds in the others at once (a logout), and one of them sweeps at a time."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from sharedfactory.bookings.sweeper import SweepTurn
from sharedfactory.settings import Settings
from tests.conftest import LOGINS
from tests.support.server import child_pids, server_process

pytestmark = pytest.mark.heavy
AT_ONCE = 40  # requests in flight together: every worker takes some


async def _statuses(base: str, cookie: str) -> list[int]:
    """`AT_ONCE` requests of `/api/v1/auth/me`, each on its own connection."""
    limits = httpx.Limits(max_keepalive_connections=0)
    cookies = {"sf_session": cookie}
    async with httpx.AsyncClient(base_url=base, limits=limits, cookies=cookies) as http:
        answers = await asyncio.gather(*(http.get("/api/v1/auth/me") for _ in range(AT_ONCE)))
    return [a.status_code for a in answers]


async def test_a_logout_in_one_worker_holds_in_every_other_at_once(settings: Settings, engine):
    with server_process(settings, workers=2) as (base, server):
        assert len(child_pids(server.pid)) >= 2
        email, password = LOGINS["umkm_siti"]
        async with httpx.AsyncClient(base_url=base) as http:
            made = await http.post(
                "/api/v1/auth/login", json={"email": email, "password": password}
            )
            assert made.status_code == 201, made.text
            cookie = http.cookies["sf_session"]
            assert set(await _statuses(base, cookie)) == {200}  # both workers know the session
            gone = await http.post("/api/v1/auth/logout")
            assert gone.status_code == 200, gone.text
        assert set(await _statuses(base, cookie)) == {401}


HOLD = "import fcntl, os, sys, time; f = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
HOLD += "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)"


def test_one_process_sweeps_and_another_takes_the_turn_when_it_dies(tmp_path: Path) -> None:
    lock = tmp_path / "sweeper.lock"
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(lock)], stdout=subprocess.PIPE
    ) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline() == b"held\n"
            waiting = SweepTurn(lock)
            assert not waiting.mine()
            holder.kill()  # however it ends, the kernel lets go of its lock
            holder.wait(timeout=10)
            assert waiting.mine()
            assert not SweepTurn(lock).mine()
            waiting.give_up()
            assert SweepTurn(lock).mine()
        finally:
            holder.kill()
    assert SweepTurn(None).mine()  # one web process: no lock, it always sweeps
