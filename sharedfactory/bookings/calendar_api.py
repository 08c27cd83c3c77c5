"""iCalendar feeds a phone subscribes to, and the list of feed links a logged-in viewer may use.

A phone's calendar app fetches the feed on its own, without the session cookie, so the feed URL
carries its own proof: `b-<business>-<mac>` or `m-<machine>-<mac>`, where the mac is HMAC-SHA256
of `calendar:<kind>-<code>` under the app's secret key, cut to 32 hex digits. A wrong or altered
token answers 404, as an unknown one would.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get
from litestar.exceptions import PermissionDeniedException
from litestar.params import Parameter

from sharedfactory.accounts.deps import Login
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.calendar import calendar_bytes
from sharedfactory.bookings.tables import Booking
from sharedfactory.businesses.tables import Business
from sharedfactory.facilities.tables import Machine
from sharedfactory.i18n.catalog import gettext_for
from sharedfactory.web.errors import ErrorBody, not_found, refused

Kind = Literal["b", "m"]
MAC_LENGTH = 32
SUFFIX = ".ics"
MAX_TOKEN_LENGTH = 2 + 64 + 1 + MAC_LENGTH
PAST = timedelta(days=30)
AHEAD = timedelta(days=180)
MAX_EVENTS = 5000
CALENDAR_TYPE = "text/calendar"  # Litestar adds "; charset=utf-8" to text types

FEED_COLUMNS = (
    Booking.code,
    Booking.machine.code.as_alias("machine"),
    Booking.machine.name.as_alias("machine_name"),
    Booking.machine._.house._.name.as_alias("house_name"),
    Booking.machine._.machine_type._.batch_unit.as_alias("unit"),
    Booking.business.name.as_alias("business_name"),
    Booking.product,
    Booking.quantity,
    Booking.starts_at,
    Booking.ends_at,
    Booking.status,
)


def mac(secret: str, kind: Kind, code: str) -> str:
    digest = hmac.new(secret.encode(), f"calendar:{kind}-{code}".encode(), hashlib.sha256)
    return digest.hexdigest()[:MAC_LENGTH]


def feed_token(secret: str, kind: Kind, code: str) -> str:
    return f"{kind}-{code}-{mac(secret, kind, code)}"


def verified(secret: str, token: str) -> tuple[Kind, str] | None:
    """The (kind, code) a token was made for, or None when it was not made with this secret."""
    if len(token) > MAX_TOKEN_LENGTH or len(token) < 2 + 1 + 1 + MAC_LENGTH:
        return None
    kind, dash, rest = token[0], token[1], token[2:]
    code, given = rest[: -MAC_LENGTH - 1], rest[-MAC_LENGTH:]
    if kind not in ("b", "m") or dash != "-" or rest[-MAC_LENGTH - 1] != "-" or not code:
        return None
    expected = mac(secret, kind, code)  # type: ignore[arg-type]
    if not hmac.compare_digest(expected.encode(), given.encode()):
        return None
    return kind, code  # type: ignore[return-value]


def feed_url(base: str, secret: str, kind: Kind, code: str) -> str:
    return f"{base.rstrip('/')}/calendar/{feed_token(secret, kind, code)}{SUFFIX}"


class CalendarLinkOut(msgspec.Struct):
    kind: Literal["business", "machine"]
    code: str
    name: str
    url: str  # https://.../calendar/<token>.ics
    webcal: str  # the same feed as webcal://, which phones open as a subscription


def _secret(request: Request[Any, Any, Any]) -> str:
    return str(request.app.state.settings.resolved_secret_key())


def _missing() -> Response[bytes]:
    body = ErrorBody(404, "no such calendar feed")
    return Response(msgspec.json.encode(body), status_code=404, media_type="application/json")


async def _feed_name(kind: Kind, code: str) -> str | None:
    _ = gettext_for("id")
    if kind == "b":
        business = await Business.select(Business.name).where(Business.code == code).first().run()
        if business is None:
            return None
        return _("Bookings of %(name)s") % {"name": business["name"]}
    machine = (
        await Machine.select(Machine.name, Machine.house.name.as_alias("house"))
        .where(Machine.code == code)
        .first()
        .run()
    )
    if machine is None:
        return None
    return _("Bookings on %(machine)s, %(house)s") % {
        "machine": machine["name"],
        "house": machine["house"],
    }


async def _bookings(kind: Kind, code: str, now: datetime) -> list[dict[str, Any]]:
    owner = Booking.business.code == code if kind == "b" else Booking.machine.code == code
    rows: list[dict[str, Any]] = (
        await Booking.select(*FEED_COLUMNS)
        .where(owner, Booking.ends_at > now - PAST, Booking.starts_at < now + AHEAD)
        .order_by(Booking.starts_at)
        .limit(MAX_EVENTS)
        .run()
    )
    if kind == "b":  # the UMKM's own calendar: its own name on every event says nothing
        for row in rows:
            row["business_name"] = None
    return rows


class CalendarApi(Controller):
    tags = ("calendar",)

    @get(
        "/calendar/{feed:str}",
        summary="iCalendar feed of a UMKM's or a machine's bookings (30 days back, 180 ahead)",
        description="`feed` is `<token>.ics`, the token as `GET /api/v1/calendar-links` gives it. "
        "No login: the token is the proof. A wrong token answers 404.",
        media_type=CALENDAR_TYPE,
        responses=not_found("calendar feed"),
    )
    async def feed(
        self,
        request: Request[Any, Any, Any],
        feed: Annotated[str, Parameter(description="`<token>.ics`")],
    ) -> Response[bytes]:
        if not feed.endswith(SUFFIX):
            return _missing()
        found = verified(_secret(request), feed.removesuffix(SUFFIX))
        if found is None:
            return _missing()
        kind, code = found
        name = await _feed_name(kind, code)
        if name is None:
            return _missing()
        now = datetime.now(UTC)
        body = calendar_bytes(await _bookings(kind, code, now), name, now)
        return Response(
            body,
            media_type=CALENDAR_TYPE,
            headers={"Cache-Control": "private, max-age=300"},
        )

    @get(
        "/api/v1/calendar-links",
        summary="The calendar feeds you may subscribe to: your UMKM's, or your machines'",
        responses=refused(401, 403),
    )
    async def links(self, request: Request[Any, Any, Any], login: Login) -> list[CalendarLinkOut]:
        base, secret = str(request.base_url), _secret(request)
        links = []
        for kind, code, name in await _feeds_of(login):
            url = feed_url(base, secret, kind, code)
            links.append(
                CalendarLinkOut(
                    kind="business" if kind == "b" else "machine",
                    code=code,
                    name=name,
                    url=url,
                    webcal="webcal://" + url.split("://", 1)[1],
                )
            )
        return links


async def _feeds_of(viewer: Viewer) -> list[tuple[Kind, str, str]]:
    if viewer.role == "umkm":
        if viewer.business is None:
            return []
        rows = await Business.select(Business.code, Business.name).where(
            Business.code == viewer.business
        )
        return [("b", row["code"], row["name"]) for row in rows]
    if viewer.role == "auditor":
        raise PermissionDeniedException(detail="booking calendars are for UMKM and house staff")
    query = Machine.select(Machine.code, Machine.name).order_by(Machine.code)
    if viewer.role == "operator":
        if viewer.house is None:
            return []
        query = query.where(Machine.house.code == viewer.house)
    return [("m", row["code"], row["name"]) for row in await query]
