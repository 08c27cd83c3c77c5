"""`sharedfactory backup` and `restore` round-trip the test database (SQLite or PostgreSQL, as the
suite runs) and its evidence files into a fresh database: the restored audit chain verifies and
ends at the same head, the rows are all there, and a changed or incomplete backup is refused."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import asyncpg

from sharedfactory.cleaning.evidence import EvidenceStore
from tests.conftest import database_engine_name
from tests.support.postgres import empty_database
from tests.test_cli import run

PNG = b"\x89PNG\r\n\x1a\n" + b"backup test" * 8
TABLES = ("booking", "audit_event", "business", "machine", "telemetry_message")


def env(url: str, data_dir: Path) -> dict[str, str]:
    return {"SHAREDFACTORY_DATABASE_URL": url, "SHAREDFACTORY_DATA_DIR": str(data_dir)}


async def counts(url: str) -> dict[str, int]:
    if url.startswith("sqlite:"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    connection = await asyncpg.connect(url)
    try:
        return {t: await connection.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES}
    finally:
        await connection.close()


async def fresh_database(source: str, tmp_path: Path) -> str:
    if database_engine_name() != "postgres":
        return f"sqlite:///{tmp_path / 'restored.db'}"
    return await empty_database(source, "restored")


def test_a_backup_restores_into_a_fresh_database_with_its_audit_chain(settings, engine, tmp_path):
    sha256 = EvidenceStore(settings.data_dir).put(PNG)
    folder = tmp_path / "backup"
    made = run("backup", str(folder), **env(settings.database_url, settings.data_dir))
    assert made.returncode == 0, made.stderr
    manifest = json.loads((folder / "manifest.json").read_text())
    assert f"evidence/{sha256[:2]}/{sha256}" in manifest["files"]
    target = asyncio.run(fresh_database(settings.database_url, tmp_path))
    restored_data = tmp_path / "restored-data"
    restored = run("restore", str(folder), **env(target, restored_data))
    assert restored.returncode == 0, restored.stderr + restored.stdout
    assert f"head {manifest['audit']['head']}" in restored.stdout
    verified = run("audit", "verify", **env(target, restored_data))
    assert verified.returncode == 0
    assert manifest["audit"]["head"] in verified.stdout
    assert (restored_data / "evidence" / sha256[:2] / sha256).read_bytes() == PNG
    source_counts = asyncio.run(counts(settings.database_url))
    restored_counts = asyncio.run(counts(target))
    assert all(restored_counts[t] >= 1 for t in ("booking", "business", "machine"))
    for table in ("business", "machine"):  # nothing else writes these while the test runs
        assert restored_counts[table] == source_counts[table]
    again = run("restore", str(folder), **env(target, restored_data))
    assert again.returncode == 2
    assert "--replace" in again.stderr


def test_a_changed_backup_or_a_used_folder_is_refused(settings, engine, tmp_path):
    folder = tmp_path / "backup"
    assert (
        run("backup", str(folder), **env(settings.database_url, settings.data_dir)).returncode == 0
    )
    reused = run("backup", str(folder), **env(settings.database_url, settings.data_dir))
    assert reused.returncode == 2
    assert "new or empty" in reused.stderr
    dump = next(p for p in folder.iterdir() if p.name.startswith("database."))
    content = dump.read_bytes()
    dump.write_bytes(content[:-1] + bytes([content[-1] ^ 0xFF]))
    target = f"sqlite:///{tmp_path / 'never.db'}"
    refused = run("restore", str(folder), "--replace", **env(target, tmp_path / "d"))
    assert refused.returncode == 2
    assert "changed since the backup" in refused.stderr
    assert "Traceback" not in refused.stderr
