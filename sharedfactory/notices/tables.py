"""Notices to a UMKM or a house: shown in the app, and sent by e-mail when a mail server is set."""

from __future__ import annotations

from piccolo.columns import ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from sharedfactory.businesses.tables import Business
from sharedfactory.facilities.tables import House


class Notice(Table):
    business = ForeignKey(Business, null=True, default=None, on_delete=OnDelete.cascade)
    house = ForeignKey(House, null=True, default=None, on_delete=OnDelete.cascade)
    kind = Varchar(length=40, null=False)
    subject = Varchar(length=200, null=False)
    body = Text(null=False)
    created_at = Timestamptz(null=False)
    read_at = Timestamptz(null=True, default=None)
    email_to = Varchar(length=254, null=True, default=None)
    emailed_at = Timestamptz(null=True, default=None)
    email_error = Text(null=True, default=None)
