"""The telemetry ingest's paho client: it reads the stream in large chunks, hands QoS 1 messages
over without paho's per-message objects, and acknowledges a batch in one write.

paho 2.1 costs the ingest most of its CPU (docs/performance.md, "Telemetry"):
- it reads each packet with three or four `recv` calls (the command byte, each byte of the
  length, the body), one packet per `select`. `ReadAheadSocket` takes what the kernel holds, up
  to 64 KiB, in one `recv` and serves paho's small reads from it; `pending()` is the hook paho's
  loop already has for TLS sockets (bytes waiting: do not block in `select`), and
  `ReadAheadClient.loop_read` goes on reading while bytes are waiting. Plain TCP only.
- for each PUBLISH it builds an MQTT 5 `Properties` object, an `MQTTMessage` and a log line, and
  matches the topic against callbacks. With `on_delivery` set, a QoS 1 PUBLISH with a topic is
  decoded here (topic, packet id, payload; its properties skipped) and handed straight to it;
  anything else goes through paho as before.
- each acknowledgement is a packet of its own, a wake-up byte and a `send`. `ack_many` queues a
  batch's PUBACKs as one write.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable
from typing import Any

from paho.mqtt.client import PUBACK, Client
from paho.mqtt.enums import MQTTErrorCode, MQTTProtocolVersion

CHUNK = 65_536
MOST_PACKETS = 1_000  # read per loop turn, so that writes (acknowledgements) get their turn
Delivered = Callable[[str, bytes, int, int], None]  # topic, payload, packet id, QoS


class ReadAheadSocket:
    """A non-blocking socket whose `recv` is served from one large read ahead."""

    def __init__(self, sock: Any) -> None:
        self._sock = sock
        self._data = b""
        self._at = 0

    def recv(self, size: int) -> bytes:
        if self._at >= len(self._data):
            data = self._sock.recv(max(size, CHUNK))  # BlockingIOError when nothing is there
            if len(data) <= size:
                return data  # b"" at the end of the stream
            self._data, self._at = data, 0
        piece = self._data[self._at : self._at + size]
        self._at += len(piece)
        return piece

    def pending(self) -> int:
        """Bytes read from the kernel that paho has not taken yet."""
        return len(self._data) - self._at

    def __getattr__(self, name: str) -> Any:  # send, fileno, close, setblocking, ...
        return getattr(self._sock, name)


def lean_publish(header: int, packet: bytes) -> tuple[str, bytes, int] | None:
    """(topic, payload, packet id) of an MQTT 5 QoS 1 PUBLISH that names its topic; None for
    anything else (another QoS, a topic alias alone, a malformed packet): paho decodes those."""
    if (header & 0x06) >> 1 != 1 or len(packet) < 5:
        return None
    size = int.from_bytes(packet[0:2])
    at = 2 + size
    if size == 0 or at + 3 > len(packet):
        return None
    topic = packet[2:at].decode("utf-8", "replace")
    mid = int.from_bytes(packet[at : at + 2])
    length, shift, at = 0, 0, at + 2
    while True:  # the properties' length, a variable byte integer
        if at >= len(packet) or shift > 21:
            return None
        byte = packet[at]
        length |= (byte & 0x7F) << shift
        at, shift = at + 1, shift + 7
        if not byte & 0x80:
            break
    if at + length > len(packet):
        return None
    return topic, packet[at + length :], mid


class ReadAheadClient(Client):
    on_delivery: Delivered | None = None

    def _create_socket(self) -> Any:
        sock = super()._create_socket()
        if self._ssl or self._transport != "tcp":
            return sock
        return ReadAheadSocket(sock)

    def loop_read(self, max_packets: int = 1) -> MQTTErrorCode:
        rc = super().loop_read(max_packets)
        for _ in range(MOST_PACKETS):
            sock = self._sock
            if rc != MQTTErrorCode.MQTT_ERR_SUCCESS or not isinstance(sock, ReadAheadSocket):
                break
            if not sock.pending():
                break
            rc = super().loop_read(max_packets)
        return rc

    def _handle_publish(self) -> MQTTErrorCode:
        deliver = self.on_delivery
        if deliver is None or not self._manual_ack or self._protocol != MQTTProtocolVersion.MQTTv5:
            return super()._handle_publish()
        found = lean_publish(self._in_packet["command"], bytes(self._in_packet["packet"]))
        if found is None:
            return super()._handle_publish()
        topic, payload, mid = found
        deliver(topic, payload, mid, 1)
        return MQTTErrorCode.MQTT_ERR_SUCCESS

    def ack_many(self, mids: Iterable[int]) -> None:
        """Acknowledge QoS 1 messages (manual acknowledgement) in one queued write."""
        if not self._manual_ack:
            return  # paho acknowledged them on arrival: a second PUBACK breaks the protocol
        packet = b"".join(struct.pack("!BBH", PUBACK, 2, mid) for mid in mids)
        if packet:
            self._packet_queue(PUBACK, packet, 0, 0)
