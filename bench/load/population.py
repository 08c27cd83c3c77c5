"""The load bench's people and machines on top of the demo, written through the services the
demo seed uses (`add_machine`, `add_business`, `add_user`, `open_session`).

One argon2 hash is paid (`add_user` for the first login); the other logins copy its hash, since
this shared machine spends about a second per argon2 hash and the bench logs in by opening
sessions, never with the password.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sharedfactory.demo.businesses import DemoBusiness, demo_businesses, product_class_of
from sharedfactory.demo.houses import HOUSES, DemoMachine

PASSWORD = "load-bench-2026"
Login = tuple[str, str, str | None, str | None]  # e-mail, role, house, business
CERTIFIED_ON = date(2025, 6, 2)
HOUSE_OF_CLUSTER = {h.cluster_code: h.code for h in HOUSES}


@dataclass(frozen=True)
class Umkm:
    business: str
    house: str
    product: str
    product_class: str
    machine_types: tuple[str, ...]
    token: str


@dataclass(frozen=True)
class Operator:
    house: str
    token: str


def operator_run(house: str) -> list[DemoMachine]:
    """The house's demo machines an operator runs (UMKM book them without a training)."""
    return [m for h in HOUSES if h.code == house for m in h.machines if m.needs_operator]


async def add_machines(total: int) -> list[tuple[str, str]]:
    """Copies of the houses' operator-run demo machines, round robin over the houses, until
    `total` machines exist; each copy's operators are certified as on its model. Every machine's
    (code, house), first `total` by id."""
    from sharedfactory.facilities.service import add_machine
    from sharedfactory.facilities.tables import Machine, OperatorMachine

    existing = await Machine.count()
    models = [(h.code, operator_run(h.code)) for h in HOUSES]
    for n in range(max(0, total - existing)):
        house, machines = models[n % len(models)]
        model = machines[(n // len(models)) % len(machines)]
        spec = asdict(model) | {
            "house": house,
            "machine_type": model.type_code,
            "code": f"{model.code}-l{n}",
            "name": f"{model.name} L{n}",
        }
        del spec["type_code"]
        pk = await add_machine(spec)
        certified = (
            await OperatorMachine.select(OperatorMachine.operator)
            .where(OperatorMachine.machine.code == model.code)
            .run()
        )
        if certified:
            await OperatorMachine.insert(
                *(
                    OperatorMachine(operator=c["operator"], machine=pk, certified_on=CERTIFIED_ON)
                    for c in certified
                )
            ).run()
    rows = (
        await Machine.select(Machine.code, Machine.house.code.as_alias("house"))
        .order_by(Machine._meta.primary_key)
        .run()
    )
    return [(r["code"], r["house"]) for r in rows[:total]]


Probe = Callable[[str, str, str, str], Awaitable[bool]]


async def bookable_templates(start: date, probe: Probe) -> dict[str, tuple[str, ...]]:
    """Demo UMKM -> the operator-run machine types of its house where a slot search for it
    finds something (`probe(house, machine_type, product_class, business)`)."""
    found: dict[str, tuple[str, ...]] = {}
    for business in demo_businesses(start):
        house = HOUSE_OF_CLUSTER[business.cluster_code]
        _product, product_class = product_class_of(business.code)
        types = sorted({m.type_code for m in operator_run(house)})
        ok = tuple([t for t in types if await probe(house, t, product_class, business.code)])
        if ok:
            found[business.code] = ok
    if not found:
        raise RuntimeError("no demo UMKM may book an operator-run machine")
    return found


def _clone(template: DemoBusiness, n: int) -> dict[str, Any]:
    data = {k: v for k, v in asdict(template).items() if k != "permits"}
    return data | {
        "code": f"{template.code[:40]}-l{n}",
        "nib": f"7{n:012d}",
        "name": f"{template.name} L{n}",
        "email": f"load-{n}@umkm.example.id",
        "nik": f"{template.nik[:12]}{n % 10_000:04d}",
    }


async def add_umkm(
    count: int, start: date, templates: dict[str, tuple[str, ...]], secret: str
) -> list[Umkm]:
    """`count` UMKM, copies of the bookable demo ones in turn (their permits copied), each
    with a login and an open session."""
    from sharedfactory.businesses.personal import PersonalDataCipher
    from sharedfactory.businesses.service import add_business
    from sharedfactory.businesses.tables import Permit

    cipher = PersonalDataCipher(secret)
    consent = datetime.combine(start - timedelta(days=30), datetime.min.time(), UTC)
    roster = [b for b in demo_businesses(start) if b.code in templates]
    made: list[tuple[DemoBusiness, str]] = []
    for n in range(count):
        template = roster[n % len(roster)]
        data = _clone(template, n)
        pk = await add_business(data, cipher, consent)
        permits = [
            Permit(**(asdict(p) | {"business": pk, "number": f"{p.number}-L{n}"}))
            for p in template.permits
        ]
        await Permit.insert(*permits).run()
        made.append((template, data["code"]))
    logins: list[Login] = [
        (f"load-umkm-{n}@bench.sharedfactory.id", "umkm", None, code)
        for n, (_, code) in enumerate(made)
    ]
    tokens = await _logins(logins)
    umkm = []
    for (template, code), token in zip(made, tokens, strict=True):
        product, product_class = product_class_of(template.code)
        house = HOUSE_OF_CLUSTER[template.cluster_code]
        umkm.append(Umkm(code, house, product, product_class, templates[template.code], token))
    return umkm


async def add_operators(count: int) -> list[Operator]:
    """`count` operator logins, the houses in turn, each with an open session."""
    houses = [h.code for h in HOUSES]
    logins: list[Login] = [
        (f"load-operator-{n}@bench.sharedfactory.id", "operator", houses[n % len(houses)], None)
        for n in range(count)
    ]
    tokens = await _logins(logins)
    return [Operator(houses[n % len(houses)], token) for n, token in enumerate(tokens)]


async def _logins(logins: Sequence[Login]) -> list[str]:
    """The first through `add_user` (one argon2 hash), the rest with a copy of its hash."""
    from sharedfactory.accounts.service import add_user, open_session
    from sharedfactory.accounts.tables import User
    from sharedfactory.businesses.tables import Business
    from sharedfactory.facilities.tables import House

    if not logins:
        return []
    email, role, house, business = logins[0]
    first = await add_user(email, role, PASSWORD, house, business)
    hashed = (
        await User.select(User.password_hash).where(User._meta.primary_key == first).first().run()
    ) or {}
    houses = {
        r["code"]: r["id"] for r in await House.select(House.code, House._meta.primary_key).run()
    }
    businesses = {
        r["code"]: r["id"]
        for r in await Business.select(Business.code, Business._meta.primary_key)
        .where(Business.code.is_in([b for *_x, b in logins if b] or [""]))
        .run()
    }
    now = datetime.now(UTC)
    rows = [
        User(
            email=e,
            password_hash=hashed["password_hash"],
            role=r,
            house=houses.get(h) if h else None,
            business=businesses.get(b) if b else None,
            created_at=now,
        )
        for e, r, h, b in logins[1:]
    ]
    for chunk in range(0, len(rows), 200):
        await User.insert(*rows[chunk : chunk + 200]).run()
    ids = {
        r["email"]: r["id"]
        for r in await User.select(User.email, User._meta.primary_key)
        .where(User.email.is_in([e for e, *_ in logins]))
        .run()
    }
    return [await open_session(ids[e]) for e, *_ in logins]
