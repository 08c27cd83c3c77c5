"""Machine administration over JSON: a house's operators and admins add a machine to the house and
edit one; auditors and UMKM never do (refused before the body is even read). Every refusal names
its field. Reading stays `GET /api/v1/houses/{house}/machines` (facilities.api).
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, patch, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter

from sharedfactory.accounts.deps import Login, refuse_auditor, require_house
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.rules_api import field_refusal
from sharedfactory.facilities import machine_admin as admin
from sharedfactory.facilities.machine_schemas import MachineAddIn, MachineEditIn
from sharedfactory.facilities.schemas import MachineOut
from sharedfactory.facilities.scope import HOUSE_WRITERS
from sharedfactory.web.errors import ErrorBody, not_found, refused
from sharedfactory.web.params import CODE, Strict

HouseCode = Annotated[
    str, Parameter(max_length=64, pattern=CODE, description="house id, e.g. `batu-bara`")
]
MachineCode = Annotated[str, Parameter(max_length=64, pattern=CODE, description="machine id")]
CONFLICT = {
    409: ResponseSpec(
        data_container=ErrorBody,
        description="refused by the machine's state: a taken code, a halal status change",
    )
}
Writer = NamedDependency[Viewer]


async def provide_writer(login: Login) -> Viewer:
    """Operators and admins; the auditor reads, a UMKM books."""
    refuse_auditor(login)
    if login.role not in ("operator", "admin"):
        raise PermissionDeniedException(detail="machines are managed by the house's operators")
    return login


def _refusal(error: admin.MachineRefused) -> Exception:
    return field_refusal(error.refusal.status, error.refusal.key, error.refusal.text)


@post(
    "/api/v1/houses/{house:str}/machines",
    summary="Add a machine to a house (its operators and admins)",
    status_code=201,
    tags=["facilities"],
    guards=HOUSE_WRITERS,
    dependencies={"writer": Provide(provide_writer)},
    responses=not_found("house") | refused(401, 403) | CONFLICT,
)
async def add_house_machine(
    writer: Writer, house: HouseCode, data: Strict[MachineAddIn]
) -> MachineOut:
    require_house(writer, house)
    try:
        added = await admin.add_machine(house, data, writer.user_id)
    except admin.Missing as missing:
        raise NotFoundException(detail=str(missing)) from None
    except admin.MachineRefused as error:
        raise _refusal(error) from None
    return MachineOut.of(added)


class MachineAdminApi(Controller):
    path = "/api/v1"
    tags = ("facilities",)
    dependencies = {"writer": Provide(provide_writer)}  # noqa: RUF012

    @patch(
        "/machines/{machine:str}",
        summary="Edit a machine: name, batch, cycle, tariff, power, operator, halal status",
        guards=HOUSE_WRITERS,
        responses=not_found("machine") | refused(401, 403) | CONFLICT,
    )
    async def edit(
        self, writer: Writer, machine: MachineCode, data: Strict[MachineEditIn]
    ) -> MachineOut:
        try:
            found = await admin.find_machine(machine)
        except admin.Missing as missing:
            raise NotFoundException(detail=str(missing)) from None
        require_house(writer, found.house)
        try:
            changed = await admin.edit_machine(found, data, writer.user_id)
        except admin.MachineRefused as error:
            raise _refusal(error) from None
        return MachineOut.of(changed)


# The POST is a plain handler, not a controller's: Litestar 2.25 cannot merge two controllers'
# routes on one path (both bring an OPTIONS handler), and `GET` of this path is `FacilitiesApi`'s.
# Register these after FacilitiesApi.
MACHINE_ADMIN_API: tuple[type[Controller] | HTTPRouteHandler, ...] = (
    MachineAdminApi,
    add_house_machine,
)
