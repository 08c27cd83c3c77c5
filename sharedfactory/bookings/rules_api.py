"""House rules administration: a house's booking rules, per-machine overrides, the subsidy tiers
per UMKM size class, and the trainings that open self-run machines to a UMKM.

Anyone logged in reads; the house's own operators and admins write; auditors never write.
Every field is bounded like the database's CHECKs, and every refusal names its field.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import date, time
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post, put
from litestar.exceptions import HTTPException, NotFoundException, PermissionDeniedException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from msgspec import Meta

from sharedfactory.accounts.deps import Login
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.facts import HouseRules
from sharedfactory.bookings.rules_store import (
    house_rules_row,
    is_trained,
    machine_rules_rows,
    record_training,
    replace_tiers,
    tier_percents,
    upsert_rules,
)
from sharedfactory.bookings.tables import BookingRules, Training
from sharedfactory.businesses.tables import Business
from sharedfactory.facilities.tables import House, Machine, MachineType
from sharedfactory.web.errors import ErrorBody, not_found, refused
from sharedfactory.web.params import CODE, Strict

HouseCode = Annotated[
    str, Parameter(max_length=64, pattern=CODE, description="house id, e.g. `batu-bara`")
]
MachineCode = Annotated[str, Parameter(max_length=64, pattern=CODE, description="machine id")]
BusinessCode = Annotated[str, Parameter(max_length=64, pattern=CODE, description="business id")]
DEFAULTS = HouseRules()
RULE_FIELDS = tuple(f.name for f in fields(HouseRules))
WEEK_MINUTES = 7 * 24 * 60
ALREADY = {409: ResponseSpec(data_container=ErrorBody, description="already recorded")}
Percent = Annotated[int, Meta(ge=0, le=100, description="percent off the machine's tariff")]
DailyAt = Annotated[
    str,
    Meta(
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="`HH:MM` in the house's zone: the optimiser runs over the pending requests "
        "every day at this time (house rules only)",
    ),
]


class RulesIn(msgspec.Struct, forbid_unknown_fields=True):
    """The whole rule set: PUT replaces it; an omitted field takes the default shown."""

    min_notice_minutes: Annotated[int, Meta(ge=0, le=30 * 24 * 60)] = DEFAULTS.min_notice_minutes
    max_advance_days: Annotated[int, Meta(ge=1, le=730)] = DEFAULTS.max_advance_days
    min_duration_minutes: Annotated[int, Meta(ge=1, le=WEEK_MINUTES)] = (
        DEFAULTS.min_duration_minutes
    )
    max_duration_minutes: Annotated[int, Meta(ge=1, le=WEEK_MINUTES)] = (
        DEFAULTS.max_duration_minutes
    )
    buffer_minutes: Annotated[int, Meta(ge=0, le=24 * 60)] = DEFAULTS.buffer_minutes
    weekly_quota_hours: Annotated[int, Meta(ge=1, le=168)] | None = DEFAULTS.weekly_quota_hours
    cancel_notice_minutes: Annotated[int, Meta(ge=0, le=30 * 24 * 60)] = (
        DEFAULTS.cancel_notice_minutes
    )
    no_show_grace_minutes: Annotated[int, Meta(ge=0, le=24 * 60)] = DEFAULTS.no_show_grace_minutes
    offer_hold_minutes: Annotated[int, Meta(ge=1, le=WEEK_MINUTES)] = DEFAULTS.offer_hold_minutes
    plan_daily_at: DailyAt | None = None


class RulesOut(msgspec.Struct):
    min_notice_minutes: int
    max_advance_days: int
    min_duration_minutes: int
    max_duration_minutes: int
    buffer_minutes: int
    weekly_quota_hours: int | None
    cancel_notice_minutes: int
    no_show_grace_minutes: int
    offer_hold_minutes: int
    plan_daily_at: str | None  # `HH:MM` in the house's zone; null: runs are started by hand

    @classmethod
    def of(cls, row: dict[str, Any] | None) -> RulesOut:
        source = dict(row if row is not None else asdict(DEFAULTS))
        daily = source["plan_daily_at"]
        source["plan_daily_at"] = f"{daily:%H:%M}" if daily is not None else None
        return cls(**{name: source[name] for name in RULE_FIELDS})


class MachineRulesOut(msgspec.Struct):
    machine: str
    own: bool  # false: the machine follows its house's rules
    rules: RulesOut


class HouseRulesOut(msgspec.Struct):
    house: str
    rules: RulesOut
    machines: list[MachineRulesOut]  # the machines with their own rules


class TariffTiersIn(msgspec.Struct, forbid_unknown_fields=True):
    """Percent off the machine tariff per UMKM size class (the house's subsidy)."""

    mikro: Percent
    kecil: Percent
    menengah: Percent


class TariffTiersOut(msgspec.Struct):
    house: str
    mikro: int
    kecil: int
    menengah: int


class TrainingIn(msgspec.Struct, forbid_unknown_fields=True):
    machine_type: Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9_-]{1,63}$")]
    trained_on: Annotated[date, Meta(description="YYYY-MM-DD, between 2000 and 2100")]


class TrainingOut(msgspec.Struct):
    business: str
    machine_type: str
    trained_on: date


def field_refusal(status: int, key: str, message: str) -> HTTPException:
    return HTTPException(
        status_code=status, detail=f"{key}: {message}", extra=[{"key": key, "message": message}]
    )


def require_writer(login: Viewer, house: str) -> None:
    """Admins, and the operators of this house; nobody else changes a house's rules."""
    if login.role == "admin" or (login.role == "operator" and login.house == house):
        return
    raise PermissionDeniedException(
        detail=f"house {house!r}: only its operators and admins change its rules"
    )


def checked(data: Strict[RulesIn], for_machine: bool = False) -> dict[str, Any]:
    """The database's CHECKs, with the field named (the bounds are in the schema)."""
    if data.max_duration_minutes < data.min_duration_minutes:
        raise field_refusal(400, "max_duration_minutes", "must be at least min_duration_minutes")
    if for_machine and data.plan_daily_at is not None:
        raise field_refusal(400, "plan_daily_at", "the daily run is set in the house's rules")
    values = {name: getattr(data, name) for name in RULE_FIELDS}
    if data.plan_daily_at is not None:
        values["plan_daily_at"] = time.fromisoformat(data.plan_daily_at)
    return values


async def _house_pk(code: str) -> int:
    row = await House.select(House._meta.primary_key).where(House.code == code).first().run()
    if row is None:
        raise NotFoundException(detail=f"house {code!r} does not exist")
    return int(row["id"])


async def _machine(code: str) -> dict[str, Any]:
    row = (
        await Machine.select(
            Machine._meta.primary_key.as_alias("pk"),
            Machine.house.as_alias("house_pk"),
            Machine.house.code.as_alias("house"),
        )
        .where(Machine.code == code)
        .first()
        .run()
    )
    if row is None:
        raise NotFoundException(detail=f"machine {code!r} does not exist")
    return row


async def _tiers(house: str, house_pk: int) -> TariffTiersOut:
    return TariffTiersOut(house, **await tier_percents(house_pk))


class RulesApi(Controller):
    path = "/api/v1"
    tags = ("house rules",)

    @get(
        "/houses/{house:str}/rules",
        summary="A house's booking rules and the machines with their own",
        responses=not_found("house") | refused(401),
    )
    async def house_rules(self, login: Login, house: HouseCode) -> HouseRulesOut:  # noqa: ARG002
        house_pk = await _house_pk(house)
        own = await house_rules_row(house_pk)
        overrides = await machine_rules_rows(house_pk)
        return HouseRulesOut(
            house,
            RulesOut.of(own),
            [MachineRulesOut(r["machine_code"], True, RulesOut.of(r)) for r in overrides],
        )

    @put(
        "/houses/{house:str}/rules",
        summary="Replace a house's booking rules (its operators and admins)",
        responses=not_found("house") | refused(401, 403),
    )
    async def set_house_rules(
        self, login: Login, house: HouseCode, data: Strict[RulesIn]
    ) -> RulesOut:
        house_pk = await _house_pk(house)
        require_writer(login, house)
        values = checked(data)
        await upsert_rules(house_pk, None, values, login.user_id)
        return RulesOut.of(values)

    @get(
        "/machines/{machine:str}/rules",
        summary="The rules one machine follows: its own, or its house's",
        responses=not_found("machine") | refused(401),
    )
    async def machine_rules(self, login: Login, machine: MachineCode) -> MachineRulesOut:  # noqa: ARG002
        found = await _machine(machine)
        own = await BookingRules.select().where(BookingRules.machine == found["pk"]).first().run()
        if own is not None:
            return MachineRulesOut(machine, True, RulesOut.of(own))
        house_rules = await house_rules_row(found["house_pk"])
        return MachineRulesOut(machine, False, RulesOut.of(house_rules))

    @put(
        "/machines/{machine:str}/rules",
        summary="Give one machine its own rules, replacing its house's for it",
        responses=not_found("machine") | refused(401, 403),
    )
    async def set_machine_rules(
        self, login: Login, machine: MachineCode, data: Strict[RulesIn]
    ) -> MachineRulesOut:
        found = await _machine(machine)
        require_writer(login, found["house"])
        values = checked(data, for_machine=True)
        await upsert_rules(found["house_pk"], found["pk"], values, login.user_id)
        return MachineRulesOut(machine, True, RulesOut.of(values))

    @get(
        "/houses/{house:str}/tariff-tiers",
        summary="The house's subsidy: percent off the tariff per UMKM size class",
        responses=not_found("house") | refused(401),
    )
    async def tariff_tiers(self, login: Login, house: HouseCode) -> TariffTiersOut:  # noqa: ARG002
        return await _tiers(house, await _house_pk(house))

    @put(
        "/houses/{house:str}/tariff-tiers",
        summary="Set the house's subsidy per size class (its operators and admins)",
        responses=not_found("house") | refused(401, 403),
    )
    async def set_tariff_tiers(
        self, login: Login, house: HouseCode, data: Strict[TariffTiersIn]
    ) -> TariffTiersOut:
        house_pk = await _house_pk(house)
        require_writer(login, house)
        await replace_tiers(house_pk, msgspec.structs.asdict(data), login.user_id)
        return await _tiers(house, house_pk)

    @get(
        "/businesses/{code:str}/trainings",
        summary="The machine types a UMKM is trained to run itself",
        responses=not_found("business") | refused(401),
    )
    async def trainings(self, login: Login, code: BusinessCode) -> list[TrainingOut]:
        if login.role == "umkm" and login.business != code:
            raise NotFoundException(detail=f"business {code!r} does not exist")
        business_pk = await _business_pk(code)
        rows = (
            await Training.select(Training.machine_type.code.as_alias("type"), Training.trained_on)
            .where(Training.business == business_pk)
            .order_by(Training.machine_type.code)
            .run()
        )
        return [TrainingOut(code, r["type"], r["trained_on"]) for r in rows]

    @post(
        "/businesses/{code:str}/trainings",
        summary="Record that a UMKM was trained on a machine type (operators and admins)",
        status_code=201,
        responses=not_found("business") | refused(401, 403) | ALREADY,
    )
    async def add_training(
        self, login: Login, code: BusinessCode, data: Strict[TrainingIn]
    ) -> TrainingOut:
        if login.role not in ("admin", "operator"):
            raise PermissionDeniedException(detail="trainings are recorded by operators and admins")
        business_pk = await _business_pk(code)
        if not 2000 <= data.trained_on.year <= 2100:
            raise field_refusal(400, "trained_on", "must be between the years 2000 and 2100")
        type_row = (
            await MachineType.select(MachineType._meta.primary_key)
            .where(MachineType.code == data.machine_type)
            .first()
            .run()
        )
        if type_row is None:
            raise field_refusal(400, "machine_type", f"no machine type {data.machine_type!r}")
        if (
            login.role == "operator"
            and not await Machine.exists()
            .where(Machine.house.code == login.house, Machine.machine_type == type_row["id"])
            .run()
        ):
            raise PermissionDeniedException(
                detail=f"machine_type: your house has no {data.machine_type} to train on"
            )
        if await is_trained(business_pk, type_row["id"]):
            raise field_refusal(409, "machine_type", "this training is already recorded")
        await record_training(business_pk, type_row["id"], data.trained_on, login.user_id)
        return TrainingOut(code, data.machine_type, data.trained_on)


async def _business_pk(code: str) -> int:
    row = (
        await Business.select(Business._meta.primary_key).where(Business.code == code).first().run()
    )
    if row is None:
        raise NotFoundException(detail=f"business {code!r} does not exist")
    return int(row["id"])
