"""Real Mosquitto, real database: every valid message is stored exactly once, every invalid one
is kept as a dead letter, and a device can write only as itself."""

import pytest

from sharedfactory.devices.tables import Alarm, DeadLetter, MachineLiveState, TelemetryMessage
from sharedfactory.facilities.tables import Machine
from tests.devices.conftest import device
from tests.support.devices import BASE_TS, eventually, payload, publish
from tests.support.devices import mosquitto_pub as publish_with_c_client

FRYER_TOPIC = "sf/v1/sleman/sleman-fryer-1/telemetry"


async def machine_id(code: str) -> int:
    return (await Machine.select(Machine._meta.primary_key).where(Machine.code == code).first())[
        "id"
    ]


async def stored(code: str, since_ts: int) -> list[dict]:
    return (
        await TelemetryMessage.select()
        .where(
            (TelemetryMessage.machine == await machine_id(code))
            & (TelemetryMessage.ts_ms >= since_ts)
        )
        .run()
    )


async def test_messages_are_stored_once_even_when_published_twice(broker, ingest):
    since = BASE_TS + 10_000_000
    bodies = [payload(seq, ts=since + seq) for seq in range(200)]
    publish(device(broker, "sleman-fryer-1"), FRYER_TOPIC, bodies + bodies[:50], "t-dup")
    rows = await eventually(lambda: _count_at_least("sleman-fryer-1", since, 200))
    assert rows == 200
    await _settle(ingest)
    assert len(await stored("sleman-fryer-1", since)) == 200
    assert sorted(r["seq"] for r in await stored("sleman-fryer-1", since)) == list(range(200))


async def _count_at_least(code: str, since: int, n: int) -> int:
    count = len(await stored(code, since))
    return count if count >= n else 0


async def _settle(ingest, rounds: int = 3) -> None:
    import asyncio

    before = -1
    while before != ingest.stats.received:
        before = ingest.stats.received
        await asyncio.sleep(0.6)


async def test_live_state_follows_the_latest_message(broker, ingest):
    since = BASE_TS + 20_000_000
    publish(
        device(broker, "sleman-fryer-2"),
        "sf/v1/sleman/sleman-fryer-2/telemetry",
        [payload(1, ts=since, state="setup"), payload(2, ts=since + 1000, booking="bk-0001")],
        "t-live",
    )
    machine = await machine_id("sleman-fryer-2")

    async def live():
        row = await MachineLiveState.select().where(MachineLiveState.machine == machine).first()
        return row if row and row["ts_ms"] == since + 1000 else None

    row = await eventually(live)
    assert (row["state"], row["booking"], row["online"]) == ("running", "bk-0001", True)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "bad_json"),
        (b"\xff\xfe", "not_utf8"),
        (b'{"v": 1}', "schema"),
        (b"x" * (16 * 1024 + 1), "oversize"),
    ],
)
async def test_invalid_payloads_become_dead_letters(broker, ingest, body, reason):
    before = await DeadLetter.count()
    publish(device(broker, "sleman-fryer-1"), FRYER_TOPIC, [body], "t-dead")
    assert await eventually(lambda: _dead_letter_after(before))
    last = await DeadLetter.select().order_by(DeadLetter._meta.primary_key, ascending=False).first()
    assert last["reason"].startswith(reason), last["reason"]
    assert bytes(last["payload"]) == body
    assert last["topic"] == FRYER_TOPIC


async def _dead_letter_after(before: int) -> bool:
    return await DeadLetter.count() > before


async def test_a_topic_of_another_house_is_a_dead_letter(broker, ingest):
    before = await DeadLetter.count()
    # The ACL lets the fryer write anywhere under sf/v1/+/sleman-fryer-1/#, even a wrong house.
    publish(
        device(broker, "sleman-fryer-1"),
        "sf/v1/batu-bara/sleman-fryer-1/telemetry",
        [payload(1)],
        "t-house",
    )
    assert await eventually(lambda: _dead_letter_after(before))
    last = await DeadLetter.select().order_by(DeadLetter._meta.primary_key, ascending=False).first()
    assert last["reason"].startswith("house_mismatch")


async def test_a_device_cannot_write_as_another_machine(broker, ingest):
    since = BASE_TS + 30_000_000
    publish(
        device(broker, "sleman-fryer-1"),
        "sf/v1/sleman/sleman-fryer-2/telemetry",
        [payload(7, ts=since)],
        "t-spoof",
    )
    # A marker the ingest does receive proves the spoofed message had its chance to arrive.
    publish(
        device(broker, "sleman-fryer-2"),
        "sf/v1/sleman/sleman-fryer-2/telemetry",
        [payload(8, ts=since + 1)],
        "t-marker",
    )
    assert await eventually(lambda: _count_at_least("sleman-fryer-2", since, 1))
    await _settle(ingest)
    assert [r["seq"] for r in await stored("sleman-fryer-2", since)] == [8]


@pytest.mark.parametrize(
    "login",
    [
        [],  # anonymous
        ["-u", "sleman-fryer-1", "-P", "wrong-password"],
        ["-u", "sleman-fryer-2", "-P", "the-fryer-1-password"],
    ],
)
def test_anonymous_and_wrong_logins_are_refused(broker, mosquitto_pub, login):
    if "the-fryer-1-password" in login:
        login = [*login[:3], broker.passwords["sleman-fryer-1"]]
    result = publish_with_c_client(mosquitto_pub, broker.port, login, FRYER_TOPIC)
    assert result.returncode != 0
    assert "not authorised" in result.stderr.lower()


async def test_an_excursion_raises_an_alarm_the_moment_it_happens(broker, ingest):
    since = BASE_TS + 40_000_000
    before = await Alarm.count()
    values = [84.0, 86.0, 92.5, 93.0, 84.0]
    bodies = [
        payload(i, ts=since + i * 1000, values={"oil_temp_c": v}) for i, v in enumerate(values)
    ]
    publish(device(broker, "sleman-fryer-1"), FRYER_TOPIC, bodies, "t-alarm")
    assert await eventually(lambda: _alarms_after(before))
    await _settle(ingest)
    alarms = await Alarm.select().where(Alarm.opened_ms >= since).run()
    assert [(a["kind"], a["value_name"], a["value"]) for a in alarms] == [
        ("excursion", "oil_temp_c", 92.5)
    ]


async def _alarms_after(before: int) -> bool:
    return await Alarm.count() > before
