"""The `sharedfactory` command (CONTRACTS.md section 1)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Coroutine, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sharedfactory.backup import BackupError
from sharedfactory.settings import Settings, SettingsError

T = TypeVar("T")


class InvalidInput(Exception):
    """Shown as one line on standard error; the command exits 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sharedfactory", description="Software for shared production houses."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("demo", help="migrate, seed the demo if empty, serve on the web port")
    commands.add_parser("serve", help="the web server alone")
    commands.add_parser("migrate", help="apply the schema migrations (idempotent)")
    seed = commands.add_parser("seed", help="write the demo cluster if the database is empty")
    seed.add_argument("--start", type=_monday, default=None, help="first day (a Monday) YYYY-MM-DD")
    ingest = commands.add_parser("ingest", help="the telemetry ingest worker alone")
    ingest.add_argument(
        "--worker", type=int, default=1, help="worker number: a stable MQTT session per number"
    )
    ingest.add_argument(
        "--shared",
        action="store_true",
        help="join the shared subscription $share/ingest/... (several workers split the stream)",
    )
    users = commands.add_parser("users", help="logins: `users add EMAIL --role ROLE`")
    user_commands = users.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="create a login; the password is read from stdin")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=("admin", "operator", "auditor", "umkm"))
    add.add_argument("--house", default=None, help="house id (operators)")
    add.add_argument("--business", default=None, help="business id (UMKM)")
    devices = commands.add_parser("devices", help="machine MQTT logins: issue (or rotate), revoke")
    device_commands = devices.add_subparsers(dest="device_command", required=True)
    for name, text in (
        ("password", "a new password for MACHINE (shown once)"),
        ("revoke", "revoke MACHINE's login"),
    ):
        device_command = device_commands.add_parser(name, help=text)
        device_command.add_argument("machine", help="machine id, e.g. sleman-fryer-1")
    simulate = commands.add_parser("simulate", help="simulated machines publishing telemetry")
    simulate.add_argument("--interval", type=_seconds, default=5.0, help="seconds between messages")
    simulate.add_argument(
        "--credentials", type=Path, default=None, help="JSON {machine: password} (external broker)"
    )
    commands.add_parser(
        "schedule", help="solve one scheduling problem offline (see `sharedfactory schedule -h`)"
    )
    _add_audit(commands)
    _add_backup(commands)
    return parser


def _add_backup(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    made = commands.add_parser(
        "backup", help="copy the database and evidence files into a new folder (docs/backup.md)"
    )
    made.add_argument("folder", type=Path, help="a new or empty folder")
    restore = commands.add_parser(
        "restore", help="restore a backup folder, then verify the audit chain (docs/backup.md)"
    )
    restore.add_argument("folder", type=Path, help="a folder written by `sharedfactory backup`")
    restore.add_argument(
        "--replace", action="store_true", help="overwrite a database that already holds data"
    )


def _add_audit(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = commands.add_parser("audit", help="the tamper-evident audit log: `audit verify`")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    audit_commands.add_parser(
        "verify",
        help="recompute the audit chain; exit 1 at the first broken link",
        description="Recompute every audit event's SHA-256 hash and its link to the one before. "
        "Prints `audit chain intact: N events, head HASH` (exit 0) or names the first broken "
        "link (exit 1). See docs/audit.md.",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from error
    if not 0.05 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"{text} is outside 0.05..3600 seconds")
    return value


def _monday(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from error
    if day.weekday() != 0:
        raise argparse.ArgumentTypeError(f"{text} is not a Monday")
    return day


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["schedule"]:
        from sharedfactory.scheduler.command import main as schedule_main

        return schedule_main(args_list[1:])
    args = _parser().parse_args(args_list)
    try:
        settings = Settings.from_env()
        return _run(args, settings)
    except (SettingsError, InvalidInput, BackupError) as error:
        print(f"sharedfactory: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


def _finish(command: Coroutine[Any, Any, T]) -> T:
    """Run a command, then close the SQLite connections it kept."""
    from sharedfactory.db.sqlite_pool import drain_pools

    async def run_then_drain() -> T:
        try:
            return await command
        finally:
            await drain_pools()

    return asyncio.run(run_then_drain())


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from sharedfactory import operations

    if args.command == "migrate":
        _finish(operations.migrate_database(settings))
    elif args.command == "seed":
        start = args.start or operations.DEMO_START
        _finish(operations.seed_database(settings, start))
    elif args.command == "ingest":
        _finish(operations.run_ingest(settings, args.worker, args.shared))
    elif args.command == "serve":
        operations.serve(settings)
    elif args.command == "users":
        password = sys.stdin.readline().rstrip("\r\n")
        _finish(
            operations.add_login(
                settings, args.email, args.role, password, args.house, args.business
            )
        )
    elif args.command == "devices":
        _finish(operations.machine_login(settings, args.device_command, args.machine))
    elif args.command == "simulate":
        _finish(operations.run_simulate(settings, args.interval, args.credentials))
    elif args.command == "audit":
        return _finish(operations.verify_audit(settings))
    elif args.command == "backup":
        _finish(operations.backup_to(settings, args.folder))
    elif args.command == "restore":
        return _finish(operations.restore_from(settings, args.folder, args.replace))
    elif args.command == "demo":
        # The demo week is the current week in the houses' western zone (WIB), so the bookings
        # and the simulated runs are live whatever the server's own zone is.
        today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
        _finish(operations.run_demo(settings, today - timedelta(days=today.weekday())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
