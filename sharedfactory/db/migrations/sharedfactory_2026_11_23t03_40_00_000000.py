"""Scheduled optimiser runs: a house may name the local time of its daily run
(`booking_rules.plan_daily_at`, house rows only; empty means operators start runs by hand).

Never edit a migration that has shipped; add a new one.
"""

from sharedfactory.db.frozen import ddl_migration

ID = "2026-11-23T03:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "daily optimiser runs"

COLUMN = ['ALTER TABLE booking_rules ADD COLUMN "plan_daily_at" TIME DEFAULT null']

forwards = ddl_migration(ID, DESCRIPTION, COLUMN, COLUMN)
