"""The disk under the SQLite file fills up: bookings are refused with a 503 that says so (never a
500), reading pages still answer, nothing is half-written (booking count and checksum, the audit
chain verifies), and once space is freed the same booking goes through.

A database of its own (migrated and seeded with the demo) on a small tmpfs mounted for the test.
Where mounting is not permitted, the server's file size limit (RLIMIT_FSIZE, set with prlimit) is
lowered instead: SQLite then fails its writes the same way, and the test says which one ran."""

from __future__ import annotations

import errno
import hashlib
import resource
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from sharedfactory.settings import Settings
from tests.conftest import LOGINS, SECRET, booking_monday
from tests.support.server import server_process
from tests.test_cli import run

pytestmark = pytest.mark.heavy

ZONE = ZoneInfo("Asia/Jakarta")
CHUNK = b"\0" * (1 << 20)


def at(day: int, hour: int) -> str:
    return datetime.combine(booking_monday(1) + timedelta(days=day), time(hour), ZONE).isoformat()


def booking(day: int, hour: int, **more: object) -> dict[str, object]:
    return {
        "machine": "sleman-fryer-1",
        "starts_at": at(day, hour),
        "minutes": 60,
        "product_class": "halal",
        "product": "Keripik salak",
        "quantity": 5,
    } | more


def bookings_checksum(path: Path) -> tuple[int, str]:
    """(rows, sha256 of every row's content): what a restore or a recount must find again."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT code, machine, starts_at, ends_at, status, price, series FROM booking"
            " ORDER BY code"
        ).fetchall()
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


def audit_verifies(env: dict[str, str]) -> bool:
    verified = run("audit", "verify", **env)
    return verified.returncode == 0 and "Traceback" not in verified.stderr


@contextmanager
def small_disk(root: Path) -> Iterator[bool]:
    """A 16 MiB tmpfs at `root`: True when mounted, False when mounting is not permitted."""
    root.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(root)],
        capture_output=True,
        check=False,
    )
    try:
        yield mounted.returncode == 0
    finally:
        if mounted.returncode == 0:
            subprocess.run(["umount", "-l", str(root)], check=True)


def fill(disk: Path) -> Path:
    """Write a file until the file system is full; the file's removal frees the space."""
    filler = disk / "filler"
    stopped = None
    with filler.open("wb", buffering=0) as out:
        while stopped is None:
            try:
                out.write(CHUNK)
            except OSError as error:
                stopped = error.errno
    assert stopped == errno.ENOSPC, stopped
    return filler


@contextmanager
def file_size_signal_ignored() -> Iterator[None]:
    """Children inherit it: a write past RLIMIT_FSIZE then fails instead of killing the server."""
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGXFSZ, previous)


def test_a_full_disk_refuses_bookings_with_503_and_loses_nothing(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as mounted:
        database = tmp_path / "disk" / "fault.db"
        settings = Settings(
            database_url=f"sqlite:///{database}", secret_key=SECRET, data_dir=tmp_path / "data"
        )
        env = {
            "SHAREDFACTORY_DATABASE_URL": settings.database_url,
            "SHAREDFACTORY_DATA_DIR": str(settings.data_dir),
        }
        for command in ("migrate", "seed"):
            done = run(command, **env)
            assert done.returncode == 0, done.stderr
        with file_size_signal_ignored(), server_process(settings) as (base, server):
            _check_full_disk(base, server, database, env, mounted)


def _check_full_disk(
    base: str, server: subprocess.Popen[bytes], database: Path, env: dict[str, str], mounted: bool
) -> None:
    print("disk full by:", "tmpfs (16 MiB)" if mounted else "RLIMIT_FSIZE (no mount permitted)")
    with httpx.Client(base_url=base, timeout=20) as client:
        email, password = LOGINS["umkm_sri"]
        login = client.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert login.status_code == 201, login.text
        first = client.post("/api/v1/bookings", json=booking(0, 9))
        assert first.status_code == 201, first.text
        before = bookings_checksum(database)
        with sqlite3.connect(database) as db:  # the next write has to grow the WAL file
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if mounted:
            filler = fill(database.parent)
        else:
            resource.prlimit(server.pid, resource.RLIMIT_FSIZE, (1, resource.RLIM_INFINITY))
        for attempt in (booking(1, 10), booking(2, 10, repeat_weeks=2)):
            refused = client.post("/api/v1/bookings", json=attempt)
            assert refused.status_code == 503, refused.text
            assert refused.headers["retry-after"].isdigit()
            assert refused.json()["extra"] == [
                {"key": "database", "message": "disk full" if mounted else "unavailable"}
            ]
            assert ("disk basis data penuh" if mounted else "basis data") in refused.json()[
                "detail"
            ]
        for page in ("/api/v1/houses", "/api/v1/bookings", "/", "/healthz"):
            assert client.get(page).status_code == 200, page
        assert bookings_checksum(database) == before
        assert audit_verifies(env)
        if mounted:
            filler.unlink()
        else:
            resource.prlimit(server.pid, resource.RLIMIT_FSIZE, (-1, -1))
        again = client.post("/api/v1/bookings", json=booking(1, 10))
        assert again.status_code == 201, again.text
    count, _checksum = bookings_checksum(database)
    assert count == before[0] + 1
    assert audit_verifies(env)


@pytest.fixture(autouse=True)
def _no_mount_left(tmp_path: Path) -> Iterator[None]:
    yield
    with open("/proc/mounts") as mounts:
        assert str(tmp_path) not in mounts.read(), "the test's tmpfs is still mounted"
