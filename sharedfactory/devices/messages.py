"""Telemetry wire messages (CONTRACTS.md section 4): strict parsing of untrusted device bytes.

Every parser here takes arbitrary bytes and either returns a valid value or raises
`PayloadError` with a short, stable, machine-readable `reason` that the ingest stores with the
dead-lettered message. No other exception escapes, whatever the input.
"""

from __future__ import annotations

import math
import re
from typing import Final, Literal, TypeVar

import msgspec

MAX_PAYLOAD_BYTES: Final = 16 * 1024
STATES: Final = ("off", "idle", "setup", "running", "fault", "maintenance")
PROTOCOL_VERSION: Final = 1
MIN_TS_MS: Final = 1_577_836_800_000  # 2020-01-01T00:00:00Z
MAX_TS_MS: Final = 4_102_444_800_000  # 2100-01-01T00:00:00Z (exclusive)
MAX_SEQ: Final = 2**32 - 1
MAX_COUNTER: Final = 2**63 - 1
MAX_ENTRIES: Final = 64
MAX_CODE_LENGTH: Final = 64

CODE_PATTERN: Final = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
COUNTER_NAME_PATTERN: Final = re.compile(r"[a-z][a-z0-9_]{0,63}")
VALUE_NAME_PATTERN: Final = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)+")
MAX_VALUE_NAME_LENGTH: Final = 64

T = TypeVar("T")


class PayloadError(ValueError):
    """A message or topic that breaks the contract; `reason` is short and stable."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Telemetry(msgspec.Struct, frozen=True):
    """One telemetry message. Unknown extra fields are ignored (the contract may add fields)."""

    v: int
    ts: int
    seq: int
    state: str
    counters: dict[str, int]
    values: dict[str, float]
    booking: str | None = None


class _StateMessage(msgspec.Struct, frozen=True):
    v: int
    ts: int
    state: str


def is_code(text: str) -> bool:
    """True for a URL-safe lower-case code such as `batu-bara-fryer-1` (at most 64 chars)."""
    return len(text) <= MAX_CODE_LENGTH and CODE_PATTERN.fullmatch(text) is not None


def _checked_text(payload: bytes) -> str:
    """Size, NUL and UTF-8 checks shared by every topic kind."""
    if not isinstance(payload, bytes | bytearray | memoryview):
        raise PayloadError("not_bytes")
    payload = bytes(payload)
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise PayloadError("oversize")
    if b"\x00" in payload or b"\\u0000" in payload:
        raise PayloadError("nul_byte")
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError("not_utf8") from None


def _schema_reason(error: msgspec.ValidationError) -> str:
    """`Expected `int`, got `str` - at `$.v`` -> `schema: $.v: Expected int, got str`."""
    message, _, path = str(error).partition(" - at ")
    path = path.strip("`") or "$"
    return f"schema: {path}: {message.replace('`', '')}"


def _decode(text: str, type_: type[T]) -> T:
    try:
        return msgspec.json.decode(text, type=type_)
    except msgspec.ValidationError as error:
        raise PayloadError(_schema_reason(error)) from None
    except msgspec.DecodeError:
        raise PayloadError("bad_json") from None
    except RecursionError:
        raise PayloadError("bad_json: too deeply nested") from None


def _check_header(v: int, ts: int, state: str) -> None:
    if v != PROTOCOL_VERSION:
        raise PayloadError(f"bad_value: v must be {PROTOCOL_VERSION}")
    if not MIN_TS_MS <= ts < MAX_TS_MS:
        raise PayloadError("bad_value: ts out of range")
    if state not in STATES:
        raise PayloadError("bad_value: unknown state")


def _check_counters(counters: dict[str, int]) -> None:
    if len(counters) > MAX_ENTRIES:
        raise PayloadError("bad_value: too many counters")
    for name, count in counters.items():
        if COUNTER_NAME_PATTERN.fullmatch(name) is None:
            raise PayloadError("bad_value: counter name")
        if not 0 <= count <= MAX_COUNTER:
            raise PayloadError(f"bad_value: counter {name} out of range")


def _check_values(values: dict[str, float]) -> None:
    if len(values) > MAX_ENTRIES:
        raise PayloadError("bad_value: too many values")
    for name, value in values.items():
        if len(name) > MAX_VALUE_NAME_LENGTH or VALUE_NAME_PATTERN.fullmatch(name) is None:
            raise PayloadError("bad_value: value name")
        if not math.isfinite(value):
            raise PayloadError(f"bad_value: value {name} not finite")


def validate_telemetry(message: Telemetry) -> Telemetry:
    """Check every contract rule that the type alone does not; return the message unchanged."""
    _check_header(message.v, message.ts, message.state)
    if not 0 <= message.seq <= MAX_SEQ:
        raise PayloadError("bad_value: seq out of range")
    _check_counters(message.counters)
    _check_values(message.values)
    if message.booking is not None and not is_code(message.booking):
        raise PayloadError("bad_value: booking")
    return message


def parse_telemetry(payload: bytes) -> Telemetry:
    """Parse and validate one `.../telemetry` payload; raise `PayloadError` on any violation."""
    return validate_telemetry(_decode(_checked_text(payload), Telemetry))


def encode_telemetry(message: Telemetry) -> bytes:
    """Encode a message as compact JSON; raise `PayloadError` if it breaks the contract."""
    data = msgspec.json.encode(validate_telemetry(message))
    if len(data) > MAX_PAYLOAD_BYTES:
        raise PayloadError("oversize")
    return data


def parse_status(payload: bytes) -> Literal["online", "offline"]:
    """Parse a `.../status` payload: the bare word `online` or `offline` (whitespace ignored)."""
    word = _checked_text(payload).strip()
    if word == "online":
        return "online"
    if word == "offline":
        return "offline"
    raise PayloadError("bad_value: status")


def parse_state(payload: bytes) -> str:
    """Parse a `.../state` payload, which is one of three forms (whitespace around ignored):

    - a bare state word: `running`;
    - a JSON string: `"running"`;
    - a JSON object `{"v": 1, "ts": <ms>, "state": "running"}` (extra fields ignored).
    """
    text = _checked_text(payload).strip()
    if text.startswith("{"):
        message = _decode(text, _StateMessage)
        _check_header(message.v, message.ts, message.state)
        return message.state
    if text.startswith('"'):
        text = _decode(text, str)
    if text not in STATES:
        raise PayloadError("bad_value: unknown state")
    return text
