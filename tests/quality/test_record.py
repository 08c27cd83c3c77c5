"""The record's pure parts: the telemetry digest, the body, and the lines people read."""

from __future__ import annotations

from sharedfactory.analytics.quality import Limit, evaluate_run
from sharedfactory.analytics.samples import Sample
from sharedfactory.i18n.catalog import gettext_for
from sharedfactory.quality.record import BatchFacts, record_body, seal, telemetry_digest
from sharedfactory.quality.view import record_view

START = 1_740_000_000_000
BATCH = BatchFacts(
    "bk-1",
    "Susu pasteurisasi",
    "100.00",
    "halal",
    True,
    "ud-susu",
    "UD Susu",
    "1234567890123",
    "sleman",
    "RPB Sleman",
    "Asia/Jakarta",
    "sleman-pasteuriser-1",
    "Pasteurisator 1",
    START,
    START + 3_600_000,
)
HTST = Limit("milk_temp_c", 72.0, None, 15, "HTST >= 72 C 15 s")


def run(temperature: float, seconds: int = 30) -> list[Sample]:
    return [
        Sample(START + s * 1000, s, "running", {"good": s}, {"milk_temp_c": temperature}, "bk-1")
        for s in range(0, seconds + 1, 5)
    ]


def body(samples: list[Sample]) -> dict:
    limits = {"milk_temp_c": {"min": 72.0, "max": None, "hold_seconds": 15}}
    return record_body(BATCH, evaluate_run([HTST], samples), limits, samples, None)


def test_the_digest_follows_every_reading_and_not_their_order():
    samples = run(73.0)
    assert telemetry_digest(samples) == telemetry_digest(list(reversed(samples)))
    edited = [
        *samples[:-1],
        Sample(samples[-1].ts_ms, samples[-1].seq, "running", {}, {"milk_temp_c": 73.5}, "bk-1"),
    ]
    assert telemetry_digest(edited) != telemetry_digest(samples)
    assert telemetry_digest(samples[:-1]) != telemetry_digest(samples)


def test_the_body_states_the_check_against_its_standard():
    found = body(run(73.0))
    assert found["passed"] is True
    assert found["business"] == {"code": "ud-susu", "name": "UD Susu", "nib": "1234567890123"}
    assert found["from"] == "2025-02-19T21:20:00Z"
    [check] = found["checks"]
    assert check["held_seconds"] == 30.0
    assert check["limit"] == {"min": 72.0, "max": None, "hold_seconds": 15}
    assert found["samples"] == 7
    assert body(run(70.0))["passed"] is False


def test_sealing_is_canonical_so_the_same_body_has_one_hash():
    text, digest = seal(body(run(73.0)))
    again, digest_again = seal(dict(reversed(list(body(run(73.0)).items()))))
    assert (text, digest) == (again, digest_again)
    assert len(digest) == 64


def test_the_view_reads_in_indonesian_and_in_english():
    found = body(run(70.0))
    view = record_view(found, "ab" * 32, gettext_for("id"))
    assert view.verdict == "Tidak memenuhi semua batas"
    assert view.checks[0].limit == ">= 72 selama 15 dtk"
    assert ("UMKM", "UD Susu (NIB 1234567890123)") in view.facts
    assert ("Proses", "2025-02-20 04.20–05.20 WIB") in view.facts
    english = record_view(body(run(73.0)), "ab" * 32, gettext_for("en"))
    assert english.verdict == "Meets every limit"
    assert english.checks[0].reason == "met"
