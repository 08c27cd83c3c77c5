"""Issue #8, hardening: a corpus of hostile inputs (tests/support/hostile.py: NUL bytes, numbers no
float or int64 holds, 10,000 levels of nesting, invalid UTF-8, SQL and template injection, markup,
100 k characters, RTL overrides and joiners) sent through every JSON body field, every page form
field (with a valid CSRF token, so the value reaches the form's checks), every path and every query
parameter of the app's router (read from `app.routes`, so a new route is covered the day it
appears), as an admin (who reaches the most routes) and, smaller, as a UMKM.

Every answer: no 5xx, no traceback or SQL error text, no injected markup or rendered template back
unescaped. Nothing is written on a refusal; what a route accepts (hostile but valid text) is stored
exactly, displayed escaped on every page, and then deleted, so the tables end as they began.
Bodies over the limit are refused with a 413 before they are read."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from litestar import Litestar
from litestar.params import ParameterKwarg
from litestar.routes import HTTPRoute

from sharedfactory.bookings.tables import Booking
from sharedfactory.db.registry import TABLES
from sharedfactory.devices.tables import Alarm
from sharedfactory.facilities.tables import House, Machine
from tests.accounts.test_auditor_reads_only import CSRF
from tests.conftest import booking_monday, log_in
from tests.support.hostile import (
    STRINGS,
    URL_STRINGS,
    answer_problems,
    body_with,
    json_values,
    page_forms,
    url_value,
)

pytestmark = pytest.mark.heavy

HOUSE, MACHINE, OPERATOR = "sleman", "sleman-fryer-1", "op-sleman-sri"
BUSINESS = "keripik-salak-pondoh-bu-sri"  # umkm_sri's
NOWHERE, NOWHERE_ID, FAR_DAY = "tidak-ada", 2**31 - 1, "2099-01-05"
WIB = ZoneInfo("Asia/Jakarta")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SKIPPED = ("/static", "/schema")
NEVER_CALLED = ("/logout", "/api/v1/auth/logout")  # would end the pass's own session
ENDLESS = "/stream"  # server-sent events: the answer never ends
# facts_stamp counts changes (the pass's restores count too): a counter, not anyone's data.
UNWATCHED = {
    "app_session",
    "telemetry_message",
    "hourly_rollup",
    "machine_live_state",
    "facts_stamp",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
MiB = 1024 * 1024
# A weekly grid has dozens of fields of one kind: the first ones stand for the rest.
MAX_FORM_FIELDS = 12
UMKM_FORMS = ("/pesan", "/permintaan", "/antrean")  # shown to a UMKM: its own pass sends them
# A form post renders a whole page (the weekly calendar: 0.8 s): the four most telling values.
FORM_STRINGS = ("nul", "script", "jinja", "long")
# The weekly calendar re-renders its conflict offers on every refusal (seconds on PostgreSQL):
# there the NUL (PostgreSQL's hole) and the markup through the first fields of each form.
SLOW_FORMS = {"/rumah/{house:str}/kalender/mingguan": (("nul", "script"), 4)}


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # Litestar's, `/houses/{house:str}/rules`
    template: str  # `/houses/{house}/rules`
    params: dict[str, type]
    query: tuple[str, ...]
    body: str | None  # "json", "multipart", "form" (a page's form) or None
    fields: tuple[str, ...] = ()  # a JSON or multipart body's top-level fields (OpenAPI)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    def url(self, values: dict[str, str]) -> str:
        return self.template.format(**values)


def _query_names(handler: Any, route: HTTPRoute) -> tuple[str, ...]:
    dependencies = set(handler.resolve_dependencies())
    names = []
    for name, parameter in handler.parsed_fn_signature.parameters.items():
        if name in dependencies or name in route.path_parameters:
            continue
        if name in ("data", "request", "state", "scope", "headers", "cookies", "query"):
            continue
        kwarg = parameter.kwarg_definition
        if isinstance(kwarg, ParameterKwarg) and (kwarg.header or kwarg.cookie):
            continue
        query = kwarg.query if isinstance(kwarg, ParameterKwarg) else None
        names.append(query or name.rstrip("_"))  # `from_` is `?from=`
    return tuple(names)


def _body_of(
    app: Litestar, route: HTTPRoute, handler: Any, method: str
) -> tuple[str | None, tuple]:
    if "data" not in handler.parsed_fn_signature.parameters:
        return None, ()
    if not route.path.startswith("/api/"):
        return "form", ()
    schema = app.openapi_schema.to_schema()
    content = schema["paths"][route.path_format][method.lower()]["requestBody"]["content"]
    media, body = next(iter(content.items()))
    if ref := body["schema"].get("$ref"):
        body = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    kind = "multipart" if media.startswith("multipart") else "json"
    return kind, tuple(body.get("properties", {}))


def every_route(app: Litestar) -> Iterator[Route]:
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith(SKIPPED):
            continue
        params = {name: p.type for name, p in route.path_parameters.items()}
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
                if route.path in NEVER_CALLED or route.path.endswith(ENDLESS):
                    continue
                body, fields = _body_of(app, route, handler, method)
                query = _query_names(handler, route)
                yield Route(method, route.path, route.path_format, params, query, body, fields)


@dataclass(frozen=True)
class Facts:
    booking: str  # a coming confirmed booking in Sleman
    alarm: int  # this test's own open alarm on the Sleman fryer


@pytest.fixture
async def facts(engine) -> AsyncIterator[Facts]:
    house = await House.select(House.id).where(House.code == HOUSE).first()
    machine = await Machine.select(Machine.id).where(Machine.code == MACHINE).first()
    assert house, "the demo has no Sleman house"
    assert machine, "the demo has no Sleman fryer"
    booking = (
        await Booking.select(Booking.code)
        .where(
            Booking.machine.house == house["id"],
            Booking.status == "confirmed",
            Booking.starts_at > datetime.now(UTC),
        )
        .order_by(Booking.starts_at)
        .first()
    )
    assert booking, "the demo has no coming confirmed booking in Sleman"
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    alarm = Alarm(
        machine=machine["id"], kind="fault", detail="hostile input test", opened_ms=now_ms
    )
    alarm_id = (await Alarm.insert(alarm).returning(Alarm.id).run())[0]["id"]
    yield Facts(booking["code"], alarm_id)
    await Alarm.delete().where(Alarm.id == alarm_id).run()


def valid_path(route: Route, name: str, kind: type, facts: Facts) -> str:
    """A real Sleman row for each path parameter (ids that name nothing where a real one could be
    changed by a valid call: plans, waitlist entries, notices, maintenance windows)."""
    if name == "code":
        if route.path.startswith(("/api/v1/businesses/", "/umkm/")):
            return BUSINESS
        return facts.booking if route.path.startswith("/pesanan-saya/") else NOWHERE
    by_name: dict[str, object] = {
        "house": HOUSE,
        "machine": MACHINE,
        "booking": facts.booking,
        "operator": OPERATOR,
        "alarm_id": facts.alarm,
        "day": FAR_DAY,
    }
    if name in by_name:
        return str(by_name[name])
    return {int: str(NOWHERE_ID), date: FAR_DAY}.get(kind, NOWHERE)


def valid_paths(route: Route, facts: Facts) -> dict[str, str]:
    return {n: valid_path(route, n, k, facts) for n, k in route.params.items()}


def nowhere_paths(route: Route) -> dict[str, str]:
    """Path values that name nothing: a write route's query parameters change no row."""
    return {
        n: {int: str(NOWHERE_ID), date: FAR_DAY}.get(k, NOWHERE) for n, k in route.params.items()
    }


def json_bases() -> dict[tuple[str, str], dict[str, Any]]:
    """Valid bodies in this test's own week (`booking_monday(13)`) in Sleman, so a hostile value in
    one field is the only thing wrong; routes not named here get `{}`."""
    monday = booking_monday(13)
    starts = datetime.combine(monday + timedelta(days=1), time(9), WIB)
    sunday = datetime.combine(monday - timedelta(days=1), time(9), WIB)
    booking = {
        "machine": MACHINE,
        "product_class": "halal",
        "product": "Keripik salak",
        "quantity": 10,
        "starts_at": starts.isoformat(),
        "minutes": 90,
        "business": BUSINESS,
    }
    return {
        ("POST", "/api/v1/auth/login"): {"email": "hostile@example.invalid", "password": "salah"},
        ("POST", "/api/v1/bookings"): booking,
        ("POST", "/api/v1/waitlist"): booking,
        ("POST", "/api/v1/bookings/{booking:str}/move"): {
            "starts_at": starts.isoformat(),
            "minutes": 90,
        },
        ("POST", "/api/v1/requests"): {
            "house": HOUSE,
            "steps": ["vacuum_fryer"],
            "quantity": 10,
            "product_class": "halal",
            "product": "Keripik salak",
            "deadline": (starts + timedelta(days=3)).isoformat(),
            "business": BUSINESS,
        },
        ("POST", "/api/v1/houses/{house:str}/machines"): {
            "code": "sleman-hostile-1",
            "machine_type": "vacuum_fryer",
            "name": "Penggoreng uji",
            "batch_size": 5,
            "cycle_minutes": 60,
            "tariff_per_hour": 50_000,
            "power_kw": 3.0,
        },
        ("POST", "/api/v1/alarms/{alarm_id:int}/acknowledge"): {"note": "Dilihat"},
        ("POST", "/api/v1/register"): {
            "name": "Usaha Uji Masukan",
            "nib": "9120013000013",
            "size_class": "mikro",
            "cluster_code": "susu-sleman",
            "owner_name": "Pemilik Uji",
            "phone": "081234567890",
            "email": "hostile-input@umkm.example.id",
            "nik": "3404014101900013",
            "password": "kata-sandi-uji-2026",
            "consent": True,
        },
        ("POST", "/api/v1/businesses/{code:str}/permits"): {
            "kind": "pirt",
            "number": "HOSTILE-0013",
            "product": "Keripik salak",
            "issued_on": "2025-01-02",
        },
        ("POST", "/api/v1/businesses/{code:str}/trainings"): {
            "machine_type": "vacuum_fryer",
            "trained_on": "2025-01-02",
        },
        ("PUT", "/api/v1/houses/{house:str}/tariff-tiers"): {
            "mikro": 50,
            "kecil": 30,
            "menengah": 10,
        },
        ("POST", "/api/v1/houses/{house:str}/holidays"): {"day": FAR_DAY, "name": "Libur uji"},
        ("POST", "/api/v1/machines/{machine:str}/maintenance"): {
            "starts_at": sunday.isoformat(),
            "ends_at": (sunday + timedelta(hours=2)).isoformat(),
            "reason": "Pemeriksaan",
        },
        ("POST", "/api/v1/houses/{house:str}/operators"): {
            "id": "op-sleman-hostile",
            "name": "Operator Uji",
            "phone": "081234567890",
        },
    }


def multipart_base(facts: Facts) -> dict[str, str]:
    yesterday = datetime.now(WIB).replace(microsecond=0) - timedelta(days=1)
    return {"cleaned_at": yesterday.isoformat(), "cleaned_by": "Petugas Uji", "what": "Dicuci"}


# -- what the pass did ---------------------------------------------------------------------------


async def counts() -> dict[str, int]:
    """Every watched table's row count in one query (one per table was most of the pass's time)."""
    names = [t._meta.tablename for t in TABLES if t._meta.tablename not in UNWATCHED]
    sql = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{n}") AS "{n}"' for n in names)
    return dict((await TABLES[0].raw(sql).run())[0])


@dataclass
class Pass:
    """The answers of one pass: problems found, requests sent, and the hostile values a route
    accepted and stored (hostile but valid text, later checked and deleted)."""

    problems: list[str] = field(default_factory=list)
    sent: int = 0
    stored: list[tuple[str, str, str]] = field(default_factory=list)  # route, field, value name
    _counts: dict[str, int] = field(default_factory=dict)

    async def start(self) -> None:
        self._counts = await counts()

    async def check(self, what: str, response: Any, route: Route, fields: str, value: str) -> None:
        self.sent += 1
        self.problems += answer_problems(what, response)
        if route.method in WRITES and response.status_code < 400:
            now = await counts()
            if now != self._counts:
                self.stored.append((str(route), fields, value))
                self._counts = now

    async def route_done(self, route: Route) -> None:
        now = await counts()
        if now != self._counts:
            changed = [t for t in now if now[t] != self._counts.get(t)]
            self.problems.append(f"{route}: a refused request wrote to {changed}")
            self._counts = now


# -- the passes ----------------------------------------------------------------------------------


async def csrf_token(client: Any) -> str:
    page = await client.get("/login")
    return CSRF.search(page.text).group(1)


async def json_pass(client: Any, route: Route, facts: Facts, run: Pass, values: dict) -> None:
    url = route.url(valid_paths(route, facts))
    base = json_bases().get((route.method, route.path), {})
    headers = {"content-type": "application/json"}
    for name, raw in values.items():
        for f in route.fields:
            response = await client.request(
                route.method, url, content=body_with(base, f, raw), headers=headers
            )
            await run.check(f"{route} {f}={name}", response, route, f, name)
        response = await client.request(route.method, url, content=raw, headers=headers)
        await run.check(f"{route} body={name}", response, route, "(body)", name)


async def multipart_pass(client: Any, route: Route, facts: Facts, run: Pass) -> None:
    url = route.url(valid_paths(route, facts))
    base = multipart_base(facts)
    for name, text in STRINGS.items():
        for f in route.fields:
            data = {**base, f: text} if f != "evidence" else base
            files = {"evidence": ("bukti.png", text.encode() if f == "evidence" else PNG)}
            response = await client.request(route.method, url, data=data, files=files)
            await run.check(f"{route} {f}={name}", response, route, f, name)


def forms_for(route: Route, url: str, pages: dict[str, str]) -> list[dict[str, str]]:
    """The route's forms, one of each shape (a page repeats one form per booking, per day)."""
    found: dict[tuple[str, ...], dict[str, str]] = {}
    for page_url, html in pages.items():
        for action, fields in page_forms(html):
            if (action.split("?")[0] or page_url) == url:
                form = {k: v for k, v in fields.items() if k != "_csrf_token"}
                found.setdefault((*sorted(form), form.get("action", "")), form)
    return list(found.values())


async def form_pass(
    client: Any, route: Route, url: str, forms: list[dict[str, str]], token: str, run: Pass
) -> None:
    names, max_fields = SLOW_FORMS.get(route.path, (FORM_STRINGS, MAX_FORM_FIELDS))
    for form in forms:
        for name in names:
            text = STRINGS[name]
            for f in list(form)[:max_fields]:
                data = {**form, f: text, "_csrf_token": token}
                response = await client.post(url, data=data, follow_redirects=False)
                await run.check(f"{route} {f}={name} ({form})", response, route, f, name)
                if "CSRF token verification failed" in response.text:
                    run.problems.append(f"{route}: CSRF refused the form, nothing was tested")


async def url_pass(client: Any, route: Route, facts: Facts, token: str, run: Pass, names) -> None:
    writes = route.method in WRITES
    paths = nowhere_paths(route) if writes else valid_paths(route, facts)
    data = {"_csrf_token": token} if writes and not route.path.startswith("/api/") else None
    for name in names:
        for p in route.params:
            url = route.url({**paths, p: url_value(name)})
            response = await client.request(route.method, url, data=data)
            await run.check(f"{route} path {p}={name}", response, route, p, name)
        for q in route.query:
            url = f"{route.url(paths)}?{q}={url_value(name)}"
            response = await client.request(route.method, url, data=data)
            await run.check(f"{route} ?{q}={name}", response, route, q, name)


async def pages_of(client: Any, app: Litestar, facts: Facts) -> dict[str, str]:
    """Every page (GET, not the API) with real Sleman rows: where the forms are, and where what
    was stored is displayed."""
    pages = {}
    for route in every_route(app):
        if route.method == "GET" and not route.path.startswith(("/api/", "/calendar/")):
            url = route.url(valid_paths(route, facts))
            response = await client.get(url)
            if response.headers.get("content-type", "").startswith("text/html"):
                pages[url] = response.text
    return pages


async def display_problems(client: Any, app: Litestar, facts: Facts) -> list[str]:
    problems = []
    for route in every_route(app):
        if route.method == "GET" and not route.path.endswith((".pdf", "/unduh")):
            url = route.url(valid_paths(route, facts))
            problems += answer_problems(f"display {url}", await client.get(url))
    return problems


# -- the database before and after ---------------------------------------------------------------


def _key(table: Any) -> str:
    return table._meta.primary_key._meta.name


async def rows() -> dict[str, dict[Any, dict[str, Any]]]:
    snapshot = {}
    for table in TABLES:
        if table._meta.tablename not in UNWATCHED:
            key = _key(table)
            snapshot[table._meta.tablename] = {r[key]: r for r in await table.select().run()}
    return snapshot


async def restore(before: dict, after: dict) -> None:
    """Delete what the pass added (children first), put back what it changed."""
    for table in reversed(TABLES):
        name = table._meta.tablename
        if name in UNWATCHED:
            continue
        key = _key(table)
        added = [k for k in after[name] if k not in before[name]]
        if added:
            await table.delete().where(table._meta.primary_key.is_in(added)).run()
        for k, row in before[name].items():
            if k in after[name] and after[name][k] != row:
                values = {c: v for c, v in row.items() if c != key}
                await table.update(values).where(table._meta.primary_key == k).run()


def stored_problems(run: Pass, before: dict, after: dict) -> list[str]:
    """What a route accepted is in the database exactly as sent (no truncation, no mangling)."""
    new_text = {
        value
        for name in after
        for k, row in after[name].items()
        if before[name].get(k) != row
        for value in row.values()
        if isinstance(value, str)
    }
    return [
        f"{route} {f}={name}: stored, but not exactly as sent"
        for route, f, name in run.stored
        if name in STRINGS and STRINGS[name] not in new_text
    ]


@pytest.fixture
async def untouched(engine) -> AsyncIterator[Pass]:
    """The pass's record; afterwards its stored values are checked and deleted, and every
    watched table has the rows it had before."""
    before = await rows()
    run = Pass()
    await run.start()
    yield run
    after = await rows()
    problems = stored_problems(run, before, after)
    await restore(before, after)
    assert await rows() == before, "the pass left rows behind"
    assert not problems, "\n".join(problems)


def report(run: Pass) -> str:
    stored = "\n".join(f"  stored: {r} {f}={n}" for r, f, n in run.stored)
    return f"{run.sent} requests, {len(run.problems)} problems:\n" + "\n".join(
        [*run.problems, stored]
    )


# -- the tests -----------------------------------------------------------------------------------


async def still_answers(client: Any) -> None:
    health = await client.get("/healthz")
    me = await client.get("/api/v1/auth/me")
    assert (health.status_code, me.status_code) == (200, 200), (health.text, me.text)


async def test_hostile_json_bodies_as_admin(app, client, facts, untouched):
    routes = [r for r in every_route(app) if r.body in ("json", "multipart")]
    assert len(routes) >= 20, f"the router's JSON bodies were not found: {routes}"
    await log_in(client, "admin")
    values = json_values()
    for route in routes:
        if route.body == "json":
            await json_pass(client, route, facts, untouched, values)
        else:
            await multipart_pass(client, route, facts, untouched)
        await untouched.route_done(route)
        await log_in(client, "admin")  # a registration or login in the pass may have switched
    untouched.problems += await display_problems(client, app, facts)
    await still_answers(client)
    print(report(untouched))
    assert not untouched.problems, report(untouched)


async def test_hostile_form_fields_as_admin(app, client, facts, untouched):
    routes = [r for r in every_route(app) if r.body == "form"]
    assert len(routes) >= 10, f"the router's page forms were not found: {routes}"
    await log_in(client, "admin")
    token = await csrf_token(client)
    pages = await pages_of(client, app, facts)
    missing = []
    for route in routes:
        url = route.url(valid_paths(route, facts))
        forms = forms_for(route, url, pages)
        if not forms and route.path not in UMKM_FORMS:
            missing.append(f"{route} ({url})")
        await form_pass(client, route, url, forms, token, untouched)
        await untouched.route_done(route)
        await log_in(client, "admin")
    untouched.problems += await display_problems(client, app, facts)
    await still_answers(client)
    print(report(untouched))
    assert not missing, f"no page shows a form for these routes: {missing}"
    assert not untouched.problems, report(untouched)


async def test_hostile_path_and_query_parameters_as_admin(app, client, facts, untouched):
    routes = [r for r in every_route(app) if r.params or r.query]
    assert len(routes) >= 60, f"the router's parameters were not found: {routes}"
    await log_in(client, "admin")
    token = await csrf_token(client)
    for route in routes:
        await url_pass(client, route, facts, token, untouched, (*URL_STRINGS, "invalid_utf8"))
        await untouched.route_done(route)
    await still_answers(client)
    print(report(untouched))
    assert not untouched.problems, report(untouched)


async def test_hostile_input_as_a_umkm(app, client, facts, untouched):
    """The UMKM's own routes (booking, waitlist, requests, its forms) and every parameter with
    the markup, NUL and invalid UTF-8 values: a smaller pass through the other role's code."""
    await log_in(client, "umkm_sri")
    token = await csrf_token(client)
    pages = await pages_of(client, app, facts)
    own = {"/api/v1/bookings", "/api/v1/waitlist", "/api/v1/requests"}
    values = {k: v for k, v in json_values().items() if k in ("nul", "script", "nested_10000")}
    for route in every_route(app):
        if route.body == "json" and route.path in own:
            await json_pass(client, route, facts, untouched, values)
        elif route.body == "form":
            url = route.url(valid_paths(route, facts))
            await form_pass(client, route, url, forms_for(route, url, pages), token, untouched)
        if route.params or route.query:
            await url_pass(
                client, route, facts, token, untouched, ("nul", "script", "invalid_utf8")
            )
        await untouched.route_done(route)
    await still_answers(client)
    print(report(untouched))
    assert not untouched.problems, report(untouched)


async def test_bodies_over_the_limit_are_refused_before_they_are_read(client, facts):
    """10 MB as JSON, form and multipart, and 2 MiB of JSON (over the 1 MiB limit): a 413, and the
    app answers normally afterwards. The evidence upload still takes its 5 MB files."""
    await log_in(client, "admin")
    token = await csrf_token(client)
    ten = b"a" * (10 * MiB)
    evidence = {"evidence": ("bukti.png", PNG + ten)}
    base = multipart_base(facts)
    calls = {
        "json 10 MB": client.post(
            "/api/v1/bookings", content=b'{"product": "' + ten + b'"}',
            headers={"content-type": "application/json"},
        ),
        "json 2 MiB": client.post(
            "/api/v1/bookings", content=b'{"product": "' + ten[: 2 * MiB] + b'"}',
            headers={"content-type": "application/json"},
        ),
        "form 10 MB": client.post(
            "/pesan", data={"product": ten.decode(), "_csrf_token": token}, follow_redirects=False
        ),
        "multipart 10 MB (API)": client.post(
            f"/api/v1/machines/{MACHINE}/cleanings", data=base, files=evidence
        ),
        "multipart 10 MB (page)": client.post(
            f"/rumah/{HOUSE}/pembersihan", data={**base, "_csrf_token": token}, files=evidence
        ),
    }  # fmt: skip
    answers = {what: (await call).status_code for what, call in calls.items()}
    assert answers == dict.fromkeys(calls, 413), answers
    five = {"evidence": ("bukti.png", PNG + b"\0" * (5 * 1024 * 1024 - len(PNG) + 1))}
    over_five = await client.post(f"/api/v1/machines/{MACHINE}/cleanings", data=base, files=five)
    assert over_five.status_code == 400, over_five.text  # read, and refused by its own check
    assert over_five.json()["extra"][0]["key"] == "evidence", over_five.text
    await still_answers(client)
