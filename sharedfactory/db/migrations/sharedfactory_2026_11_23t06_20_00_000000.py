"""Alarms acknowledged by a person: when (`alarm.acknowledged_ms`, next to the existing
`acknowledged_by` and `note`), and a partial index for the operator's list and the live board's
count: the open or unacknowledged alarms of a house's machines, newest first
(`devices/alarm_store.py`). Acknowledged, closed alarms (the bulk of the history) stay out of it.

Nothing wrote `acknowledged_by` before this migration, so there is nothing to fill in.
Never edit a migration that has shipped; add a new one.
"""

from sharedfactory.db.frozen import ddl_migration

ID = "2026-11-23T06:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "alarm acknowledgements"

INDEX = (
    'CREATE INDEX alarm_attention ON alarm ("machine", "opened_ms", "id")'
    " WHERE closed_ms IS NULL OR acknowledged_ms IS NULL"
)
SQLITE = ['ALTER TABLE alarm ADD COLUMN "acknowledged_ms" INTEGER DEFAULT null', INDEX]
POSTGRES = ['ALTER TABLE alarm ADD COLUMN "acknowledged_ms" BIGINT DEFAULT null', INDEX]

forwards = ddl_migration(ID, DESCRIPTION, SQLITE, POSTGRES)
