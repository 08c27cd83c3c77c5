"""Fixtures: one real database per test session, so one per worker under `make test`'s `-n 2`
(SQLite file, or a throwaway PostgreSQL cluster when SHAREDFACTORY_TEST_DATABASE=postgres),
migrated and seeded with the demo."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from piccolo.engine.base import Engine

from sharedfactory.app import create_app
from sharedfactory.bookings.fresh import forget_cached_facts
from sharedfactory.db.engine import use_database
from sharedfactory.db.migrate import migrate
from sharedfactory.db.sqlite_pool import drain_pools
from sharedfactory.demo.seed import DEFAULT_START, seed
from sharedfactory.settings import Settings
from tests.support.postgres import throwaway_postgres
from tests.support.server import running_server

PURE_FOLDERS = ("scheduler", "analytics")
SECRET = "test-secret-key"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests of pure packages need no database: mark them so the PostgreSQL run skips them.
    Heavy modules go first, whole, so that no worker of `-n 2` is left alone with one at the end."""
    for item in items:
        parts = Path(str(item.fspath)).parts
        if any(folder in parts for folder in PURE_FOLDERS):
            item.add_marker(pytest.mark.pure)
    heavy = {item.path for item in items if item.get_closest_marker("heavy")}
    items.sort(key=lambda item: item.path not in heavy)


def database_engine_name() -> str:
    return os.environ.get("SHAREDFACTORY_TEST_DATABASE", "sqlite")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if database_engine_name() == "postgres":
        with throwaway_postgres() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'sharedfactory.db'}"


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=SECRET,
        data_dir=tmp_path_factory.mktemp("data"),
    )


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[Engine]:
    engine = use_database(settings.database_url)
    await migrate(engine)
    await seed(SECRET)
    yield engine
    await drain_pools()


@pytest.fixture(scope="session")
def app(settings: Settings, engine: Engine) -> Litestar:
    return create_app(
        settings, connection_pool=False, login_attempts_per_minute=10_000, booking_sweep_s=None
    )


@pytest.fixture(scope="module")
def server(settings: Settings, engine: Engine) -> Iterator[str]:
    """A real `sharedfactory serve` process on the test database, for the browser tests (a module
    that patches the app in this process serves it in a thread instead)."""
    with running_server(settings) as base:
        yield base


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium through Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    forget_cached_facts()  # tests also write rows straight into the database
    async with AsyncTestClient(app=app) as client:
        yield client


# The demo's own logins (sharedfactory/demo/logins.py), seeded with the demo.
LOGINS = {
    "admin": ("admin@demo.sharedfactory.id", "demo-admin-2026"),
    "auditor": ("auditor@demo.sharedfactory.id", "demo-auditor-2026"),
    "operator_sleman": ("operator.sleman@demo.sharedfactory.id", "demo-operator-2026"),
    "operator_batu_bara": ("operator.batu-bara@demo.sharedfactory.id", "demo-operator-2026"),
    "umkm_sri": ("sri@demo.sharedfactory.id", "demo-umkm-2026"),  # Sleman, keripik salak
    "umkm_siti": ("siti@demo.sharedfactory.id", "demo-umkm-2026"),  # Batu Bara, sambal
}


def booking_monday(weeks: int, today: date | None = None) -> date:
    """The Monday `weeks` after the demo week, or after this week once the demo week is past:
    booking tests stay in the future (and inside the houses' 60-day advance limit) on any day."""
    today = today or date.today()
    next_monday = today + timedelta(days=7 - today.weekday())
    return max(DEFAULT_START, next_monday) + timedelta(weeks=weeks)


async def log_in(client, who: str) -> None:
    email, password = LOGINS[who]
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 201, response.text


@pytest.fixture
async def operator_client(client):
    await log_in(client, "operator_sleman")
    return client
