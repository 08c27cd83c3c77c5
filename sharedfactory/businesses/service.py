"""Registering UMKM: edge validation, then personal data encrypted and masked."""

from __future__ import annotations

from datetime import datetime

import msgspec

from sharedfactory.businesses.personal import PersonalDataCipher, mask
from sharedfactory.businesses.schemas import BusinessIn
from sharedfactory.businesses.tables import Business
from sharedfactory.facilities.service import UnknownReference
from sharedfactory.facilities.tables import Cluster


async def add_business(data: object, cipher: PersonalDataCipher, consent_at: datetime) -> int:
    spec = msgspec.convert(data, BusinessIn)
    cluster = (
        await Cluster.select(Cluster._meta.primary_key)
        .where(Cluster.code == spec.cluster_code)
        .first()
        .run()
    )
    if cluster is None:
        raise UnknownReference(f"cluster_code: cluster {spec.cluster_code!r} does not exist")
    row = Business(
        code=spec.code,
        nib=spec.nib,
        name=spec.name,
        size_class=spec.size_class,
        cluster=cluster["id"],
        owner_name=spec.owner_name,
        phone=spec.phone,
        email=spec.email,
        nik_masked=mask(spec.nik),
        nik_encrypted=cipher.encrypt(spec.nik),
        npwp_masked=mask(spec.npwp, 2, 3) if spec.npwp else None,
        npwp_encrypted=cipher.encrypt(spec.npwp) if spec.npwp else None,
        consent_at=consent_at,
    )
    await row.save().run()
    return int(row[row._meta.primary_key._meta.name])
