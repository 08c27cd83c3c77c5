"""The audit log's one table. Rows are only ever appended (`audit.chain.append`)."""

from __future__ import annotations

from piccolo.columns import Integer, Text, Timestamptz, Varchar
from piccolo.constraints import Check
from piccolo.table import Table


class AuditEvent(Table, tablename="audit_event"):
    """One event. `id` is the chain's sequence number (1, 2, 3, ... without gaps), given by the
    appender under the chain's lock rather than by the database, so a rolled-back write leaves
    no hole. `actor` is a user id kept as a plain number (no foreign key: deleting a user must
    not change the log); `data` is canonical JSON text, hashed exactly as stored."""

    id = Integer(primary_key=True)
    at = Timestamptz(null=False)
    kind = Varchar(length=40, null=False)
    actor = Integer(null=True, default=None)
    house = Varchar(length=64, null=True, default=None)
    subject = Varchar(length=200, null=False)
    data = Text(null=False, default="{}")
    prev_hash = Varchar(length=64, null=False)
    hash = Varchar(length=64, null=False)

    id_positive = Check("id > 0")
    kind_given = Check("length(kind) > 0")
    hashes_are_sha256 = Check("length(prev_hash) = 64 AND length(hash) = 64")
