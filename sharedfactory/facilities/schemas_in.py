"""Edge validation of machines entering the system."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from sharedfactory.businesses.schemas import Code


class MachineIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Code
    house: Code
    machine_type: Annotated[str, Meta(pattern=r"^[a-z0-9_]{2,64}$")]
    name: Annotated[str, Meta(min_length=2, max_length=200)]
    batch_size: Annotated[float, Meta(gt=0)]
    cycle_minutes: Annotated[int, Meta(gt=0, le=7 * 24 * 60)]
    tariff_per_hour: Annotated[int, Meta(ge=0, le=100_000_000)]
    power_kw: Annotated[float, Meta(ge=0)]
    needs_operator: bool = True
    halal_status: Literal["halal_dedicated", "shared", "never_halal"] = "shared"
