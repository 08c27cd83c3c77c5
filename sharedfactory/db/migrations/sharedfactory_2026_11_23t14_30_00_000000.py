"""The settled-facts stamp: one row whose counter the database raises on every change to what a
booking reads as settled (machines, rules, hours, holidays, shifts, changeovers, UMKM, permits,
trainings, tiers). A booking reads the counter inside its lock and reuses the facts it loaded
under the same counter, instead of reading a dozen tables while other bookings of the machine
wait (`bookings.stamped`). Triggers, not the application, raise it, so a change from any process
(a command, another worker, plain SQL) is seen by the next booking.

Never edit a migration that has shipped; add a new one.
"""

from sharedfactory.db.frozen import ddl_migration

ID = "2026-11-23T14:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "settled facts stamp"

SETTLED = (
    "house",
    "machine_type",
    "machine",
    "booking_rules",
    "opening_hours",
    "holiday",
    "operator_machine",
    "operator_shift",
    "product_class",
    "changeover",
    "business",
    "permit",
    "training",
    "tariff_tier",
)
BUMP = "UPDATE facts_stamp SET n = n + 1 WHERE id = 1"

SQLITE = [
    'CREATE TABLE facts_stamp (\n    "id" INTEGER PRIMARY KEY NOT NULL,\n    "n" INTEGER NOT NULL DEFAULT 0\n)',
    "INSERT INTO facts_stamp (id, n) VALUES (1, 0)",
] + [
    f"CREATE TRIGGER facts_stamp_{table}_{event} AFTER {event.upper()} ON {table}"
    f" BEGIN {BUMP}; END"
    for table in SETTLED
    for event in ("insert", "update", "delete")
]

POSTGRES = [
    'CREATE TABLE facts_stamp (\n    "id" SERIAL PRIMARY KEY NOT NULL,\n    "n" BIGINT NOT NULL DEFAULT 0\n)',
    "INSERT INTO facts_stamp (id, n) VALUES (1, 0)",
    "CREATE FUNCTION facts_stamp_bump() RETURNS trigger LANGUAGE plpgsql AS"
    f" $$ BEGIN {BUMP}; RETURN NULL; END $$",
] + [
    f"CREATE TRIGGER facts_stamp_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}"
    " FOR EACH STATEMENT EXECUTE FUNCTION facts_stamp_bump()"
    for table in SETTLED
]

forwards = ddl_migration(ID, DESCRIPTION, SQLITE, POSTGRES)
