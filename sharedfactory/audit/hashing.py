"""PURE: the audit chain's hash recipe and the check of one link. Plain data in, hex out.

An event's hash is the SHA-256 (lower-case hex) of the UTF-8 bytes of the JSON array

    [id, at, kind, actor, house, subject, data, prev_hash]

written with `json.dumps(..., separators=(",", ":"), ensure_ascii=False)`, where `at` is the time
in UTC as `YYYY-MM-DDTHH:MM:SS.ffffffZ`, `actor` is an integer or null, `house` a string or null,
and `data` the event's canonical JSON text as stored (a string inside the array). The first
event's `prev_hash` is GENESIS; every later one's is the hash of the event before it.
docs/audit.md states the same recipe for anyone re-implementing the verify.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class Event:
    """One audit event as stored, less its own hash."""

    id: int
    at: datetime
    kind: str
    actor: int | None
    house: str | None
    subject: str
    data: str  # canonical JSON text (canonical_json)
    prev_hash: str


def _plain(value: Any) -> Any:
    """JSON has no dates, times or decimals: ISO 8601 text for the first two, a string for
    decimals (exact, unlike a float)."""
    if isinstance(value, datetime):
        return format_at(value) if value.tzinfo is not None else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot put {type(value).__name__} into an audit event")


def canonical_json(data: Mapping[str, Any]) -> str:
    """One text for one value: sorted keys, no spaces, UTF-8 characters as they are."""
    return json.dumps(
        data,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_plain,
    )


def format_at(at: datetime) -> str:
    """`2026-11-23T04:30:00.000000Z`: UTC, always six decimals."""
    if at.tzinfo is None:
        raise ValueError("an audit event's time needs its UTC offset")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def preimage(event: Event) -> bytes:
    """The exact bytes that are hashed."""
    fields = [
        event.id,
        format_at(event.at),
        event.kind,
        event.actor,
        event.house,
        event.subject,
        event.data,
        event.prev_hash,
    ]
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def event_hash(event: Event) -> str:
    return hashlib.sha256(preimage(event)).hexdigest()


def broken_link(expected_id: int, previous_hash: str, event: Event, stored_hash: str) -> str | None:
    """Why `event` (stored with `stored_hash`) does not follow the chain so far, or None.

    `expected_id` is one more than the previous event's id (1 for the first event) and
    `previous_hash` that event's hash (GENESIS for the first)."""
    if event.id != expected_id:
        return _gap(expected_id, event.id)
    if event.prev_hash != previous_hash:
        before = "the genesis value" if expected_id == 1 else f"event {expected_id - 1}'s hash"
        return f"prev_hash is not {before}"
    if event_hash(event) != stored_hash:
        return "hash mismatch: the stored hash is not the hash of the event's contents"
    return None


def _gap(expected_id: int, found_id: int) -> str:
    if found_id == expected_id + 1:
        missing = f"event {expected_id} is missing"
    elif found_id > expected_id:
        missing = f"events {expected_id} to {found_id - 1} are missing"
    else:
        missing = "ids out of sequence"
    return f"gap in ids: {missing} (expected id {expected_id}, found {found_id})"
