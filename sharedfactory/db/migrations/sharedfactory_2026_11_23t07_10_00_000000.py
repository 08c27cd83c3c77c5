"""Telemetry: an index on (machine, ts_ms) for the time-range reads of one machine's messages
(a booking's run, its usage and quality record, a machine's recent runs). The unique
(machine, seq, ts_ms) constraint leads with `seq`, so those reads scanned a machine's whole
history.

Never edit a migration that has shipped; add a new one.
"""

from sharedfactory.db.frozen import ddl_migration

ID = "2026-11-23T07:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "telemetry time index"

INDEX = ['CREATE INDEX telemetry_message_machine_time ON telemetry_message ("machine", "ts_ms")']

forwards = ddl_migration(ID, DESCRIPTION, INDEX, INDEX)
