"""Every table of the application, in dependency order."""

from __future__ import annotations

from piccolo.table import Table

from sharedfactory.accounts.tables import Session, User
from sharedfactory.audit.tables import AuditEvent
from sharedfactory.bookings.tables import (
    Booking,
    BookingRules,
    FactsStamp,
    FlexibleRequest,
    Plan,
    TariffTier,
    Training,
    WaitlistEntry,
)
from sharedfactory.businesses.tables import Business, Permit
from sharedfactory.cleaning.tables import CleaningRecord
from sharedfactory.devices.tables import (
    Alarm,
    DeadLetter,
    HourlyRollup,
    MachineCredential,
    MachineLiveState,
    TelemetryMessage,
)
from sharedfactory.facilities.tables import (
    Cluster,
    Holiday,
    House,
    Machine,
    MachineType,
    MaintenanceWindow,
    OpeningHours,
    Operator,
    OperatorMachine,
    OperatorShift,
)
from sharedfactory.notices.tables import Notice
from sharedfactory.products.tables import Changeover, ProductClass, QualityLimit
from sharedfactory.quality.tables import QualityRecord

TABLES: tuple[type[Table], ...] = (
    Cluster,
    House,
    OpeningHours,
    Holiday,
    MachineType,
    Machine,
    Operator,
    OperatorMachine,
    OperatorShift,
    MaintenanceWindow,
    Business,
    Permit,
    ProductClass,
    Changeover,
    QualityLimit,
    User,
    Session,
    FlexibleRequest,
    Booking,
    BookingRules,
    TariffTier,
    Training,
    WaitlistEntry,
    Plan,
    Notice,
    MachineCredential,
    TelemetryMessage,
    DeadLetter,
    MachineLiveState,
    Alarm,
    HourlyRollup,
    AuditEvent,
    QualityRecord,
    CleaningRecord,
    FactsStamp,
)
