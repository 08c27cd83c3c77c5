"""The ingest's paho client: it reads the stream in large chunks (paho still sees every packet
whole, and a burst's last packets do not wait in the buffer for more data to wake the loop),
decodes QoS 1 PUBLISH packets as paho does, and acknowledges a batch in one write."""

import json
import random
import socket
import struct
import time

import pytest
from paho.mqtt import _packet
from paho.mqtt.enums import MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from sharedfactory.devices.mqtt import MqttTarget
from sharedfactory.devices.readahead import ReadAheadClient, ReadAheadSocket, lean_publish
from tests.devices.conftest import device
from tests.support.devices import BASE_TS, payload, publish

TOPIC = "sf/v1/sleman/sleman-fryer-1/telemetry"


@pytest.mark.pure
def test_small_reads_are_served_from_one_read_ahead():
    left, right = socket.socketpair()
    left.sendall(b"\x30\x05hello\x30\x03abc")
    right.setblocking(False)
    sock = ReadAheadSocket(right)
    time.sleep(0.05)
    assert sock.recv(1) == b"\x30"
    assert sock.pending() == 11
    assert sock.recv(1) == b"\x05"
    assert sock.recv(5) == b"hello"
    assert sock.recv(1) == b"\x30"
    assert sock.recv(1) == b"\x03"
    assert sock.recv(10) == b"abc"  # less than asked: what there is, like a socket
    assert sock.pending() == 0
    with pytest.raises(BlockingIOError):
        sock.recv(1)
    left.sendall(b"xyz")
    time.sleep(0.05)
    assert sock.recv(3) == b"xyz"  # a read as large as what is there passes straight through
    left.close()
    time.sleep(0.05)
    assert sock.recv(1) == b""  # the end of the stream
    assert sock.fileno() == right.fileno()
    sock.close()


async def test_a_subscriber_gets_a_whole_burst_promptly(broker):
    received: list[int] = []
    client = broker.service_target().client("t-read-ahead", kind=ReadAheadClient)
    assert isinstance(client, ReadAheadClient)
    client.on_message = lambda _c, _u, message: received.append(json.loads(message.payload)["seq"])
    client.connect("127.0.0.1", broker.port)
    client.subscribe(TOPIC, qos=1)
    client.loop_start()
    try:
        time.sleep(0.5)
        assert isinstance(client.socket(), ReadAheadSocket)
        bodies = [payload(seq, ts=BASE_TS + 90_000_000 + seq) for seq in range(1_500)]
        publish(device(broker, "sleman-fryer-1"), TOPIC, bodies, "t-burst")
        deadline = time.monotonic() + 5  # paho's keepalive is 60 s: a stuck buffer shows here
        while len(received) < len(bodies) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(received) == len(bodies)
        assert received == list(range(len(bodies)))
    finally:
        client.loop_stop()
        client.disconnect()


def _publish_packet(topic: bytes, mid: int, payload: bytes, properties: Properties) -> bytes:
    """The variable header and payload of an MQTT 5 QoS 1 PUBLISH (after the fixed header)."""
    return (
        struct.pack("!H", len(topic)) + topic + struct.pack("!H", mid) + properties.pack() + payload
    )


def _random_properties(rng: random.Random) -> Properties:
    properties = Properties(PacketTypes.PUBLISH)
    if rng.random() < 0.5:
        properties.PayloadFormatIndicator = 1
    if rng.random() < 0.5:
        properties.ContentType = "application/json"
    if rng.random() < 0.5:
        properties.UserProperty = [("k" * rng.randint(1, 200), "v")]  # a long length varint
    if rng.random() < 0.3:
        properties.MessageExpiryInterval = rng.randint(1, 10_000)
    return properties


@pytest.mark.pure
@pytest.mark.parametrize("seed", range(40))
def test_lean_publish_decodes_what_paho_decodes(seed: int):
    rng = random.Random(seed)
    topic = "sf/v1/sleman/sleman-fryer-1/" + "x" * rng.randint(0, 300)
    payload = bytes(rng.randrange(256) for _ in range(rng.randint(0, 3000)))
    packet = _publish_packet(
        topic.encode(), rng.randint(1, 65535), payload, _random_properties(rng)
    )
    header = 0x32 | (0x08 if rng.random() < 0.5 else 0)  # QoS 1, sometimes DUP
    paho = _packet.decode_publish(header, packet, MQTTProtocolVersion.MQTTv5)
    assert lean_publish(header, packet) == (paho.topic.decode(), paho.payload, paho.mid)


@pytest.mark.pure
def test_lean_publish_leaves_other_packets_to_paho():
    packet = _publish_packet(b"a/b", 7, b"{}", Properties(PacketTypes.PUBLISH))
    assert lean_publish(0x32, packet) == ("a/b", b"{}", 7)
    assert lean_publish(0x30, packet) is None  # QoS 0
    assert lean_publish(0x34, packet) is None  # QoS 2
    alias = Properties(PacketTypes.PUBLISH)
    alias.TopicAlias = 3
    assert lean_publish(0x32, _publish_packet(b"", 7, b"{}", alias)) is None  # alias alone
    for cut in range(8):  # cut inside the topic, the packet id or the properties' length
        assert lean_publish(0x32, packet[:cut]) is None
    assert lean_publish(0x32, packet[:9]) == ("a/b", b"{", 7)  # the body is what is left
    assert lean_publish(0x32, b"\x00\x01a\x00\x07\xff\xff\xff\xff\xff") is None  # bad varint


async def test_a_batch_is_acknowledged_in_one_write(broker):
    """With a receive window of 50, the broker stops sending until PUBACKs come back: 600
    messages arrive only if `ack_many` really acknowledges them."""
    received: list[int] = []
    client = broker.service_target().client("t-ack-many", manual_ack=True, kind=ReadAheadClient)
    assert isinstance(client, ReadAheadClient)
    waiting: list[int] = []

    def deliver(_topic: str, body: bytes, mid: int, qos: int) -> None:
        assert qos == 1
        received.append(json.loads(body)["seq"])
        waiting.append(mid)

    client.on_delivery = deliver
    properties = Properties(PacketTypes.CONNECT)
    properties.ReceiveMaximum = 50
    client.connect("127.0.0.1", broker.port, properties=properties)
    client.subscribe(TOPIC, qos=1)
    client.loop_start()
    try:
        time.sleep(0.5)
        bodies = [payload(seq, ts=BASE_TS + 91_000_000 + seq) for seq in range(600)]
        publish(device(broker, "sleman-fryer-1"), TOPIC, bodies, "t-ack-burst")
        deadline = time.monotonic() + 10
        while len(received) < len(bodies) and time.monotonic() < deadline:
            batch, waiting[:] = list(waiting), []
            client.ack_many(batch)
            time.sleep(0.02)
        assert received == list(range(len(bodies)))
    finally:
        client.loop_stop()
        client.disconnect()


@pytest.mark.pure
def test_ack_many_queues_one_write_and_only_under_manual_acknowledgement():
    target = MqttTarget("127.0.0.1", 1, "u", "p")
    manual = target.client("t-manual", manual_ack=True, kind=ReadAheadClient)
    assert isinstance(manual, ReadAheadClient)
    manual.ack_many([1, 2, 513])
    queued = list(manual._out_packet)
    assert len(queued) == 1
    assert queued[0]["packet"] == b"\x40\x02\x00\x01\x40\x02\x00\x02\x40\x02\x02\x01"
    automatic = target.client("t-auto", kind=ReadAheadClient)
    assert isinstance(automatic, ReadAheadClient)
    automatic.ack_many([1, 2])  # paho acknowledged these on arrival already
    assert not automatic._out_packet
