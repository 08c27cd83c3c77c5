"""The database itself refuses bad rows, on SQLite and PostgreSQL alike."""

import sqlite3
from datetime import UTC, datetime

import msgspec
import pytest

from sharedfactory.businesses.personal import PersonalDataCipher
from sharedfactory.businesses.service import add_business
from sharedfactory.businesses.tables import Business
from sharedfactory.db.migrate import migrate
from sharedfactory.db.registry import TABLES
from sharedfactory.facilities.service import UnknownReference, add_machine
from sharedfactory.facilities.tables import Cluster, House, Machine, MachineType
from tests.factories import business_data, machine_data


async def assert_refused(query) -> None:
    with pytest.raises(Exception) as caught:  # noqa: PT011 - the driver's class differs per engine
        await query.run()
    error = caught.value
    # SQLite: IntegrityError; PostgreSQL: SQLSTATE class 23 (integrity) or 22 (data too long).
    sqlstate = getattr(error, "sqlstate", "") or ""
    assert isinstance(error, sqlite3.IntegrityError) or sqlstate[:2] in ("22", "23"), repr(error)


async def _cluster_id() -> int:
    row = await Cluster.select(Cluster._meta.primary_key).first().run()
    return row["id"]


@pytest.mark.parametrize("nib", ["123456789012", "12345678901234", "12345678901a3", ""])
async def test_database_refuses_a_nib_that_is_not_13_digits(engine, nib):
    row = business_data(nib=nib) | {"cluster": await _cluster_id()}
    row |= {"nik_masked": "1234********5678", "nik_encrypted": "x", "consent_at": datetime.now(UTC)}
    del row["nik"], row["npwp"], row["cluster_code"]
    await assert_refused(Business.insert(Business(**row)))


async def test_model_refuses_a_nib_that_is_not_13_digits(engine):
    cipher = PersonalDataCipher("k")
    with pytest.raises(msgspec.ValidationError, match=r"\$\.nib"):
        await add_business(business_data(nib="912000100000"), cipher, datetime.now(UTC))


async def test_database_refuses_a_machine_in_a_house_that_does_not_exist(engine):
    machine_type = await MachineType.select(MachineType._meta.primary_key).first().run()
    row = machine_data() | {"house": 999_999, "machine_type": machine_type["id"]}
    await assert_refused(Machine.insert(Machine(**row)))


async def test_model_refuses_a_machine_in_a_house_that_does_not_exist(engine):
    with pytest.raises(UnknownReference, match=r"^house: house 'atlantis' does not exist"):
        await add_machine(machine_data(house="atlantis"))
    assert not await Machine.exists().where(Machine.code == machine_data()["code"]).run()


async def test_database_refuses_a_time_zone_outside_indonesia(engine):
    house = await House.select().first().run()
    row = {k: v for k, v in house.items() if k != "id"} | {
        "code": "x-tz",
        "timezone": "Europe/Paris",
    }
    await assert_refused(House.insert(House(**row)))


async def test_deleting_a_house_with_machines_is_restricted(engine):
    house = await House.select(House._meta.primary_key).first().run()
    await assert_refused(House.delete().where(House._meta.primary_key == house["id"]))


async def test_migrate_is_idempotent_and_creates_every_declared_constraint(engine):
    await migrate(engine)
    declared = {
        f"{table._meta.tablename}_{constraint._meta.name}"
        for table in TABLES
        for constraint in table._meta.constraints
    }
    assert declared <= await _constraints_in_database(engine)


async def _constraints_in_database(engine) -> set[str]:
    if engine.engine_type == "sqlite":
        rows = await engine.run_ddl("SELECT sql FROM sqlite_master WHERE type = 'table'")
        words = " ".join(row["sql"] for row in rows).replace("\n", " ").split()
        return {words[i + 1] for i, word in enumerate(words) if word == "CONSTRAINT"}
    rows = await engine.run_ddl("SELECT conname FROM pg_constraint")
    return {row["conname"] for row in rows}
