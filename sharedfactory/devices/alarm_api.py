"""Alarms JSON: a house's alarms (open, unacknowledged or all; newest first, paged like the
telemetry) and their acknowledgement with a note.

Reading: the house's operators, admins and auditors; UMKM never (a house's alarms name other
businesses' runs). Acknowledging: the house's operators and admins, once; another house's
alarm answers 404 to an operator, as if it did not exist.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter, QueryParameter
from msgspec import Meta

from sharedfactory.accounts.deps import Login, refuse_auditor, require_house
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.rules_api import field_refusal
from sharedfactory.businesses.registration import Printable
from sharedfactory.devices import alarm_store as store
from sharedfactory.devices.acknowledgement import NOTE_MAX, NOTE_MIN, NoteRefused, clean_note
from sharedfactory.devices.api import From, To
from sharedfactory.devices.queries import parse_cursor
from sharedfactory.web.errors import ErrorBody, not_found, refused
from sharedfactory.web.params import CodeParam, Strict

# `state` is a name Litestar keeps for the app's state: the handler calls it `state_`, and
# checks it itself so that an error names `state`, not `state_`.
State = Annotated[
    str,
    QueryParameter(
        name="state",
        required=False,
        max_length=20,
        schema_extra={"enum": list(store.STATES)},
        description="open (not closed, the default), unacknowledged (open or closed), all",
    ),
]
Kind = Literal["excursion", "fault", "offline"]
KindFilter = Annotated[Kind | None, Parameter(required=False, description="one kind only")]
AlarmId = Annotated[int, Parameter(ge=1, le=2_147_483_647, description="alarm id")]
PageSize = Annotated[int, Parameter(ge=1, le=500, description="alarms per page")]
Cursor = Annotated[
    str | None,
    Parameter(
        required=False,
        max_length=40,
        pattern=r"^[0-9]{1,15}\.[0-9]{1,9}$",
        description="the `next` value of the previous page",
    ),
]
ALREADY = {409: ResponseSpec(data_container=ErrorBody, description="already acknowledged")}


class AcknowledgementIn(msgspec.Struct, forbid_unknown_fields=True):
    note: Annotated[
        str,
        Meta(
            min_length=NOTE_MIN,
            max_length=NOTE_MAX,
            pattern=Printable,
            description="what was seen and done: 3 to 500 characters once trimmed, one line",
        ),
    ]


class LimitOut(msgspec.Struct):
    min: float | None
    max: float | None
    standard: str


class AlarmOut(msgspec.Struct):
    id: int
    house: str
    machine: str
    machine_name: str
    kind: Kind
    value_name: str | None
    value: float | None
    limit: LimitOut | None  # the quality limit an excursion left
    detail: str
    booking: str | None
    opened: str  # ISO 8601 in the house's zone
    closed: str | None
    open: bool
    acknowledged: str | None
    acknowledged_by: str | None
    note: str | None

    @classmethod
    def of(cls, a: store.AlarmRow) -> AlarmOut:
        limit = None
        if a.limit is not None:
            limit = LimitOut(a.limit.min_value, a.limit.max_value, a.limit.standard)
        return cls(
            a.id,
            a.house,
            a.machine.code,
            a.machine.name,
            a.kind,  # type: ignore[arg-type]  # the table's CHECK keeps it one of Kind
            a.value_name,
            a.value,
            limit,
            a.detail,
            a.booking,
            _moment(a.opened_ms, a.zone),
            _iso(a.closed_ms, a.zone),
            a.is_open,
            _iso(a.acknowledged_ms, a.zone),
            a.acknowledged_by,
            a.note,
        )


class AlarmPageOut(msgspec.Struct):
    count: int
    items: list[AlarmOut]
    next: str | None


def _moment(ms: int, zone: str) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(ZoneInfo(zone)).isoformat()


def _iso(ms: int | None, zone: str) -> str | None:
    return None if ms is None else _moment(ms, zone)


def _ms(value: datetime | None) -> int | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # no offset given: read as UTC
    return int(value.timestamp() * 1000)


def _query(
    state: str, kind: str | None, from_: datetime | None, to: datetime | None
) -> store.AlarmQuery:
    query = store.AlarmQuery(state, kind, _ms(from_), _ms(to))
    if query.from_ms is not None and query.to_ms is not None and query.to_ms <= query.from_ms:
        raise field_refusal(400, "to", "must be after `from`")
    return query


def refuse_umkm(login: Viewer) -> None:
    if login.role == "umkm":
        raise PermissionDeniedException(detail="alarms are for the house's staff")


async def house_in_scope(login: Viewer, house: str) -> store.HouseMachines:
    refuse_umkm(login)
    found = await store.house_machines(house)
    if found is None:
        raise NotFoundException(detail=f"house {house!r} does not exist")
    require_house(login, house)
    return found


async def alarm_to_acknowledge(login: Viewer, alarm_id: int) -> store.AlarmRow:
    """The alarm, for its house's operators and admins; anything else is refused or missing."""
    refuse_auditor(login)
    refuse_umkm(login)
    alarm = await store.find_alarm(alarm_id)
    if alarm is None or not login.sees_house(alarm.house):
        raise NotFoundException(detail=f"alarm {alarm_id} does not exist")
    return alarm


def already(error: store.AlreadyAcknowledged) -> Exception:
    alarm = error.alarm
    when = _iso(alarm.acknowledged_ms, alarm.zone)
    message = f"already acknowledged by {alarm.acknowledged_by} at {when}"
    return field_refusal(409, "alarm", message)


class AlarmApi(Controller):
    path = "/api/v1"
    tags = ("alarms",)

    @get(
        "/houses/{house:str}/alarms",
        summary="A house's alarms, newest first: open (default), unacknowledged or all",
        responses=not_found("house") | refused(401, 403),
    )
    async def alarms(
        self,
        login: Login,
        house: CodeParam,
        state_: State = "open",
        kind: KindFilter = None,
        from_: From = None,
        to: To = None,
        limit: PageSize = 100,
        cursor: Cursor = None,
    ) -> AlarmPageOut:
        found = await house_in_scope(login, house)
        if state_ not in store.STATES:
            raise field_refusal(400, "state", "one of open, unacknowledged, all")
        query = _query(state_, kind, from_, to)
        try:
            before = parse_cursor(cursor)
        except ValueError as error:
            raise ValidationException(
                str(error), extra=[{"key": "cursor", "message": str(error)}]
            ) from None
        page = await store.alarm_page(found, query, limit, before)
        items = [AlarmOut.of(a) for a in page.items]
        return AlarmPageOut(len(items), items, page.next_cursor)

    @post(
        "/alarms/{alarm_id:int}/acknowledge",
        summary="Acknowledge an alarm with a note (its house's operators and admins, once)",
        status_code=200,
        responses=not_found("alarm") | refused(401, 403) | ALREADY,
    )
    async def acknowledge(
        self, login: Login, alarm_id: AlarmId, data: Strict[AcknowledgementIn]
    ) -> AlarmOut:
        alarm = await alarm_to_acknowledge(login, alarm_id)
        try:
            note = clean_note(data.note)
        except NoteRefused as refusal:
            raise field_refusal(400, "note", refusal.message) from None
        try:
            done = await store.acknowledge(
                alarm, login.user_id, login.email, note, int(time.time() * 1000)
            )
        except store.AlreadyAcknowledged as error:
            raise already(error) from None
        except store.AlarmMissing as missing:
            raise NotFoundException(detail=str(missing)) from None
        return AlarmOut.of(done)
