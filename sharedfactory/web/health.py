"""`GET /healthz`: the database, broker and ingest status, always 200 (CONTRACTS.md section 5)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import msgspec
from litestar import Request, get
from piccolo.engine.base import Engine

from sharedfactory.devices.mqtt import MqttTarget
from sharedfactory.settings import Settings

HEARTBEAT_FRESH_MS = 15_000


class Health(msgspec.Struct):
    status: str
    database: str
    broker: str
    ingest: str


async def database_status(engine: Engine) -> str:
    try:
        await engine.run_ddl("SELECT 1")
    except Exception as error:  # any driver error means "down", reported, not raised
        return f"down: {type(error).__name__}"
    return "ok"


async def _reachable(host: str, port: int) -> bool:
    try:
        _reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 1.0)
    except (OSError, TimeoutError):
        return False
    writer.close()
    return True


async def broker_status(settings: Settings) -> str:
    if settings.mqtt_url:
        target = MqttTarget.from_url(settings.mqtt_url)
        where = f"{target.host}:{target.port}"
        return f"ok ({where})" if await _reachable(target.host, target.port) else f"down ({where})"
    port_file = settings.data_dir / "mqtt" / "port"
    if not port_file.exists():
        return "not started"
    port = int(port_file.read_text())
    up = await _reachable("127.0.0.1", port)
    return f"{'ok' if up else 'down'} (embedded broker on 127.0.0.1:{port})"


def ingest_status(data_dir: Path, now_ms: int | None = None) -> str:
    """From the heartbeat files the ingest workers write into the data directory."""
    now_ms = now_ms or int(time.time() * 1000)
    fresh = 0
    for path in data_dir.glob("ingest-*.json"):
        try:
            beat = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        fresh += now_ms - int(beat.get("ts_ms", 0)) < HEARTBEAT_FRESH_MS and beat.get("connected")
    return f"ok ({fresh} worker{'s' if fresh != 1 else ''})" if fresh else "not running"


@get("/healthz", tags=["platform"], summary="Health of the database, broker and ingest")
async def healthz(request: Request[Any, Any, Any]) -> Health:
    settings: Settings = request.app.state.settings
    database = await database_status(request.app.state.engine)
    return Health(
        status="ok" if database == "ok" else "degraded",
        database=database,
        broker=await broker_status(settings),
        ingest=ingest_status(settings.data_dir),
    )
