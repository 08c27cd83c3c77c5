"""Bookings of machine time."""

from __future__ import annotations

from piccolo.columns import ForeignKey, Numeric, OnDelete, Text, Timestamptz, Varchar
from piccolo.constraints import Check
from piccolo.table import Table

from sharedfactory.businesses.tables import Business
from sharedfactory.db.checks import one_of, slug
from sharedfactory.facilities.tables import Machine
from sharedfactory.products.tables import ProductClass

BOOKING_STATUSES = ("pending", "confirmed", "cancelled", "completed", "no_show")


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

    code_is_slug = Check(slug("code"))
    ends_after_starts = Check("ends_at > starts_at")
    status_known = Check(one_of("status", BOOKING_STATUSES))
    quantity_positive = Check("quantity > 0")
