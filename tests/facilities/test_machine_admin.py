"""Machine administration (`facilities.machine_admin` and its JSON API): a house's operators and
admins add machines and edit them; auditors, UMKM and other houses' operators are refused; a taken
code, a bad value and every halal rule are refused naming the field; each change appends
`machine.changed` (and `tariff.changed`), the chain still verifies, and the search's caches drop.

House `batu-bara` only, on machines of this file's own (codes `batu-bara-adm-*`), removed with
their bookings at the end of every test (their audit events stay: the log is append-only)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from sharedfactory.accounts.tables import User
from sharedfactory.audit.chain import verify
from sharedfactory.audit.tables import AuditEvent
from sharedfactory.bookings.fresh import settled_cache
from sharedfactory.bookings.tables import Booking
from sharedfactory.businesses.tables import Business
from sharedfactory.facilities import machine_admin as admin
from sharedfactory.facilities.machine_schemas import MachineAddIn, MachineEditIn
from sharedfactory.facilities.tables import Machine
from sharedfactory.products.tables import ProductClass
from tests.conftest import LOGINS, log_in

HOUSE = "batu-bara"
PREFIX = "batu-bara-adm-api-"
SITI = "ud-sambal-lado-tanjung"  # a UMKM of the Batu Bara cluster


def new_machine(suffix: str = "fryer", **overrides: Any) -> dict[str, Any]:
    return {
        "code": f"{PREFIX}{suffix}",
        "machine_type": "vacuum_fryer",
        "name": "Penggoreng Vakum Uji",
        "batch_size": 5.5,
        "cycle_minutes": 80,
        "tariff_per_hour": 150_000,
        "power_kw": 7.5,
    } | overrides


@pytest.fixture
async def own_machines(engine) -> AsyncIterator[None]:
    yield
    mine = Machine.code.like(f"{PREFIX}%")
    await Booking.delete().where(Booking.machine._.code.like(f"{PREFIX}%")).run()
    await Machine.delete().where(mine).run()


async def events(machine: str) -> list[dict[str, Any]]:
    rows = await AuditEvent.select().where(AuditEvent.subject == machine).order_by(AuditEvent.id)
    return [row | {"data": json.loads(row["data"])} for row in rows]


async def user_id(who: str) -> int:
    row = await User.select(User.id).where(User.email == LOGINS[who][0]).first()
    return int(row["id"])


async def add(client, **overrides: Any):
    return await client.post(f"/api/v1/houses/{HOUSE}/machines", json=new_machine(**overrides))


async def book(machine: str, product_class: str, *, days: int, status: str = "confirmed") -> str:
    """A booking of `machine` `days` from now (negative: in the past), straight into the table."""
    code = f"adm-bk-{machine[-12:]}-{product_class}-{days}-{status}"
    machine_pk = (await Machine.select(Machine.id).where(Machine.code == machine))[0]["id"]
    business = (await Business.select(Business.id).where(Business.code == SITI))[0]["id"]
    kind = (await ProductClass.select(ProductClass.id).where(ProductClass.code == product_class))[
        0
    ]["id"]
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    await Booking.insert(
        Booking(
            code=code,
            machine=machine_pk,
            business=business,
            product_class=kind,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            status=status,
            quantity=Decimal(5),
            product=f"Produk {product_class}",
        )
    ).run()
    return code


def refused_field(answer, status: int, key: str) -> str:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["extra"][0]["key"] == key, body
    return str(body["extra"][0]["message"])


async def test_the_operator_adds_a_machine_and_it_is_audited(client, own_machines):
    await log_in(client, "operator_batu_bara")
    answer = await add(client)
    assert answer.status_code == 201, answer.text
    code = f"{PREFIX}fryer"
    assert answer.json() | {"type_name": ""} == {
        "id": code,
        "type": "vacuum_fryer",
        "house": HOUSE,
        "name": "Penggoreng Vakum Uji",
        "type_name": "",
        "batch_size": 5.5,
        "batch_unit": "kg",
        "cycle_minutes": 80,
        "tariff_per_hour": 150_000,
        "power_kw": 7.5,
        "needs_operator": True,
        "halal_status": "shared",
    }
    listed = (await client.get(f"/api/v1/houses/{HOUSE}/machines")).json()
    assert code in [m["id"] for m in listed]
    added, tariff = await events(code)
    assert (added["kind"], added["house"], added["actor"]) == (
        "machine.changed",
        HOUSE,
        await user_id("operator_batu_bara"),
    )
    assert added["data"]["old"] is None
    assert added["data"]["new"]["batch_size"] == "5.50"
    assert added["data"]["new"]["machine_type"] == "vacuum_fryer"
    assert tariff["kind"] == "tariff.changed"
    assert tariff["data"] == {"machine": code, "old": None, "new": {"tariff_per_hour": 150_000}}
    assert (await verify()).ok


@pytest.mark.parametrize(
    ("overrides", "status", "key"),
    [
        ({"code": "batu-bara-kettle-1"}, 409, "code"),  # a demo machine's code
        ({"code": "Batu Bara Fryer"}, 400, "code"),
        ({"code": f"{PREFIX}-double--dash"}, 400, "code"),
        ({"machine_type": "time_machine"}, 400, "machine_type"),
        ({"name": "  x  "}, 400, "name"),
        ({"batch_size": 0}, 400, "batch_size"),
        ({"batch_size": 1e12}, 400, "batch_size"),
        ({"cycle_minutes": 0}, 400, "cycle_minutes"),
        ({"tariff_per_hour": -1}, 400, "tariff_per_hour"),
        ({"power_kw": 10_001}, 400, "power_kw"),
        ({"halal_status": "mostly_halal"}, 400, "halal_status"),
        ({"colour": "red"}, 400, "colour"),
    ],
)
async def test_a_bad_machine_is_refused_naming_the_field(
    client, own_machines, overrides, status, key
):
    await log_in(client, "admin")
    before = await Machine.count().where(Machine.house.code == HOUSE)
    answer = await add(client, **overrides)
    assert answer.status_code == status, answer.text
    assert key in answer.text
    if status == 409 or key in ("machine_type", "name"):
        refused_field(answer, status, key)
    assert await Machine.count().where(Machine.house.code == HOUSE) == before


async def test_who_may_add_and_edit(client, own_machines):
    for who in ("auditor", "umkm_siti", "operator_sleman"):
        await log_in(client, who)
        assert (await add(client, suffix=who.replace("_", "-"))).status_code == 403, who
        patched = await client.patch(f"/api/v1/machines/{HOUSE}-kettle-1", json={"name": "Wajan X"})
        assert patched.status_code == 403, who
    await client.post("/api/v1/auth/logout")
    assert (await add(client)).status_code == 401
    await log_in(client, "admin")
    assert (
        await client.post("/api/v1/houses/atlantis/machines", json=new_machine())
    ).status_code == 404
    assert (await client.patch("/api/v1/machines/atlantis-1", json={})).status_code == 404
    assert not await Machine.exists().where(Machine.code.like(f"{PREFIX}%"))
    assert (await add(client)).status_code == 201


async def test_an_edit_changes_only_what_it_names_and_audits_old_and_new(client, own_machines):
    await log_in(client, "operator_batu_bara")
    code = (await add(client)).json()["id"]
    url = f"/api/v1/machines/{code}"
    answer = await client.patch(url, json={"tariff_per_hour": 175_000, "batch_size": 6})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["tariff_per_hour"], answer.json()["batch_size"]) == (175_000, 6.0)
    assert answer.json()["name"] == "Penggoreng Vakum Uji"
    *_, changed, tariff = await events(code)
    assert changed["kind"] == "machine.changed"
    assert changed["data"] == {
        "machine": code,
        "old": {"tariff_per_hour": 150_000, "batch_size": "5.50"},
        "new": {"tariff_per_hour": 175_000, "batch_size": "6.00"},
    }
    assert tariff["data"]["old"] == {"tariff_per_hour": 150_000}
    count = len(await events(code))
    same = await client.patch(
        url, json={"tariff_per_hour": 175_000, "name": "Penggoreng Vakum Uji"}
    )
    assert same.status_code == 200
    assert len(await events(code)) == count  # nothing changed: nothing recorded
    operator = await client.patch(url, json={"needs_operator": False, "power_kw": 8.25})
    assert (operator.json()["needs_operator"], operator.json()["power_kw"]) == (False, 8.25)
    assert [e["kind"] for e in await events(code)][count:] == ["machine.changed"]
    assert refused_field(await client.patch(url, json={"name": " "}), 400, "name")
    assert (await client.patch(url, json={"code": "renamed"})).status_code == 400
    assert (await verify()).ok


async def test_never_halal_is_for_good(client, own_machines):
    await log_in(client, "admin")
    code = (await add(client, halal_status="never_halal")).json()["id"]
    for status in ("shared", "halal_dedicated"):
        answer = await client.patch(f"/api/v1/machines/{code}", json={"halal_status": status})
        assert "never halal" in refused_field(answer, 409, "halal_status")
    shown = (await client.get(f"/api/v1/houses/{HOUSE}/machines")).json()
    assert {m["id"]: m["halal_status"] for m in shown}[code] == "never_halal"


async def test_halal_dedicated_waits_for_the_non_halal_bookings(client, own_machines):
    await log_in(client, "operator_batu_bara")
    code = (await add(client)).json()["id"]
    url = f"/api/v1/machines/{code}"
    coming = await book(code, "non-halal", days=3)
    await book(code, "non-halal", days=-3, status="completed")  # past: no obstacle
    await book(code, "non-halal", days=4, status="cancelled")  # cancelled: no obstacle
    answer = await client.patch(url, json={"halal_status": "halal_dedicated", "name": "Baru"})
    message = refused_field(answer, 409, "halal_status")
    assert coming in message
    assert "Produk non-halal" in message
    assert message.count("adm-bk-") == 1
    shown = {m["id"]: m for m in (await client.get(f"/api/v1/houses/{HOUSE}/machines")).json()}
    assert (shown[code]["halal_status"], shown[code]["name"]) == ("shared", "Penggoreng Vakum Uji")
    await Booking.update({Booking.status: "cancelled"}).where(Booking.code == coming)
    answer = await client.patch(url, json={"halal_status": "halal_dedicated"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["halal_status"] == "halal_dedicated"


async def test_a_machine_that_ran_pork_never_becomes_halal_dedicated(client, own_machines):
    await log_in(client, "operator_batu_bara")
    code = (await add(client)).json()["id"]
    await book(code, "pork", days=-10, status="completed")
    answer = await client.patch(
        f"/api/v1/machines/{code}", json={"halal_status": "halal_dedicated"}
    )
    assert "pork" in refused_field(answer, 409, "halal_status")


async def test_never_halal_waits_for_the_halal_bookings(client, own_machines):
    await log_in(client, "operator_batu_bara")
    code = (await add(client)).json()["id"]
    coming = await book(code, "halal", days=2)
    answer = await client.patch(f"/api/v1/machines/{code}", json={"halal_status": "never_halal"})
    assert coming in refused_field(answer, 409, "halal_status")


async def test_the_service_drops_the_search_caches(engine, own_machines):
    cache: Any = settled_cache(ttl_s=60)  # one of the search's caches, as the search makes them
    cache.put("probe", "stale", cache.stamp())
    spec = msgspec.convert(new_machine("cache"), MachineAddIn)
    added = await admin.add_machine(HOUSE, spec, actor=None)
    assert cache.get("probe") is None
    cache.put("probe", "stale", cache.stamp())
    machine = await admin.find_machine(added.code)
    edited = await admin.edit_machine(machine, MachineEditIn(cycle_minutes=95), actor=None)
    assert (edited.cycle_minutes, cache.get("probe")) == (95, None)
    with pytest.raises(admin.MachineRefused) as taken:
        await admin.add_machine(HOUSE, spec, actor=None)
    assert taken.value.refusal.key == "code"
    with pytest.raises(admin.Missing):
        await admin.add_machine("atlantis", spec, actor=None)
