"""Telemetry benchmark: the broker's raw rate, the ingest on SQLite and PostgreSQL, latency,
memory and the month report, all measured in one run (`python -m bench.telemetry.run`)."""
