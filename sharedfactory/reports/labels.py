"""The report's words in Bahasa Indonesia (the default) and English, for the files people read."""

from __future__ import annotations

HEADERS = {
    "key": ("Kode", "Key"),
    "label": ("Nama", "Name"),
    "house": ("Rumah produksi", "House"),
    "planned_hours": ("Jam terencana", "Planned hours"),
    "booked_hours": ("Jam dipesan", "Booked hours"),
    "actual_hours": ("Jam aktual", "Actual hours"),
    "utilisation": ("Utilisasi", "Utilisation"),
    "availability": ("Ketersediaan", "Availability"),
    "performance": ("Kinerja", "Performance"),
    "quality": ("Kualitas", "Quality"),
    "oee": ("OEE", "OEE"),
    "umkm_served": ("UMKM dilayani", "UMKM served"),
    "machines": ("Mesin", "Machines"),
    "idle": ("Menganggur", "Idle"),
    "idle_machines": ("Mesin menganggur", "Idle machines"),
    "umkm_new": ("UMKM baru", "New UMKM"),
    "revenue": ("Pendapatan (Rp)", "Revenue (Rp)"),
    "energy_kwh": ("Energi (kWh)", "Energy (kWh)"),
    "energy_cost": ("Biaya energi (Rp)", "Energy cost (Rp)"),
    "margin": ("Selisih (Rp)", "Margin (Rp)"),
    "unit": ("Satuan", "Unit"),
    "good": ("Baik", "Good"),
    "reject": ("Ditolak", "Rejected"),
    "produced": ("Diproduksi", "Produced"),
    "pass_rate": ("Tingkat lolos", "Pass rate"),
    "code": ("Kode", "Code"),
    "name": ("Nama usaha", "Business"),
    "nib": ("NIB", "NIB"),
    "size_class": ("Skala usaha", "Size class"),
    "houses": ("Rumah produksi", "Houses"),
    "first_served": ("Pertama dilayani", "First served"),
    "new": ("Baru", "New"),
}
UNIT_NAMES = {"kg": ("kg", "kg"), "L": ("liter", "litres"), "pcs": ("buah", "pieces")}
SIZE_NAMES = {
    "mikro": ("mikro", "micro"),
    "kecil": ("kecil", "small"),
    "menengah": ("menengah", "medium"),
}
GROUP_NAMES = {
    "province": ("Provinsi", "Province"),
    "house": ("Rumah produksi", "House"),
    "machine": ("Mesin", "Machine"),
    "type": ("Jenis mesin", "Machine type"),
    "month": ("Bulan", "Month"),
}
TEXTS = {
    "title": ("Laporan Utilisasi dan OEE Mesin", "Machine Utilisation and OEE Report"),
    "served_title": ("Laporan UMKM yang Dilayani", "UMKM Served Report"),
    "rows_sheet": ("Utilisasi", "Utilisation"),
    "money_sheet": ("Pendapatan dan energi", "Revenue and energy"),
    "production_sheet": ("Produksi", "Production"),
    "served_sheet": ("UMKM dilayani", "UMKM served"),
    "about_sheet": ("Tentang laporan", "About"),
    "from": ("Dari", "From"),
    "to": ("Sampai (tidak termasuk)", "To (exclusive)"),
    "group": ("Dikelompokkan per", "Grouped by"),
    "idle_below": ("Ambang menganggur (utilisasi di bawah)", "Idle below utilisation"),
    "house": ("Rumah produksi", "House"),
    "all_houses": ("semua rumah produksi dalam cakupan", "every house in scope"),
    "tariff": ("Tarif listrik (Rp/kWh)", "Electricity tariff (Rp/kWh)"),
    "costs": (
        "Biaya operasional di sini hanya energi (listrik x tarif); gaji, sewa dan penyusutan "
        "tidak diukur.",
        "Running costs here are energy only (electricity x tariff); staff, rent and "
        "depreciation are not measured.",
    ),
    "new_rule": (
        "Baru: pemesanan pertama yang dilayani jatuh dalam periode ini.",
        "New: the first ever served booking falls in this period.",
    ),
    "audit_head": ("Kepala rantai audit", "Audit chain head"),
    "built_at": ("Dibuat pada (UTC)", "Built at (UTC)"),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
    "none": ("tidak ada baris", "no rows"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def header(column: str, lang: str) -> str:
    return _pick(HEADERS[column], lang)


def group_name(group: str, lang: str) -> str:
    return _pick(GROUP_NAMES[group], lang)


def text(name: str, lang: str) -> str:
    return _pick(TEXTS[name], lang)


def unit_name(unit: str, lang: str) -> str:
    return _pick(UNIT_NAMES.get(unit, (unit, unit)), lang)


def size_name(size_class: str, lang: str) -> str:
    return _pick(SIZE_NAMES.get(size_class, (size_class, size_class)), lang)
