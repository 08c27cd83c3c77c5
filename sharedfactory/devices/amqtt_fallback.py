"""The fallback broker for machines without Mosquitto: amqtt, in-process, MQTT 3.1.1 only and a
few hundred messages a second, with the same rules as the Mosquitto configuration: one login per
machine (checked against the same PBKDF2 hashes), a device writes only under its own subtree,
only the ingest service reads, nobody connects anonymously."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from amqtt.broker import Broker
from amqtt.contexts import Action
from amqtt.plugins.base import BaseAuthPlugin, BaseTopicPlugin
from amqtt.session import Session

from sharedfactory.devices.broker import SERVICE_READ
from sharedfactory.devices.credentials import hash_password, verify_password
from sharedfactory.devices.logins import machine_password_hashes, service_passwords
from sharedfactory.devices.mqtt import MqttTarget

LIMITS = (
    "amqtt: MQTT 3.1.1 only, in-process, a few hundred messages a second, no persistence, and "
    "messages not yet forwarded are dropped when their publisher disconnects"
)


class MachineLogins(BaseAuthPlugin):
    """Logins from a JSON file {user: PBKDF2 hash}, re-read at every connection (rotation)."""

    @dataclass
    class Config:
        logins_file: str = ""

    async def authenticate(self, *, session: Session) -> bool | None:
        if not session.username or session.password is None:
            return False
        hashes = json.loads(Path(self.config.logins_file).read_text())
        hashed = hashes.get(session.username)
        return bool(hashed) and verify_password(session.password, hashed)


class MachineTopics(BaseTopicPlugin):
    """`sf/v1/{house}/{username}/...` for publishers; reading for the service logins only."""

    @dataclass
    class Config:
        readers: list[str] = field(default_factory=list)

    async def topic_filtering(
        self,
        *,
        session: Session | None = None,
        topic: str | None = None,
        action: Action | None = None,
    ) -> bool | None:
        user = session.username if session else None
        if user is None or topic is None:
            return False
        if action == Action.PUBLISH:
            parts = topic.split("/")
            return len(parts) >= 4 and parts[:2] == ["sf", "v1"] and parts[3] == user
        return user in self.config.readers


class AmqttBroker:
    def __init__(self, data_dir: Path, port: int) -> None:
        self.root, self.port = data_dir / "mqtt", port
        self.logins_file = self.root / "amqtt-logins.json"
        self._broker: Broker | None = None

    def _config(self) -> dict[str, Any]:
        here = __name__
        return {
            "listeners": {"default": {"type": "tcp", "bind": f"127.0.0.1:{self.port}"}},
            "plugins": {
                f"{here}.MachineLogins": {"logins_file": str(self.logins_file)},
                f"{here}.MachineTopics": {"readers": list(SERVICE_READ)},
            },
        }

    async def refresh_logins(self) -> None:
        hashes = await machine_password_hashes()
        for user, password in service_passwords(self.root).items():
            hashes[user] = hash_password(password)
        temporary = self.logins_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(hashes))
        temporary.chmod(0o600)
        temporary.replace(self.logins_file)

    async def start(self) -> None:
        await self.refresh_logins()
        self._broker = Broker(self._config())
        await self._broker.start()
        (self.root / "port").write_text(str(self.port))

    async def stop(self) -> None:
        if self._broker is not None:
            await self._broker.shutdown()
            self._broker = None

    def service_target(self, user: str = "sf-ingest") -> MqttTarget:
        password = service_passwords(self.root)[user]
        return MqttTarget("127.0.0.1", self.port, user, password, protocol=311)
