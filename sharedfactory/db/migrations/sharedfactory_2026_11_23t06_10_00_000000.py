"""Per-batch quality records (sealed, with a public token) and cleaning records with evidence.

The tables are the frozen output of ``python -m sharedfactory.db.ddl QualityRecord CleaningRecord``.
Never edit a migration that has shipped; add a new one.
"""

from sharedfactory.db.frozen import ddl_migration

ID = "2026-11-23T06:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "quality and cleaning records"

SQLITE = [
    'CREATE TABLE quality_record (\n    "id" INTEGER PRIMARY KEY NOT NULL,\n    "booking" INTEGER UNIQUE NOT NULL REFERENCES "booking" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "token" VARCHAR(32) UNIQUE NOT NULL DEFAULT \'\',\n    "body" TEXT NOT NULL DEFAULT \'\',\n    "sha256" VARCHAR(64) NOT NULL DEFAULT \'\',\n    "sealed_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "sealed_by" INTEGER DEFAULT null,\n    "audit_event" INTEGER NOT NULL DEFAULT 0,\n    CONSTRAINT quality_record_token_length CHECK (length(token) >= 22),\n    CONSTRAINT quality_record_sha256_length CHECK (length(sha256) = 64)\n)',
    'CREATE INDEX quality_record_booking ON quality_record ("booking")',
    'CREATE TABLE cleaning_record (\n    "id" INTEGER PRIMARY KEY NOT NULL,\n    "machine" INTEGER NOT NULL REFERENCES "machine" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "after_booking" INTEGER REFERENCES "booking" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "cleaned_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "cleaned_by" VARCHAR(200) NOT NULL DEFAULT \'\',\n    "what" TEXT NOT NULL DEFAULT \'\',\n    "evidence_sha256" VARCHAR(64) NOT NULL DEFAULT \'\',\n    "evidence_type" VARCHAR(40) NOT NULL DEFAULT \'\',\n    "evidence_bytes" INTEGER NOT NULL DEFAULT 0,\n    "evidence_name" VARCHAR(200) NOT NULL DEFAULT \'\',\n    "recorded_by" INTEGER DEFAULT null,\n    "recorded_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    CONSTRAINT cleaning_record_evidence_type_known CHECK (evidence_type IN (\'image/jpeg\', \'image/png\', \'application/pdf\')),\n    CONSTRAINT cleaning_record_evidence_sha256_length CHECK (length(evidence_sha256) = 64),\n    CONSTRAINT cleaning_record_evidence_bytes_positive CHECK (evidence_bytes > 0),\n    CONSTRAINT cleaning_record_cleaned_by_given CHECK (length(cleaned_by) > 0)\n)',
    'CREATE INDEX cleaning_record_machine ON cleaning_record ("machine")',
    'CREATE INDEX cleaning_record_after_booking ON cleaning_record ("after_booking")',
]

POSTGRES = [
    'CREATE TABLE quality_record (\n    "id" SERIAL PRIMARY KEY NOT NULL,\n    "booking" INTEGER UNIQUE NOT NULL REFERENCES "booking" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "token" VARCHAR(32) UNIQUE NOT NULL DEFAULT \'\',\n    "body" TEXT NOT NULL DEFAULT \'\',\n    "sha256" VARCHAR(64) NOT NULL DEFAULT \'\',\n    "sealed_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "sealed_by" INTEGER DEFAULT null,\n    "audit_event" INTEGER NOT NULL DEFAULT 0,\n    CONSTRAINT quality_record_token_length CHECK (length(token) >= 22),\n    CONSTRAINT quality_record_sha256_length CHECK (length(sha256) = 64)\n)',
    'CREATE INDEX quality_record_booking ON quality_record ("booking")',
    'CREATE TABLE cleaning_record (\n    "id" SERIAL PRIMARY KEY NOT NULL,\n    "machine" INTEGER NOT NULL REFERENCES "machine" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "after_booking" INTEGER REFERENCES "booking" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "cleaned_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "cleaned_by" VARCHAR(200) NOT NULL DEFAULT \'\',\n    "what" TEXT NOT NULL DEFAULT \'\',\n    "evidence_sha256" VARCHAR(64) NOT NULL DEFAULT \'\',\n    "evidence_type" VARCHAR(40) NOT NULL DEFAULT \'\',\n    "evidence_bytes" INTEGER NOT NULL DEFAULT 0,\n    "evidence_name" VARCHAR(200) NOT NULL DEFAULT \'\',\n    "recorded_by" INTEGER DEFAULT null,\n    "recorded_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    CONSTRAINT cleaning_record_evidence_type_known CHECK (evidence_type IN (\'image/jpeg\', \'image/png\', \'application/pdf\')),\n    CONSTRAINT cleaning_record_evidence_sha256_length CHECK (length(evidence_sha256) = 64),\n    CONSTRAINT cleaning_record_evidence_bytes_positive CHECK (evidence_bytes > 0),\n    CONSTRAINT cleaning_record_cleaned_by_given CHECK (length(cleaned_by) > 0)\n)',
    'CREATE INDEX cleaning_record_machine ON cleaning_record ("machine")',
    'CREATE INDEX cleaning_record_after_booking ON cleaning_record ("after_booking")',
]

forwards = ddl_migration(ID, DESCRIPTION, SQLITE, POSTGRES)
