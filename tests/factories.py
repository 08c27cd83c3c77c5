"""Builders of valid input data; each test overrides only what it is about."""

from __future__ import annotations

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
