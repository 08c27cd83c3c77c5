"""Product classes, changeovers, HACCP limits and national holidays of the demo."""

from __future__ import annotations

from datetime import date

# code, name_id, name_en, halal, contains_pork
PRODUCT_CLASSES = (
    ("halal", "Halal", "Halal", True, False),
    ("non-halal", "Non-halal (tanpa babi)", "Non-halal (no pork)", False, False),
    ("pork", "Mengandung babi", "Contains pork", False, True),
)
# from, to, minutes of cleaning (PRODUCT.md: a non-halal run needs a recorded cleaning before halal)
CHANGEOVERS = (
    ("halal", "non-halal", 30),
    ("non-halal", "halal", 120),
    ("pork", "non-halal", 90),
)
# machine type, value name, min, max, hold seconds, standard
QUALITY_LIMITS = (
    (
        "vacuum_fryer",
        "oil_temp_c",
        80.0,
        90.0,
        None,
        "HACCP CCP penggorengan vakum 80-85 C, maks 90 C",
    ),
    ("vacuum_fryer", "vacuum_cmhg", -70.0, -65.0, None, "HACCP CCP vakum -65 s.d. -70 cmHg"),
    (
        "pasteuriser",
        "milk_temp_c",
        72.0,
        None,
        15,
        "HACCP CCP pasteurisasi HTST >= 72 C selama 15 s",
    ),
    ("milk_chiller", "milk_temp_c", None, 4.4, None, "Pendinginan susu <= 4,4 C"),
    ("retort", "f0_min", 3.0, None, None, "Sterilisasi komersial F0 >= 3,0 menit"),
    ("coffee_roaster", "bean_temp_c", 193.0, 221.0, None, "Sangrai kopi 193-221 C"),
    ("coffee_grinder", "moisture_pct", None, 7.0, None, "SNI kopi bubuk: kadar air <= 7 %"),
    ("cocoa_dryer", "moisture_pct", None, 7.5, None, "SNI biji kakao: kadar air <= 7,5 %"),
    ("vco_heater", "water_pct", None, 0.2, None, "SNI VCO: kadar air <= 0,2 %"),
)
# National public holidays and collective leave (libur nasional, cuti bersama), editable per house.
NATIONAL_HOLIDAYS = (
    (date(2026, 1, 1), "Tahun Baru 2026 Masehi"),
    (date(2026, 3, 19), "Hari Suci Nyepi"),
    (date(2026, 3, 20), "Idul Fitri 1447 H"),
    (date(2026, 3, 21), "Idul Fitri 1447 H"),
    (date(2026, 5, 1), "Hari Buruh Internasional"),
    (date(2026, 6, 1), "Hari Lahir Pancasila"),
    (date(2026, 8, 17), "Hari Kemerdekaan Republik Indonesia"),
    (date(2026, 12, 24), "Cuti Bersama Hari Raya Natal"),
    (date(2026, 12, 25), "Hari Raya Natal"),
    (date(2027, 1, 1), "Tahun Baru 2027 Masehi"),
)
