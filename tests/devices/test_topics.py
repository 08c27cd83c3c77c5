import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sharedfactory.devices.messages import PayloadError
from sharedfactory.devices.topics import (
    SHARED_SUBSCRIPTION,
    SUBSCRIPTION,
    TOPIC_ROOT,
    Topic,
    parse_topic,
    topic_for,
)

pytestmark = pytest.mark.pure


def test_constants():
    assert TOPIC_ROOT == "sf/v1"
    assert SUBSCRIPTION == "sf/v1/+/+/+"
    assert SHARED_SUBSCRIPTION == "$share/ingest/" + SUBSCRIPTION


@pytest.mark.parametrize("kind", ["telemetry", "state", "status"])
def test_round_trip(kind):
    topic = topic_for("batu-bara", "batu-bara-fryer-1", kind)
    assert topic == f"sf/v1/batu-bara/batu-bara-fryer-1/{kind}"
    assert parse_topic(topic) == Topic("batu-bara", "batu-bara-fryer-1", kind)


@pytest.mark.parametrize(
    ("topic", "reason"),
    [
        ("sf/v2/h/m/telemetry", "topic: wrong root"),
        ("xx/v1/h/m/telemetry", "topic: wrong root"),
        ("sf/v1/h/m", "topic: wrong depth"),
        ("sf/v1/h/m/telemetry/extra", "topic: wrong depth"),
        ("/sf/v1/h/m/telemetry", "topic: wrong depth"),
        ("", "topic: wrong depth"),
        ("sf/v1/h/m/values", "topic: unknown kind"),
        ("sf/v1/h/m/Telemetry", "topic: unknown kind"),
        ("sf/v1/Batu/m/telemetry", "topic: bad house id"),
        ("sf/v1/+/m/telemetry", "topic: bad house id"),
        ("sf/v1//m/telemetry", "topic: bad house id"),
        ("sf/v1/h/-m/telemetry", "topic: bad machine id"),
        ("sf/v1/h/m-/telemetry", "topic: bad machine id"),
        ("sf/v1/h/a--b/telemetry", "topic: bad machine id"),
        ("sf/v1/h/m_1/telemetry", "topic: bad machine id"),
        ("sf/v1/h/#/telemetry", "topic: bad machine id"),
        ("sf/v1/h/m\n/telemetry", "topic: bad machine id"),
        (f"sf/v1/h/{'a' * 65}/telemetry", "topic: bad machine id"),
    ],
)
def test_bad_topics(topic, reason):
    with pytest.raises(PayloadError) as caught:
        parse_topic(topic)
    assert caught.value.reason == reason


def test_longest_id_accepted():
    assert parse_topic(f"sf/v1/h/{'a' * 64}/state").machine == "a" * 64


def test_topic_for_rejects_bad_ids():
    with pytest.raises(PayloadError):
        topic_for("h", "M1", "state")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="sfv1/+#-az09A\n\x00 ", max_size=40) | st.text(max_size=40))
def test_arbitrary_topics_only_raise_payload_error(topic):
    with contextlib.suppress(PayloadError):
        parsed = parse_topic(topic)
        assert topic_for(parsed.house, parsed.machine, parsed.kind) == topic
