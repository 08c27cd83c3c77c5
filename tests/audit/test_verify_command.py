"""`sharedfactory audit verify` as a subprocess on its own SQLite file: exit 0 and the head on an
intact chain, exit 1 naming the first broken link. The rows are written with the standard
library's sqlite3 and the pure hash recipe, as an outside tool would."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sharedfactory.audit.hashing import GENESIS, Event, canonical_json, event_hash
from tests.test_cli import run

COLUMNS = "id, at, kind, actor, house, subject, data, prev_hash, hash"


def write_chain(path: Path, length: int) -> list[str]:
    hashes, previous = [], GENESIS
    start = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    with sqlite3.connect(path) as db:
        for number in range(1, length + 1):
            data = canonical_json({"booking": f"bk-{number:010x}", "machine": "sleman-fryer-1"})
            at = start + timedelta(minutes=number, microseconds=number)
            event = Event(
                number, at, "booking.created", 7, "sleman", f"bk-{number}", data, previous
            )
            previous = event_hash(event)
            row = (*vars(event).values(), previous)
            row = (row[0], str(at), *row[2:])  # Piccolo keeps UTC times as `str(datetime)`
            db.execute(f"INSERT INTO audit_event ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)", row)
            hashes.append(previous)
    return hashes


def test_verify_exits_0_on_an_intact_chain_and_1_at_the_first_broken_link(tmp_path):
    path = tmp_path / "audit.db"
    env = {
        "SHAREDFACTORY_DATABASE_URL": f"sqlite:///{path}",
        "SHAREDFACTORY_DATA_DIR": str(tmp_path / "data"),
    }
    assert run("migrate", **env).returncode == 0
    empty = run("audit", "verify", **env)
    assert (empty.returncode, empty.stdout) == (
        0,
        f"audit chain intact: 0 events, head {GENESIS}\n",
    )

    hashes = write_chain(path, 4)
    intact = run("audit", "verify", **env)
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout == f"audit chain intact: 4 events, head {hashes[-1]}\n"

    with sqlite3.connect(path) as db:
        db.execute("""UPDATE audit_event SET data = '{"machine":"sleman-fryer-2"}' WHERE id = 3""")
    edited = run("audit", "verify", **env)
    assert edited.returncode == 1
    assert edited.stdout == (
        "audit chain broken at event 3: "
        "hash mismatch: the stored hash is not the hash of the event's contents\n"
    )
    assert "Traceback" not in edited.stderr

    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM audit_event WHERE id = 2")
    deleted = run("audit", "verify", **env)
    assert deleted.returncode == 1
    assert deleted.stdout.startswith(
        "audit chain broken at event 3: gap in ids: event 2 is missing"
    )


def test_verify_on_a_database_without_the_audit_log_says_to_migrate(tmp_path):
    env = {
        "SHAREDFACTORY_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
        "SHAREDFACTORY_DATA_DIR": str(tmp_path / "data"),
    }
    result = run("audit", "verify", **env)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "sharedfactory: this database has no audit log: run `sharedfactory migrate` first"
    )


def test_audit_verify_prints_help():
    result = run("audit", "verify", "--help")
    assert result.returncode == 0
    assert "sharedfactory audit verify" in result.stdout
    assert "broken link (exit 1)" in result.stdout
