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
# National public holidays (libur nasional) and collective leave (cuti bersama), editable per
# house. 2025 and 2026: as published in the SKB 3 Menteri (Menteri Agama, Menteri Ketenagakerjaan,
# Menteri PANRB) for each year. 2027: not yet published when written; best estimate from the
# Islamic, Chinese, Balinese and Christian calendars, TO BE CHECKED AGAINST THE SKB FOR 2027.
NATIONAL_HOLIDAYS = (
    # 2025 (SKB 3 Menteri of 14 October 2024; 18 August added as cuti bersama in 2025)
    (date(2025, 1, 1), "Tahun Baru 2025 Masehi"),
    (date(2025, 1, 27), "Isra Mikraj Nabi Muhammad SAW"),
    (date(2025, 1, 28), "Cuti Bersama Tahun Baru Imlek"),
    (date(2025, 1, 29), "Tahun Baru Imlek 2576 Kongzili"),
    (date(2025, 3, 28), "Cuti Bersama Hari Suci Nyepi"),
    (date(2025, 3, 29), "Hari Suci Nyepi Tahun Baru Saka 1947"),
    (date(2025, 3, 31), "Idul Fitri 1446 H"),
    (date(2025, 4, 1), "Idul Fitri 1446 H"),
    (date(2025, 4, 2), "Cuti Bersama Idul Fitri 1446 H"),
    (date(2025, 4, 3), "Cuti Bersama Idul Fitri 1446 H"),
    (date(2025, 4, 4), "Cuti Bersama Idul Fitri 1446 H"),
    (date(2025, 4, 7), "Cuti Bersama Idul Fitri 1446 H"),
    (date(2025, 4, 18), "Wafat Yesus Kristus"),
    (date(2025, 4, 20), "Kebangkitan Yesus Kristus (Paskah)"),
    (date(2025, 5, 1), "Hari Buruh Internasional"),
    (date(2025, 5, 12), "Hari Raya Waisak 2569 BE"),
    (date(2025, 5, 13), "Cuti Bersama Hari Raya Waisak"),
    (date(2025, 5, 29), "Kenaikan Yesus Kristus"),
    (date(2025, 5, 30), "Cuti Bersama Kenaikan Yesus Kristus"),
    (date(2025, 6, 1), "Hari Lahir Pancasila"),
    (date(2025, 6, 6), "Idul Adha 1446 H"),
    (date(2025, 6, 9), "Cuti Bersama Idul Adha 1446 H"),
    (date(2025, 6, 27), "Tahun Baru Islam 1447 H"),
    (date(2025, 8, 17), "Hari Kemerdekaan Republik Indonesia"),
    (date(2025, 8, 18), "Cuti Bersama Hari Kemerdekaan Republik Indonesia"),
    (date(2025, 9, 5), "Maulid Nabi Muhammad SAW"),
    (date(2025, 12, 25), "Hari Raya Natal"),
    (date(2025, 12, 26), "Cuti Bersama Hari Raya Natal"),
    # 2026 (SKB 3 Menteri of September 2025: 17 holidays, 8 days of cuti bersama)
    (date(2026, 1, 1), "Tahun Baru 2026 Masehi"),
    (date(2026, 1, 16), "Isra Mikraj Nabi Muhammad SAW"),
    (date(2026, 2, 16), "Cuti Bersama Tahun Baru Imlek"),
    (date(2026, 2, 17), "Tahun Baru Imlek 2577 Kongzili"),
    (date(2026, 3, 18), "Cuti Bersama Hari Suci Nyepi"),
    (date(2026, 3, 19), "Hari Suci Nyepi Tahun Baru Saka 1948"),
    (date(2026, 3, 20), "Cuti Bersama Idul Fitri 1447 H"),
    (date(2026, 3, 21), "Idul Fitri 1447 H"),
    (date(2026, 3, 22), "Idul Fitri 1447 H"),
    (date(2026, 3, 23), "Cuti Bersama Idul Fitri 1447 H"),
    (date(2026, 3, 24), "Cuti Bersama Idul Fitri 1447 H"),
    (date(2026, 4, 3), "Wafat Yesus Kristus"),
    (date(2026, 4, 5), "Kebangkitan Yesus Kristus (Paskah)"),
    (date(2026, 5, 1), "Hari Buruh Internasional"),
    (date(2026, 5, 14), "Kenaikan Yesus Kristus"),
    (date(2026, 5, 15), "Cuti Bersama Kenaikan Yesus Kristus"),
    (date(2026, 5, 27), "Idul Adha 1447 H"),
    (date(2026, 5, 28), "Cuti Bersama Idul Adha 1447 H"),
    (date(2026, 5, 31), "Hari Raya Waisak 2570 BE"),
    (date(2026, 6, 1), "Hari Lahir Pancasila"),
    (date(2026, 6, 16), "Tahun Baru Islam 1448 H"),
    (date(2026, 8, 17), "Hari Kemerdekaan Republik Indonesia"),
    (date(2026, 8, 25), "Maulid Nabi Muhammad SAW"),
    (date(2026, 12, 24), "Cuti Bersama Hari Raya Natal"),
    (date(2026, 12, 25), "Hari Raya Natal"),
    # 2027: estimates, TO BE CHECKED AGAINST THE SKB 3 MENTERI FOR 2027 (dates of the Islamic
    # holidays follow the government's isbat; cuti bersama are a guess from earlier years).
    (date(2027, 1, 1), "Tahun Baru 2027 Masehi"),
    (date(2027, 1, 5), "Isra Mikraj Nabi Muhammad SAW (perkiraan)"),
    (date(2027, 2, 6), "Tahun Baru Imlek 2578 Kongzili"),
    (date(2027, 3, 8), "Hari Suci Nyepi Tahun Baru Saka 1949 (perkiraan)"),
    (date(2027, 3, 9), "Cuti Bersama Idul Fitri 1448 H (perkiraan)"),
    (date(2027, 3, 10), "Idul Fitri 1448 H (perkiraan)"),
    (date(2027, 3, 11), "Idul Fitri 1448 H (perkiraan)"),
    (date(2027, 3, 12), "Cuti Bersama Idul Fitri 1448 H (perkiraan)"),
    (date(2027, 3, 15), "Cuti Bersama Idul Fitri 1448 H (perkiraan)"),
    (date(2027, 3, 26), "Wafat Yesus Kristus"),
    (date(2027, 3, 28), "Kebangkitan Yesus Kristus (Paskah)"),
    (date(2027, 5, 1), "Hari Buruh Internasional"),
    (date(2027, 5, 6), "Kenaikan Yesus Kristus"),
    (date(2027, 5, 7), "Cuti Bersama Kenaikan Yesus Kristus (perkiraan)"),
    (date(2027, 5, 17), "Idul Adha 1448 H (perkiraan)"),
    (date(2027, 5, 20), "Hari Raya Waisak 2571 BE (perkiraan)"),
    (date(2027, 6, 1), "Hari Lahir Pancasila"),
    (date(2027, 6, 6), "Tahun Baru Islam 1449 H (perkiraan)"),
    (date(2027, 8, 15), "Maulid Nabi Muhammad SAW (perkiraan)"),
    (date(2027, 8, 17), "Hari Kemerdekaan Republik Indonesia"),
    (date(2027, 12, 24), "Cuti Bersama Hari Raya Natal (perkiraan)"),
    (date(2027, 12, 25), "Hari Raya Natal"),
)
