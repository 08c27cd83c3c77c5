"""The tamper-evident audit log: events chained by SHA-256 (hashing.py, pure), appended and
verified in the database (chain.py), written where the changes happen (events.py)."""
