"""`sharedfactory demo` on a fresh directory: database, broker, ingest, simulated machines and
the web server come up together, telemetry flows, and Ctrl-C stops all of it."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import LOGINS, database_engine_name
from tests.support.server import free_port

pytestmark = [
    pytest.mark.heavy,
    pytest.mark.skipif(
        database_engine_name() != "sqlite",
        reason="the demo runs on the embedded SQLite database",
    ),
]


def get_json(url: str, cookie: str = ""):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def log_in(base: str, email: str, password: str) -> str:
    body = json.dumps({"email": email, "password": password}).encode()
    request = urllib.request.Request(
        f"{base}/api/v1/auth/login", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers["Set-Cookie"].split(";")[0]


def wait_for(check, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            result = check()
        except OSError:
            result = None
        if result:
            return result
        time.sleep(0.5)
    return None


def test_demo_runs_everything_and_stops_cleanly(tmp_path):
    port = free_port()
    env = os.environ | {
        "SHAREDFACTORY_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "SHAREDFACTORY_DATA_DIR": str(tmp_path / "data"),
        "SHAREDFACTORY_PORT": str(port),
    }
    env.pop("SHAREDFACTORY_MQTT_URL", None)
    log = (tmp_path / "demo.log").open("wb")
    demo = subprocess.Popen(
        [sys.executable, "-m", "sharedfactory.cli", "demo"], env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        health = wait_for(lambda: _all_up(get_json(f"{base}/healthz")))
        assert health, (tmp_path / "demo.log").read_text()[-3000:]
        cookie = log_in(base, *LOGINS["operator_sleman"])  # the demo's own logins work
        telemetry = wait_for(
            lambda: get_json(f"{base}/api/v1/machines/sleman-fryer-1/telemetry", cookie)["count"]
        )
        assert telemetry, "the simulated fryer's telemetry never reached the database"
        broker_pid = (tmp_path / "data" / "mqtt" / "mosquitto.pid").read_text().strip()
    finally:
        demo.send_signal(signal.SIGINT)
        code = demo.wait(timeout=30)
        log.close()
    assert code == 0
    assert not os.path.exists(f"/proc/{broker_pid}"), "the broker outlived the demo"


def _all_up(health: dict) -> dict | None:
    parts = (health["database"], health["broker"], health["ingest"])
    return health if all(part.startswith("ok") for part in parts) else None
