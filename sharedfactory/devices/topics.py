"""MQTT topic layout (CONTRACTS.md section 4): `sf/v1/{house}/{machine}/{kind}`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

from sharedfactory.devices.messages import PayloadError, is_code

TOPIC_ROOT: Final = "sf/v1"
SUBSCRIPTION: Final = "sf/v1/+/+/+"
SHARED_SUBSCRIPTION: Final = "$share/ingest/sf/v1/+/+/+"

TopicKind = Literal["telemetry", "state", "status"]
TOPIC_KINDS: Final[tuple[TopicKind, ...]] = get_args(TopicKind)


@dataclass(frozen=True)
class Topic:
    """The machine and message kind a topic addresses."""

    house: str
    machine: str
    kind: TopicKind


def _kind(text: str) -> TopicKind:
    for kind in TOPIC_KINDS:
        if text == kind:
            return kind
    raise PayloadError("topic: unknown kind")


def parse_topic(topic: str) -> Topic:
    """Parse `sf/v1/{house}/{machine}/{kind}`; raise `PayloadError` (reason `topic: ...`)."""
    parts = topic.split("/")
    if len(parts) != 5:
        raise PayloadError("topic: wrong depth")
    if "/".join(parts[:2]) != TOPIC_ROOT:
        raise PayloadError("topic: wrong root")
    house, machine, kind = parts[2:]
    if not is_code(house):
        raise PayloadError("topic: bad house id")
    if not is_code(machine):
        raise PayloadError("topic: bad machine id")
    return Topic(house=house, machine=machine, kind=_kind(kind))


def topic_for(house: str, machine: str, kind: TopicKind) -> str:
    """The topic a machine publishes `kind` messages on; raise `PayloadError` for bad ids."""
    topic = f"{TOPIC_ROOT}/{house}/{machine}/{kind}"
    parse_topic(topic)
    return topic
