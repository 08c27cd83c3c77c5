"""What the CLI's sub-commands do, with the settings passed in."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

from piccolo.engine.base import Engine

from sharedfactory import backup
from sharedfactory.db.engine import use_database
from sharedfactory.db.migrate import check_connection, migrate
from sharedfactory.demo.seed import DEFAULT_START, seed
from sharedfactory.settings import Settings, SettingsError

DEMO_START = DEFAULT_START


def _say(message: str) -> None:
    print(f"sharedfactory: {message}", file=sys.stderr, flush=True)


async def _connected(settings: Settings) -> Engine:
    engine = use_database(settings.database_url)
    try:
        await check_connection(engine)
    except (OSError, sqlite3.Error) as error:
        raise SettingsError(
            f"SHAREDFACTORY_DATABASE_URL: cannot reach the database ({error})"
        ) from None
    except Exception as error:  # asyncpg's own errors (bad password, unknown database)
        if type(error).__module__.startswith("asyncpg"):
            raise SettingsError(f"SHAREDFACTORY_DATABASE_URL: {error}") from None
        raise
    return engine


async def migrate_database(settings: Settings) -> None:
    await migrate(await _connected(settings))


async def _seed(settings: Settings, start: date) -> bool:
    written = await seed(
        settings.resolved_secret_key(), start, progress=lambda step: _say(f"seed: {step}")
    )
    if written:
        _say(f"demo cluster written (week of {start.isoformat()})")
    return written


async def seed_database(settings: Settings, start: date) -> None:
    await _connected(settings)
    if not await _seed(settings, start):
        _say("houses exist already; nothing seeded")


async def prepare_demo(settings: Settings, start: date) -> None:
    await migrate(await _connected(settings))
    await _seed(settings, start)


async def run_ingest(settings: Settings, worker: int, shared: bool = False) -> None:
    from sharedfactory.devices.directory import MachineDirectory
    from sharedfactory.devices.embedded import embedded_target
    from sharedfactory.devices.ingest import IngestWorker
    from sharedfactory.devices.mqtt import MqttTarget
    from sharedfactory.devices.store import store_for

    await _connected(settings)
    try:
        target = (
            MqttTarget.from_url(settings.mqtt_url)
            if settings.mqtt_url
            else embedded_target(settings.data_dir)
        )
    except FileNotFoundError as error:
        raise SettingsError(f"SHAREDFACTORY_MQTT_URL: {error}") from None
    store = store_for(settings.database_url)
    ingest = IngestWorker(
        target,
        store,
        MachineDirectory(),
        client_id=f"sf-ingest-{worker}",
        shared=shared,
        heartbeat=settings.data_dir / f"ingest-{worker}.json",
    )
    stop = _stop_on_signals()
    _say(f"ingest worker {worker} reading {target.host}:{target.port} (Ctrl-C stops)")
    try:
        await ingest.run(stop)
    finally:
        await store.close()


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop


def serve(settings: Settings) -> None:
    import uvicorn

    from sharedfactory.app import create_app

    _say(f"serving on http://{settings.host}:{settings.port} (Ctrl-C stops)")
    if settings.web_workers > 1:
        settings.resolved_secret_key()  # generated here once, not raced by the workers
        uvicorn.run(
            "sharedfactory.asgi:worker_app",
            factory=True,
            workers=settings.web_workers,
            host=settings.host,
            port=settings.port,
            log_level="info",
        )
        return
    uvicorn.run(
        create_app(settings, freeze_heap=True),
        host=settings.host,
        port=settings.port,
        log_level="info",
    )


async def run_demo(settings: Settings, start: date) -> None:
    """Database, embedded broker, ingest, simulated machines and the web server; Ctrl-C stops
    all of it (uvicorn catches the signal, then the telemetry side is stopped in order)."""
    import uvicorn

    from sharedfactory.app import create_app
    from sharedfactory.devices.embedded import EmbeddedBroker
    from sharedfactory.devices.runtime import run_telemetry

    await prepare_demo(settings, start)
    stop = asyncio.Event()
    telemetry = None
    if settings.mqtt_url:
        _say("SHAREDFACTORY_MQTT_URL is set: run `sharedfactory ingest` and `simulate` against it")
    elif EmbeddedBroker.available():
        telemetry = asyncio.create_task(
            run_telemetry(settings.database_url, settings.data_dir, stop)
        )
    else:
        _say("no mosquitto binary: telemetry is off (apt-get install mosquitto, or `make run`)")
    from sharedfactory.demo.logins import demo_login_lines

    _say("demo logins (role, e-mail, password, scope):\n" + "\n".join(demo_login_lines()))
    one_process = replace(settings, web_workers=1)  # the demo's broker and ingest are in it
    config = uvicorn.Config(
        create_app(one_process, freeze_heap=True), host=settings.host, port=settings.port
    )
    _say(f"serving on http://{settings.host}:{settings.port} (Ctrl-C stops)")
    try:
        await uvicorn.Server(config).serve()
    finally:
        stop.set()
        if telemetry is not None:
            await telemetry


async def run_simulate(settings: Settings, interval_s: float, credentials: Path | None) -> None:
    import json

    from sharedfactory.devices.embedded import embedded_target
    from sharedfactory.devices.fleet import load_fleet
    from sharedfactory.devices.mqtt import MqttTarget
    from sharedfactory.devices.runtime import embedded_simulator
    from sharedfactory.devices.simulator import FleetSimulator

    await _connected(settings)
    if settings.mqtt_url:
        if credentials is None:
            raise SettingsError(
                "simulate: --credentials FILE is needed with SHAREDFACTORY_MQTT_URL"
            )
        target = MqttTarget.from_url(settings.mqtt_url)
        passwords = json.loads(credentials.read_text())
        simulator = FleetSimulator(
            await load_fleet(), target.host, target.port, passwords, interval_s
        )
    else:
        port = embedded_target(settings.data_dir).port
        simulator = await embedded_simulator(settings.data_dir, port, interval_s)
    _say(f"simulating {len(simulator.models)} machines every {interval_s:g} s (Ctrl-C stops)")
    await simulator.run(_stop_on_signals())


async def machine_login(settings: Settings, action: str, machine: str) -> None:
    """Issue (rotate) or revoke a machine's MQTT login; a running embedded broker reloads."""
    from sharedfactory.devices.embedded import EmbeddedBroker, reload_running_broker
    from sharedfactory.devices.logins import (
        UnknownMachine,
        issue_machine_password,
        revoke_machine_password,
    )

    await _connected(settings)
    try:
        if action == "password":
            password = await issue_machine_password(machine)
            print(f"{machine}: {password}")  # shown once; only its hash is kept
        elif not await revoke_machine_password(machine):
            _say(f"{machine} had no active login")
    except UnknownMachine as error:
        raise InvalidInput(f"machine: {error}") from None
    if not settings.mqtt_url:
        await EmbeddedBroker(settings.data_dir).refresh_logins()
        if reload_running_broker(settings.data_dir):
            _say("the embedded broker re-read its password file")
    else:
        _say("an external broker keeps its own password file: apply the change there")


class InvalidInput(SettingsError):
    """Reported like a bad setting: one line, exit 2."""


async def add_login(
    settings: Settings,
    email: str,
    role: str,
    password: str,
    house: str | None,
    business: str | None,
) -> None:
    from sharedfactory.accounts.service import AccountError, add_user

    await _connected(settings)
    try:
        await add_user(email, role, password, house, business)
    except AccountError as error:
        raise InvalidInput(str(error)) from None
    _say(f"login {email.strip().lower()} ({role}) created")


async def verify_audit(settings: Settings) -> int:
    """`audit verify`: 0 when the chain is intact, 1 at the first broken link."""
    from sharedfactory.audit.chain import event_count, verify
    from sharedfactory.audit.tables import AuditEvent

    await _connected(settings)
    if not await AuditEvent.table_exists().run():
        raise InvalidInput("this database has no audit log: run `sharedfactory migrate` first")
    with _progress_bar(await event_count()) as progress:
        result = await verify(progress=progress)
    if result.ok:
        print(f"audit chain intact: {result.events} events, head {result.head}")
        return 0
    print(f"audit chain broken at event {result.broken_at}: {result.reason}")
    return 1


@contextmanager
def _progress_bar(total: int) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on standard error when it is a terminal, else nothing."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("verifying the audit chain", total=total or None)
        yield lambda checked: bar.update(task, completed=checked)


async def _chain_state() -> backup.ChainState:
    from sharedfactory.audit.chain import chain_head, event_count

    return backup.ChainState(await event_count(), await chain_head())


async def backup_to(settings: Settings, folder: Path) -> None:
    """`backup DIR`: the database and the evidence files, with a manifest of their hashes."""
    await _connected(settings)
    backup.prepare_folder(folder)
    chain = await _chain_state()
    files = [backup.dump_database(settings.database_url, folder, _say)]
    files += backup.copy_evidence(
        settings.data_dir / backup.EVIDENCE, folder / backup.EVIDENCE, _say
    )
    backup.write_manifest(folder, settings.database_url, chain, files)
    _say(f"backup written to {folder}: {chain.events} audit events, head {chain.head}")


async def restore_from(settings: Settings, folder: Path, replace: bool) -> int:
    """`restore DIR`: 0 when the restored audit chain verifies and ends at the backup's head."""
    from sharedfactory.audit.chain import verify
    from sharedfactory.facilities.tables import House

    manifest = backup.read_manifest(folder)
    await _connected(settings)
    if not replace and await House.table_exists() and await House.count() > 0:
        raise backup.BackupError("the database holds data: add --replace to overwrite it")
    backup.restore_database(settings.database_url, folder, manifest["engine"], _say)
    backup.copy_evidence(folder / backup.EVIDENCE, settings.data_dir / backup.EVIDENCE, _say)
    result = await verify()
    expected: backup.ChainState = manifest["chain"]
    if not result.ok or (result.events, result.head) != (expected.events, expected.head):
        print(f"restored, but the audit chain does not match the backup: {result}")
        return 1
    print(f"restored: audit chain intact, {result.events} events, head {result.head}")
    return 0
