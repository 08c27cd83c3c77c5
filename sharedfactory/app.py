"""The composition root: every route, plugin and lifecycle hook is wired here, once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader, State
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from sharedfactory import __version__
from sharedfactory.accounts.deps import VIEWER_DEPENDENCIES
from sharedfactory.accounts.service import share_viewers
from sharedfactory.accounts.web import AuthApi, LoginPages, login_rate_limit
from sharedfactory.bookings.api import BookingApi
from sharedfactory.bookings.calendar_api import CalendarApi
from sharedfactory.bookings.changes_api import BookingChangesApi
from sharedfactory.bookings.plans_api import PlanningApi
from sharedfactory.bookings.rules_api import RulesApi
from sharedfactory.bookings.statement_api import StatementApi
from sharedfactory.bookings.sweeper import booking_sweeper
from sharedfactory.bookings.timeline_api import TimelineApi
from sharedfactory.businesses.api import BusinessApi, RegistrationApi
from sharedfactory.cleaning.api import CleaningApi
from sharedfactory.db.engine import use_database
from sharedfactory.db.sqlite_pool import drain_pools
from sharedfactory.devices.alarm_api import AlarmApi
from sharedfactory.devices.api import TelemetryApi
from sharedfactory.devices.booking_api import BookingTelemetryApi
from sharedfactory.devices.credentials_api import MachineLoginApi
from sharedfactory.facilities.api import FacilitiesApi
from sharedfactory.facilities.calendar_admin_api import CalendarAdminApi
from sharedfactory.facilities.machine_admin_api import MACHINE_ADMIN_API
from sharedfactory.facilities.weekly_api import WEEKLY_API
from sharedfactory.heap import frozen_at_start
from sharedfactory.i18n import formats
from sharedfactory.notices.api import NoticeApi
from sharedfactory.notices.mailer import outbox_lifespans
from sharedfactory.quality.api import QualityRecordApi
from sharedfactory.reports.api import ReportsApi
from sharedfactory.settings import Settings
from sharedfactory.shared_stamp import SharedStamp
from sharedfactory.web import presenters
from sharedfactory.web.alarm_pages import AlarmPages
from sharedfactory.web.booking_pages import BookingPages
from sharedfactory.web.calendar_admin_pages import HouseCalendarPages
from sharedfactory.web.cleaning_pages import CleaningPages
from sharedfactory.web.cross_origin import refuse_cross_origin_writes
from sharedfactory.web.errors import page_or_json_error
from sharedfactory.web.health import healthz
from sharedfactory.web.json_body import MAX_BODY_BYTES, JsonCheckedRequest
from sharedfactory.web.live import LivePages
from sharedfactory.web.machine_admin_pages import MachineAdminPages
from sharedfactory.web.machine_page import MachinePage
from sharedfactory.web.pages import Pages
from sharedfactory.web.planning_pages import PLANNING_PAGES
from sharedfactory.web.quality_pages import QualityPages
from sharedfactory.web.report_pages import ReportPages
from sharedfactory.web.rules_pages import HouseRulesPages
from sharedfactory.web.security_headers import security_headers
from sharedfactory.web.timeline_pages import HouseTimelinePages
from sharedfactory.web.umkm_admin_pages import UmkmAdminPages
from sharedfactory.web.umkm_pages import UMKM_PAGES
from sharedfactory.web.unavailable import DATABASE_ERRORS, database_unavailable
from sharedfactory.web.weekly_pages import WeeklyCalendarPages

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
# Scripts and styles change only with a release; an hour saves every page's revalidations.
STATIC_CACHE = CacheControlHeader(max_age=3600)
SWAGGER = "/static/vendor/swagger-ui"


def create_app(
    settings: Settings,
    *,
    connection_pool: bool = True,
    login_attempts_per_minute: int = 20,
    booking_sweep_s: float | None = 60.0,
    freeze_heap: bool = False,
) -> Litestar:
    """`connection_pool=False` keeps PostgreSQL connections per query, for callers (tests) that
    also query from another event loop than the app's. `booking_sweep_s=None` turns off the
    background release of no-shows (tests that release them by hand). `freeze_heap`: the
    servers (`serve`, `demo`) keep what start-up built out of the collector's full passes
    (`heap`). One of several worker processes (`settings.web_workers`) drops its kept viewers on
    any one's logout, counts its share of the login attempts, and sweeps only while it holds the
    data directory's sweeper lock."""
    engine = use_database(settings.database_url)
    workers = settings.web_workers
    share_viewers(SharedStamp(settings.data_dir / "viewers.stamp") if workers > 1 else None)
    sweep_turn = settings.data_dir / "sweeper.lock" if workers > 1 else None
    return Litestar(
        route_handlers=[
            Pages,
            LivePages,
            MachinePage,
            BookingPages,
            *PLANNING_PAGES,
            *UMKM_PAGES,
            HouseCalendarPages,
            WeeklyCalendarPages,
            HouseRulesPages,
            HouseTimelinePages,
            MachineAdminPages,
            UmkmAdminPages,
            AlarmPages,
            LoginPages,
            AuthApi,
            FacilitiesApi,
            BookingApi,
            BookingChangesApi,
            PlanningApi,
            TelemetryApi,
            BookingTelemetryApi,
            AlarmApi,
            MachineLoginApi,
            NoticeApi,
            CalendarApi,
            RegistrationApi,
            BusinessApi,
            RulesApi,
            CalendarAdminApi,
            *WEEKLY_API,
            *MACHINE_ADMIN_API,
            TimelineApi,
            StatementApi,
            ReportsApi,
            ReportPages,
            QualityRecordApi,
            QualityPages,
            CleaningApi,
            CleaningPages,
            healthz,
            create_static_files_router(
                path="/static", directories=[WEB_DIR / "static"], cache_control=STATIC_CACHE
            ),
        ],
        template_config=TemplateConfig(instance=_templates()),
        openapi_config=_openapi(),
        lifespan=[
            *([_database_lifespan(engine)] if connection_pool else []),
            *outbox_lifespans(settings),
            *([booking_sweeper(booking_sweep_s, sweep_turn)] if booking_sweep_s else []),
            *([frozen_at_start] if freeze_heap else []),  # last: what the others started too
        ],
        debug=False,
        logging_config=None,
        state=State({"settings": settings, "engine": engine}),
        dependencies=VIEWER_DEPENDENCIES,
        csrf_config=CSRFConfig(
            secret=settings.resolved_secret_key(),
            cookie_name="sf_csrf",
            cookie_httponly=True,
            exclude=["/api/", "/schema"],  # JSON API: SameSite=Lax session cookie, JSON bodies
        ),
        exception_handlers={
            HTTPException: page_or_json_error,
            **dict.fromkeys(DATABASE_ERRORS, database_unavailable),
        },
        request_class=JsonCheckedRequest,
        request_max_body_size=MAX_BODY_BYTES,  # a 413 before reading; the uploads allow more
        middleware=[
            security_headers,
            refuse_cross_origin_writes,
            login_rate_limit(max(1, login_attempts_per_minute // workers)).middleware,
        ],
    )


async def _keep_session(_connection: object) -> None:
    """asyncpg's default runs `RESET ALL; UNLISTEN *; CLOSE ALL; pg_advisory_unlock_all()` each
    time a connection goes back to the pool: a round trip per query, a twentieth of the server's
    time under load. Nothing here changes a session (no SET, LISTEN, cursor or session-level
    advisory lock: the audit chain's lock is per transaction), and asyncpg still rolls back an
    open transaction before it calls this."""


def _database_lifespan(engine: Engine):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def lifespan(_app: Litestar) -> AsyncIterator[None]:
        if isinstance(engine, PostgresEngine):
            await engine.start_connection_pool(min_size=1, max_size=10, reset=_keep_session)
        try:
            yield
        finally:
            if isinstance(engine, PostgresEngine):
                await engine.close_connection_pool()
            else:
                await drain_pools()

    return lifespan


def _templates() -> JinjaTemplateEngine:
    environment = Environment(
        loader=FileSystemLoader(WEB_DIR / "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        auto_reload=False,
    )
    environment.globals.update(
        clock=formats.clock,
        clock_ms=formats.clock_ms,
        process_value=presenters.process_value,
        state_label=presenters.state_label,
        rupiah=formats.rupiah,
        number=formats.number,
        zone_abbreviation=formats.zone_abbreviation,
        weekly_hours=presenters.weekly_hours,
        closed_days=presenters.closed_days,
        halal_label=presenters.halal_label,
        version=__version__,
    )
    return JinjaTemplateEngine.from_environment(environment)


def _openapi() -> OpenAPIConfig:
    swagger = SwaggerRenderPlugin(
        js_url=f"{SWAGGER}/swagger-ui-bundle.js",
        css_url=f"{SWAGGER}/swagger-ui.css",
        standalone_preset_js_url=f"{SWAGGER}/swagger-ui-standalone-preset.js",
        path=["/", "/swagger"],
        favicon="<link rel='icon' href='/static/favicon.svg'>",
    )
    return OpenAPIConfig(
        title="sharedfactory",
        version=__version__,
        description="Booking, scheduling, telemetry and audit for shared production houses.",
        path="/schema",
        render_plugins=[swagger],
    )
