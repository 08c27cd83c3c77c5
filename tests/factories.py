"""Builders of valid input data; each test overrides only what it is about."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def business_data(**overrides: Any) -> dict[str, Any]:
    return {
        "code": "uji-usaha",
        "nib": "9120999000001",
        "name": "Usaha Uji Coba",
        "size_class": "mikro",
        "cluster_code": "susu-sleman",
        "owner_name": "Pemilik Uji",
        "phone": "081299990000",
        "email": "uji@umkm.example.id",
        "nik": "3404010101800001",
        "npwp": "123456789012345",
    } | overrides


def machine_data(**overrides: Any) -> dict[str, Any]:
    return {
        "code": "sleman-test-fryer-9",
        "house": "sleman",
        "machine_type": "vacuum_fryer",
        "name": "Penggoreng Uji",
        "batch_size": 5.0,
        "cycle_minutes": 80,
        "tariff_per_hour": 75_000,
        "power_kw": 7.5,
    } | overrides


async def insert_bookings(
    business: str, lines: Iterable[tuple[Any, ...]], product_class: str = "halal"
) -> None:
    """Bookings of `business` (halal unless told) written straight into the database, one per
    line: (code, machine code, starts, hours, status[, price])."""
    from datetime import timedelta

    from sharedfactory.bookings.tables import Booking
    from sharedfactory.businesses.tables import Business
    from sharedfactory.facilities.tables import Machine
    from sharedfactory.products.tables import ProductClass

    lines = list(lines)
    owner = await Business.select(Business._meta.primary_key).where(Business.code == business)
    halal = await ProductClass.select(ProductClass._meta.primary_key).where(
        ProductClass.code == product_class
    )
    wanted = sorted({line[1] for line in lines})
    machines = {
        row["code"]: row["id"]
        for row in await Machine.select(Machine._meta.primary_key, Machine.code).where(
            Machine.code.is_in(wanted)
        )
    }
    await Booking.insert(
        *(
            Booking(
                code=code,
                machine=machines[machine],
                business=owner[0]["id"],
                product_class=halal[0]["id"],
                starts_at=starts,
                ends_at=starts + timedelta(hours=hours),
                status=status,
                quantity=10,
                product="Sambal",
                price=rest[0] if rest else None,
            )
            for code, machine, starts, hours, status, *rest in lines
        )
    ).run()
