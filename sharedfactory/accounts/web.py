"""Who is asking (from the session cookie), the login API and the login page."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import Body, JSONBody, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from sharedfactory.accounts.deps import SESSION_COOKIE, Login
from sharedfactory.accounts.service import (
    Viewer,
    authenticate,
    close_session,
    open_session,
    viewer_for,
)
from sharedfactory.web.errors import refused
from sharedfactory.web.pages import Language, page_context

# The routes that hash a password (argon2 costs each of them real CPU): logging in, registering.
PASSWORD_PATHS = frozenset({"/login", "/api/v1/auth/login", "/daftar", "/api/v1/register"})


def _is_login(request: Request[Any, Any, Any]) -> bool:
    return request.method == "POST" and request.url.path in PASSWORD_PATHS


def login_rate_limit(per_minute: int) -> RateLimitConfig:
    """Attempts per client address and minute to log in or register, together (the lockout
    after repeated wrong passwords is per user, in the service)."""
    return RateLimitConfig(
        rate_limit=("minute", per_minute),
        check_throttle_handler=_is_login,
        store="login_rate_limit",
    )


class LoginIn(msgspec.Struct):
    email: Annotated[
        str, msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^\x00-\x1f\x7f]+$")
    ]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


class LoggedOut(msgspec.Struct):
    logged_out: bool


class Me(msgspec.Struct):
    email: str
    role: str
    house: str | None
    business: str | None


def _me(viewer: Viewer) -> Me:
    return Me(viewer.email, viewer.role, viewer.house, viewer.business)


def _with_session(response: Response[Any], token: str, request: Request[Any, Any, Any]) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        path="/",
        secure=request.url.scheme == "https",
        max_age=14 * 86400,
    )


class AuthApi(Controller):
    path = "/api/v1/auth"
    tags = ("accounts",)

    @post(
        "/login",
        summary="Log in; answers with a session cookie",
        responses=refused(401, 429),
    )
    async def login(self, request: Request[Any, Any, Any], data: JSONBody[LoginIn]) -> Response[Me]:
        user_id = await authenticate(data.email, data.password)
        if user_id is None:
            raise NotAuthorizedException(detail="wrong e-mail or password")
        token, viewer = await _new_session(request, user_id)
        response = Response(_me(viewer))
        _with_session(response, token, request)
        return response

    @post("/logout", summary="End this session", status_code=HTTP_200_OK)
    async def logout(self, request: Request[Any, Any, Any]) -> Response[LoggedOut]:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            await close_session(token)
        response = Response(LoggedOut(logged_out=True))
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @get("/me", summary="Who is logged in", responses=refused(401))
    async def me(self, login: Login) -> Me:
        return _me(login)


async def _new_session(request: Request[Any, Any, Any], user_id: int) -> tuple[str, Viewer]:
    """A new session id at every login (the old one, if any, is closed)."""
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        await close_session(old)
    token = await open_session(user_id)
    viewer = await viewer_for(token)
    assert viewer is not None
    return token, viewer


async def logged_in(request: Request[Any, Any, Any], user_id: int, target: str) -> Redirect:
    """A fresh session for the user (the old one closed) and a 303 to `target` on this site."""
    token, _viewer = await _new_session(request, user_id)
    response = Redirect(_safe_next(target), status_code=303)
    _with_session(response, token, request)
    return response


class LoginForm(msgspec.Struct):
    email: str = ""
    password: str = ""
    next: str = "/"


def _safe_next(target: str) -> str:
    """Only paths on this site (no `//host` or `https://`): no open redirect."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


class LoginPages(Controller):
    include_in_schema = False

    @get("/login", name="login")
    async def form(
        self,
        request: Request[Any, Any, Any],
        lang: Language = None,
        next_: Annotated[str, QueryParameter(name="next", max_length=200)] = "/",
    ) -> Template:
        context = page_context(request, lang) | {"next": _safe_next(next_), "error": None}
        return Template("pages/login.html", context=context)

    @post("/login")
    async def submit(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
        lang: Language = None,
    ) -> Response[Any]:
        user_id = await authenticate(data.email, data.password)
        if user_id is None:
            context = page_context(request, lang) | {
                "next": _safe_next(data.next),
                "error": "wrong e-mail or password",
            }
            return Template("pages/login.html", context=context, status_code=401)
        token, _viewer = await _new_session(request, user_id)
        response = Redirect(_safe_next(data.next))
        _with_session(response, token, request)
        return response

    @post("/logout", name="logout")
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            await close_session(token)
        response = Redirect("/")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
