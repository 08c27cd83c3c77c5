"""Accounts: users with a role and scope, server-side sessions.

Frozen output of ``python -m sharedfactory.db.ddl User Session``. Never edit a migration that has
shipped; add a new one.
"""

from sharedfactory.db.frozen import ddl_migration

ID = "2026-11-22T23:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "accounts"

SQLITE = [
    'CREATE TABLE app_user (\n    "id" INTEGER PRIMARY KEY NOT NULL,\n    "email" VARCHAR(254) UNIQUE NOT NULL DEFAULT \'\',\n    "password_hash" VARCHAR(200) NOT NULL DEFAULT \'\',\n    "role" VARCHAR(10) NOT NULL DEFAULT \'\',\n    "house" INTEGER REFERENCES "house" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "business" INTEGER REFERENCES "business" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "active" BOOLEAN NOT NULL DEFAULT true,\n    "failed_logins" INTEGER NOT NULL DEFAULT 0,\n    "locked_until" TIMESTAMPTZ DEFAULT null,\n    "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    CONSTRAINT app_user_role_known CHECK (role IN (\'admin\', \'operator\', \'auditor\', \'umkm\')),\n    CONSTRAINT app_user_email_is_lower_case CHECK (email = lower(email) AND email LIKE \'%_@_%\'),\n    CONSTRAINT app_user_operator_has_a_house CHECK (role <> \'operator\' OR house IS NOT NULL),\n    CONSTRAINT app_user_umkm_has_a_business CHECK (role <> \'umkm\' OR business IS NOT NULL)\n)',
    'CREATE INDEX app_user_house ON app_user ("house")',
    'CREATE INDEX app_user_business ON app_user ("business")',
    'CREATE TABLE app_session (\n    "id" INTEGER PRIMARY KEY NOT NULL,\n    "token_hash" VARCHAR(64) UNIQUE NOT NULL DEFAULT \'\',\n    "user" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "csrf_token" VARCHAR(64) NOT NULL DEFAULT \'\',\n    "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "expires_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp\n)',
    'CREATE INDEX app_session_user ON app_session ("user")',
]

POSTGRES = [
    'CREATE TABLE app_user (\n    "id" SERIAL PRIMARY KEY NOT NULL,\n    "email" VARCHAR(254) UNIQUE NOT NULL DEFAULT \'\',\n    "password_hash" VARCHAR(200) NOT NULL DEFAULT \'\',\n    "role" VARCHAR(10) NOT NULL DEFAULT \'\',\n    "house" INTEGER REFERENCES "house" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "business" INTEGER REFERENCES "business" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null,\n    "active" BOOLEAN NOT NULL DEFAULT true,\n    "failed_logins" INTEGER NOT NULL DEFAULT 0,\n    "locked_until" TIMESTAMPTZ DEFAULT null,\n    "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    CONSTRAINT app_user_role_known CHECK (role IN (\'admin\', \'operator\', \'auditor\', \'umkm\')),\n    CONSTRAINT app_user_email_is_lower_case CHECK (email = lower(email) AND email LIKE \'%_@_%\'),\n    CONSTRAINT app_user_operator_has_a_house CHECK (role <> \'operator\' OR house IS NOT NULL),\n    CONSTRAINT app_user_umkm_has_a_business CHECK (role <> \'umkm\' OR business IS NOT NULL)\n)',
    'CREATE INDEX app_user_house ON app_user ("house")',
    'CREATE INDEX app_user_business ON app_user ("business")',
    'CREATE TABLE app_session (\n    "id" SERIAL PRIMARY KEY NOT NULL,\n    "token_hash" VARCHAR(64) UNIQUE NOT NULL DEFAULT \'\',\n    "user" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null,\n    "csrf_token" VARCHAR(64) NOT NULL DEFAULT \'\',\n    "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,\n    "expires_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp\n)',
    'CREATE INDEX app_session_user ON app_session ("user")',
]


forwards = ddl_migration(ID, DESCRIPTION, SQLITE, POSTGRES)
