"""The demo cluster: four real commodity clusters with the machines their products need.

Figures follow PRODUCT.md (vacuum fryer 5-6 kg in 60-98 min, spinner 2-4 kg in ~5 min, coffee
roaster 2-5 kg in 15-21 min, pasteuriser 100 L, freeze dryer 26-36 h). Region codes are the
Kemendagri codes of the province and regency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time


@dataclass(frozen=True)
class DemoMachineType:
    code: str
    name_id: str
    name_en: str
    batch_unit: str
    capabilities: tuple[str, ...]


@dataclass(frozen=True)
class DemoMachine:
    code: str
    type_code: str
    name: str
    batch_size: float
    cycle_minutes: int
    tariff_per_hour: int
    power_kw: float
    needs_operator: bool = True
    halal_status: str = "halal_dedicated"


@dataclass(frozen=True)
class DemoOperator:
    code: str
    name: str
    phone: str
    machines: tuple[str, ...]
    shift: tuple[time, time]
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5)


@dataclass(frozen=True)
class DemoHouse:
    code: str
    name: str
    cluster_code: str
    cluster_name: str
    commodity: str
    cooperative: str
    province: str
    province_code: str
    regency: str
    regency_code: str
    address: str
    timezone: str
    hours: dict[int, tuple[time, time]]
    machines: tuple[DemoMachine, ...]
    operators: tuple[DemoOperator, ...] = field(default=())


WEEKDAY_8_TO_4 = {day: (time(8), time(16)) for day in range(5)} | {5: (time(8), time(12))}
TWO_SHIFTS = {day: (time(6), time(22)) for day in range(6)}

MACHINE_TYPES = (
    DemoMachineType("chili_washer", "Mesin pencuci cabai", "Chili washer", "kg", ("wash",)),
    DemoMachineType("chili_grinder", "Mesin penggiling cabai", "Chili grinder", "kg", ("grind",)),
    DemoMachineType(
        "cooking_kettle", "Wajan pemasak berpengaduk", "Stirred cooking kettle", "kg", ("cook",)
    ),
    DemoMachineType("hot_filler", "Mesin pengisi panas", "Hot filler", "pcs", ("fill", "seal")),
    DemoMachineType("retort", "Retort sterilisasi", "Retort steriliser", "pcs", ("sterilise",)),
    DemoMachineType("cocoa_dryer", "Pengering biji kakao", "Cocoa bean dryer", "kg", ("dry",)),
    DemoMachineType("cocoa_roaster", "Penyangrai kakao", "Cocoa roaster", "kg", ("roast",)),
    DemoMachineType("winnower", "Pemecah & pemisah kulit kakao", "Winnower", "kg", ("winnow",)),
    DemoMachineType("melanger", "Penggiling pasta kakao", "Melanger", "kg", ("grind", "conche")),
    DemoMachineType("pasteuriser", "Pasteurisator susu", "Milk pasteuriser", "L", ("pasteurise",)),
    DemoMachineType("milk_chiller", "Tangki pendingin susu", "Milk cooling tank", "L", ("chill",)),
    DemoMachineType("cup_sealer", "Mesin penyegel gelas", "Cup sealer", "pcs", ("seal",)),
    DemoMachineType("vacuum_fryer", "Penggoreng vakum", "Vacuum fryer", "kg", ("fry",)),
    DemoMachineType("spinner", "Peniris minyak (spinner)", "De-oiling spinner", "kg", ("de-oil",)),
    DemoMachineType("band_sealer", "Mesin sealer kontinu", "Band sealer", "pcs", ("seal",)),
    DemoMachineType("freeze_dryer", "Pengering beku", "Freeze dryer", "kg", ("freeze-dry",)),
    DemoMachineType("coffee_roaster", "Mesin sangrai kopi", "Coffee roaster", "kg", ("roast",)),
    DemoMachineType("coffee_grinder", "Penggiling kopi", "Coffee grinder", "kg", ("grind",)),
    DemoMachineType("coconut_grater", "Pemarut kelapa", "Coconut grater", "kg", ("grate",)),
    DemoMachineType("coconut_press", "Pemeras santan", "Coconut milk press", "kg", ("press",)),
    DemoMachineType("vco_separator", "Pemisah VCO", "VCO separator", "L", ("separate",)),
    DemoMachineType("vco_heater", "Pemanas & pengering VCO", "VCO dryer", "L", ("dry",)),
    DemoMachineType("floss_fryer", "Penggoreng abon", "Floss fryer", "kg", ("fry",)),
)


def _m(
    code: str,
    kind: str,
    name: str,
    batch: float,
    cycle: int,
    tariff: int,
    kw: float,
    needs_operator: bool = True,
    halal: str = "halal_dedicated",
) -> DemoMachine:
    return DemoMachine(code, kind, name, batch, cycle, tariff, kw, needs_operator, halal)


BATU_BARA = DemoHouse(
    code="batu-bara",
    name="Rumah Produksi Bersama Pasta Cabai Batu Bara",
    cluster_code="cabai-batu-bara",
    cluster_name="Klaster Cabai Batu Bara",
    commodity="cabai",
    cooperative="Koperasi Produsen Cabai Batu Bara Sejahtera",
    province="Sumatera Utara",
    province_code="12",
    regency="Kabupaten Batu Bara",
    regency_code="12.19",
    address="Jl. Lintas Sumatera No. 18, Kec. Lima Puluh, Kabupaten Batu Bara",
    timezone="Asia/Jakarta",
    hours=WEEKDAY_8_TO_4,
    machines=(
        _m("batu-bara-washer-1", "chili_washer", "Pencuci Cabai 1", 50, 20, 40_000, 2.2),
        _m("batu-bara-grinder-1", "chili_grinder", "Penggiling Cabai 1", 25, 15, 50_000, 5.5),
        _m("batu-bara-kettle-1", "cooking_kettle", "Wajan Pemasak 1", 50, 90, 85_000, 3.0),
        _m("batu-bara-kettle-2", "cooking_kettle", "Wajan Pemasak 2", 50, 90, 85_000, 3.0),
        _m("batu-bara-filler-1", "hot_filler", "Pengisi Panas 1", 400, 60, 60_000, 1.5),
        _m("batu-bara-retort-1", "retort", "Retort 1", 200, 75, 120_000, 12.0),
    ),
    operators=(
        DemoOperator(
            "op-batu-bara-rahmat",
            "Rahmat Siregar",
            "081260001001",
            ("batu-bara-kettle-1", "batu-bara-kettle-2", "batu-bara-retort-1"),
            (time(8), time(16)),
        ),
        DemoOperator(
            "op-batu-bara-nur",
            "Nurhayati Lubis",
            "081260001002",
            (
                "batu-bara-washer-1",
                "batu-bara-grinder-1",
                "batu-bara-filler-1",
                "batu-bara-kettle-1",
            ),
            (time(8), time(16)),
        ),
    ),
)

JEMBRANA = DemoHouse(
    code="jembrana",
    name="Rumah Produksi Bersama Kakao Jembrana",
    cluster_code="kakao-jembrana",
    cluster_name="Klaster Kakao Jembrana",
    commodity="kakao",
    cooperative="Koperasi Kakao Jembrana Lestari",
    province="Bali",
    province_code="51",
    regency="Kabupaten Jembrana",
    regency_code="51.01",
    address="Jl. Denpasar-Gilimanuk Km 95, Kec. Mendoyo, Kabupaten Jembrana",
    timezone="Asia/Makassar",
    hours=WEEKDAY_8_TO_4,
    machines=(
        _m("jembrana-dryer-1", "cocoa_dryer", "Pengering Kakao 1", 300, 1800, 35_000, 7.5, False),
        _m("jembrana-roaster-1", "cocoa_roaster", "Penyangrai Kakao 1", 20, 40, 90_000, 6.0),
        _m("jembrana-winnower-1", "winnower", "Pemisah Kulit 1", 50, 30, 45_000, 1.1),
        _m("jembrana-melanger-1", "melanger", "Melanger 1", 10, 480, 30_000, 0.75, False),
        _m("jembrana-melanger-2", "melanger", "Melanger 2", 10, 480, 30_000, 0.75, False),
        _m("jembrana-sealer-1", "band_sealer", "Sealer Kontinu 1", 600, 60, 25_000, 0.5, False),
    ),
    operators=(
        DemoOperator(
            "op-jembrana-wayan",
            "I Wayan Sudarma",
            "081338002001",
            ("jembrana-roaster-1", "jembrana-winnower-1"),
            (time(8), time(16)),
        ),
        DemoOperator(
            "op-jembrana-komang",
            "Ni Komang Ayu Lestari",
            "081338002002",
            ("jembrana-roaster-1", "jembrana-winnower-1"),
            (time(8), time(12)),
            (0, 1, 2, 3, 4),
        ),
    ),
)

SLEMAN = DemoHouse(
    code="sleman",
    name="Rumah Produksi Bersama Susu & Salak Sleman",
    cluster_code="susu-sleman",
    cluster_name="Klaster Susu Sapi Perah Sleman",
    commodity="susu",
    cooperative="Koperasi Susu Sleman Makmur",
    province="Daerah Istimewa Yogyakarta",
    province_code="34",
    regency="Kabupaten Sleman",
    regency_code="34.04",
    address="Jl. Kaliurang Km 17, Kec. Pakem, Kabupaten Sleman",
    timezone="Asia/Jakarta",
    hours=TWO_SHIFTS,
    machines=(
        _m("sleman-pasteuriser-1", "pasteuriser", "Pasteurisator 1", 100, 60, 70_000, 9.0),
        _m("sleman-pasteuriser-2", "pasteuriser", "Pasteurisator 2", 100, 60, 70_000, 9.0),
        _m("sleman-chiller-1", "milk_chiller", "Tangki Pendingin 1", 500, 120, 30_000, 4.0, False),
        _m("sleman-cupsealer-1", "cup_sealer", "Penyegel Gelas 1", 1200, 60, 35_000, 1.2),
        _m("sleman-fryer-1", "vacuum_fryer", "Penggoreng Vakum 1", 6, 90, 75_000, 7.5),
        _m(
            "sleman-fryer-2",
            "vacuum_fryer",
            "Penggoreng Vakum 2",
            5,
            75,
            75_000,
            7.5,
            True,
            "shared",
        ),
        _m("sleman-spinner-1", "spinner", "Spinner 1", 3, 5, 20_000, 0.75),
        _m("sleman-sealer-1", "band_sealer", "Sealer Kontinu 1", 600, 60, 25_000, 0.5, False),
        _m(
            "sleman-freezedryer-1", "freeze_dryer", "Pengering Beku 1", 20, 1800, 40_000, 5.0, False
        ),
        _m("sleman-roaster-1", "coffee_roaster", "Sangrai Kopi Merapi 1", 5, 18, 65_000, 3.5),
        _m("sleman-coffeegrinder-1", "coffee_grinder", "Penggiling Kopi 1", 10, 20, 30_000, 1.5),
    ),
    operators=(
        DemoOperator(
            "op-sleman-sri",
            "Sri Wahyuni",
            "081227003001",
            ("sleman-pasteuriser-1", "sleman-pasteuriser-2", "sleman-cupsealer-1"),
            (time(6), time(14)),
        ),
        DemoOperator(
            "op-sleman-bambang",
            "Bambang Triyanto",
            "081227003002",
            (
                "sleman-pasteuriser-1",
                "sleman-pasteuriser-2",
                "sleman-fryer-1",
                "sleman-fryer-2",
                "sleman-spinner-1",
            ),
            (time(14), time(22)),
        ),
        DemoOperator(
            "op-sleman-dewi",
            "Dewi Kusumawati",
            "081227003003",
            (
                "sleman-fryer-1",
                "sleman-fryer-2",
                "sleman-spinner-1",
                "sleman-roaster-1",
                "sleman-coffeegrinder-1",
            ),
            (time(6), time(14)),
        ),
    ),
)

MINAHASA_SELATAN = DemoHouse(
    code="minahasa-selatan",
    name="Rumah Produksi Bersama Kelapa Minahasa Selatan",
    cluster_code="kelapa-minahasa-selatan",
    cluster_name="Klaster Kelapa Minahasa Selatan",
    commodity="kelapa",
    cooperative="Koperasi Nyiur Melambai Minahasa Selatan",
    province="Sulawesi Utara",
    province_code="71",
    regency="Kabupaten Minahasa Selatan",
    regency_code="71.05",
    address="Jl. Trans Sulawesi, Kel. Uwuran, Kec. Amurang, Kabupaten Minahasa Selatan",
    timezone="Asia/Makassar",
    hours=WEEKDAY_8_TO_4,
    machines=(
        _m("minahasa-selatan-grater-1", "coconut_grater", "Pemarut Kelapa 1", 100, 30, 40_000, 3.7),
        _m("minahasa-selatan-press-1", "coconut_press", "Pemeras Santan 1", 80, 45, 45_000, 2.2),
        _m("minahasa-selatan-separator-1", "vco_separator", "Pemisah VCO 1", 100, 60, 50_000, 1.5),
        _m("minahasa-selatan-heater-1", "vco_heater", "Pengering VCO 1", 60, 120, 55_000, 4.0),
        _m(
            "minahasa-selatan-flossfryer-1",
            "floss_fryer",
            "Penggoreng Abon Babi 1",
            15,
            120,
            60_000,
            6.0,
            True,
            "never_halal",
        ),
    ),
    operators=(
        DemoOperator(
            "op-minsel-johny",
            "Johny Wowor",
            "081340004001",
            (
                "minahasa-selatan-grater-1",
                "minahasa-selatan-press-1",
                "minahasa-selatan-separator-1",
                "minahasa-selatan-heater-1",
            ),
            (time(8), time(16)),
        ),
        DemoOperator(
            "op-minsel-meiske",
            "Meiske Rumengan",
            "081340004002",
            ("minahasa-selatan-heater-1", "minahasa-selatan-flossfryer-1"),
            (time(8), time(16)),
        ),
    ),
)

HOUSES = (BATU_BARA, JEMBRANA, SLEMAN, MINAHASA_SELATAN)
