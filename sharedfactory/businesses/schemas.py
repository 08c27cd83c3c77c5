"""Edge validation of UMKM data: the same rules the database checks, with field names."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

Nib = Annotated[str, Meta(pattern=r"^[0-9]{13}$", description="Nomor Induk Berusaha: 13 digits")]
Nik = Annotated[str, Meta(pattern=r"^[0-9]{16}$", description="NIK: 16 digits (stored encrypted)")]
Npwp = Annotated[str, Meta(pattern=r"^[0-9]{15,16}$", description="NPWP: 15 or 16 digits")]
Code = Annotated[str, Meta(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=2, max_length=64)]


class BusinessIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Code
    nib: Nib
    name: Annotated[str, Meta(min_length=2, max_length=200)]
    size_class: Literal["mikro", "kecil", "menengah"]
    cluster_code: Code
    owner_name: Annotated[str, Meta(min_length=2, max_length=200)]
    phone: Annotated[str, Meta(pattern=r"^\+?[0-9]{8,15}$")]
    email: Annotated[str, Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
    nik: Nik
    npwp: Npwp | None = None
