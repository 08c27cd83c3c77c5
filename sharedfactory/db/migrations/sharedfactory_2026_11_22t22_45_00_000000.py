"""Telemetry: machine credentials, stored messages, dead letters, live state, alarms, rollups.

Frozen output of ``python -m sharedfactory.db.ddl MachineCredential TelemetryMessage DeadLetter
MachineLiveState Alarm HourlyRollup``. Never edit a migration that has shipped; add a new one.
"""

from sharedfactory.db.frozen import ddl_migration

ID = "2026-11-22T22:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "telemetry"

SQLITE = [
    'CREATE TABLE machine_credential (\n    "id" INTEGER PRIMARY KEY NOT NULL,\n    "machine" INTEGER NOT NULL REFERENCES "machine" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "password_hash" VARCHAR(200) NOT NULL DEFAULT \'\',\n    "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "revoked_at" TIMESTAMPTZ DEFAULT null\n)',
    'CREATE INDEX machine_credential_machine ON machine_credential ("machine")',
    'CREATE TABLE telemetry_message (\n    "id" INTEGER PRIMARY KEY NOT NULL,\n    "machine" INTEGER NOT NULL REFERENCES "machine" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "ts_ms" INTEGER NOT NULL DEFAULT 0,\n    "seq" INTEGER NOT NULL DEFAULT 0,\n    "state" VARCHAR(12) NOT NULL DEFAULT \'\',\n    "counters" TEXT NOT NULL DEFAULT \'\',\n    "process_values" TEXT NOT NULL DEFAULT \'\',\n    "booking" VARCHAR(64) DEFAULT null,\n    "received_ms" INTEGER NOT NULL DEFAULT 0,\n    CONSTRAINT telemetry_message_once UNIQUE ("machine", "seq", "ts_ms"),\n    CONSTRAINT telemetry_message_state_known CHECK (state IN (\'off\', \'idle\', \'setup\', \'running\', \'fault\', \'maintenance\')),\n    CONSTRAINT telemetry_message_seq_range CHECK (seq >= 0 AND seq <= 4294967295)\n)',
    'CREATE INDEX telemetry_message_machine ON telemetry_message ("machine")',
    'CREATE TABLE dead_letter (\n    "id" INTEGER PRIMARY KEY NOT NULL,\n    "received_ms" INTEGER NOT NULL DEFAULT 0,\n    "topic" TEXT NOT NULL DEFAULT \'\',\n    "reason" TEXT NOT NULL DEFAULT \'\',\n    "payload" BLOB NOT NULL DEFAULT \'\'\n)',
    'CREATE TABLE machine_live_state (\n    "id" INTEGER PRIMARY KEY NOT NULL,\n    "machine" INTEGER UNIQUE NOT NULL REFERENCES "machine" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "state" VARCHAR(12) NOT NULL DEFAULT \'\',\n    "online" BOOLEAN NOT NULL DEFAULT false,\n    "ts_ms" INTEGER NOT NULL DEFAULT 0,\n    "booking" VARCHAR(64) DEFAULT null,\n    "process_values" TEXT NOT NULL DEFAULT \'{}\'\n)',
    'CREATE INDEX machine_live_state_machine ON machine_live_state ("machine")',
    'CREATE TABLE alarm (\n    "id" INTEGER PRIMARY KEY NOT NULL,\n    "machine" INTEGER NOT NULL REFERENCES "machine" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "kind" VARCHAR(12) NOT NULL DEFAULT \'\',\n    "value_name" VARCHAR(64) DEFAULT null,\n    "value" REAL DEFAULT null,\n    "detail" TEXT NOT NULL DEFAULT \'\',\n    "booking" VARCHAR(64) DEFAULT null,\n    "opened_ms" INTEGER NOT NULL DEFAULT 0,\n    "closed_ms" INTEGER DEFAULT null,\n    "acknowledged_by" VARCHAR(200) DEFAULT null,\n    "note" TEXT DEFAULT null,\n    CONSTRAINT alarm_kind_known CHECK (kind IN (\'excursion\', \'fault\', \'offline\'))\n)',
    'CREATE INDEX alarm_machine ON alarm ("machine")',
    'CREATE TABLE hourly_rollup (\n    "id" INTEGER PRIMARY KEY NOT NULL,\n    "machine" INTEGER NOT NULL REFERENCES "machine" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "hour_ms" INTEGER NOT NULL DEFAULT 0,\n    "running_s" INTEGER NOT NULL DEFAULT 0,\n    "idle_s" INTEGER NOT NULL DEFAULT 0,\n    "setup_s" INTEGER NOT NULL DEFAULT 0,\n    "fault_s" INTEGER NOT NULL DEFAULT 0,\n    "off_s" INTEGER NOT NULL DEFAULT 0,\n    "maintenance_s" INTEGER NOT NULL DEFAULT 0,\n    "good" INTEGER NOT NULL DEFAULT 0,\n    "reject" INTEGER NOT NULL DEFAULT 0,\n    "energy_wh" INTEGER NOT NULL DEFAULT 0,\n    CONSTRAINT hourly_rollup_once UNIQUE ("machine", "hour_ms"),\n    CONSTRAINT hourly_rollup_seconds_in_an_hour CHECK (running_s + idle_s + setup_s + fault_s + off_s + maintenance_s <= 3600)\n)',
    'CREATE INDEX hourly_rollup_machine ON hourly_rollup ("machine")',
]

POSTGRES = [
    'CREATE TABLE machine_credential (\n    "id" SERIAL PRIMARY KEY NOT NULL,\n    "machine" INTEGER NOT NULL REFERENCES "machine" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "password_hash" VARCHAR(200) NOT NULL DEFAULT \'\',\n    "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "revoked_at" TIMESTAMPTZ DEFAULT null\n)',
    'CREATE INDEX machine_credential_machine ON machine_credential ("machine")',
    'CREATE TABLE telemetry_message (\n    "id" SERIAL PRIMARY KEY NOT NULL,\n    "machine" INTEGER NOT NULL REFERENCES "machine" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "ts_ms" BIGINT NOT NULL DEFAULT 0,\n    "seq" BIGINT NOT NULL DEFAULT 0,\n    "state" VARCHAR(12) NOT NULL DEFAULT \'\',\n    "counters" TEXT NOT NULL DEFAULT \'\',\n    "process_values" TEXT NOT NULL DEFAULT \'\',\n    "booking" VARCHAR(64) DEFAULT null,\n    "received_ms" BIGINT NOT NULL DEFAULT 0,\n    CONSTRAINT telemetry_message_once UNIQUE ("machine", "seq", "ts_ms"),\n    CONSTRAINT telemetry_message_state_known CHECK (state IN (\'off\', \'idle\', \'setup\', \'running\', \'fault\', \'maintenance\')),\n    CONSTRAINT telemetry_message_seq_range CHECK (seq >= 0 AND seq <= 4294967295)\n)',
    'CREATE INDEX telemetry_message_machine ON telemetry_message ("machine")',
    'CREATE TABLE dead_letter (\n    "id" SERIAL PRIMARY KEY NOT NULL,\n    "received_ms" BIGINT NOT NULL DEFAULT 0,\n    "topic" TEXT NOT NULL DEFAULT \'\',\n    "reason" TEXT NOT NULL DEFAULT \'\',\n    "payload" BYTEA NOT NULL DEFAULT \'\'\n)',
    'CREATE TABLE machine_live_state (\n    "id" SERIAL PRIMARY KEY NOT NULL,\n    "machine" INTEGER UNIQUE NOT NULL REFERENCES "machine" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "state" VARCHAR(12) NOT NULL DEFAULT \'\',\n    "online" BOOLEAN NOT NULL DEFAULT false,\n    "ts_ms" BIGINT NOT NULL DEFAULT 0,\n    "booking" VARCHAR(64) DEFAULT null,\n    "process_values" TEXT NOT NULL DEFAULT \'{}\'\n)',
    'CREATE INDEX machine_live_state_machine ON machine_live_state ("machine")',
    'CREATE TABLE alarm (\n    "id" SERIAL PRIMARY KEY NOT NULL,\n    "machine" INTEGER NOT NULL REFERENCES "machine" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "kind" VARCHAR(12) NOT NULL DEFAULT \'\',\n    "value_name" VARCHAR(64) DEFAULT null,\n    "value" REAL DEFAULT null,\n    "detail" TEXT NOT NULL DEFAULT \'\',\n    "booking" VARCHAR(64) DEFAULT null,\n    "opened_ms" BIGINT NOT NULL DEFAULT 0,\n    "closed_ms" BIGINT DEFAULT null,\n    "acknowledged_by" VARCHAR(200) DEFAULT null,\n    "note" TEXT DEFAULT null,\n    CONSTRAINT alarm_kind_known CHECK (kind IN (\'excursion\', \'fault\', \'offline\'))\n)',
    'CREATE INDEX alarm_machine ON alarm ("machine")',
    'CREATE TABLE hourly_rollup (\n    "id" SERIAL PRIMARY KEY NOT NULL,\n    "machine" INTEGER NOT NULL REFERENCES "machine" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "hour_ms" BIGINT NOT NULL DEFAULT 0,\n    "running_s" INTEGER NOT NULL DEFAULT 0,\n    "idle_s" INTEGER NOT NULL DEFAULT 0,\n    "setup_s" INTEGER NOT NULL DEFAULT 0,\n    "fault_s" INTEGER NOT NULL DEFAULT 0,\n    "off_s" INTEGER NOT NULL DEFAULT 0,\n    "maintenance_s" INTEGER NOT NULL DEFAULT 0,\n    "good" BIGINT NOT NULL DEFAULT 0,\n    "reject" BIGINT NOT NULL DEFAULT 0,\n    "energy_wh" BIGINT NOT NULL DEFAULT 0,\n    CONSTRAINT hourly_rollup_once UNIQUE ("machine", "hour_ms"),\n    CONSTRAINT hourly_rollup_seconds_in_an_hour CHECK (running_s + idle_s + setup_s + fault_s + off_s + maintenance_s <= 3600)\n)',
    'CREATE INDEX hourly_rollup_machine ON hourly_rollup ("machine")',
]


forwards = ddl_migration(ID, DESCRIPTION, SQLITE, POSTGRES)
