"""Bookings of machine time, the house's booking rules, waitlists and flexible requests."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    BigInt,
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

from sharedfactory.accounts.tables import User
from sharedfactory.businesses.tables import SIZE_CLASSES, Business
from sharedfactory.db.checks import one_of, slug
from sharedfactory.facilities.tables import House, Machine, MachineType
from sharedfactory.products.tables import ProductClass

BOOKING_STATUSES = ("pending", "confirmed", "cancelled", "completed", "no_show")
# The statuses that hold a machine's time: the database refuses two of them overlapping.
HOLDING_STATUSES = ("pending", "confirmed", "completed")
WAITLIST_STATUSES = ("waiting", "offered", "booked", "expired", "withdrawn")
REQUEST_STATUSES = ("pending", "proposed", "scheduled", "unserved", "withdrawn")
PLAN_STATUSES = ("solving", "proposed", "confirmed", "discarded", "failed")


class FlexibleRequest(Table, tablename="flexible_request"):
    """ "Fry then pack 40 kg before Friday": steps of machine types, placed by the optimiser."""

    code = Varchar(length=64, unique=True, null=False)
    house = ForeignKey(House, null=False, on_delete=OnDelete.restrict)
    business = ForeignKey(Business, null=False, on_delete=OnDelete.restrict)
    product_class = ForeignKey(ProductClass, null=False, on_delete=OnDelete.restrict)
    product = Varchar(length=200, null=False)
    quantity = Numeric(digits=(10, 2), null=False)
    steps = JSON(null=False, default="[]")  # ["vacuum_fryer", "spinner", ...] in order
    earliest = Timestamptz(null=False)
    deadline = Timestamptz(null=False)
    priority = SmallInt(null=False, default=2)  # 1 low, 2 normal, 3 high
    status = Varchar(length=12, null=False, default="pending")
    explanation = Text(null=False, default="")
    created_at = Timestamptz(null=False)

    code_is_slug = Check(slug("code"))
    deadline_after_earliest = Check("deadline > earliest")
    priority_range = Check("priority BETWEEN 1 AND 3")
    status_known = Check(one_of("status", REQUEST_STATUSES))
    quantity_positive = Check("quantity > 0")


class Booking(Table):
    code = Varchar(length=64, unique=True, null=False)
    machine = ForeignKey(Machine, null=False, on_delete=OnDelete.restrict)
    business = ForeignKey(Business, null=False, on_delete=OnDelete.restrict)
    product_class = ForeignKey(ProductClass, null=False, on_delete=OnDelete.restrict)
    starts_at = Timestamptz(null=False)
    ends_at = Timestamptz(null=False)
    status = Varchar(length=12, null=False, default="confirmed")
    quantity = Numeric(digits=(10, 2), null=False)
    product = Varchar(length=200, null=False)
    note = Text(null=False, default="")
    # Added by the bookings migration (ALTER TABLE, so nullable on both engines):
    released_at = Timestamptz(null=True, default=None)  # ends_at plus the machine's buffer
    created_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null)
    series = Varchar(length=64, null=True, default=None)  # weekly recurring bookings share it
    request = ForeignKey(FlexibleRequest, null=True, default=None, on_delete=OnDelete.set_null)
    checked_in_at = Timestamptz(null=True, default=None)
    cancelled_at = Timestamptz(null=True, default=None)
    price = Integer(null=True, default=None)  # whole Rupiah, fixed when booked

    code_is_slug = Check(slug("code"))
    ends_after_starts = Check("ends_at > starts_at")
    status_known = Check(one_of("status", BOOKING_STATUSES))
    quantity_positive = Check("quantity > 0")


class BookingRules(Table, tablename="booking_rules"):
    """A house's rules (machine empty), or one machine's own rules that replace the house's."""

    house = ForeignKey(House, null=False, on_delete=OnDelete.cascade)
    machine = ForeignKey(Machine, null=True, default=None, on_delete=OnDelete.cascade)
    min_notice_minutes = Integer(null=False, default=120)
    max_advance_days = Integer(null=False, default=60)
    min_duration_minutes = Integer(null=False, default=30)
    max_duration_minutes = Integer(null=False, default=480)
    buffer_minutes = Integer(null=False, default=0)
    weekly_quota_hours = Integer(null=True, default=None)
    cancel_notice_minutes = Integer(null=False, default=1440)
    no_show_grace_minutes = Integer(null=False, default=15)
    offer_hold_minutes = Integer(null=False, default=120)
    plan_daily_at = Time(null=True, default=None)  # the house's daily optimiser run, local time

    notice_not_negative = Check("min_notice_minutes >= 0 AND cancel_notice_minutes >= 0")
    advance_positive = Check("max_advance_days > 0")
    durations_ordered = Check(
        "min_duration_minutes > 0 AND max_duration_minutes >= min_duration_minutes"
    )
    buffer_not_negative = Check("buffer_minutes >= 0 AND no_show_grace_minutes >= 0")
    quota_positive = Check("weekly_quota_hours IS NULL OR weekly_quota_hours > 0")
    hold_positive = Check("offer_hold_minutes > 0")
    once = Unique(["house", "machine"])


class TariffTier(Table, tablename="tariff_tier"):
    """The subsidy a house gives a UMKM size class, in percent off the machine's tariff."""

    house = ForeignKey(House, null=False, on_delete=OnDelete.cascade)
    size_class = Varchar(length=10, null=False)
    discount_percent = SmallInt(null=False)

    size_class_known = Check(one_of("size_class", SIZE_CLASSES))
    discount_range = Check("discount_percent BETWEEN 0 AND 100")
    once = Unique(["house", "size_class"])


class Training(Table):
    """A UMKM trained to run a machine type itself (the gate for self-run machines)."""

    business = ForeignKey(Business, null=False, on_delete=OnDelete.cascade)
    machine_type = ForeignKey(MachineType, null=False, on_delete=OnDelete.cascade)
    trained_on = Date(null=False)

    once = Unique(["business", "machine_type"])


class WaitlistEntry(Table, tablename="waitlist_entry"):
    business = ForeignKey(Business, null=False, on_delete=OnDelete.cascade)
    machine = ForeignKey(Machine, null=False, on_delete=OnDelete.cascade)
    product_class = ForeignKey(ProductClass, null=False, on_delete=OnDelete.restrict)
    product = Varchar(length=200, null=False)
    quantity = Numeric(digits=(10, 2), null=False)
    starts_at = Timestamptz(null=False)
    ends_at = Timestamptz(null=False)
    status = Varchar(length=10, null=False, default="waiting")
    offered_until = Timestamptz(null=True, default=None)
    created_at = Timestamptz(null=False)

    ends_after_starts = Check("ends_at > starts_at")
    status_known = Check(one_of("status", WAITLIST_STATUSES))
    quantity_positive = Check("quantity > 0")


class Plan(Table):
    """One optimiser run over a house's pending requests, shown before an operator confirms it."""

    house = ForeignKey(House, null=False, on_delete=OnDelete.cascade)
    status = Varchar(length=10, null=False, default="solving")
    created_at = Timestamptz(null=False)
    created_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null)
    problem = JSON(null=False, default="{}")
    solution = JSON(null=False, default="{}")

    status_known = Check(one_of("status", PLAN_STATUSES))


class FactsStamp(Table, tablename="facts_stamp"):
    """One row (id 1) whose `n` the database's own triggers raise on every change to what a
    booking reads as settled facts: houses, machine types, machines, rules, opening hours,
    holidays, operators' machines and shifts, product classes, changeovers, UMKM, permits,
    trainings and tariff tiers (`bookings.stamped`). Any writer, any process, is counted."""

    n = BigInt(null=False, default=0)
