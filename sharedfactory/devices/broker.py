"""The embedded broker: Mosquitto 2 as a supervised child, configured from the data directory.

One login per machine (username = machine code) and one per service; the ACL lets a device write
only under its own subtree (`pattern write sf/v1/+/%u/#`); nobody connects anonymously.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SERVICE_READ = ("sf-ingest",)  # services that read every machine's topics
MESSAGES_PER_MACHINE_SECOND = 1.0
OUTAGE_SECONDS = 600


class BrokerError(RuntimeError):
    pass


def mosquitto_binary() -> str | None:
    return shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin:/usr/local/sbin")


def queue_size(machines: int) -> int:
    """Queued QoS 1 messages per client: a 10-minute ingest outage at the expected rate, x2."""
    return max(10_000, int(machines * MESSAGES_PER_MACHINE_SECOND * OUTAGE_SECONDS * 2))


@dataclass(frozen=True)
class BrokerFiles:
    root: Path

    @property
    def config(self) -> Path:
        return self.root / "mosquitto.conf"

    @property
    def passwords(self) -> Path:
        return self.root / "passwd"

    @property
    def acl(self) -> Path:
        return self.root / "acl"

    @property
    def log(self) -> Path:
        return self.root / "mosquitto.log"


def write_config(files: BrokerFiles, port: int, machines: int) -> None:
    files.root.mkdir(parents=True, exist_ok=True)
    lines = [
        f"listener {port} 127.0.0.1",
        "allow_anonymous false",
        f"password_file {files.passwords}",
        f"acl_file {files.acl}",
        "persistence true",
        f"persistence_location {files.root}/",
        "autosave_interval 10",
        "persistent_client_expiration 14d",
        f"max_queued_messages {queue_size(machines)}",
        "max_inflight_messages 100",
        "set_tcp_nodelay true",
        f"pid_file {files.root / 'mosquitto.pid'}",
        f"log_dest file {files.log}",
        "log_type error",
        "log_type warning",
        "log_type notice",
    ]
    if os.geteuid() == 0:
        lines.append("user root")  # else Mosquitto drops to a user that cannot read these files
    _write_private(files.config, "\n".join(lines) + "\n")


def write_logins(files: BrokerFiles, hashes: Mapping[str, str]) -> None:
    """The password file (username -> Mosquitto hash) and the ACL for services and devices."""
    _write_private(files.passwords, "".join(f"{user}:{h}\n" for user, h in sorted(hashes.items())))
    acl = []
    for service in SERVICE_READ:
        acl += [f"user {service}", "topic read sf/v1/#", "topic read $share/ingest/sf/v1/#", ""]
    acl += ["pattern write sf/v1/+/%u/#", ""]
    _write_private(files.acl, "\n".join(acl))


def _write_private(path: Path, text: str) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text)
    temporary.chmod(0o600)
    temporary.replace(path)


class MosquittoProcess:
    """Start, reload (SIGHUP re-reads passwords and ACL), restart and stop one broker."""

    def __init__(self, files: BrokerFiles, port: int, binary: str | None = None) -> None:
        self.files, self.port = files, port
        self.binary = binary or mosquitto_binary()
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if self.binary is None:
            raise BrokerError("mosquitto is not installed (apt-get install mosquitto)")
        self._process = subprocess.Popen(
            [self.binary, "-c", str(self.files.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches us, and we stop the broker in order
        )
        wait_for_port(self.port, self._process)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def reload(self) -> None:
        if self._process is not None and self.running:
            self._process.send_signal(signal.SIGHUP)

    def stop(self, kill: bool = False) -> None:
        if self._process is None:
            return
        if self.running:
            self._process.kill() if kill else self._process.terminate()
        self._process.wait(timeout=15)
        self._process = None

    def restart(self) -> None:
        self.stop()
        self.start()


def wait_for_port(port: int, process: subprocess.Popen[bytes] | None, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise BrokerError(f"mosquitto exited with code {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise BrokerError(f"mosquitto did not listen on 127.0.0.1:{port} within {seconds:.0f} s")
