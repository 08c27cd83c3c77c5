"""Logins and server-side sessions."""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.constraints import Check
from piccolo.table import Table

from sharedfactory.businesses.tables import Business
from sharedfactory.db.checks import one_of
from sharedfactory.facilities.tables import House

ROLES = ("admin", "operator", "auditor", "umkm")


class User(Table, tablename="app_user"):
    email = Varchar(length=254, unique=True, null=False)
    password_hash = Varchar(length=200, null=False)
    role = Varchar(length=10, null=False)
    house = ForeignKey(House, null=True, default=None, on_delete=OnDelete.restrict)
    business = ForeignKey(Business, null=True, default=None, on_delete=OnDelete.restrict)
    active = Boolean(null=False, default=True)
    failed_logins = Integer(null=False, default=0)
    locked_until = Timestamptz(null=True, default=None)
    created_at = Timestamptz(null=False)

    role_known = Check(one_of("role", ROLES))
    email_is_lower_case = Check("email = lower(email) AND email LIKE '%_@_%'")
    operator_has_a_house = Check("role <> 'operator' OR house IS NOT NULL")
    umkm_has_a_business = Check("role <> 'umkm' OR business IS NOT NULL")


class Session(Table, tablename="app_session"):
    """Only the SHA-256 of the cookie's token is stored: a database leak opens no session."""

    token_hash = Varchar(length=64, unique=True, null=False)
    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade)
    csrf_token = Varchar(length=64, null=False)
    created_at = Timestamptz(null=False)
    expires_at = Timestamptz(null=False)
