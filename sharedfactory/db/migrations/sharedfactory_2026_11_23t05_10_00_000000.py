"""Reports: a covering index for the sums of a period's hourly rollups per machine, so a month's
report reads only that month's slice of the index (`reports/load.py`, `bench/reports/`).

Never edit a migration that has shipped; add a new one.
"""

from sharedfactory.db.frozen import ddl_migration

ID = "2026-11-23T05:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "rollup sums index"

INDEX = [
    "CREATE INDEX hourly_rollup_period_sums ON hourly_rollup"
    ' ("hour_ms", "machine", "running_s", "good", "reject")'
]

forwards = ddl_migration(ID, DESCRIPTION, INDEX, INDEX)
