"""The display strings the pages share."""

from datetime import time

from sharedfactory.facilities.queries import OpeningSpan
from sharedfactory.web.presenters import closed_days, weekly_hours


def test_weekly_hours_group_equal_days_and_keep_every_span_of_a_day():
    spans = (
        OpeningSpan(0, time(13), time(16)),
        OpeningSpan(0, time(8), time(12)),
        OpeningSpan(1, time(8), time(12)),
        OpeningSpan(1, time(13), time(16)),
        OpeningSpan(2, time(8), time(16)),
    )
    assert weekly_hours(spans, "Asia/Makassar", "id") == [
        "Senin–Selasa 08.00–12.00, 13.00–16.00 WITA",
        "Rabu 08.00–16.00 WITA",
    ]
    assert closed_days(spans, "id") == ["Kamis", "Jumat", "Sabtu", "Minggu"]
