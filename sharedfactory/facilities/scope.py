"""Which house a write route's path names, and the guard that keeps its writers to that house.

A guard runs before Litestar reads the body, so an operator of another house is refused (403)
before a body they may not send is checked (no 400 that tells them about its fields). The house
comes from the path: `house` itself, or the house of the `machine` or `operator` named there.
A code that names nothing passes the guard: the handler answers 404 for it.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from sharedfactory.accounts.deps import SESSION_COOKIE, refuse_auditor
from sharedfactory.accounts.service import viewer_for
from sharedfactory.facilities.tables import Machine, Operator


async def house_of_path(params: dict[str, Any]) -> str | None:
    """The house the path's `house`, `machine` or `operator` belongs to; None if it names none."""
    if isinstance(params.get("house"), str):
        return str(params["house"])
    for table, key in ((Machine, "machine"), (Operator, "operator")):
        code = params.get(key)
        if isinstance(code, str):
            row = (
                await table.select(table.house.code.as_alias("house"))
                .where(table.code == code)
                .first()
                .run()
            )
            return None if row is None else str(row["house"])
    return None


async def house_writers_only(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """The operators of the path's house and admins; the auditor reads, a UMKM books."""
    viewer = await viewer_for(connection.cookies.get(SESSION_COOKIE))
    if viewer is None:
        raise NotAuthorizedException(detail="log in first (POST /api/v1/auth/login)")
    refuse_auditor(viewer)
    if viewer.role not in ("operator", "admin"):
        raise PermissionDeniedException(detail="for the house's operators and admins")
    if viewer.role == "operator":
        house = await house_of_path(connection.path_params)
        if house is not None and house != viewer.house:
            raise PermissionDeniedException(detail=f"house {house!r} is outside your scope")


HOUSE_WRITERS = [house_writers_only]
