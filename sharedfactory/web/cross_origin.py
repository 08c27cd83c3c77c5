"""Refuses state-changing requests that a browser sent from another origin, and JSON API writes in
a body type a cross-site form could forge.

The page forms carry Litestar's CSRF token; the JSON API (outside the token, see app.py) rests on
the SameSite=Lax session cookie. Two more checks close what SameSite leaves open (a sibling
subdomain is "same-site"; Litestar parses a `text/plain` body as JSON):

- a write whose `Sec-Fetch-Site` is `cross-site` or `same-site` is refused; a browser too old to
  send it is judged by `Origin` against `Host` (the algorithm of Go's CrossOriginProtection).
  Requests without either header (scripts, machines, curl) are not browser requests and pass;
- an API write with a body must say `application/json` (or `multipart/form-data` for uploads).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import msgspec
from litestar.types import ASGIApp, HTTPResponseStartEvent, Receive, Scope, Send

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
API_BODY_TYPES = ("application/json", "multipart/form-data")


def _headers(scope: Scope) -> dict[str, str]:
    return {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}


def cross_origin(headers: dict[str, str]) -> bool:
    """The browser says (or its Origin shows) that another site or origin sent the request."""
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None:
        return False
    return origin == "null" or urlsplit(origin).netloc != headers.get("host", "")


def wrong_body_type(headers: dict[str, str]) -> bool:
    """An API write that carries a body in a type other than JSON or multipart."""
    has_body = headers.get("content-length", "0") != "0" or "transfer-encoding" in headers
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    return has_body and media not in API_BODY_TYPES


async def _refuse(send: Send, status: int, detail: str, key: str) -> None:
    body = msgspec.json.encode(
        {"status_code": status, "detail": detail, "extra": [{"key": key, "message": detail}]}
    )
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    await send(start)
    await send({"type": "http.response.body", "body": body, "more_body": False})


def refuse_cross_origin_writes(app: ASGIApp) -> ASGIApp:
    """ASGI middleware around the whole app."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in WRITE_METHODS:
            await app(scope, receive, send)
            return
        headers = _headers(scope)
        if cross_origin(headers):
            detail = "Cross-origin request refused: send it from this site's own pages."
            await _refuse(send, 403, detail, "origin")
        elif scope["path"].startswith("/api/") and wrong_body_type(headers):
            detail = "Send the body as application/json (uploads: multipart/form-data)."
            await _refuse(send, 415, detail, "content-type")
        else:
            await app(scope, receive, send)

    return middleware
