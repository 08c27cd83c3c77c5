import pytest

from sharedfactory.analytics.quality import (
    CheckResult,
    Excursion,
    Limit,
    evaluate_run,
    first_excursion,
)
from tests.analytics.helpers import SECOND, T0, sample

FRYING = Limit("oil_temp_c", 80.0, 90.0, None, "HACCP vacuum frying")
PASTEURISATION = Limit("milk_temp_c", 72.0, None, 15, "HACCP HTST pasteurisation")


def readings(name, temps, step=SECOND, state="running"):
    return [sample(T0 + i * step, state, **{name: t}) for i, t in enumerate(temps)]


def test_frying_within_limits_passes():
    result = evaluate_run([FRYING], readings("oil_temp_c", [82, 84, 85, 83]))
    assert result.passed
    assert result.excursions == []
    assert result.checks == [
        CheckResult("oil_temp_c", "HACCP vacuum frying", True, 82, 85, None, "ok")
    ]


def test_frying_excursion_found_with_its_span():
    temps = [84, 85, 89, 90.5, 91, 90.2, 88, 85]
    result = evaluate_run([FRYING], readings("oil_temp_c", temps))
    assert not result.passed
    assert result.excursions == [
        Excursion("oil_temp_c", T0 + 3 * SECOND, T0 + 5 * SECOND, 91, 90.0, "max")
    ]
    assert result.checks[0].reason == "1 excursion(s) above max"
    assert result.checks[0].observed_max == 91


def test_below_min_and_separate_excursions():
    temps = [79, 81, 91, 81, 92]
    result = evaluate_run([FRYING], readings("oil_temp_c", temps))
    assert [(e.side, e.start_ms - T0, e.worst_value) for e in result.excursions] == [
        ("min", 0, 79),
        ("max", 2 * SECOND, 91),
        ("max", 4 * SECOND, 92),
    ]
    assert result.checks[0].reason == "1 excursion(s) below min; 2 excursion(s) above max"


def test_only_running_samples_are_checked_and_other_states_break_spans():
    samples = [
        *readings("oil_temp_c", [95, 95], state="setup"),
        sample(T0 + 5 * SECOND, oil_temp_c=91),
        sample(T0 + 6 * SECOND, "fault", oil_temp_c=99),
        sample(T0 + 7 * SECOND, oil_temp_c=92),
        sample(T0 + 8 * SECOND),  # running, no reading: skipped, does not break
        sample(T0 + 9 * SECOND, oil_temp_c=93),
    ]
    result = evaluate_run([FRYING], samples)
    assert [(e.start_ms - T0, e.end_ms - T0, e.worst_value) for e in result.excursions] == [
        (5 * SECOND, 5 * SECOND, 91),
        (7 * SECOND, 9 * SECOND, 93),
    ]
    assert result.checks[0].observed_max == 93


def test_pasteurisation_held_15_s_passes():
    temps = [40, 60, 70, *[72.5] * 16, 60, 20]
    result = evaluate_run([PASTEURISATION], readings("milk_temp_c", temps))
    assert result.passed
    assert result.checks[0].held_seconds == 15
    assert result.excursions == []


def test_pasteurisation_held_10_s_fails():
    temps = [40, 60, *[73.0] * 11, 65, *[73.0] * 5]
    result = evaluate_run([PASTEURISATION], readings("milk_temp_c", temps))
    assert not result.passed
    check = result.checks[0]
    assert check.held_seconds == 10
    assert check.reason == "held 10 s < 15 s"
    assert [e.worst_value for e in result.excursions] == [40, 65]


def test_hold_with_a_max_checks_the_max_as_a_plain_limit():
    limit = Limit("milk_temp_c", 72.0, 75.0, 15, "HTST")
    temps = [60, *[73.0] * 10, 76, *[73.0] * 10]
    result = evaluate_run([limit], readings("milk_temp_c", temps))
    assert result.checks[0].held_seconds == 20
    assert result.checks[0].reason == "1 excursion(s) above max"
    assert [e.side for e in result.excursions] == ["max"]


def test_missing_value_fails_with_no_data():
    result = evaluate_run([FRYING, PASTEURISATION], readings("oil_temp_c", [84, 85]))
    assert not result.passed
    assert [c.passed for c in result.checks] == [True, False]
    assert result.checks[1] == CheckResult(
        "milk_temp_c", "HACCP HTST pasteurisation", False, None, None, None, "no data"
    )


def test_value_seen_only_outside_running_is_no_data():
    result = evaluate_run([FRYING], readings("oil_temp_c", [84], state="idle"))
    assert result.checks[0].reason == "no data"


def test_no_limits_passes():
    assert evaluate_run([], []).passed


@pytest.mark.parametrize(
    ("previous", "value", "alarm"),
    [
        (None, 85, False),
        (None, 91, True),
        (85, 91, True),
        (91, 92, False),
        (91, 85, False),
        (85, 79, True),
        (79, 95, False),
        (90, 90, False),
    ],
)
def test_first_excursion(previous, value, alarm):
    assert first_excursion(FRYING, previous, value) is alarm


def test_hold_rule_min_does_not_alarm_live():
    assert not first_excursion(PASTEURISATION, None, 20)
    limit = Limit("milk_temp_c", 72.0, 75.0, 15, "HTST")
    assert first_excursion(limit, 74, 76)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_value": None, "max_value": None, "hold_seconds": None},
        {"min_value": None, "max_value": 4.4, "hold_seconds": 15},
        {"min_value": 5.0, "max_value": 4.0, "hold_seconds": None},
    ],
)
def test_invalid_limits(kwargs):
    with pytest.raises(ValueError, match="min_value"):
        Limit("milk_temp_c", standard="x", **kwargs)
