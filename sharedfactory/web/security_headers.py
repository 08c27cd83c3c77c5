"""Security headers on every answer (OWASP's secure headers): a Content Security Policy without
inline scripts, no framing, no referrer beyond our own origin, no MIME sniffing.

Every script we serve is a file under /static (htmx, ECharts, our own small scripts); data for a
chart travels as `<script type="application/json">`, which the browser never runs. Styles may be
inline (`<style>` blocks in the templates, and htmx's indicator style). The Swagger UI page at
/schema is Litestar's own, with an inline start-up script: it alone may run that.
"""

from __future__ import annotations

from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_POLICY = POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
FIXED = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


def policy_for(path: str) -> bytes:
    return (DOCS_POLICY if path == "/schema" or path.startswith("/schema/") else POLICY).encode()


def security_headers(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: adds the headers unless the answer set its own (an evidence download's
    stricter policy wins)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        policy = policy_for(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                present = {name.lower() for name, _value in headers}
                wanted = ((b"content-security-policy", policy), *FIXED)
                headers += [(name, value) for name, value in wanted if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
