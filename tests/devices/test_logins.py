"""Machine logins are issued, rotated and revoked from the operator side; the broker follows."""

import pytest

from sharedfactory.devices.logins import issue_machine_password, revoke_machine_password
from sharedfactory.devices.tables import MachineCredential
from tests.support.devices import mosquitto_pub as publish_with_c_client


def can_publish(broker, mosquitto_pub, user: str, password: str) -> bool:
    login = ["-u", user, "-P", password]
    topic = f"sf/v1/sleman/{user}/status"
    return publish_with_c_client(mosquitto_pub, broker.port, login, topic).returncode == 0


async def test_rotation_replaces_the_old_password(broker, mosquitto_pub):
    old = await issue_machine_password("sleman-spinner-1")
    await broker.refresh_logins()
    assert can_publish(broker, mosquitto_pub, "sleman-spinner-1", old)
    new = await issue_machine_password("sleman-spinner-1")
    await broker.refresh_logins()
    assert new != old
    assert can_publish(broker, mosquitto_pub, "sleman-spinner-1", new)
    assert not can_publish(broker, mosquitto_pub, "sleman-spinner-1", old)


async def test_revoked_login_is_refused_and_only_a_hash_is_kept(broker, mosquitto_pub):
    password = await issue_machine_password("sleman-sealer-1")
    await broker.refresh_logins()
    assert can_publish(broker, mosquitto_pub, "sleman-sealer-1", password)
    assert await revoke_machine_password("sleman-sealer-1") == 1
    await broker.refresh_logins()
    assert not can_publish(broker, mosquitto_pub, "sleman-sealer-1", password)
    stored = await MachineCredential.select(MachineCredential.password_hash).run()
    assert all(password not in row["password_hash"] for row in stored)
    assert all(row["password_hash"].startswith("$7$") for row in stored)


async def test_operators_issue_and_revoke_logins_over_the_api(client, broker, mosquitto_pub):
    from tests.conftest import log_in

    await log_in(client, "operator_sleman")
    issued = (await client.post("/api/v1/machines/sleman-fryer-2/login")).json()
    assert issued["username"] == "sleman-fryer-2"
    assert issued["topic"] == "sf/v1/sleman/sleman-fryer-2/telemetry"
    await broker.refresh_logins()  # the test's broker; the app reloads its own embedded one
    assert can_publish(broker, mosquitto_pub, "sleman-fryer-2", issued["password"])
    revoked = (await client.delete("/api/v1/machines/sleman-fryer-2/login")).json()
    assert revoked["revoked"] == 1
    await broker.refresh_logins()
    assert not can_publish(broker, mosquitto_pub, "sleman-fryer-2", issued["password"])
    broker.passwords["sleman-fryer-2"] = await issue_machine_password("sleman-fryer-2")
    await broker.refresh_logins()


@pytest.mark.parametrize(
    ("who", "machine"),
    [
        ("auditor", "sleman-fryer-2"),
        ("umkm_sri", "sleman-fryer-2"),
        ("operator_batu_bara", "sleman-fryer-2"),
    ],
)
async def test_only_the_house_staff_manage_a_machine_login(client, who, machine):
    from tests.conftest import log_in

    await log_in(client, who)
    assert (await client.post(f"/api/v1/machines/{machine}/login")).status_code == 403
    assert (await client.delete(f"/api/v1/machines/{machine}/login")).status_code == 403
