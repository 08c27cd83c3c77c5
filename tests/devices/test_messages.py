import contextlib
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sharedfactory.devices.messages import (
    MAX_PAYLOAD_BYTES,
    STATES,
    PayloadError,
    Telemetry,
    encode_telemetry,
    parse_state,
    parse_status,
    parse_telemetry,
)

pytestmark = pytest.mark.pure
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

TS = 1_764_554_400_000
GOOD = {
    "v": 1,
    "ts": TS,
    "seq": 1842,
    "state": "running",
    "counters": {"good": 5120, "reject": 37, "energy_wh": 884210},
    "values": {"oil_temp_c": 84.2, "vacuum_cmhg": -67.5},
    "booking": "bk-5521",
}


def payload(**changes):
    message = {**GOOD, **changes}
    return json.dumps({k: v for k, v in message.items() if v is not ...}).encode()


def reason_of(data: bytes) -> str:
    with pytest.raises(PayloadError) as caught:
        parse_telemetry(data)
    return caught.value.reason


def test_contract_example_parses():
    message = parse_telemetry(payload())
    assert message == Telemetry(
        v=1,
        ts=TS,
        seq=1842,
        state="running",
        counters={"good": 5120, "reject": 37, "energy_wh": 884210},
        values={"oil_temp_c": 84.2, "vacuum_cmhg": -67.5},
        booking="bk-5521",
    )


@pytest.mark.parametrize(
    "data",
    [
        payload(booking=...),
        payload(booking=None),
        payload(extra={"added": [1, 2]}, note="fields may be added"),
        payload(values={"oil_temp_c": 84}),
        payload(counters={}, values={}),
        payload(seq=0),
        payload(seq=2**32 - 1),
        payload(counters={"good": 2**63 - 1}),
        payload(values={"f0_min": 3.2, "moisture_pct": 7.0}),
        payload(ts=1_577_836_800_000),
        b"  " + payload() + b"\n",
    ],
)
def test_good_payloads(data):
    assert isinstance(parse_telemetry(data), Telemetry)


@pytest.mark.parametrize(
    ("data", "prefix"),
    [
        (b"", "bad_json"),
        (b"not json", "bad_json"),
        (b'{"v": 1,', "bad_json"),
        (b"[]", "schema: $: Expected object, got array"),
        (b"null", "schema: $"),
        (b"\xff\xfe{}", "not_utf8"),
        (payload()[:-1] + b', "x": "\xc3\x28"}', "not_utf8"),
        (payload() + b"\x00", "nul_byte"),
        (payload(booking="a\u0000b"), "nul_byte"),
        (b"{" + b" " * MAX_PAYLOAD_BYTES + b"}", "oversize"),
        (payload(v=...), "schema: $: Object missing required field v"),
        (payload(v=2), "bad_value: v"),
        (payload(v="1"), "schema: $.v: Expected int, got str"),
        (payload(ts=1.5e12), "schema: $.ts"),
        (payload(ts=1_000), "bad_value: ts"),
        (payload(ts=4_102_444_800_000), "bad_value: ts"),
        (payload(seq=-1), "bad_value: seq"),
        (payload(seq=2**32), "bad_value: seq"),
        (payload(state="Running"), "bad_value: unknown state"),
        (payload(state=1), "schema: $.state"),
        (payload(counters={"good": "5"}), "schema: $.counters"),
        (payload(counters={"good": -1}), "bad_value: counter good"),
        (payload(counters={"good": 2**63}), "bad_value: counter good"),
        (payload(counters={"good": 2**70}), "bad_value: counter good"),
        (payload(counters={"good": 1.0}), "schema: $.counters"),
        (payload(counters={"Good": 1}), "bad_value: counter name"),
        (payload(counters={"1good": 1}), "bad_value: counter name"),
        (payload(counters={f"c{i}": i for i in range(65)}), "bad_value: too many counters"),
        (payload(values={"temp": 1.0}), "bad_value: value name"),
        (payload(values={"oil_temp_": 1.0}), "bad_value: value name"),
        (payload(values={"oil-temp_c": 1.0}), "bad_value: value name"),
        (payload(values={"a_" + "b" * 63: 1.0}), "bad_value: value name"),
        (payload(values={f"v_{i}": 1.0 for i in range(65)}), "bad_value: too many values"),
        (payload(values={"oil_temp_c": True}), "schema: $.values"),
        (payload(values={"oil_temp_c": "84"}), "schema: $.values"),
        (payload(values={"oil_temp_c": None}), "schema: $.values"),
        (payload(booking="BK-1"), "bad_value: booking"),
        (payload(booking="b" * 65), "bad_value: booking"),
        (payload(booking=5521), "schema: $.booking"),
        (payload(counters=[1]), "schema: $.counters"),
    ],
)
def test_bad_payloads(data, prefix):
    assert reason_of(data).startswith(prefix)


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e999"])
def test_non_finite_values_rejected(literal):
    data = payload(values={"oil_temp_c": 1.0}).replace(b"1.0", literal)
    assert reason_of(data).startswith(("bad_json", "schema", "bad_value"))


def test_exactly_max_size_accepted_and_one_more_rejected():
    base = payload()
    padded = base[:-1] + b" " * (MAX_PAYLOAD_BYTES - len(base)) + b"}"
    assert len(padded) == MAX_PAYLOAD_BYTES
    assert parse_telemetry(padded).seq == 1842
    assert reason_of(padded[:-1] + b" }") == "oversize"


@pytest.mark.parametrize("depth", [100, 10_000, MAX_PAYLOAD_BYTES // 2])
def test_deep_nesting_is_a_payload_error(depth):
    assert reason_of(b"[" * depth + b"]" * depth).startswith(("schema", "bad_json", "oversize"))
    nested = payload()[:-1] + b', "x": ' + b"[" * depth + b"]" * depth + b"}"
    if len(nested) <= MAX_PAYLOAD_BYTES:
        parse_or_error = None
        with contextlib.suppress(PayloadError):
            parse_or_error = parse_telemetry(nested)
        assert parse_or_error is None or parse_or_error.seq == 1842


@relaxed
@given(st.binary(max_size=512))
def test_arbitrary_bytes_only_raise_payload_error(data):
    with contextlib.suppress(PayloadError):
        parse_telemetry(data)
    for parse in (parse_state, parse_status):
        with contextlib.suppress(PayloadError):
            parse(data)


json_leaf = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4)
json_values = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=8,
)


@relaxed
@given(st.dictionaries(st.sampled_from([*list(GOOD), "x"]), json_values))
def test_arbitrary_json_objects_only_raise_payload_error(message):
    with contextlib.suppress(PayloadError):
        parse_telemetry(json.dumps(message).encode())


codes = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)
telemetry = st.builds(
    Telemetry,
    v=st.just(1),
    ts=st.integers(1_577_836_800_000, 4_102_444_799_999),
    seq=st.integers(0, 2**32 - 1),
    state=st.sampled_from(STATES),
    counters=st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True),
        st.integers(0, 2**63 - 1),
        max_size=8,
    ),
    values=st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9]{0,8}(_[a-z0-9]{1,6}){1,3}", fullmatch=True),
        st.floats(allow_nan=False, allow_infinity=False),
        max_size=8,
    ),
    booking=st.none() | codes,
)


@relaxed
@given(telemetry)
def test_encode_parse_round_trip(message):
    assert parse_telemetry(encode_telemetry(message)) == message


def test_encode_refuses_invalid_message():
    bad = Telemetry(v=1, ts=TS, seq=1, state="running", counters={}, values={"x_c": math.nan})
    with pytest.raises(PayloadError):
        encode_telemetry(bad)


@pytest.mark.parametrize(
    ("data", "state"),
    [
        (b"running", "running"),
        (b"  idle\n", "idle"),
        (b'"fault"', "fault"),
        (json.dumps({"v": 1, "ts": TS, "state": "setup"}).encode(), "setup"),
        (json.dumps({"v": 1, "ts": TS, "state": "off", "extra": 1}).encode(), "off"),
    ],
)
def test_parse_state_forms(data, state):
    assert parse_state(data) == state


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"Running",
        b"\xff",
        b'"walking"',
        b'{"v": 1, "state": "idle"}',
        json.dumps({"v": 2, "ts": TS, "state": "idle"}).encode(),
        json.dumps({"v": 1, "ts": TS, "state": "sleeping"}).encode(),
        b"{" * 5000,
    ],
)
def test_parse_state_rejects(data):
    with pytest.raises(PayloadError):
        parse_state(data)


def test_parse_status():
    assert parse_status(b"online") == "online"
    assert parse_status(b"offline\n") == "offline"
    for bad in (b"", b"ONLINE", b'"online"', b"\xff", b"on\x00line"):
        with pytest.raises(PayloadError):
            parse_status(bad)
