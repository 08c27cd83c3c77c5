"""A throwaway PostgreSQL cluster: initdb as the `postgres` user into a temporary directory,
started on a free loopback port with fsync off, removed afterwards."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from tests.support.server import free_port

CLUSTERS: dict[str, Path] = {}  # url -> data directory, for tests that stop the server
BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _binary(name: str) -> str:
    for directory in BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found: install PostgreSQL (apt-get install postgresql)")
    return found


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() == 0:  # initdb refuses root
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Yield `postgresql://postgres@127.0.0.1:PORT/sharedfactory` of a fresh cluster."""
    root = Path(tempfile.mkdtemp(prefix="sf-pg-"))
    data, port = root / "data", free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    run = subprocess.run
    run(
        _as_postgres(
            [
                _binary("initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    options = (
        f"-k {root} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    )
    run(
        _as_postgres(
            [
                _binary("pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "-l",
                str(root / "log"),
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        run(
            _as_postgres(
                [
                    _binary("createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    "postgres",
                    "sharedfactory",
                ]
            ),
            check=True,
            capture_output=True,
        )
        url = f"postgresql://postgres@127.0.0.1:{port}/sharedfactory"
        CLUSTERS[url] = data
        yield url
    finally:
        run(
            _as_postgres([_binary("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def pg_ctl(url: str, action: str) -> None:
    """`stop` or `start` the throwaway cluster behind `url` (fast shutdown: connections drop)."""
    data = CLUSTERS[url]
    port = url.rsplit(":", 1)[1].split("/", maxsplit=1)[0]
    options = f"-k {data.parent} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off"
    args = [_binary("pg_ctl"), "-D", str(data), "-w", "-m", "fast", action]
    if action == "start":
        args[1:1] = ["-o", options, "-l", str(data.parent / "log")]
    subprocess.run(_as_postgres(args), check=True, capture_output=True)


async def empty_database(session_url: str, name: str) -> str:
    """A new, empty database `name` beside the session's one (dropped first if left over)."""
    parts = urlsplit(session_url)
    connection = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return urlunsplit(parts._replace(path=f"/{name}"))
