"""The tamper-evident audit log: one table of hash-chained events (`sharedfactory.audit`).

The table is the frozen output of ``python -m sharedfactory.db.ddl AuditEvent``.
Never edit a migration that has shipped; add a new one.
"""

from sharedfactory.db.frozen import ddl_migration

ID = "2026-11-23T04:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit log"

SQLITE = [
    'CREATE TABLE audit_event (\n    "id" INTEGER PRIMARY KEY NOT NULL DEFAULT 0,\n    "at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "kind" VARCHAR(40) NOT NULL DEFAULT \'\',\n    "actor" INTEGER DEFAULT null,\n    "house" VARCHAR(64) DEFAULT null,\n    "subject" VARCHAR(200) NOT NULL DEFAULT \'\',\n    "data" TEXT NOT NULL DEFAULT \'{}\',\n    "prev_hash" VARCHAR(64) NOT NULL DEFAULT \'\',\n    "hash" VARCHAR(64) NOT NULL DEFAULT \'\',\n    CONSTRAINT audit_event_id_positive CHECK (id > 0),\n    CONSTRAINT audit_event_kind_given CHECK (length(kind) > 0),\n    CONSTRAINT audit_event_hashes_are_sha256 CHECK (length(prev_hash) = 64 AND length(hash) = 64)\n)',
]

POSTGRES = [
    'CREATE TABLE audit_event (\n    "id" INTEGER PRIMARY KEY NOT NULL DEFAULT 0,\n    "at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "kind" VARCHAR(40) NOT NULL DEFAULT \'\',\n    "actor" INTEGER DEFAULT null,\n    "house" VARCHAR(64) DEFAULT null,\n    "subject" VARCHAR(200) NOT NULL DEFAULT \'\',\n    "data" TEXT NOT NULL DEFAULT \'{}\',\n    "prev_hash" VARCHAR(64) NOT NULL DEFAULT \'\',\n    "hash" VARCHAR(64) NOT NULL DEFAULT \'\',\n    CONSTRAINT audit_event_id_positive CHECK (id > 0),\n    CONSTRAINT audit_event_kind_given CHECK (length(kind) > 0),\n    CONSTRAINT audit_event_hashes_are_sha256 CHECK (length(prev_hash) = 64 AND length(hash) = 64)\n)',
]

forwards = ddl_migration(ID, DESCRIPTION, SQLITE, POSTGRES)
