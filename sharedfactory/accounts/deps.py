"""Who is asking: the `viewer` (maybe nobody) and the `login` (required) dependencies."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException

from sharedfactory.accounts.service import Viewer, viewer_for

SESSION_COOKIE = "sf_session"
CurrentViewer = NamedDependency[Viewer | None]
Login = NamedDependency[Viewer]


async def provide_viewer(request: Request[Any, Any, Any]) -> Viewer | None:
    return await viewer_for(request.cookies.get(SESSION_COOKIE))


async def provide_login(viewer: CurrentViewer) -> Viewer:
    if viewer is None:
        raise NotAuthorizedException(detail="log in first (POST /api/v1/auth/login)")
    return viewer


VIEWER_DEPENDENCIES = {
    "viewer": Provide(provide_viewer),
    "login": Provide(provide_login),
}


def require_house(login: Viewer, house: str) -> None:
    if not login.sees_house(house):
        raise PermissionDeniedException(detail=f"house {house!r} is outside your scope")


def refuse_auditor(login: Viewer) -> None:
    """Auditors read every house and change nothing."""
    if login.role == "auditor":
        raise PermissionDeniedException(detail="auditors read; they do not write")


def require_staff_or_operator(login: Viewer) -> None:
    if login.role == "umkm":
        raise PermissionDeniedException(detail="for house staff and auditors only")
