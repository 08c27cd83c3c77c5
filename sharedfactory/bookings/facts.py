"""What the booking rules look at, as plain data (loaded from the database by `bookings.load`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time


@dataclass(frozen=True)
class HouseRules:
    min_notice_minutes: int = 120
    max_advance_days: int = 60
    min_duration_minutes: int = 30
    max_duration_minutes: int = 480
    buffer_minutes: int = 0
    weekly_quota_hours: int | None = None
    cancel_notice_minutes: int = 1440
    no_show_grace_minutes: int = 15
    offer_hold_minutes: int = 120
    plan_daily_at: time | None = None  # the house's daily optimiser run (house rules only)


@dataclass(frozen=True)
class Span:
    starts: datetime
    ends: datetime
    code: str = ""  # the booking it belongs to, when it is one

    def overlaps(self, starts: datetime, ends: datetime) -> bool:
        return self.starts < ends and starts < self.ends


@dataclass(frozen=True)
class Taken:
    """Another booking's hold on the machine: from its start to its end plus the buffer."""

    code: str
    starts: datetime
    ends: datetime
    released: datetime
    product_class: str
    halal: bool


@dataclass(frozen=True)
class ProductKind:
    code: str
    halal: bool
    contains_pork: bool = False


@dataclass(frozen=True)
class MachineFacts:
    code: str
    house: str
    zone: str
    machine_type: str
    capabilities: tuple[str, ...]
    needs_operator: bool
    halal_status: str
    tariff_per_hour: int
    rules: HouseRules
    opening: dict[int, tuple[tuple[time, time], ...]]  # weekday -> spans in the house's zone
    holidays: frozenset[date]
    maintenance: tuple[Span, ...] = ()
    taken: tuple[Taken, ...] = ()  # sorted by start
    changeover: dict[tuple[str, str], int] = field(default_factory=dict)
    ran_pork: bool = False
    operator_shifts: dict[int, tuple[tuple[time, time], ...]] = field(default_factory=dict)
    held_for: tuple[tuple[Span, str], ...] = ()  # slots offered to a waitlisted UMKM
    pk: int = 0  # the database row, for writers
    batch_size: float = 1.0  # per cycle, in the machine type's unit (kg, L, pcs)
    cycle_minutes: int = 60


@dataclass(frozen=True)
class PermitFact:
    kind: str
    product: str
    expires_on: date | None


@dataclass(frozen=True)
class BusinessFacts:
    code: str
    size_class: str
    permits: tuple[PermitFact, ...] = ()
    trained_types: frozenset[str] = frozenset()
    booked: tuple[Span, ...] = ()  # the UMKM's holding bookings in the house, for the quota
    discount_percent: int = 0
    checked: bool = True  # False: staff looking without a UMKM; permits, training, quota unchecked

    @classmethod
    def anyone(cls) -> BusinessFacts:
        return cls(code="", size_class="mikro", checked=False)


@dataclass(frozen=True)
class Wish:
    """One booking a UMKM asks for. `process` says what the product needs: pasteurised or frozen
    food needs a BPOM MD permit."""

    machine: str
    starts: datetime
    ends: datetime
    product_class: ProductKind
    product: str
    process: str = "ambient"
    ignore: str | None = None  # the booking being moved: it does not block or count itself
