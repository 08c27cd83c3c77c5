"""PURE: the body of a per-batch quality record, and the digests that make it checkable.

A record is plain data (a dict of JSON types) built from one booking's run: who, what, where,
when, each quality check against its standard, the excursions, and `telemetry_sha256`, a digest
of exactly the telemetry the checks read. Sealing stores the body as canonical JSON and its
SHA-256; checking it later recomputes both digests, so an edited record, and telemetry edited
after sealing, both show.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sharedfactory.analytics.quality import QualityResult
from sharedfactory.analytics.samples import Sample
from sharedfactory.audit.hashing import canonical_json

RECORD_VERSION = 1


@dataclass(frozen=True)
class BatchFacts:
    """What the record says about the batch besides the checks (all strings are shown as is)."""

    booking: str
    product: str
    quantity: str
    product_class: str
    halal: bool
    business: str
    business_name: str
    nib: str
    house: str
    house_name: str
    timezone: str
    machine: str
    machine_name: str
    starts_ms: int
    ends_ms: int


def iso_utc(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat().replace("+00:00", "Z")


def telemetry_digest(samples: Iterable[Sample]) -> str:
    """SHA-256 over the run's own samples in time order: any later edit of them changes it."""
    digest = hashlib.sha256()
    for sample in sorted(samples, key=lambda s: (s.ts_ms, s.seq)):
        line = [sample.ts_ms, sample.seq, sample.state, sample.counters, sample.values]
        digest.update(json.dumps(line, sort_keys=True, separators=(",", ":")).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def _checks(result: QualityResult, limits: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "value": check.value_name,
            "standard": check.standard,
            "limit": dict(limits.get(check.value_name, {})),
            "passed": check.passed,
            "observed_min": check.observed_min,
            "observed_max": check.observed_max,
            "held_seconds": check.held_seconds,
            "reason": check.reason,
        }
        for check in result.checks
    ]


def _excursions(result: QualityResult) -> list[dict[str, Any]]:
    return [
        {
            "value": e.value_name,
            "from": iso_utc(e.start_ms),
            "to": iso_utc(e.end_ms),
            "worst": e.worst_value,
            "limit": e.limit_value,
            "side": e.side,
        }
        for e in result.excursions
    ]


def record_body(
    batch: BatchFacts,
    result: QualityResult,
    limits: Mapping[str, Mapping[str, Any]],
    samples: list[Sample],
    cleaning: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The record as sealed. `limits` maps a value name to its {min, max, hold_seconds};
    `cleaning` is the halal changeover evidence the batch relied on, if any."""
    return {
        "version": RECORD_VERSION,
        "booking": batch.booking,
        "product": batch.product,
        "quantity": batch.quantity,
        "product_class": batch.product_class,
        "halal": batch.halal,
        "business": {"code": batch.business, "name": batch.business_name, "nib": batch.nib},
        "house": {"code": batch.house, "name": batch.house_name, "timezone": batch.timezone},
        "machine": {"code": batch.machine, "name": batch.machine_name},
        "from": iso_utc(batch.starts_ms),
        "to": iso_utc(batch.ends_ms),
        "passed": result.passed,
        "checks": _checks(result, limits),
        "excursions": _excursions(result),
        "samples": len(samples),
        "telemetry_sha256": telemetry_digest(samples),
        "cleaning": dict(cleaning) if cleaning is not None else None,
    }


def seal(body: Mapping[str, Any]) -> tuple[str, str]:
    """The stored text of a body and its SHA-256."""
    text = canonical_json(body)
    return text, hashlib.sha256(text.encode()).hexdigest()
