"""Clusters, production houses, their machines, operators and calendars."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    OnDelete,
    SmallInt,
    Text,
    Time,
    Timestamptz,
    Varchar,
)
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from sharedfactory.db.checks import one_of, slug

INDONESIAN_ZONES = ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")
HALAL_STATUSES = ("halal_dedicated", "shared", "never_halal")


class Cluster(Table):
    code = Varchar(length=64, unique=True, null=False)
    name = Varchar(length=200, null=False)
    commodity = Varchar(length=100, null=False)

    code_is_slug = Check(slug("code"))


class House(Table):
    code = Varchar(length=64, unique=True, null=False)
    name = Varchar(length=200, null=False)
    cluster = ForeignKey(Cluster, null=False, on_delete=OnDelete.restrict)
    cooperative = Varchar(length=200, null=False)
    province = Varchar(length=100, null=False)
    province_code = Varchar(length=2, null=False)
    regency = Varchar(length=100, null=False)
    regency_code = Varchar(length=5, null=False)
    address = Text(null=False)
    timezone = Varchar(length=40, null=False)

    code_is_slug = Check(slug("code"))
    timezone_is_indonesian = Check(one_of("timezone", INDONESIAN_ZONES))
    regency_in_province = Check("substr(regency_code, 1, 2) = province_code")


class OpeningHours(Table):
    house = ForeignKey(House, null=False, on_delete=OnDelete.cascade)
    weekday = SmallInt(null=False)  # 0 Monday .. 6 Sunday
    opens = Time(null=False)
    closes = Time(null=False)

    weekday_range = Check("weekday BETWEEN 0 AND 6")
    closes_after_opens = Check("closes > opens")
    one_span_per_start = Unique(["house", "weekday", "opens"])


class Holiday(Table):
    house = ForeignKey(House, null=False, on_delete=OnDelete.cascade)
    day = Date(null=False)
    name = Varchar(length=200, null=False)

    one_per_day = Unique(["house", "day"])


class MachineType(Table):
    code = Varchar(length=64, unique=True, null=False)
    name_id = Varchar(length=200, null=False)
    name_en = Varchar(length=200, null=False)
    capabilities = JSON(null=False, default="[]")
    batch_unit = Varchar(length=10, null=False)

    code_is_slug = Check(slug("code"))
    batch_unit_known = Check(one_of("batch_unit", ("kg", "L", "pcs")))


class Machine(Table):
    code = Varchar(length=64, unique=True, null=False)
    house = ForeignKey(House, null=False, on_delete=OnDelete.restrict)
    machine_type = ForeignKey(MachineType, null=False, on_delete=OnDelete.restrict)
    name = Varchar(length=200, null=False)
    batch_size = Numeric(digits=(10, 2), null=False)
    cycle_minutes = Integer(null=False)
    tariff_per_hour = Integer(null=False)  # whole Rupiah
    power_kw = Numeric(digits=(8, 2), null=False)
    needs_operator = Boolean(null=False, default=True)
    halal_status = Varchar(length=20, null=False, default="shared")

    code_is_slug = Check(slug("code"))
    batch_positive = Check("batch_size > 0")
    cycle_positive = Check("cycle_minutes > 0")
    tariff_not_negative = Check("tariff_per_hour >= 0")
    power_not_negative = Check("power_kw >= 0")
    halal_status_known = Check(one_of("halal_status", HALAL_STATUSES))


class Operator(Table):
    code = Varchar(length=64, unique=True, null=False)
    house = ForeignKey(House, null=False, on_delete=OnDelete.restrict)
    name = Varchar(length=200, null=False)
    phone = Varchar(length=20, null=False)

    code_is_slug = Check(slug("code"))


class OperatorMachine(Table):
    """An operator trained (certified) to run a machine."""

    operator = ForeignKey(Operator, null=False, on_delete=OnDelete.cascade)
    machine = ForeignKey(Machine, null=False, on_delete=OnDelete.cascade)
    certified_on = Date(null=False)

    once = Unique(["operator", "machine"])


class OperatorShift(Table):
    operator = ForeignKey(Operator, null=False, on_delete=OnDelete.cascade)
    weekday = SmallInt(null=False)
    starts = Time(null=False)
    ends = Time(null=False)

    weekday_range = Check("weekday BETWEEN 0 AND 6")
    ends_after_starts = Check("ends > starts")


class MaintenanceWindow(Table):
    machine = ForeignKey(Machine, null=False, on_delete=OnDelete.cascade)
    starts_at = Timestamptz(null=False)
    ends_at = Timestamptz(null=False)
    reason = Varchar(length=200, null=False)

    ends_after_starts = Check("ends_at > starts_at")
