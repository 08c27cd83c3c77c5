"""Utilisation and OEE rows from plain facts, against figures computed by hand (pure)."""

from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sharedfactory.reports.output import Production
from sharedfactory.reports.planned import HouseCalendar, Slice, month_slices
from sharedfactory.reports.utilisation import (
    MachineInfo,
    ReportFacts,
    Usage,
    month_label,
    report_rows,
)
from tests.reports.test_planned import HOUR, WEEK, WEEKDAYS_8_TO_4, ms

pytestmark = pytest.mark.pure

JAKARTA = "Asia/Jakarta"


def machine(code, house="batu-bara", province="Sumatera Utara", kind="vacuum_fryer", **more):
    fields = {
        "name": code.title(),
        "house_name": house.title(),
        "type_name_id": "Penggoreng vakum",
        "type_name_en": "Vacuum fryer",
        "zone": JAKARTA,
        "ideal_cycle_s": 0.72,  # 60 min for a 5 kg batch: 3600 s / 5000 g
        "unit": "kg",
    } | more
    return MachineInfo(code, house=house, province=province, machine_type=kind, **fields)


FRYER = machine("fryer")
# A band sealer: 60 min for 600 pieces, counted in thousandths of a piece.
SEALER = machine(
    "sealer", kind="band_sealer", ideal_cycle_s=0.006, type_name_id="Sealer", unit="pcs"
)
SILENT = machine("silent", house="sleman", province="DI Yogyakarta")
CLOSED = machine("closed", house="closed-house", province="DI Yogyakarta")


def facts(**more):
    base = {
        "machines": (FRYER, SEALER),
        "calendars": {
            "batu-bara": HouseCalendar(JAKARTA, WEEKDAYS_8_TO_4),
            "sleman": HouseCalendar(JAKARTA, WEEKDAYS_8_TO_4),
            "closed-house": HouseCalendar(JAKARTA, {}),
        },
        "maintenance": {},
        "slices": (Slice("", *WEEK),),
        "usage": {
            # 22 h running; 99 kg good and 1 kg rejected = 100 000 g x 0.72 s = 72 000 s ideal
            ("fryer", ""): Usage(running_s=22 * 3600, good=99_000, reject=1_000, hours=30),
            # 4.4 h running; 2 000 pieces x 1000 x 0.006 s = 12 000 s ideal, all good
            ("sealer", ""): Usage(running_s=15_840, good=2_000_000, reject=0, hours=10),
        },
        "booked_s": {("fryer", ""): 30 * 3600.0, ("sealer", ""): 6 * 3600.0},
        "served": {
            ("fryer", ""): frozenset({"umkm-a", "umkm-b"}),
            ("sealer", ""): frozenset({"umkm-b", "umkm-c"}),
        },
    }
    return ReportFacts(**(base | more))


def by_key(rows):
    return {row.key: row for row in rows}


def test_one_machine_by_hand():
    """44 h planned; availability 22/44 = 0.5; performance 72 000 / 79 200 = 0.9091;
    quality 99 000 / 100 000 = 0.99; OEE = 0.5 x 0.9091 x 0.99 = 71 280 / 158 400 = 0.45."""
    row = by_key(report_rows(facts(), "machine"))["fryer"]
    assert (row.planned_hours, row.booked_hours, row.actual_hours) == (44.0, 30.0, 22.0)
    assert row.utilisation == 0.5
    assert row.availability == 0.5
    assert row.performance == 0.9091
    assert row.quality == 0.99
    assert row.oee == 0.45
    assert row.umkm_served == 2
    assert (row.label, row.house, row.machines, row.idle) == ("Fryer", "batu-bara", 1, False)


def test_a_group_sums_times_and_takes_the_ratios_of_the_sums():
    """88 h planned, 26.4 h running: availability 0.3; ideal output 84 000 s of which 83 280 s
    good: performance 84 000 / 95 040 = 0.8838, quality 0.9914, OEE 83 280 / 316 800 = 0.2629."""
    (row,) = report_rows(facts(), "house")
    assert (row.key, row.label, row.house) == ("batu-bara", "Batu-Bara", "batu-bara")
    assert (row.planned_hours, row.booked_hours, row.actual_hours) == (88.0, 36.0, 26.4)
    assert row.utilisation == 0.3
    assert row.availability == 0.3
    assert row.performance == 0.8838
    assert row.quality == 0.9914
    assert row.oee == 0.2629
    assert row.umkm_served == 3  # a, b, c: b booked both machines and counts once
    assert row.machines == 2
    assert row.idle is False
    assert row.idle_machines == ("sealer",)  # 4.4 / 44 = 0.1 < 0.2


def test_the_idle_threshold_is_a_parameter():
    rows = by_key(report_rows(facts(), "machine", idle_below=0.05))
    assert rows["sealer"].idle is False
    rows = by_key(report_rows(facts(), "machine", idle_below=0.6))
    assert rows["fryer"].idle is True


def test_a_machine_without_telemetry_is_idle_and_its_factors_are_not_measurable():
    rows = by_key(report_rows(facts(machines=(FRYER, SILENT)), "machine"))
    silent = rows["silent"]
    assert (silent.planned_hours, silent.actual_hours, silent.utilisation) == (44.0, 0.0, 0.0)
    assert silent.availability == 0.0
    assert (silent.performance, silent.quality, silent.oee) == (None, None, None)
    assert silent.idle is True
    assert silent.umkm_served == 0


def test_a_machine_planned_for_nothing_is_not_measured_and_not_idle():
    row = by_key(report_rows(facts(machines=(CLOSED,)), "machine"))["closed"]
    assert row.planned_hours == 0.0
    assert (row.utilisation, row.availability, row.oee) == (None, None, None)
    assert row.idle is False


def test_maintenance_takes_planned_time_away():
    window = (ms("2025-03-04T10:00:00+07:00"), ms("2025-03-04T14:00:00+07:00"))
    rows = by_key(report_rows(facts(maintenance={"fryer": (window,)}), "machine"))
    assert rows["fryer"].planned_hours == 40.0
    assert rows["fryer"].utilisation == 0.55  # 22 / 40
    assert rows["sealer"].planned_hours == 44.0


def test_province_and_type_groups():
    everything = facts(machines=(FRYER, SEALER, SILENT))
    provinces = by_key(report_rows(everything, "province"))
    assert set(provinces) == {"Sumatera Utara", "DI Yogyakarta"}
    assert provinces["DI Yogyakarta"].idle is True  # its only machine is silent
    assert provinces["DI Yogyakarta"].house == "sleman"
    assert provinces["Sumatera Utara"].planned_hours == 88.0
    types = by_key(report_rows(everything, "type", lang="en"))
    assert types["vacuum_fryer"].planned_hours == 88.0
    assert types["vacuum_fryer"].label == "Vacuum fryer"
    assert types["vacuum_fryer"].house is None  # two houses
    assert by_key(report_rows(everything, "type"))["band_sealer"].label == "Sealer"


def test_months_split_planned_and_used_time():
    """28 Feb 2025 (Friday) and 1 Mar 2025 (Saturday): 8 h in February, 4 h in March, for
    each of the two machines."""
    start, end = ms("2025-02-28T00:00:00+07:00"), ms("2025-03-02T00:00:00+07:00")
    rows = report_rows(
        facts(
            slices=month_slices(start, end, ZoneInfo(JAKARTA)),
            usage={("fryer", "2025-02"): Usage(running_s=4 * 3600, hours=4)},
            booked_s={("fryer", "2025-03"): 2 * 3600.0},
            served={},
        ),
        "month",
    )
    february, march = rows
    assert (february.key, february.label, march.label) == ("2025-02", "Februari 2025", "Maret 2025")
    assert (february.planned_hours, february.actual_hours, february.utilisation) == (
        16.0,
        4.0,
        0.25,
    )
    assert (march.planned_hours, march.booked_hours, march.actual_hours) == (8.0, 2.0, 0.0)
    assert march.idle is True
    assert march.idle_machines == ("fryer", "sealer")


def test_month_labels():
    assert month_label("2025-12", "id") == "Desember 2025"
    assert month_label("2025-12", "en") == "December 2025"


def test_an_unknown_group_is_refused():
    with pytest.raises(ValueError, match="group"):
        report_rows(facts(), "planet")


def test_no_machines_no_rows():
    assert report_rows(facts(machines=()), "province") == []
    assert HOUR == 3_600_000


def test_money_and_output_of_a_group():
    """Revenue 100 000,25 (fryer) + 49 999,5 (sealer) = 149 999,75 -> 150 000; energy 2 kWh +
    0,5 kWh at Rp1.000 = 2 500; the fryer's kilograms and the sealer's pieces stay apart."""
    found = facts(
        usage={
            ("fryer", ""): Usage(22 * 3600, good=99_000, reject=1_000, hours=30, energy_wh=2_000),
            ("sealer", ""): Usage(15_840, good=2_000_000, reject=0, hours=10, energy_wh=500),
        },
        revenue={("fryer", ""): 100_000.25, ("sealer", ""): 49_999.5},
    )
    (row,) = report_rows(found, "house", tariff=Decimal(1000))
    assert (row.revenue, row.energy_kwh, row.energy_cost, row.margin) == (
        150_000,
        2.5,
        2_500,
        147_500,
    )
    assert row.production == (
        Production("kg", 99.0, 1.0, 100.0, 0.99),
        Production("pcs", 2_000.0, 0.0, 2_000.0, 1.0),
    )


def test_new_businesses_count_in_the_slice_of_their_first_service():
    """umkm-b, first served in January, comes on 28 February and 1 March; umkm-a is first served
    on 1 March: new in the March row, and nobody is new in February."""
    start, end = ms("2025-02-28T00:00:00+07:00"), ms("2025-03-02T00:00:00+07:00")
    both = frozenset({"umkm-a", "umkm-b"})
    rows = report_rows(
        facts(
            slices=month_slices(start, end, ZoneInfo(JAKARTA)),
            usage={},
            served={("fryer", "2025-02"): frozenset({"umkm-b"}), ("fryer", "2025-03"): both},
            first_served={
                "umkm-a": ms("2025-03-01T09:00:00+07:00"),
                "umkm-b": ms("2025-01-15T09:00:00+07:00"),
            },
        ),
        "month",
    )
    assert [(row.key, row.umkm_served, row.umkm_new) for row in rows] == [
        ("2025-02", 1, 0),
        ("2025-03", 2, 1),
    ]
