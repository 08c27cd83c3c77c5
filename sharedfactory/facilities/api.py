"""Read-only JSON of houses and their machines."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import Parameter

from sharedfactory.facilities.queries import list_houses, list_machines
from sharedfactory.facilities.schemas import HouseOut, MachineOut
from sharedfactory.web.errors import not_found
from sharedfactory.web.params import CODE

HouseCode = Annotated[
    str, Parameter(max_length=64, pattern=CODE, description="house id, e.g. `batu-bara`")
]


class FacilitiesApi(Controller):
    path = "/api/v1/houses"

    @get("/", summary="Production houses", tags=["facilities"])
    async def houses(self) -> list[HouseOut]:
        return [HouseOut.of(house) for house in await list_houses()]

    @get(
        "/{house:str}/machines",
        summary="Machines of one house",
        tags=["facilities"],
        responses=not_found("house"),
    )
    async def machines(self, house: HouseCode) -> list[MachineOut]:
        if not await list_houses(house):
            raise NotFoundException(detail=f"house {house!r} does not exist")
        return [MachineOut.of(machine) for machine in await list_machines(house)]
