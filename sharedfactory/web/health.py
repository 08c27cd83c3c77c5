"""`GET /healthz`: the database, broker and ingest status."""

from __future__ import annotations

import msgspec
from litestar import get
from piccolo.engine.base import Engine

from sharedfactory.db.engine import current_engine


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


@get("/healthz", tags=["platform"], summary="Health of the database, broker and ingest")
async def healthz() -> Health:
    database = await database_status(current_engine())
    # The broker and the ingest join in the telemetry issue; until then they are reported as such.
    return Health(
        status="ok" if database == "ok" else "degraded",
        database=database,
        broker="not configured",
        ingest="not running",
    )
