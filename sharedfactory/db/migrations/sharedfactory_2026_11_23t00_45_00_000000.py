"""Bookings under house rules: rules, tariffs, trainings, waitlists, flexible requests, plans,
notices, the new booking columns, and the database's own refusal of a double booking (an exclusion
constraint on PostgreSQL, triggers on SQLite).

New tables are the frozen output of ``python -m sharedfactory.db.ddl FlexibleRequest BookingRules
TariffTier Training WaitlistEntry Plan Notice``. Never edit a migration that has shipped; add a new one.
"""

from sharedfactory.db.frozen import ddl_migration

ID = "2026-11-23T00:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "bookings"

BOOKING_COLUMNS = [
    'ALTER TABLE booking ADD COLUMN "released_at" TIMESTAMPTZ DEFAULT null',
    'ALTER TABLE booking ADD COLUMN "created_at" TIMESTAMPTZ DEFAULT null',
    'ALTER TABLE booking ADD COLUMN "created_by" INTEGER REFERENCES "app_user" ("id") ON DELETE SET NULL ON UPDATE CASCADE DEFAULT null',
    'ALTER TABLE booking ADD COLUMN "series" VARCHAR(64) DEFAULT null',
    'ALTER TABLE booking ADD COLUMN "request" INTEGER REFERENCES "flexible_request" ("id") ON DELETE SET NULL ON UPDATE CASCADE DEFAULT null',
    'ALTER TABLE booking ADD COLUMN "checked_in_at" TIMESTAMPTZ DEFAULT null',
    'ALTER TABLE booking ADD COLUMN "cancelled_at" TIMESTAMPTZ DEFAULT null',
    'ALTER TABLE booking ADD COLUMN "price" INTEGER DEFAULT null',
    "UPDATE booking SET released_at = ends_at",
    'CREATE INDEX booking_created_by ON booking ("created_by")',
    'CREATE INDEX booking_request ON booking ("request")',
    'CREATE INDEX booking_machine_time ON booking ("machine", "starts_at")',
    'CREATE INDEX booking_business_time ON booking ("business", "starts_at")',
]

SQLITE = (
    [
        'CREATE TABLE flexible_request (\n    "id" INTEGER PRIMARY KEY NOT NULL,\n    "code" VARCHAR(64) UNIQUE NOT NULL DEFAULT \'\',\n    "house" INTEGER NOT NULL REFERENCES "house" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "business" INTEGER NOT NULL REFERENCES "business" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "product_class" INTEGER NOT NULL REFERENCES "product_class" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "product" VARCHAR(200) NOT NULL DEFAULT \'\',\n    "quantity" NUMERIC(10, 2) NOT NULL DEFAULT 0,\n    "steps" JSON NOT NULL DEFAULT \'[]\',\n    "earliest" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "deadline" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "priority" INTEGER NOT NULL DEFAULT 2,\n    "status" VARCHAR(12) NOT NULL DEFAULT \'pending\',\n    "explanation" TEXT NOT NULL DEFAULT \'\',\n    "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    CONSTRAINT flexible_request_code_is_slug CHECK (length(code) BETWEEN 2 AND 64 AND code = lower(code) AND code NOT LIKE \'% %\'),\n    CONSTRAINT flexible_request_deadline_after_earliest CHECK (deadline > earliest),\n    CONSTRAINT flexible_request_priority_range CHECK (priority BETWEEN 1 AND 3),\n    CONSTRAINT flexible_request_status_known CHECK (status IN (\'pending\', \'proposed\', \'scheduled\', \'unserved\', \'withdrawn\')),\n    CONSTRAINT flexible_request_quantity_positive CHECK (quantity > 0)\n)',
        'CREATE INDEX flexible_request_house ON flexible_request ("house")',
        'CREATE INDEX flexible_request_business ON flexible_request ("business")',
        'CREATE INDEX flexible_request_product_class ON flexible_request ("product_class")',
        'CREATE TABLE booking_rules (\n    "id" INTEGER PRIMARY KEY NOT NULL,\n    "house" INTEGER NOT NULL REFERENCES "house" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "machine" INTEGER REFERENCES "machine" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "min_notice_minutes" INTEGER NOT NULL DEFAULT 120,\n    "max_advance_days" INTEGER NOT NULL DEFAULT 60,\n    "min_duration_minutes" INTEGER NOT NULL DEFAULT 30,\n    "max_duration_minutes" INTEGER NOT NULL DEFAULT 480,\n    "buffer_minutes" INTEGER NOT NULL DEFAULT 0,\n    "weekly_quota_hours" INTEGER DEFAULT null,\n    "cancel_notice_minutes" INTEGER NOT NULL DEFAULT 1440,\n    "no_show_grace_minutes" INTEGER NOT NULL DEFAULT 15,\n    "offer_hold_minutes" INTEGER NOT NULL DEFAULT 120,\n    CONSTRAINT booking_rules_notice_not_negative CHECK (min_notice_minutes >= 0 AND cancel_notice_minutes >= 0),\n    CONSTRAINT booking_rules_advance_positive CHECK (max_advance_days > 0),\n    CONSTRAINT booking_rules_durations_ordered CHECK (min_duration_minutes > 0 AND max_duration_minutes >= min_duration_minutes),\n    CONSTRAINT booking_rules_buffer_not_negative CHECK (buffer_minutes >= 0 AND no_show_grace_minutes >= 0),\n    CONSTRAINT booking_rules_quota_positive CHECK (weekly_quota_hours IS NULL OR weekly_quota_hours > 0),\n    CONSTRAINT booking_rules_hold_positive CHECK (offer_hold_minutes > 0),\n    CONSTRAINT booking_rules_once UNIQUE ("house", "machine")\n)',
        'CREATE INDEX booking_rules_house ON booking_rules ("house")',
        'CREATE INDEX booking_rules_machine ON booking_rules ("machine")',
        'CREATE TABLE tariff_tier (\n    "id" INTEGER PRIMARY KEY NOT NULL,\n    "house" INTEGER NOT NULL REFERENCES "house" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "size_class" VARCHAR(10) NOT NULL DEFAULT \'\',\n    "discount_percent" INTEGER NOT NULL DEFAULT 0,\n    CONSTRAINT tariff_tier_size_class_known CHECK (size_class IN (\'mikro\', \'kecil\', \'menengah\')),\n    CONSTRAINT tariff_tier_discount_range CHECK (discount_percent BETWEEN 0 AND 100),\n    CONSTRAINT tariff_tier_once UNIQUE ("house", "size_class")\n)',
        'CREATE INDEX tariff_tier_house ON tariff_tier ("house")',
        'CREATE TABLE training (\n    "id" INTEGER PRIMARY KEY NOT NULL,\n    "business" INTEGER NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "machine_type" INTEGER NOT NULL REFERENCES "machine_type" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "trained_on" DATE NOT NULL DEFAULT CURRENT_DATE,\n    CONSTRAINT training_once UNIQUE ("business", "machine_type")\n)',
        'CREATE INDEX training_business ON training ("business")',
        'CREATE INDEX training_machine_type ON training ("machine_type")',
        'CREATE TABLE waitlist_entry (\n    "id" INTEGER PRIMARY KEY NOT NULL,\n    "business" INTEGER NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "machine" INTEGER NOT NULL REFERENCES "machine" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "product_class" INTEGER NOT NULL REFERENCES "product_class" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "product" VARCHAR(200) NOT NULL DEFAULT \'\',\n    "quantity" NUMERIC(10, 2) NOT NULL DEFAULT 0,\n    "starts_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "ends_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "status" VARCHAR(10) NOT NULL DEFAULT \'waiting\',\n    "offered_until" TIMESTAMPTZ DEFAULT null,\n    "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    CONSTRAINT waitlist_entry_ends_after_starts CHECK (ends_at > starts_at),\n    CONSTRAINT waitlist_entry_status_known CHECK (status IN (\'waiting\', \'offered\', \'booked\', \'expired\', \'withdrawn\')),\n    CONSTRAINT waitlist_entry_quantity_positive CHECK (quantity > 0)\n)',
        'CREATE INDEX waitlist_entry_business ON waitlist_entry ("business")',
        'CREATE INDEX waitlist_entry_machine ON waitlist_entry ("machine")',
        'CREATE INDEX waitlist_entry_product_class ON waitlist_entry ("product_class")',
        'CREATE TABLE plan (\n    "id" INTEGER PRIMARY KEY NOT NULL,\n    "house" INTEGER NOT NULL REFERENCES "house" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "status" VARCHAR(10) NOT NULL DEFAULT \'solving\',\n    "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "created_by" INTEGER REFERENCES "app_user" ("id") ON DELETE SET NULL ON UPDATE CASCADE DEFAULT null,\n    "problem" JSON NOT NULL DEFAULT \'{}\',\n    "solution" JSON NOT NULL DEFAULT \'{}\',\n    CONSTRAINT plan_status_known CHECK (status IN (\'solving\', \'proposed\', \'confirmed\', \'discarded\', \'failed\'))\n)',
        'CREATE INDEX plan_house ON plan ("house")',
        'CREATE INDEX plan_created_by ON plan ("created_by")',
        'CREATE TABLE notice (\n    "id" INTEGER PRIMARY KEY NOT NULL,\n    "business" INTEGER REFERENCES "business" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "house" INTEGER REFERENCES "house" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "kind" VARCHAR(40) NOT NULL DEFAULT \'\',\n    "subject" VARCHAR(200) NOT NULL DEFAULT \'\',\n    "body" TEXT NOT NULL DEFAULT \'\',\n    "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "read_at" TIMESTAMPTZ DEFAULT null,\n    "email_to" VARCHAR(254) DEFAULT null,\n    "emailed_at" TIMESTAMPTZ DEFAULT null,\n    "email_error" TEXT DEFAULT null\n)',
        'CREATE INDEX notice_business ON notice ("business")',
        'CREATE INDEX notice_house ON notice ("house")',
    ]
    + BOOKING_COLUMNS
    + [
        "CREATE TRIGGER booking_never_twice_insert BEFORE INSERT ON booking\nWHEN NEW.status IN ('pending', 'confirmed', 'completed') AND EXISTS (\n    SELECT 1 FROM booking AS other WHERE other.machine = NEW.machine\n    AND other.status IN ('pending', 'confirmed', 'completed')\n    AND julianday(other.starts_at) < julianday(COALESCE(NEW.released_at, NEW.ends_at))\n    AND julianday(NEW.starts_at) < julianday(COALESCE(other.released_at, other.ends_at)))\nBEGIN SELECT RAISE(ABORT, 'booking_never_twice: the machine is already booked then'); END",
        "CREATE TRIGGER booking_never_twice_update BEFORE UPDATE ON booking\nWHEN NEW.status IN ('pending', 'confirmed', 'completed') AND EXISTS (\n    SELECT 1 FROM booking AS other WHERE other.machine = NEW.machine AND other.id <> NEW.id\n    AND other.status IN ('pending', 'confirmed', 'completed')\n    AND julianday(other.starts_at) < julianday(COALESCE(NEW.released_at, NEW.ends_at))\n    AND julianday(NEW.starts_at) < julianday(COALESCE(other.released_at, other.ends_at)))\nBEGIN SELECT RAISE(ABORT, 'booking_never_twice: the machine is already booked then'); END",
    ]
)

POSTGRES = (
    [
        'CREATE TABLE flexible_request (\n    "id" SERIAL PRIMARY KEY NOT NULL,\n    "code" VARCHAR(64) UNIQUE NOT NULL DEFAULT \'\',\n    "house" INTEGER NOT NULL REFERENCES "house" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "business" INTEGER NOT NULL REFERENCES "business" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "product_class" INTEGER NOT NULL REFERENCES "product_class" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "product" VARCHAR(200) NOT NULL DEFAULT \'\',\n    "quantity" NUMERIC(10, 2) NOT NULL DEFAULT 0,\n    "steps" JSON NOT NULL DEFAULT \'[]\',\n    "earliest" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "deadline" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "priority" SMALLINT NOT NULL DEFAULT 2,\n    "status" VARCHAR(12) NOT NULL DEFAULT \'pending\',\n    "explanation" TEXT NOT NULL DEFAULT \'\',\n    "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    CONSTRAINT flexible_request_code_is_slug CHECK (length(code) BETWEEN 2 AND 64 AND code = lower(code) AND code NOT LIKE \'% %\'),\n    CONSTRAINT flexible_request_deadline_after_earliest CHECK (deadline > earliest),\n    CONSTRAINT flexible_request_priority_range CHECK (priority BETWEEN 1 AND 3),\n    CONSTRAINT flexible_request_status_known CHECK (status IN (\'pending\', \'proposed\', \'scheduled\', \'unserved\', \'withdrawn\')),\n    CONSTRAINT flexible_request_quantity_positive CHECK (quantity > 0)\n)',
        'CREATE INDEX flexible_request_house ON flexible_request ("house")',
        'CREATE INDEX flexible_request_business ON flexible_request ("business")',
        'CREATE INDEX flexible_request_product_class ON flexible_request ("product_class")',
        'CREATE TABLE booking_rules (\n    "id" SERIAL PRIMARY KEY NOT NULL,\n    "house" INTEGER NOT NULL REFERENCES "house" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "machine" INTEGER REFERENCES "machine" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "min_notice_minutes" INTEGER NOT NULL DEFAULT 120,\n    "max_advance_days" INTEGER NOT NULL DEFAULT 60,\n    "min_duration_minutes" INTEGER NOT NULL DEFAULT 30,\n    "max_duration_minutes" INTEGER NOT NULL DEFAULT 480,\n    "buffer_minutes" INTEGER NOT NULL DEFAULT 0,\n    "weekly_quota_hours" INTEGER DEFAULT null,\n    "cancel_notice_minutes" INTEGER NOT NULL DEFAULT 1440,\n    "no_show_grace_minutes" INTEGER NOT NULL DEFAULT 15,\n    "offer_hold_minutes" INTEGER NOT NULL DEFAULT 120,\n    CONSTRAINT booking_rules_notice_not_negative CHECK (min_notice_minutes >= 0 AND cancel_notice_minutes >= 0),\n    CONSTRAINT booking_rules_advance_positive CHECK (max_advance_days > 0),\n    CONSTRAINT booking_rules_durations_ordered CHECK (min_duration_minutes > 0 AND max_duration_minutes >= min_duration_minutes),\n    CONSTRAINT booking_rules_buffer_not_negative CHECK (buffer_minutes >= 0 AND no_show_grace_minutes >= 0),\n    CONSTRAINT booking_rules_quota_positive CHECK (weekly_quota_hours IS NULL OR weekly_quota_hours > 0),\n    CONSTRAINT booking_rules_hold_positive CHECK (offer_hold_minutes > 0),\n    CONSTRAINT booking_rules_once UNIQUE ("house", "machine")\n)',
        'CREATE INDEX booking_rules_house ON booking_rules ("house")',
        'CREATE INDEX booking_rules_machine ON booking_rules ("machine")',
        'CREATE TABLE tariff_tier (\n    "id" SERIAL PRIMARY KEY NOT NULL,\n    "house" INTEGER NOT NULL REFERENCES "house" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "size_class" VARCHAR(10) NOT NULL DEFAULT \'\',\n    "discount_percent" SMALLINT NOT NULL DEFAULT 0,\n    CONSTRAINT tariff_tier_size_class_known CHECK (size_class IN (\'mikro\', \'kecil\', \'menengah\')),\n    CONSTRAINT tariff_tier_discount_range CHECK (discount_percent BETWEEN 0 AND 100),\n    CONSTRAINT tariff_tier_once UNIQUE ("house", "size_class")\n)',
        'CREATE INDEX tariff_tier_house ON tariff_tier ("house")',
        'CREATE TABLE training (\n    "id" SERIAL PRIMARY KEY NOT NULL,\n    "business" INTEGER NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "machine_type" INTEGER NOT NULL REFERENCES "machine_type" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "trained_on" DATE NOT NULL DEFAULT CURRENT_DATE,\n    CONSTRAINT training_once UNIQUE ("business", "machine_type")\n)',
        'CREATE INDEX training_business ON training ("business")',
        'CREATE INDEX training_machine_type ON training ("machine_type")',
        'CREATE TABLE waitlist_entry (\n    "id" SERIAL PRIMARY KEY NOT NULL,\n    "business" INTEGER NOT NULL REFERENCES "business" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "machine" INTEGER NOT NULL REFERENCES "machine" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "product_class" INTEGER NOT NULL REFERENCES "product_class" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "product" VARCHAR(200) NOT NULL DEFAULT \'\',\n    "quantity" NUMERIC(10, 2) NOT NULL DEFAULT 0,\n    "starts_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "ends_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "status" VARCHAR(10) NOT NULL DEFAULT \'waiting\',\n    "offered_until" TIMESTAMPTZ DEFAULT null,\n    "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    CONSTRAINT waitlist_entry_ends_after_starts CHECK (ends_at > starts_at),\n    CONSTRAINT waitlist_entry_status_known CHECK (status IN (\'waiting\', \'offered\', \'booked\', \'expired\', \'withdrawn\')),\n    CONSTRAINT waitlist_entry_quantity_positive CHECK (quantity > 0)\n)',
        'CREATE INDEX waitlist_entry_business ON waitlist_entry ("business")',
        'CREATE INDEX waitlist_entry_machine ON waitlist_entry ("machine")',
        'CREATE INDEX waitlist_entry_product_class ON waitlist_entry ("product_class")',
        'CREATE TABLE plan (\n    "id" SERIAL PRIMARY KEY NOT NULL,\n    "house" INTEGER NOT NULL REFERENCES "house" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "status" VARCHAR(10) NOT NULL DEFAULT \'solving\',\n    "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "created_by" INTEGER REFERENCES "app_user" ("id") ON DELETE SET NULL ON UPDATE CASCADE DEFAULT null,\n    "problem" JSON NOT NULL DEFAULT \'{}\',\n    "solution" JSON NOT NULL DEFAULT \'{}\',\n    CONSTRAINT plan_status_known CHECK (status IN (\'solving\', \'proposed\', \'confirmed\', \'discarded\', \'failed\'))\n)',
        'CREATE INDEX plan_house ON plan ("house")',
        'CREATE INDEX plan_created_by ON plan ("created_by")',
        'CREATE TABLE notice (\n    "id" SERIAL PRIMARY KEY NOT NULL,\n    "business" INTEGER REFERENCES "business" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "house" INTEGER REFERENCES "house" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "kind" VARCHAR(40) NOT NULL DEFAULT \'\',\n    "subject" VARCHAR(200) NOT NULL DEFAULT \'\',\n    "body" TEXT NOT NULL DEFAULT \'\',\n    "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "read_at" TIMESTAMPTZ DEFAULT null,\n    "email_to" VARCHAR(254) DEFAULT null,\n    "emailed_at" TIMESTAMPTZ DEFAULT null,\n    "email_error" TEXT DEFAULT null\n)',
        'CREATE INDEX notice_business ON notice ("business")',
        'CREATE INDEX notice_house ON notice ("house")',
    ]
    + BOOKING_COLUMNS
    + [
        "CREATE EXTENSION IF NOT EXISTS btree_gist",
        "ALTER TABLE booking ADD CONSTRAINT booking_never_twice EXCLUDE USING gist (\n    \"machine\" WITH =, tstzrange(starts_at, COALESCE(released_at, ends_at)) WITH &&\n) WHERE (status IN ('pending', 'confirmed', 'completed'))",
    ]
)

forwards = ddl_migration(ID, DESCRIPTION, SQLITE, POSTGRES)
