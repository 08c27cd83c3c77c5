"""Machine logins are issued, rotated and revoked from the operator side; the broker follows."""

import subprocess

from sharedfactory.devices.logins import issue_machine_password, revoke_machine_password
from sharedfactory.devices.tables import MachineCredential


def can_publish(broker, mosquitto_pub, user: str, password: str) -> bool:
    result = subprocess.run(
        [
            mosquitto_pub,
            "-h",
            "127.0.0.1",
            "-p",
            str(broker.port),
            "-u",
            user,
            "-P",
            password,
            "-t",
            f"sf/v1/sleman/{user}/status",
            "-m",
            "online",
            "-q",
            "1",
        ],
        capture_output=True,
        timeout=30,
        check=False,
    )
    return result.returncode == 0


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
