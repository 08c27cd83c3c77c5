"""Reports: the covering index for a period's rollup sums also carries `energy_wh` (the running
cost of energy in the reports), so a month's sums still read only that month's slice of the index
and never the table. It replaces `hourly_rollup_period_sums` of 2026-11-23T05:10.

Never edit a migration that has shipped; add a new one.
"""

from sharedfactory.db.frozen import ddl_migration

ID = "2026-11-23T07:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "rollup sums index with energy"

INDEX = [
    "CREATE INDEX hourly_rollup_period_sums_energy ON hourly_rollup"
    ' ("hour_ms", "machine", "running_s", "good", "reject", "energy_wh")',
    "DROP INDEX hourly_rollup_period_sums",
]

forwards = ddl_migration(ID, DESCRIPTION, INDEX, INDEX)
