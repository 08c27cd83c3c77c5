"""Wire shapes of machine administration: adding a machine to a house and editing one. The page
(`web.machine_admin_form`) converts its text fields into these same Structs, so the page and the
JSON API accept exactly the same values. Every bound is inside the database's column and CHECK
(`Numeric(10, 2)` batch size, `Numeric(8, 2)` power, a positive cycle, a tariff of whole Rupiah).
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from sharedfactory.businesses.registration import Name
from sharedfactory.businesses.schemas import Code

HalalStatus = Literal["halal_dedicated", "shared", "never_halal"]
TypeCode = Annotated[
    str, Meta(pattern=r"^[a-z0-9_]{2,64}$", description="machine type, e.g. `vacuum_fryer`")
]
BatchSize = Annotated[
    float, Meta(ge=0.01, le=100_000, description="per batch, in the type's unit (kg, L, pcs)")
]
CycleMinutes = Annotated[int, Meta(ge=1, le=7 * 24 * 60, description="one batch, in minutes")]
Tariff = Annotated[int, Meta(ge=0, le=100_000_000, description="whole Rupiah per hour")]
PowerKw = Annotated[float, Meta(ge=0, le=10_000, description="electric power in kW")]


class MachineAddIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new machine of the house in the path. `code` is its stable id (a slug, unique)."""

    code: Annotated[Code, Meta(description="lower-case letters, digits and dashes")]
    machine_type: TypeCode
    name: Name
    batch_size: BatchSize
    cycle_minutes: CycleMinutes
    tariff_per_hour: Tariff
    power_kw: PowerKw
    needs_operator: bool = True
    halal_status: HalalStatus = "shared"


class MachineEditIn(msgspec.Struct, forbid_unknown_fields=True):
    """The fields to change; an omitted (or null) field keeps its value. `halal_status`:
    `never_halal` is for good; `halal_dedicated` is refused while non-halal work is booked."""

    name: Name | None = None
    batch_size: BatchSize | None = None
    cycle_minutes: CycleMinutes | None = None
    tariff_per_hour: Tariff | None = None
    power_kw: PowerKw | None = None
    needs_operator: bool | None = None
    halal_status: HalalStatus | None = None


EDITABLE = tuple(MachineEditIn.__struct_fields__)
