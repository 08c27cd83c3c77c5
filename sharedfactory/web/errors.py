"""The documented error answers of the JSON API (Litestar's shape, CONTRACTS.md section 5)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Redirect, Template


class ErrorBody(msgspec.Struct, omit_defaults=True):
    status_code: int
    detail: str
    extra: list[dict[str, Any]] | dict[str, Any] | None = None


def not_found(what: str) -> dict[int, ResponseSpec]:
    return {404: ResponseSpec(data_container=ErrorBody, description=f"no such {what}")}


def refused(*codes: int) -> dict[int, ResponseSpec]:
    """401 (not logged in) and 403 (outside your role or scope), as the route may answer."""
    texts = {401: "not logged in", 403: "outside your role or scope", 429: "too many attempts"}
    return {code: ResponseSpec(data_container=ErrorBody, description=texts[code]) for code in codes}


def page_or_json_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    """The API answers in Litestar's JSON shape; a person's page gets a page, in their language.
    A page that needs a login sends the person to the login form instead of a 401."""
    path = request.url.path
    if path.startswith(("/api/", "/schema", "/healthz")) or request.method != "GET":
        body = ErrorBody(error.status_code, error.detail, getattr(error, "extra", None) or None)
        return Response(body, status_code=error.status_code)
    if error.status_code == 401:
        return Redirect(f"/login?next={quote(path)}")
    from sharedfactory.web.pages import page_context

    context = page_context(request, request.query_params.get("lang"))
    context |= {"status_code": error.status_code, "detail": error.detail}
    return Template("pages/error.html", context=context, status_code=error.status_code)
