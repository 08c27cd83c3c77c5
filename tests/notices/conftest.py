"""A real SMTP server on loopback (aiosmtpd, in its own thread) that keeps what it receives."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "outbox", "rahasia@kota 1"  # needs percent-encoding in the URL
REFUSED = "nobody@umkm.example.id"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Inbox:
    """Accepts mail for anyone except REFUSED; a client that logs in must use USER/PASSWORD."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address == REFUSED:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def addressed_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # not handled: the server answers 535


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[str, Inbox]]:
    """(smtp:// URL with the login, the inbox)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_require_tls=False,  # loopback only; AUTH is offered, so the login is checked
    )
    controller.start()
    try:
        yield f"smtp://{USER}:rahasia%40kota%201@127.0.0.1:{port}", inbox
    finally:
        controller.stop()
