"""Telemetry persistence: device credentials, stored messages, dead letters, live state, alarms,
hourly rollups."""

from __future__ import annotations

from piccolo.columns import (
    BigInt,
    Boolean,
    Bytea,
    ForeignKey,
    Integer,
    OnDelete,
    Real,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from sharedfactory.db.checks import one_of
from sharedfactory.facilities.tables import Machine

STATES = ("off", "idle", "setup", "running", "fault", "maintenance")
ALARM_KINDS = ("excursion", "fault", "offline")


class MachineCredential(Table):
    """One MQTT login per machine: the username is the machine's code; only the hash is kept."""

    machine = ForeignKey(Machine, null=False, on_delete=OnDelete.cascade)
    password_hash = Varchar(length=200, null=False)
    created_at = Timestamptz(null=False)
    revoked_at = Timestamptz(null=True, default=None)


class TelemetryMessage(Table):
    machine = ForeignKey(Machine, null=False, on_delete=OnDelete.restrict)
    ts_ms = BigInt(null=False)
    seq = BigInt(null=False)
    state = Varchar(length=12, null=False)
    counters = Text(null=False)  # the payload's JSON object, as received
    process_values = Text(null=False)
    booking = Varchar(length=64, null=True, default=None)
    received_ms = BigInt(null=False)

    once = Unique(["machine", "seq", "ts_ms"])
    state_known = Check(one_of("state", STATES))
    seq_range = Check("seq >= 0 AND seq <= 4294967295")


class DeadLetter(Table):
    received_ms = BigInt(null=False)
    topic = Text(null=False)
    reason = Text(null=False)
    payload = Bytea(null=False)


class MachineLiveState(Table):
    """The latest known state of each machine, for the live board."""

    machine = ForeignKey(Machine, null=False, unique=True, on_delete=OnDelete.cascade)
    state = Varchar(length=12, null=False)
    online = Boolean(null=False, default=False)
    ts_ms = BigInt(null=False)
    booking = Varchar(length=64, null=True, default=None)
    process_values = Text(null=False, default="{}")


class Alarm(Table):
    """Something that went wrong on a machine, open until it clears, acknowledged by a person
    with a note. The index `alarm_attention` (migration 2026-11-23T06:20) serves the open or
    unacknowledged alarms of a house's machines, newest first."""

    machine = ForeignKey(Machine, null=False, on_delete=OnDelete.cascade)
    kind = Varchar(length=12, null=False)
    value_name = Varchar(length=64, null=True, default=None)
    value = Real(null=True, default=None)
    detail = Text(null=False)
    booking = Varchar(length=64, null=True, default=None)
    opened_ms = BigInt(null=False)
    closed_ms = BigInt(null=True, default=None)
    acknowledged_by = Varchar(length=200, null=True, default=None)
    note = Text(null=True, default=None)
    acknowledged_ms = BigInt(null=True, default=None)

    kind_known = Check(one_of("kind", ALARM_KINDS))


class HourlyRollup(Table):
    """Per machine per UTC hour: state seconds, counts and energy (reports read only these)."""

    machine = ForeignKey(Machine, null=False, on_delete=OnDelete.restrict)
    hour_ms = BigInt(null=False)
    running_s = Integer(null=False, default=0)
    idle_s = Integer(null=False, default=0)
    setup_s = Integer(null=False, default=0)
    fault_s = Integer(null=False, default=0)
    off_s = Integer(null=False, default=0)
    maintenance_s = Integer(null=False, default=0)
    good = BigInt(null=False, default=0)
    reject = BigInt(null=False, default=0)
    energy_wh = BigInt(null=False, default=0)

    once = Unique(["machine", "hour_ms"])
    seconds_in_an_hour = Check(
        "running_s + idle_s + setup_s + fault_s + off_s + maintenance_s <= 3600"
    )
