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
    "rows_sheet": ("Utilisasi", "Utilisation"),
    "about_sheet": ("Tentang laporan", "About"),
    "from": ("Dari", "From"),
    "to": ("Sampai (tidak termasuk)", "To (exclusive)"),
    "group": ("Dikelompokkan per", "Grouped by"),
    "idle_below": ("Ambang menganggur (utilisasi di bawah)", "Idle below utilisation"),
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
