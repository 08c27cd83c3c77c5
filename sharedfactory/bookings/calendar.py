"""Bookings as an iCalendar feed (RFC 5545), for the calendar app on a phone. Pure: no database.

Every booking becomes one VEVENT with a stable UID, so a calendar that subscribes to the feed
updates the event when a booking moves and marks it cancelled when it is cancelled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar, Event

PRODUCT_ID = "-//sharedfactory//bookings//ID"
# A booking that holds machine time is on; a cancelled one or a no-show is shown as cancelled.
EVENT_STATUS = {
    "pending": "TENTATIVE",
    "confirmed": "CONFIRMED",
    "completed": "CONFIRMED",
    "cancelled": "CANCELLED",
    "no_show": "CANCELLED",
}


def uid(code: str) -> str:
    return f"{code}@sharedfactory"


def summary(booking: Mapping[str, Any]) -> str:
    return f"{booking['machine_name']}: {booking['product']}"


def booking_event(booking: Mapping[str, Any], stamp: datetime) -> Event:
    """`booking` keys: code, machine, machine_name, product, house_name, starts_at, ends_at,
    status; optional: business_name, quantity, unit."""
    event = Event()
    event.add("uid", uid(booking["code"]))
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", booking["starts_at"].astimezone(UTC))
    event.add("dtend", booking["ends_at"].astimezone(UTC))
    event.add("summary", summary(booking))
    event.add("location", booking["house_name"])
    event.add("status", EVENT_STATUS.get(booking["status"], "CONFIRMED"))
    details = [booking["code"], f"{booking['machine_name']} ({booking['machine']})"]
    if booking.get("business_name"):
        details.append(booking["business_name"])
    if booking.get("quantity") is not None:
        details.append(f"{booking['quantity']} {booking.get('unit') or ''}".strip())
    event.add("description", "\n".join(details))
    return event


def calendar_bytes(bookings: Iterable[Mapping[str, Any]], name: str, stamp: datetime) -> bytes:
    """One VCALENDAR, one VEVENT per booking of a known status, in UTC, as UTF-8 bytes."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", "PT1H")  # how often a subscribed phone should look again
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for booking in bookings:
        if booking["status"] in EVENT_STATUS:
            calendar.add_component(booking_event(booking, stamp))
    return bytes(calendar.to_ical())
