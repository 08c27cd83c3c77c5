"""UMKM businesses and their product permits."""

from __future__ import annotations

from piccolo.columns import Date, ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from sharedfactory.db.checks import digits, one_of, slug
from sharedfactory.facilities.tables import Cluster

SIZE_CLASSES = ("mikro", "kecil", "menengah")
PERMIT_KINDS = ("pirt", "bpom_md", "halal", "sni")


class Business(Table):
    code = Varchar(length=64, unique=True, null=False)
    nib = Varchar(length=13, unique=True, null=False)
    name = Varchar(length=200, null=False)
    size_class = Varchar(length=10, null=False)
    cluster = ForeignKey(Cluster, null=False, on_delete=OnDelete.restrict)
    owner_name = Varchar(length=200, null=False)
    phone = Varchar(length=20, null=False)
    email = Varchar(length=254, null=False)
    nik_masked = Varchar(length=16, null=False)
    nik_encrypted = Text(null=False)
    npwp_masked = Varchar(length=16, null=True, default=None)
    npwp_encrypted = Text(null=True, default=None)
    consent_at = Timestamptz(null=False)

    code_is_slug = Check(slug("code"))
    nib_is_13_digits = Check(digits("nib", 13))
    size_class_known = Check(one_of("size_class", SIZE_CLASSES))
    nik_is_masked = Check("nik_masked LIKE '%*%'")


class Permit(Table):
    business = ForeignKey(Business, null=False, on_delete=OnDelete.cascade)
    kind = Varchar(length=10, null=False)
    number = Varchar(length=64, null=False)
    product = Varchar(length=200, null=False)
    issued_on = Date(null=False)
    expires_on = Date(null=True, default=None)

    kind_known = Check(one_of("kind", PERMIT_KINDS))
    expires_after_issue = Check("expires_on IS NULL OR expires_on > issued_on")
    number_once_per_kind = Unique(["kind", "number"])
