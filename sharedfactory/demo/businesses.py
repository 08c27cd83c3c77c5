"""Thirty-two UMKM of the four demo clusters, with NIBs and a mix of permits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class DemoPermit:
    kind: str
    number: str
    product: str
    issued_on: date
    expires_on: date | None


@dataclass(frozen=True)
class DemoBusiness:
    code: str
    nib: str
    name: str
    size_class: str
    cluster_code: str
    owner_name: str
    phone: str
    email: str
    nik: str
    npwp: str | None
    permits: tuple[DemoPermit, ...]


# (cluster, business name, owner, main product, product class)
ROSTER: tuple[tuple[str, str, str, str, str], ...] = (
    ("cabai-batu-bara", "UD Sambal Lado Tanjung", "Siti Aminah", "Pasta cabai", "halal"),
    ("cabai-batu-bara", "Cabe Giling Mak Ucok", "Ucok Harahap", "Cabai giling", "halal"),
    ("cabai-batu-bara", "Sambal Andaliman Boru Nasution", "Rosdiana Nasution", "Sambal", "halal"),
    ("cabai-batu-bara", "CV Pedas Pesisir", "Darwin Sitorus", "Saus cabai", "halal"),
    ("cabai-batu-bara", "Sambal Teri Bu Ida", "Ida Rahmawati", "Sambal teri", "halal"),
    (
        "cabai-batu-bara",
        "Kelompok Tani Cabai Lima Puluh",
        "Ahmad Yani Tanjung",
        "Cabai kering",
        "halal",
    ),
    ("cabai-batu-bara", "Rendang Cabe Uni Ros", "Rosmaini", "Bumbu rendang", "halal"),
    ("cabai-batu-bara", "Sambal Bawang Kak Lina", "Lina Marpaung", "Sambal bawang", "halal"),
    ("kakao-jembrana", "Cokelat Mendoyo", "I Made Suardana", "Cokelat batang", "halal"),
    (
        "kakao-jembrana",
        "Subak Abian Kakao Lestari",
        "I Ketut Arsana",
        "Biji kakao fermentasi",
        "halal",
    ),
    ("kakao-jembrana", "Kakao Bubuk Ni Luh", "Ni Luh Putu Sari", "Bubuk kakao", "halal"),
    ("kakao-jembrana", "Bali Cacao Nib Negara", "I Gede Wirawan", "Nib kakao", "halal"),
    ("kakao-jembrana", "Pasta Kakao Pekutatan", "I Nyoman Budiarta", "Pasta kakao", "halal"),
    ("kakao-jembrana", "Cokelat Jegog", "Ni Made Dewi Anggreni", "Praline", "non-halal"),
    ("kakao-jembrana", "Kakao Gilimanuk Jaya", "Kadek Surya Dharma", "Lemak kakao", "halal"),
    ("kakao-jembrana", "Dapur Cokelat Melaya", "Ni Wayan Rusmini", "Cokelat olesan", "halal"),
    ("susu-sleman", "Susu Segar Merapi", "Sugeng Riyadi", "Susu pasteurisasi", "halal"),
    ("susu-sleman", "Yoghurt Kaliurang", "Endang Purwaningsih", "Yoghurt", "halal"),
    ("susu-sleman", "Keripik Salak Pondoh Bu Sri", "Sri Lestari", "Keripik salak", "halal"),
    ("susu-sleman", "Kopi Lereng Merapi", "Agus Prasetyo", "Kopi bubuk", "halal"),
    ("susu-sleman", "Susu Kambing Etawa Turi", "Suparmi", "Susu kambing beku kering", "halal"),
    ("susu-sleman", "Keripik Nangka Cangkringan", "Wahyu Hidayat", "Keripik nangka", "halal"),
    ("susu-sleman", "Kerupuk Kulit Pakem", "Yohanes Widodo", "Keripik kulit", "non-halal"),
    ("susu-sleman", "Dodol Susu Ngemplak", "Tri Handayani", "Dodol susu", "halal"),
    ("kelapa-minahasa-selatan", "VCO Nyiur Amurang", "Fransiska Lumowa", "VCO", "halal"),
    (
        "kelapa-minahasa-selatan",
        "Minyak Kelapa Tumpaan",
        "Hendrik Sumampouw",
        "Minyak kelapa",
        "halal",
    ),
    ("kelapa-minahasa-selatan", "Abon Babi Tante Nona", "Nona Kalalo", "Abon babi", "pork"),
    ("kelapa-minahasa-selatan", "Santan Kental Tenga", "Rudy Tumbelaka", "Santan", "halal"),
    (
        "kelapa-minahasa-selatan",
        "Kelapa Parut Kering Motoling",
        "Yulin Pangkey",
        "Kelapa parut",
        "halal",
    ),
    (
        "kelapa-minahasa-selatan",
        "Cakalang Fufu Ranoyapo",
        "Stevi Mandagi",
        "Cakalang fufu",
        "halal",
    ),
    (
        "kelapa-minahasa-selatan",
        "Nata de Coco Sinonsayang",
        "Meity Rorimpandey",
        "Nata de coco",
        "halal",
    ),
    ("kelapa-minahasa-selatan", "Abon Ikan Tatapaan", "Jeane Mamahit", "Abon ikan", "halal"),
)
PROVINCE_OF = {
    "cabai-batu-bara": "1219",
    "kakao-jembrana": "5101",
    "susu-sleman": "3404",
    "kelapa-minahasa-selatan": "7105",
}
SIZES = ("mikro", "mikro", "kecil", "mikro", "kecil", "mikro", "menengah", "mikro")


def _slug(name: str) -> str:
    kept = "".join(ch if ch.isalnum() else "-" for ch in name.lower())
    return "-".join(part for part in kept.split("-") if part)[:48]


def _permits(index: int, product: str, product_class: str, start: date) -> tuple[DemoPermit, ...]:
    """Every business has PIRT or BPOM MD; most halal products carry a halal certificate."""
    issued = start - timedelta(days=400 + 37 * index)
    permits = [
        DemoPermit(
            "pirt",
            f"P-IRT {2061219010000 + index * 7919:013d}-29",
            product,
            issued,
            issued + timedelta(days=5 * 365),
        ),
    ]
    if index % 3 == 0:
        permits.append(
            DemoPermit(
                "bpom_md",
                f"MD {224513000000 + index * 104729:012d}",
                product,
                issued,
                issued + timedelta(days=5 * 365),
            )
        )
    if product_class == "halal" and index % 5 != 4:
        # Every seventh certificate has lapsed, so the permit gate has something to refuse.
        expiry = start - timedelta(days=20) if index % 7 == 6 else issued + timedelta(days=4 * 365)
        permits.append(
            DemoPermit(
                "halal", f"ID{12110000000000 + index * 15485863:014d}", product, issued, expiry
            )
        )
    if index % 8 == 2:
        permits.append(
            DemoPermit(
                "sni",
                f"SPPT-SNI {1000 + index}/2025",
                product,
                issued,
                issued + timedelta(days=4 * 365),
            )
        )
    return tuple(permits)


def _nik(region: str, index: int) -> str:
    """16 digits: regency (4), district (2), birth date DDMMYY (6), serial (4)."""
    birth = f"{index % 28 + 1:02d}{index % 12 + 1:02d}8{index % 10}"
    return f"{region}{index % 20 + 1:02d}{birth}{index + 1:04d}"


def demo_businesses(start: date) -> tuple[DemoBusiness, ...]:
    businesses = []
    for index, (cluster, name, owner, product, product_class) in enumerate(ROSTER):
        region = PROVINCE_OF[cluster]
        businesses.append(
            DemoBusiness(
                code=_slug(name),
                nib=f"9120{index + 1:03d}{(index * 7331) % 1_000_000:06d}",
                name=name,
                size_class=SIZES[index % len(SIZES)],
                cluster_code=cluster,
                owner_name=owner,
                phone=f"0812{index + 1:04d}{(index * 37) % 10_000:04d}",
                email=f"{_slug(name)}@umkm.example.id",
                nik=_nik(region, index),
                npwp=None
                if index % 4 == 3
                else f"{index + 10:02d}{(index * 9173) % 10**13:013d}"[:15],
                permits=_permits(index, product, product_class, start),
            )
        )
    return tuple(businesses)


def product_class_of(business_code: str) -> tuple[str, str]:
    """The (product, product class code) a demo business makes."""
    for _cluster, name, _owner, product, product_class in ROSTER:
        if _slug(name) == business_code:
            return product, product_class
    raise KeyError(business_code)
