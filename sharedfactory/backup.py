"""`sharedfactory backup DIR` and `sharedfactory restore DIR`: the database and the evidence files.

A backup is a folder:

    manifest.json        engine, when, the audit chain's event count and head, every file's SHA-256
    database.sqlite      SQLite's online backup (a consistent copy while the server keeps running)
    database.pgdump      or PostgreSQL's `pg_dump --format=custom`
    evidence/            the uploaded evidence files, as stored (content-addressed)

Restore checks every file against the manifest first, refuses a database that already holds data
unless told to replace it, restores, copies the evidence back, and verifies the audit chain: the
restored chain must verify and end at the manifest's head.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite"
PG_FILE = "database.pgdump"
EVIDENCE = "evidence"
Progress = Callable[[str], None]


class BackupError(Exception):
    """Something a person must fix (the message says what); exit code 2."""


@dataclass(frozen=True)
class ChainState:
    events: int
    head: str


def engine_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite:") else "postgres"


def sqlite_path(url: str) -> Path:
    return Path(unquote(url.removeprefix("sqlite:///")))


def digest(path: Path) -> str:
    hashed = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            hashed.update(block)
    return hashed.hexdigest()


def prepare_folder(folder: Path) -> None:
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder}: the backup folder must be new or empty")
    folder.mkdir(parents=True, exist_ok=True)


def _sqlite_copy(source: Path, target: Path, say: Progress) -> None:
    """SQLite's online backup API, a hundred pages at a time, with progress."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:

        def step(_status: int, remaining: int, total: int) -> None:
            say(f"database: {total - remaining}/{total} pages")

        src.backup(dst, pages=100, progress=step)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:500]}")


def dump_database(url: str, folder: Path, say: Progress) -> Path:
    if engine_of(url) == "sqlite":
        target = folder / SQLITE_FILE
        _sqlite_copy(sqlite_path(url), target, say)
        return target
    target = folder / PG_FILE
    say("database: pg_dump")
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), url])
    return target


def copy_evidence(source: Path, target: Path, say: Progress) -> list[Path]:
    """Every evidence file under `source` into `target` (same layout); the files copied."""
    copied = []
    files = sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith("."))
    for count, path in enumerate(files, 1):
        destination = target / path.relative_to(source)
        if not destination.exists():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
        copied.append(destination)
        say(f"evidence: {count}/{len(files)} files")
    return copied


def write_manifest(folder: Path, url: str, chain: ChainState, files: list[Path]) -> None:
    manifest = {
        "version": 1,
        "engine": engine_of(url),
        "created_at": datetime.now(UTC).isoformat(),
        "audit": {"events": chain.events, "head": chain.head},
        "files": {str(p.relative_to(folder)): digest(p) for p in files},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))


def read_manifest(folder: Path) -> dict:
    """The manifest, after every file it lists was found with its SHA-256."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        files = dict(manifest["files"])
        expected = ChainState(int(manifest["audit"]["events"]), str(manifest["audit"]["head"]))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{folder / MANIFEST}: not a sharedfactory backup ({error})") from None
    for name, sha256 in files.items():
        path = folder / name
        if ".." in Path(name).parts or not path.is_file() or digest(path) != sha256:
            raise BackupError(f"{path}: missing or changed since the backup was made")
    return manifest | {"chain": expected}


def restore_database(url: str, folder: Path, engine: str, say: Progress) -> None:
    if engine != engine_of(url):
        raise BackupError(f"the backup is of a {engine} database; the target is {engine_of(url)}")
    if engine == "sqlite":
        _sqlite_copy(folder / SQLITE_FILE, sqlite_path(url), say)
        return
    say("database: pg_restore")
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
          "--dbname", url, str(folder / PG_FILE)])  # fmt: skip
