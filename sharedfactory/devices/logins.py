"""Machine logins kept in the database (hash only) and service logins kept in the data directory;
together they make the broker's password file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sharedfactory.audit import events as audit
from sharedfactory.devices.broker import SERVICE_READ
from sharedfactory.devices.credentials import hash_password, new_password
from sharedfactory.devices.tables import MachineCredential
from sharedfactory.facilities.tables import Machine


class UnknownMachine(LookupError):
    pass


async def issue_machine_password(machine_code: str, actor: int | None = None) -> str:
    """A new password for the machine (shown once); any earlier one is revoked. `actor`: the
    user asking (None: the command line or the demo), for the audit log."""
    machine = (
        await Machine.select(Machine._meta.primary_key)
        .where(Machine.code == machine_code)
        .first()
        .run()
    )
    if machine is None:
        raise UnknownMachine(f"machine {machine_code!r} does not exist")
    password = new_password()
    now = datetime.now(UTC)
    async with MachineCredential._meta.db.transaction():
        await (
            MachineCredential.update({MachineCredential.revoked_at: now})
            .where(
                (MachineCredential.machine == machine["id"])
                & MachineCredential.revoked_at.is_null()
            )
            .run()
        )
        await MachineCredential.insert(
            MachineCredential(
                machine=machine["id"], password_hash=hash_password(password), created_at=now
            )
        ).run()
        await audit.credential_changed(machine_code, "issued", actor)
    return password


async def revoke_machine_password(machine_code: str, actor: int | None = None) -> int:
    async with MachineCredential._meta.db.transaction():
        rows = (
            await MachineCredential.update({MachineCredential.revoked_at: datetime.now(UTC)})
            .where(
                (MachineCredential.machine.code == machine_code)
                & MachineCredential.revoked_at.is_null()
            )
            .returning(MachineCredential._meta.primary_key)
            .run()
        )
        if rows:
            await audit.credential_changed(machine_code, "revoked", actor, len(rows))
    return len(rows)


async def machine_password_hashes() -> dict[str, str]:
    rows = (
        await MachineCredential.select(
            MachineCredential.machine.code.as_alias("code"), MachineCredential.password_hash
        )
        .where(MachineCredential.revoked_at.is_null())
        .run()
    )
    return {row["code"]: row["password_hash"] for row in rows}


def service_passwords(directory: Path) -> dict[str, str]:
    """The services' own logins, generated once into the broker directory (mode 600)."""
    path = directory / "services.json"
    if path.exists():
        return dict(json.loads(path.read_text()))
    directory.mkdir(parents=True, exist_ok=True)
    passwords = {user: new_password() for user in SERVICE_READ}
    path.write_text(json.dumps(passwords))
    path.chmod(0o600)
    return passwords
