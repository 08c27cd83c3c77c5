"""OEE after ISO 22400-2 (availability x performance x quality) and a utilisation helper."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OeeFigures:
    """Each factor in [0, 1], or None when its denominator is zero (not measurable)."""

    availability: float | None
    performance: float | None
    quality: float | None
    oee: float | None


@dataclass(frozen=True)
class UtilisationFigures:
    """Shares of planned time that were booked and actually used, and of booked time used."""

    booked_share: float | None
    used_share: float | None
    booked_used_share: float | None


def _ratio(numerator: float, denominator: float, *, clamp: bool) -> float | None:
    if denominator == 0:
        return None
    ratio = numerator / denominator
    return min(ratio, 1.0) if clamp else ratio


def _check_not_negative(**quantities: float) -> None:
    for name, quantity in quantities.items():
        if quantity < 0:
            raise ValueError(f"{name} must not be negative")


def oee(
    planned_busy_s: float,
    actual_production_s: float,
    ideal_cycle_s: float,
    produced: int,
    good: int,
) -> OeeFigures:
    """ISO 22400 OEE figures.

    - availability = actual production time (APT) / planned busy time (PBT);
    - performance = ideal cycle time x produced quantity / APT;
    - quality = good quantity / produced quantity;
    - oee = availability x performance x quality.

    Rule: a factor whose denominator is 0 is None (nothing to measure, not 0 % or 100 %), and
    oee is None if any factor is None. Factors above 1 (production outside the plan, an
    optimistic ideal cycle, more good than produced) are capped at 1. Negative inputs raise
    ValueError.
    """
    _check_not_negative(
        planned_busy_s=planned_busy_s,
        actual_production_s=actual_production_s,
        ideal_cycle_s=ideal_cycle_s,
        produced=produced,
        good=good,
    )
    availability = _ratio(actual_production_s, planned_busy_s, clamp=True)
    performance = _ratio(ideal_cycle_s * produced, actual_production_s, clamp=True)
    quality = _ratio(good, produced, clamp=True)
    overall = None
    if availability is not None and performance is not None and quality is not None:
        overall = availability * performance * quality
    return OeeFigures(availability, performance, quality, overall)


def utilisation(booked_s: float, actual_s: float, planned_s: float) -> UtilisationFigures:
    """Booked / planned, actual / planned and actual / booked time; None for a zero denominator.

    Not capped: actual use beyond the booking (overrun) shows as a share above 1.
    """
    _check_not_negative(booked_s=booked_s, actual_s=actual_s, planned_s=planned_s)
    return UtilisationFigures(
        booked_share=_ratio(booked_s, planned_s, clamp=False),
        used_share=_ratio(actual_s, planned_s, clamp=False),
        booked_used_share=_ratio(actual_s, booked_s, clamp=False),
    )
