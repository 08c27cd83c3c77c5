"""The app of one worker process when `sharedfactory serve` runs several
(`SHAREDFACTORY_WEB_WORKERS`): uvicorn starts each worker by importing this factory, so each
builds its app from the environment it inherited, the same settings `serve` checked."""

from __future__ import annotations

from litestar import Litestar

from sharedfactory.app import create_app
from sharedfactory.settings import Settings


def worker_app() -> Litestar:
    return create_app(Settings.from_env(), freeze_heap=True)
