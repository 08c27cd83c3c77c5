"""Booked versus actual machine time, and the run-started signal for no-show release."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sharedfactory.analytics.intervals import StateInterval

RUNNING = "running"
START_STATES = frozenset({"setup", "running"})


@dataclass(frozen=True)
class BookedVsActual:
    """A booking's booked time against the machine's actual running time."""

    booked_s: float
    actual_running_s: float
    first_running_ms: int | None
    last_running_ms: int | None
    booking_start_ms: int

    def started_within(self, minutes: float) -> bool:
        """True if the machine was running no later than `minutes` after the booked start."""
        if self.first_running_ms is None:
            return False
        return self.first_running_ms <= self.booking_start_ms + minutes * 60_000

    @property
    def used_share(self) -> float | None:
        """Actual running time / booked time (above 1 for an overrun), None if nothing booked."""
        return None if self.booked_s == 0 else self.actual_running_s / self.booked_s


def _running_pieces(
    booking_start_ms: int,
    booking_end_ms: int,
    intervals: Iterable[StateInterval],
    booking_id: str | None,
) -> list[tuple[int, int]]:
    pieces = []
    for interval in intervals:
        if interval.state != RUNNING:
            continue
        if booking_id is not None:
            if interval.booking == booking_id:
                pieces.append((interval.start_ms, interval.end_ms))
            continue
        start = max(interval.start_ms, booking_start_ms)
        end = min(interval.end_ms, booking_end_ms)
        if end > start:
            pieces.append((start, end))
    return pieces


def booked_vs_actual(
    booking_start_ms: int,
    booking_end_ms: int,
    intervals: Iterable[StateInterval],
    booking_id: str | None = None,
) -> BookedVsActual:
    """Booked time against actual `running` time of one machine for one booking.

    With `booking_id`, running intervals tagged with that booking count wherever they fall
    (an overrun or early start is real use of that booking). Without it, running time is the
    part of any running interval inside the booked window.
    """
    if booking_end_ms < booking_start_ms:
        raise ValueError("booking ends before it starts")
    pieces = _running_pieces(booking_start_ms, booking_end_ms, intervals, booking_id)
    return BookedVsActual(
        booked_s=(booking_end_ms - booking_start_ms) / 1000,
        actual_running_s=sum(end - start for start, end in pieces) / 1000,
        first_running_ms=min((start for start, _ in pieces), default=None),
        last_running_ms=max((end for _, end in pieces), default=None),
        booking_start_ms=booking_start_ms,
    )


def run_started(
    intervals: Iterable[StateInterval],
    booking_id: str,
    booking_start_ms: int,
    grace_ms: int,
    now_ms: int,
) -> bool | None:
    """Did the booked run start in time? The no-show release signal.

    True: the machine was in `setup` or `running` at some moment of
    [booking_start_ms, booking_start_ms + grace_ms] (an early start that carries on into the
    window counts), in an interval tagged with this booking or with no booking (an operator who
    forgot to pick the booking on the panel is not a no-show). Another booking's run does not
    count. False: no such start and the grace period is over at `now_ms`. None: not started
    yet, still within grace (wait).
    """
    deadline = booking_start_ms + grace_ms
    for interval in intervals:
        if interval.state not in START_STATES or interval.booking not in (booking_id, None):
            continue
        if interval.start_ms <= deadline and interval.end_ms > booking_start_ms:
            return True
    return False if now_ms >= deadline else None
