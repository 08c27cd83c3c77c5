"""Flexible requests: "fry then pack 40 kg before Friday", waiting for the optimiser."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.facts import BusinessFacts, ProductKind, Wish
from sharedfactory.bookings.load import (
    Missing,
    UnknownCode,
    business_facts,
    machine_facts,
    product_kind,
)
from sharedfactory.bookings.queries import scoped_to
from sharedfactory.bookings.rules import Refusal, _, permit_rules
from sharedfactory.bookings.schemas import Code, Moment, Process, Quantity, Text
from sharedfactory.bookings.service import new_code
from sharedfactory.bookings.tables import FlexibleRequest
from sharedfactory.businesses.tables import Business
from sharedfactory.facilities.tables import House
from sharedfactory.products.tables import ProductClass


class RequestIn(msgspec.Struct, forbid_unknown_fields=True):
    house: Code
    steps: Annotated[list[Code], Meta(min_length=1, max_length=6)]
    quantity: Quantity
    product_class: Code
    product: Text
    deadline: Moment
    earliest: Moment | None = None
    priority: Annotated[int, Meta(ge=1, le=3)] = 2
    process: Process = "ambient"
    business: Code | None = None


class RequestOut(msgspec.Struct):
    code: str
    house: str
    business: str
    steps: list[str]
    quantity: float
    product_class: str
    product: str
    earliest: str
    deadline: str
    priority: int
    status: str
    explanation: str


class RequestRefused(Exception):
    def __init__(self, found: list[Refusal]) -> None:
        super().__init__("; ".join(r.render() for r in found))
        self.refusals = found


async def _gates(
    data: RequestIn, business: BusinessFacts, kind: ProductKind, now: datetime
) -> None:
    """Every step's machine type exists in the house, and the UMKM holds the permits."""
    for step in data.steps:
        machines = await machine_facts(now, now, now, house=data.house, machine_type=step)
        if not machines:
            raise UnknownCode(f"steps: the house has no machine of type {step!r}")
        wish = Wish(
            machines[0].code, data.deadline, data.deadline, kind, data.product, data.process
        )
        found = [r for r in permit_rules(wish, machines[0], business, now) if r.rule != "training"]
        if found:
            raise RequestRefused(found)


async def _pk(table: Any, code: str, field: str) -> int:
    row = (
        await table.select(table._meta.primary_key.as_alias("pk"))
        .where(table.code == code)
        .first()
        .run()
    )
    if row is None:
        raise UnknownCode(f"{field}: unknown {field} {code!r}")
    return int(row["pk"])


async def create_request(data: RequestIn, business: str, now: datetime) -> str:
    earliest = data.earliest or now
    if data.deadline <= earliest:
        raise UnknownCode("deadline: must be after earliest (and after now)")
    house_pk = await _pk(House, data.house, "house")
    kind = await product_kind(data.product_class)
    facts = await business_facts(business, data.house, earliest, data.deadline)
    await _gates(data, facts, kind, now)
    code = new_code("rq")
    await FlexibleRequest.insert(
        FlexibleRequest(
            code=code,
            house=house_pk,
            business=await _pk(Business, business, "business"),
            product_class=await _pk(ProductClass, data.product_class, "product_class"),
            product=data.product,
            quantity=Decimal(str(data.quantity)),
            steps=json.dumps(data.steps),
            earliest=earliest,
            deadline=data.deadline,
            priority=data.priority,
            created_at=now,
        )
    ).run()
    return code


COLUMNS = (
    FlexibleRequest._meta.primary_key.as_alias("pk"),
    FlexibleRequest.code,
    FlexibleRequest.house.code.as_alias("house"),
    FlexibleRequest.business.code.as_alias("business"),
    FlexibleRequest.steps,
    FlexibleRequest.quantity,
    FlexibleRequest.product_class.code.as_alias("product_class"),
    FlexibleRequest.product,
    FlexibleRequest.earliest,
    FlexibleRequest.deadline,
    FlexibleRequest.priority,
    FlexibleRequest.status,
    FlexibleRequest.explanation,
)


def scoped(query: Any, viewer: Viewer) -> Any:
    return scoped_to(query, viewer, FlexibleRequest.business.code, FlexibleRequest.house.code)


def request_out(row: dict[str, Any]) -> RequestOut:
    steps = row["steps"] if isinstance(row["steps"], list) else json.loads(row["steps"])
    return RequestOut(
        row["code"],
        row["house"],
        row["business"],
        steps,
        float(row["quantity"]),
        row["product_class"],
        row["product"],
        row["earliest"].isoformat(),
        row["deadline"].isoformat(),
        row["priority"],
        row["status"],
        row["explanation"],
    )


async def list_requests(
    viewer: Viewer, house: str | None = None, status: str | None = None
) -> list[RequestOut]:
    query = scoped(FlexibleRequest.select(*COLUMNS), viewer).order_by(FlexibleRequest.created_at)
    if house is not None:
        query = query.where(FlexibleRequest.house.code == house)
    if status is not None:
        query = query.where(FlexibleRequest.status == status)
    return [request_out(row) for row in await query.limit(500).run()]


async def withdraw_request(code: str, viewer: Viewer) -> RequestOut:
    row = (
        await scoped(FlexibleRequest.select(*COLUMNS), viewer)
        .where(FlexibleRequest.code == code)
        .first()
        .run()
    )
    if row is None:
        raise Missing(f"request {code!r} does not exist")
    if row["status"] not in ("pending", "proposed", "unserved"):
        raise RequestRefused([Refusal("status", _("only a waiting request can be withdrawn"))])
    await (
        FlexibleRequest.update({FlexibleRequest.status: "withdrawn"})
        .where(FlexibleRequest.code == code)
        .run()
    )
    return request_out(row | {"status": "withdrawn"})


def recent_window(now: datetime) -> tuple[datetime, datetime]:
    """The 4 weeks the fairness share looks back over."""
    return now - timedelta(weeks=4), now
