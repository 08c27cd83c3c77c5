"""Where to reach a broker, and with which login."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Any, TypeVar, overload
from urllib.parse import unquote, urlsplit

from paho.mqtt.client import CallbackAPIVersion, Client
from paho.mqtt.enums import MQTTProtocolVersion

AnyClient = TypeVar("AnyClient", bound=Client)


@dataclass(frozen=True)
class MqttTarget:
    host: str
    port: int
    username: str
    password: str
    tls: bool = False
    protocol: int = 5  # 5, or 311 for a broker that speaks only MQTT 3.1.1 (the amqtt fallback)

    @classmethod
    def from_url(cls, url: str) -> MqttTarget:
        parts = urlsplit(url)
        tls = parts.scheme == "mqtts"
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or (8883 if tls else 1883),
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            tls=tls,
        )

    @overload
    def client(self, client_id: str, manual_ack: bool = False) -> Client: ...

    @overload
    def client(
        self, client_id: str, manual_ack: bool = False, *, kind: type[AnyClient]
    ) -> AnyClient: ...

    def client(self, client_id: str, manual_ack: bool = False, *, kind: Any = Client) -> Any:
        """A paho 2 client with this login (not yet connected); `kind`: a subclass of paho's
        client, such as the ingest's `readahead.ReadAheadClient`."""
        if self.protocol == 5:
            client = kind(
                CallbackAPIVersion.VERSION2,
                client_id=client_id,
                protocol=MQTTProtocolVersion.MQTTv5,
                manual_ack=manual_ack,
            )
        else:  # MQTT 3.1.1: the persistent session is asked for here, not at connect
            client = kind(
                CallbackAPIVersion.VERSION2,
                client_id=client_id,
                protocol=MQTTProtocolVersion.MQTTv311,
                clean_session=False,
                manual_ack=manual_ack,
            )
        client.username_pw_set(self.username, self.password)
        if self.tls:
            client.tls_set_context(ssl.create_default_context())
        return client
