"""Machine MQTT logins from the operator side: issue or rotate (the password is shown once in
the answer, only its hash is kept) and revoke; an embedded broker re-reads its password file."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK

from sharedfactory.accounts.deps import Login, require_house
from sharedfactory.accounts.service import Viewer
from sharedfactory.devices.embedded import EmbeddedBroker, reload_running_broker
from sharedfactory.devices.logins import issue_machine_password, revoke_machine_password
from sharedfactory.devices.queries import machine_house
from sharedfactory.devices.topics import topic_for
from sharedfactory.settings import Settings
from sharedfactory.web.errors import not_found, refused
from sharedfactory.web.params import CODE

MachineCode = Annotated[str, Parameter(max_length=64, pattern=CODE, description="machine id")]


class IssuedLogin(msgspec.Struct):
    machine: str
    username: str
    password: str  # shown once: only its hash is kept
    topic: str
    broker_reloaded: bool


class RevokedLogin(msgspec.Struct):
    machine: str
    revoked: int
    broker_reloaded: bool


async def _check(login: Viewer, machine: str) -> str:
    """The machine's house, if this login may manage its credentials (admins and its operators)."""
    found = await machine_house(machine)
    if found is None:
        raise NotFoundException(detail=f"machine {machine!r} does not exist")
    if login.role not in ("admin", "operator"):
        raise PermissionDeniedException(detail="machine logins are managed by operators and admins")
    require_house(login, found[1])
    return found[1]


async def _reload(settings: Settings) -> bool:
    if settings.mqtt_url:
        return False  # an external broker keeps its own password file
    await EmbeddedBroker(settings.data_dir).refresh_logins()
    return reload_running_broker(settings.data_dir)


class MachineLoginApi(Controller):
    path = "/api/v1/machines/{machine:str}/login"
    tags = ("telemetry",)

    @post(
        "/",
        summary="Issue or rotate a machine's MQTT login",
        status_code=HTTP_200_OK,
        responses=not_found("machine") | refused(401, 403),
    )
    async def issue(
        self, request: Request[Any, Any, Any], login: Login, machine: MachineCode
    ) -> IssuedLogin:
        house = await _check(login, machine)
        password = await issue_machine_password(machine, login.user_id)
        reloaded = await _reload(request.app.state.settings)
        return IssuedLogin(
            machine, machine, password, topic_for(house, machine, "telemetry"), reloaded
        )

    @delete(
        "/",
        summary="Revoke a machine's MQTT login",
        status_code=HTTP_200_OK,
        responses=not_found("machine") | refused(401, 403),
    )
    async def revoke(
        self, request: Request[Any, Any, Any], login: Login, machine: MachineCode
    ) -> RevokedLogin:
        await _check(login, machine)
        revoked = await revoke_machine_password(machine, login.user_id)
        return RevokedLogin(machine, revoked, await _reload(request.app.state.settings))
