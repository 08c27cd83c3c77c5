"""The hash recipe and the check of one link: plain data in, hex out (no database)."""

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from sharedfactory.audit.hashing import (
    GENESIS,
    Event,
    broken_link,
    canonical_json,
    event_hash,
    format_at,
    preimage,
)

pytestmark = pytest.mark.pure

AT = datetime(2026, 12, 4, 1, 30, 0, 250, tzinfo=UTC)
FIRST = Event(1, AT, "booking.created", 7, "sleman", "bk-0a1b2c3d4e", '{"machine":"m"}', GENESIS)


def test_canonical_json_sorts_keys_drops_spaces_and_keeps_utf8():
    text = canonical_json({"z": 1, "a": {"y": [1, 2], "b": "Sleman – Merapi"}})
    assert text == '{"a":{"b":"Sleman – Merapi","y":[1,2]},"z":1}'


def test_canonical_json_writes_times_dates_and_decimals_as_text():
    wib = timezone(timedelta(hours=7))
    data = {
        "starts": datetime(2026, 12, 4, 8, 0, tzinfo=wib),
        "day": date(2026, 12, 25),
        "at": time(10, 0),
        "quantity": Decimal("20.50"),
    }
    assert canonical_json(data) == (
        '{"at":"10:00:00","day":"2026-12-25","quantity":"20.50",'
        '"starts":"2026-12-04T01:00:00.000000Z"}'
    )


def test_canonical_json_refuses_what_json_cannot_say_exactly():
    with pytest.raises(ValueError, match="Out of range float"):
        canonical_json({"x": float("nan")})
    with pytest.raises(TypeError, match="cannot put object"):
        canonical_json({"x": object()})


def test_times_are_utc_with_six_decimals_whatever_their_zone():
    wita = timezone(timedelta(hours=8))
    assert format_at(datetime(2026, 12, 4, 9, 30, tzinfo=wita)) == "2026-12-04T01:30:00.000000Z"
    with pytest.raises(ValueError, match="UTC offset"):
        format_at(datetime(2026, 12, 4, 9, 30))


def test_the_preimage_is_the_documented_json_array():
    assert (
        preimage(FIRST)
        == (
            '[1,"2026-12-04T01:30:00.000250Z","booking.created",7,"sleman","bk-0a1b2c3d4e",'
            '"{\\"machine\\":\\"m\\"}","' + "0" * 64 + '"]'
        ).encode()
    )
    assert event_hash(FIRST) == hashlib.sha256(preimage(FIRST)).hexdigest()


def test_the_worked_example_of_the_docs_stays_the_same():
    """docs/audit.md prints these two events and their hashes, for re-implementations."""
    data = canonical_json(
        {
            "booking": "bk-0a1b2c3d4e",
            "machine": "sleman-fryer-1",
            "starts": datetime(2026, 12, 4, 8, 0, tzinfo=timezone(timedelta(hours=7))),
        }
    )
    assert data == (
        '{"booking":"bk-0a1b2c3d4e","machine":"sleman-fryer-1",'
        '"starts":"2026-12-04T01:00:00.000000Z"}'
    )
    first = Event(
        1,
        datetime(2026, 11, 23, 4, 30, tzinfo=UTC),
        "booking.created",
        7,
        "sleman",
        "bk-0a1b2c3d4e",
        data,
        GENESIS,
    )
    assert event_hash(first) == "b3b8e16b2ff4fdf5b47d4c9a406467ffd677ed8378b962ef59daea776784407e"
    holiday = canonical_json({"day": date(2026, 12, 25), "name": "Natal"})
    second = Event(
        2,
        datetime(2026, 11, 23, 4, 31, 5, 123456, tzinfo=UTC),
        "holiday.added",
        None,
        "sleman",
        "2026-12-25",
        holiday,
        event_hash(first),
    )
    assert preimage(second) == (
        b'[2,"2026-11-23T04:31:05.123456Z","holiday.added",null,"sleman","2026-12-25",'
        b'"{\\"day\\":\\"2026-12-25\\",\\"name\\":\\"Natal\\"}",'
        b'"b3b8e16b2ff4fdf5b47d4c9a406467ffd677ed8378b962ef59daea776784407e"]'
    )
    assert event_hash(second) == "59d9eca21e4925620614dbfe1c5a50ed557d7ad1f61bfe7e2db542b8ce163275"


@pytest.mark.parametrize(
    "change",
    [
        {"id": 2},
        {"at": AT + timedelta(microseconds=1)},
        {"kind": "booking.cancelled"},
        {"actor": 8},
        {"actor": None},
        {"house": "batu-bara"},
        {"subject": "bk-0a1b2c3d4f"},
        {"data": '{"machine":"n"}'},
        {"prev_hash": "1" * 64},
    ],
)
def test_every_field_changes_the_hash(change):
    assert event_hash(replace(FIRST, **change)) != event_hash(FIRST)


def test_the_same_instant_in_another_zone_hashes_the_same():
    wib = AT.astimezone(timezone(timedelta(hours=7)))
    assert event_hash(replace(FIRST, at=wib)) == event_hash(FIRST)


def chain(length: int) -> list[tuple[Event, str]]:
    events, previous = [], GENESIS
    for number in range(1, length + 1):
        event = replace(FIRST, id=number, prev_hash=previous, subject=f"bk-{number}")
        previous = event_hash(event)
        events.append((event, previous))
    return events


def first_break(events: list[tuple[Event, str]]) -> tuple[int, str] | None:
    expected, previous = 1, GENESIS
    for event, stored in events:
        reason = broken_link(expected, previous, event, stored)
        if reason is not None:
            return event.id, reason
        expected, previous = event.id + 1, stored
    return None


def test_an_intact_chain_has_no_broken_link():
    assert first_break(chain(5)) is None


def test_an_edited_event_is_a_hash_mismatch_at_that_event():
    events = chain(5)
    event, stored = events[2]
    events[2] = (replace(event, data='{"machine":"forged"}'), stored)
    assert first_break(events) == (
        3,
        "hash mismatch: the stored hash is not the hash of the event's contents",
    )


def test_an_edited_and_rehashed_event_breaks_the_next_link():
    events = chain(5)
    forged = replace(events[2][0], data='{"machine":"forged"}')
    events[2] = (forged, event_hash(forged))
    assert first_break(events) == (4, "prev_hash is not event 3's hash")


def test_a_deleted_event_is_a_gap_named_by_its_id():
    events = chain(6)
    assert first_break(events[:2] + events[3:]) == (
        4,
        "gap in ids: event 3 is missing (expected id 3, found 4)",
    )
    assert first_break(events[:1] + events[4:])[1].startswith("gap in ids: events 2 to 4 are")
    assert first_break(events[1:])[1] == "gap in ids: event 1 is missing (expected id 1, found 2)"


def test_a_first_event_that_does_not_start_from_genesis_is_caught():
    events = chain(2)
    event, _stored = events[0]
    forged = replace(event, prev_hash="f" * 64)
    assert first_break([(forged, event_hash(forged))]) == (1, "prev_hash is not the genesis value")
