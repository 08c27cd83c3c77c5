"""A real server on a free loopback port: a `sharedfactory serve` process, or an app under
uvicorn in a thread of this process (for tests that patch the app's clock)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from litestar import Litestar

from sharedfactory.settings import Settings


def child_pids(pid: int) -> list[int]:
    """The processes `pid` started (a server's workers), from /proc."""
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(settings: Settings) -> Iterator[str]:
    """Serve the settings' database; the server's log goes to data_dir/server-PORT.log."""
    with server_process(settings) as (base, _process):
        yield base


@contextmanager
def server_process(
    settings: Settings, workers: int = 1
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`running_server`, also handing over the process (fault tests kill or limit it)."""
    port = free_port()
    env = os.environ | {
        "SHAREDFACTORY_DATABASE_URL": settings.database_url,
        "SHAREDFACTORY_DATA_DIR": str(settings.data_dir),
        "SHAREDFACTORY_SECRET_KEY": settings.secret_key or "",
        "SHAREDFACTORY_PORT": str(port),
        "SHAREDFACTORY_WEB_WORKERS": str(workers),
    }
    log_path = settings.data_dir / f"server-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "sharedfactory.cli", "serve"], env=env, stdout=log, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_healthy(base, process, log_path)
            yield base, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:  # never leave a server behind
                process.kill()
                process.wait(timeout=15)


def _wait_until_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{base} did not become healthy in 30 s")


@contextmanager
def serving_in_thread(app: Litestar) -> Iterator[str]:
    """`app` under uvicorn in a thread of this process: no second start-up of the imports, and
    what the test patches in this process holds in the server too."""
    port = free_port()
    web = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not web.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert web.started, "the web server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        web.should_exit = True
        thread.join(timeout=10)
