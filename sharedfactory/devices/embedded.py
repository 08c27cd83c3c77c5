"""The app's own Mosquitto: files from the database, a child process, restarted if it dies."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from pathlib import Path

from sharedfactory.devices.broker import (
    BrokerFiles,
    MosquittoProcess,
    mosquitto_binary,
    write_config,
    write_logins,
)
from sharedfactory.devices.credentials import hash_password
from sharedfactory.devices.logins import machine_password_hashes, service_passwords
from sharedfactory.devices.mqtt import MqttTarget
from sharedfactory.facilities.tables import Machine

log = logging.getLogger("sharedfactory.broker")
DEFAULT_PORT = 1883


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedBroker:
    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.files = BrokerFiles(data_dir / "mqtt")
        self.port = port or (DEFAULT_PORT if _port_is_free(DEFAULT_PORT) else _free_port())
        self.process = MosquittoProcess(self.files, self.port)
        self.restarts = 0

    @staticmethod
    def available() -> bool:
        return mosquitto_binary() is not None

    async def start(self) -> None:
        write_config(self.files, self.port, await Machine.count())
        await self.refresh_logins()
        await asyncio.to_thread(self.process.start)
        (self.files.root / "port").write_text(str(self.port))

    async def refresh_logins(self) -> None:
        """Rewrite the password file from the database; a running broker re-reads it (SIGHUP)."""
        hashes = await machine_password_hashes()
        for user, password in service_passwords(self.files.root).items():
            hashes[user] = hash_password(password)
        write_logins(self.files, hashes)
        self.process.reload()

    def service_target(self, user: str = "sf-ingest") -> MqttTarget:
        return MqttTarget("127.0.0.1", self.port, user, service_passwords(self.files.root)[user])

    async def supervise(self, stop: asyncio.Event) -> None:
        """Start the broker again whenever it exits (persistence keeps queued messages)."""
        while not stop.is_set():
            await asyncio.sleep(1)
            if not self.process.running and not stop.is_set():
                self.restarts += 1
                log.warning("mosquitto exited; restarting (restart %d)", self.restarts)
                await asyncio.to_thread(self.process.start)

    def stop(self) -> None:
        self.process.stop()


def reload_running_broker(data_dir: Path) -> bool:
    """Ask a broker another process supervises to re-read its password file (SIGHUP)."""
    pid_file = BrokerFiles(data_dir / "mqtt").root / "mosquitto.pid"
    try:
        os.kill(int(pid_file.read_text().strip()), signal.SIGHUP)
    except (OSError, ValueError):
        return False
    return True


def embedded_target(data_dir: Path, user: str = "sf-ingest") -> MqttTarget:
    """The login and port of an embedded broker another process started on this data directory."""
    root = BrokerFiles(data_dir / "mqtt").root
    port_file = root / "port"
    if not port_file.exists():
        raise FileNotFoundError(
            f"no embedded broker has run on {data_dir}: start `sharedfactory demo` or set "
            "SHAREDFACTORY_MQTT_URL"
        )
    return MqttTarget("127.0.0.1", int(port_file.read_text()), user, service_passwords(root)[user])
