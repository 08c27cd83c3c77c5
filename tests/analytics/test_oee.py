import pytest

from sharedfactory.analytics.oee import OeeFigures, UtilisationFigures, oee, utilisation

HOUR = 3600


def test_worked_example():
    figures = oee(
        planned_busy_s=8 * HOUR,
        actual_production_s=6 * HOUR,
        ideal_cycle_s=60,
        produced=300,
        good=285,
    )
    assert figures.availability == pytest.approx(0.75)
    assert figures.performance == pytest.approx(300 * 60 / 21600)
    assert figures.performance == pytest.approx(0.8333, abs=1e-4)
    assert figures.quality == pytest.approx(0.95)
    assert figures.oee == pytest.approx(0.75 * 0.8333333 * 0.95)


def test_zero_denominators_are_none():
    assert oee(0, 0, 60, 0, 0) == OeeFigures(None, None, None, None)
    figures = oee(8 * HOUR, 0, 60, 0, 0)
    assert figures == OeeFigures(0.0, None, None, None)
    assert oee(8 * HOUR, 4 * HOUR, 60, 0, 0).quality is None


def test_factors_capped_at_one():
    figures = oee(HOUR, 2 * HOUR, 60, 500, 600)
    assert figures == OeeFigures(1.0, 1.0, 1.0, 1.0)


def test_negative_input_rejected():
    with pytest.raises(ValueError, match="good"):
        oee(HOUR, HOUR, 60, 10, -1)


def test_utilisation():
    assert utilisation(booked_s=6 * HOUR, actual_s=3 * HOUR, planned_s=8 * HOUR) == (
        UtilisationFigures(0.75, 0.375, 0.5)
    )
    assert utilisation(0, 0, 0) == UtilisationFigures(None, None, None)
