"""Every user-facing string is in the Indonesian catalogue, and formats follow Indonesian use."""

from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from sharedfactory.i18n.catalog import translations
from sharedfactory.i18n.formats import clock, clock_span, number, rupiah

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("sharedfactory/**.py", "python"), ("web/templates/**.html", "jinja2")]


def _message_ids() -> set[str]:
    found = extract_from_dir(
        str(ROOT), METHODS, keywords={"_": None}, directory_filter=lambda path: ".venv" not in path
    )
    return {message for _file, _line, message, _comments, _context in found}


def test_every_message_is_translated_into_indonesian():
    messages = _message_ids()
    assert len(messages) > 15
    indonesian = translations("id")
    missing = [m for m in sorted(messages) if indonesian.gettext(m) == m]
    assert missing == []


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(1_500_000, "Rp1.500.000"), (0, "Rp0"), (999, "Rp999"), (-25_000, "-Rp25.000")],
)
def test_rupiah(amount, shown):
    assert rupiah(amount) == shown


def test_clock_is_shown_in_the_house_zone():
    utc = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert clock(utc, "Asia/Jakarta") == "08.00 WIB"
    assert clock(utc, "Asia/Makassar") == "09.00 WITA"
    assert clock(utc, "Asia/Jayapura") == "10.00 WIT"
    assert clock_span(time(8), time(16, 30), "Asia/Jakarta") == "08.00–16.30 WIB"


def test_numbers_use_the_decimal_comma():
    assert (number(5.5), number(1200), number(6.0)) == ("5,5", "1.200", "6")
