"""Product classes, the changeovers between them and their quality limits."""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, Numeric, OnDelete, Varchar
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from sharedfactory.db.checks import slug
from sharedfactory.facilities.tables import MachineType


class ProductClass(Table):
    """A class the scheduler separates by changeovers (halal, non-halal, pork, allergens)."""

    code = Varchar(length=64, unique=True, null=False)
    name_id = Varchar(length=200, null=False)
    name_en = Varchar(length=200, null=False)
    halal = Boolean(null=False)
    contains_pork = Boolean(null=False, default=False)

    code_is_slug = Check(slug("code"))
    pork_is_never_halal = Check("NOT (halal AND contains_pork)")


class Changeover(Table):
    """Minutes of cleaning needed on a machine between a run of one class and the next."""

    from_class = ForeignKey(ProductClass, null=False, on_delete=OnDelete.cascade)
    to_class = ForeignKey(ProductClass, null=False, on_delete=OnDelete.cascade)
    minutes = Integer(null=False)

    minutes_not_negative = Check("minutes >= 0")
    once = Unique(["from_class", "to_class"])


class QualityLimit(Table):
    """A HACCP critical limit on one named process value of a machine type, for every product
    (`product_class` empty) or for one product class only."""

    machine_type = ForeignKey(MachineType, null=False, on_delete=OnDelete.cascade)
    product_class = ForeignKey(ProductClass, null=True, default=None, on_delete=OnDelete.cascade)
    value_name = Varchar(length=64, null=False)
    min_value = Numeric(digits=(10, 3), null=True, default=None)
    max_value = Numeric(digits=(10, 3), null=True, default=None)
    hold_seconds = Integer(null=True, default=None)
    standard = Varchar(length=200, null=False)

    has_a_limit = Check("min_value IS NOT NULL OR max_value IS NOT NULL")
    min_below_max = Check("min_value IS NULL OR max_value IS NULL OR min_value <= max_value")
    hold_positive = Check("hold_seconds IS NULL OR hold_seconds > 0")
    once = Unique(["machine_type", "product_class", "value_name"])
