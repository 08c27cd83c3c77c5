"""The two parties of the access matrix: side A (house Sleman, UMKM Bu Sri) and side B (house
Batu Bara, UMKM Siti), each with a demo booking to read and rows of the matrix's own to write on
(bookings, holidays and maintenance only in the week `booking_monday(12)`), removed afterwards."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sharedfactory.bookings.tables import Booking, FlexibleRequest, Plan, WaitlistEntry
from sharedfactory.businesses.tables import Business
from sharedfactory.cleaning.evidence import EvidenceStore
from sharedfactory.cleaning.tables import CleaningRecord
from sharedfactory.devices.tables import Alarm
from sharedfactory.facilities.tables import Holiday, House, Machine, MaintenanceWindow, Operator
from sharedfactory.notices.tables import Notice
from sharedfactory.products.tables import ProductClass
from tests.conftest import booking_monday

WIB = ZoneInfo("Asia/Jakarta")
WEEK = 12  # the week of `booking_monday` this test may write in
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass(frozen=True)
class Side:
    """One party's things: what another party's request names in its path and body."""

    name: str
    house: str
    machine: str
    machine_type: str
    business: str
    booking: str  # a demo booking of the business (reads)
    fresh: str  # the test's own booking in week 12 (writes)
    request: str
    entry: int
    plan: int
    window: int
    notice: int
    holiday: date
    alarm: int
    cleaning: int
    operator: str
    starts: datetime  # a free-looking hour in week 12 on the side's machine


async def _pk(table: Any, code: str) -> int:
    row = await table.select(table._meta.primary_key.as_alias("pk")).where(table.code == code)
    assert row, f"no {table._meta.tablename} {code!r} in the demo"
    return int(row[0]["pk"])


async def _insert(row: Any) -> int:
    table = row.__class__
    return int((await table.insert(row).returning(table._meta.primary_key).run())[0]["id"])


async def _demo_booking(business: int, house: int) -> tuple[str, int, str]:
    """The business's first confirmed demo booking in the house: (code, machine id, code)."""
    rows = (
        await Booking.select(Booking.code, Booking.machine, Booking.machine.code.as_alias("m"))
        .where(
            Booking.business == business,
            Booking.machine.house == house,
            Booking.status == "confirmed",
        )
        .order_by(Booking.starts_at)
        .first()
    )
    assert rows, "the demo has no confirmed booking of this business in its house"
    return rows["code"], rows["machine"], rows["m"]


@dataclass
class Created:
    """Every row the fixture wrote, deleted in reverse order."""

    rows: list[tuple[Any, int]] = field(default_factory=list)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))

    async def add(self, row: Any) -> int:
        pk = await _insert(row)
        self.rows.append((row.__class__, pk))
        return pk

    async def remove(self) -> None:
        for table, pk in reversed(self.rows):
            await table.delete().where(table._meta.primary_key == pk).run()


async def make_side(
    name: str, house_code: str, business_code: str, day: int, created: Created, data_dir: Any
) -> Side:
    now = datetime.now(UTC)
    monday = booking_monday(WEEK)
    house, business = await _pk(House, house_code), await _pk(Business, business_code)
    booking, machine, machine_code = await _demo_booking(business, house)
    kind = await Machine.select(Machine.machine_type.code.as_alias("t")).where(
        Machine._meta.primary_key == machine
    )
    klass = await ProductClass.select(ProductClass._meta.primary_key.as_alias("pk")).where(
        ProductClass.code == "halal"
    )
    halal = klass[0]["pk"]
    starts = datetime.combine(monday + timedelta(days=day), time(9), WIB)
    fresh = f"am-{name}-{now:%H%M%S%f}"
    booking_pk = await created.add(
        Booking(
            code=fresh,
            machine=machine,
            business=business,
            product_class=halal,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            status="confirmed",
            quantity=10,
            product="Uji akses",
            created_at=now,
        )
    )
    request = f"am-rq-{name}-{now:%H%M%S%f}"
    await created.add(
        FlexibleRequest(
            code=request,
            house=house,
            business=business,
            product_class=halal,
            product="Uji akses",
            quantity=10,
            steps=[kind[0]["t"]],
            earliest=starts,
            deadline=starts + timedelta(days=3),
            status="pending",
            created_at=now,
        )
    )
    entry = await created.add(
        WaitlistEntry(
            business=business,
            machine=machine,
            product_class=halal,
            product="Uji akses",
            quantity=10,
            starts_at=starts + timedelta(hours=2),
            ends_at=starts + timedelta(hours=3),
            status="waiting",
            created_at=now,
        )
    )
    plan = await created.add(Plan(house=house, status="proposed", created_at=now))
    window = await created.add(
        MaintenanceWindow(
            machine=machine,
            starts_at=starts + timedelta(hours=5),
            ends_at=starts + timedelta(hours=6),
            reason="uji akses",
        )
    )
    notice = await created.add(
        Notice(business=business, kind="access_test", subject="uji", body="uji", created_at=now)
    )
    holiday = monday + timedelta(days=5)
    await created.add(Holiday(house=house, day=holiday, name="Libur uji akses"))
    alarm = await created.add(
        Alarm(
            machine=machine,
            kind="excursion",
            detail="uji akses",
            booking=fresh,
            opened_ms=int(now.timestamp() * 1000),
        )
    )
    cleaning = await created.add(
        CleaningRecord(
            machine=machine,
            after_booking=booking_pk,
            cleaned_at=now,
            cleaned_by="Uji",
            what="uji akses",
            evidence_sha256=EvidenceStore(data_dir).put(PNG),
            evidence_type="image/png",
            evidence_bytes=len(PNG),
            evidence_name="bukti.png",
            recorded_at=now,
        )
    )
    operator = await Operator.select(Operator.code).where(Operator.house == house).first()
    assert operator, f"the demo has no operator in {house_code}"
    return Side(
        name,
        house_code,
        machine_code,
        kind[0]["t"],
        business_code,
        booking,
        fresh,
        request,
        entry,
        plan,
        window,
        notice,
        holiday,
        alarm,
        cleaning,
        operator["code"],
        starts,
    )
