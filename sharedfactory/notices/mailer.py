"""The e-mail outbox: notices with an address go out by SMTP, a batch at a time, off the request.

A notice is claimed (its `emailed_at` set) in one conditional UPDATE before it is sent, so several
web workers running the outbox never send the same notice twice. A notice that cannot be sent gets
`emailed_at` back to NULL and the reason in `email_error`: it stays in the app, is never lost and is
not retried until someone clears `email_error`.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from urllib.parse import unquote, urlsplit

from litestar import Litestar

from sharedfactory.background import stopped_within
from sharedfactory.notices.tables import Notice
from sharedfactory.settings import Settings

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 30.0
SMTP_TIMEOUT_SECONDS = 20.0
MAX_ERROR_LENGTH = 500


@dataclass(frozen=True)
class Outgoing:
    notice: int
    to: str
    subject: str
    body: str


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    tls: bool  # smtps://: TLS from the first byte; smtp:// upgrades with STARTTLS when offered
    username: str | None
    password: str | None

    @classmethod
    def parse(cls, url: str) -> SmtpServer:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"not an smtp:// or smtps:// URL: {url!r}")
        tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if tls else 25),
            tls=tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


def message(mail_from: str, outgoing: Outgoing, now: datetime) -> EmailMessage:
    """Plain text in UTF-8; the Indonesian subject is encoded as RFC 2047 words."""
    mail = EmailMessage()
    mail["From"] = mail_from
    mail["To"] = outgoing.to
    mail["Subject"] = outgoing.subject
    mail["Date"] = format_datetime(now.astimezone(UTC))
    mail["Message-ID"] = make_msgid(f"notice-{outgoing.notice}", mail_from.rsplit("@", 1)[1])
    mail.set_content(outgoing.body, charset="utf-8")
    return mail


def deliver(
    server: SmtpServer, mail_from: str, batch: Sequence[Outgoing], now: datetime
) -> dict[int, str | None]:
    """Blocking (run it in a thread): each notice's error, None when the server took it."""
    results: dict[int, str | None] = {}
    try:
        smtp = _connect(server)
    except (OSError, smtplib.SMTPException) as error:
        return {o.notice: _reason(error) for o in batch}
    try:
        for outgoing in batch:
            try:
                mail = message(mail_from, outgoing, now)
                smtp.send_message(mail)
                results[outgoing.notice] = None
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, ValueError) as error:
                results[outgoing.notice] = _reason(error)  # this message only: go on
            except (OSError, smtplib.SMTPException) as error:  # the connection: stop here
                reason = _reason(error)
                for rest in batch:
                    results.setdefault(rest.notice, reason)
                break
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return results


def _connect(server: SmtpServer) -> smtplib.SMTP:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if server.tls:
        smtp = smtplib.SMTP_SSL(
            server.host, server.port, timeout=SMTP_TIMEOUT_SECONDS, context=context
        )
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT_SECONDS)
    try:
        smtp.ehlo()
        if not server.tls and smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        if server.username is not None:
            smtp.login(server.username, server.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _reason(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}".strip()
    return text[:MAX_ERROR_LENGTH]


async def send_pending(smtp_url: str, mail_from: str, now: datetime, limit: int = 50) -> int:
    """Sends up to `limit` waiting notices; returns how many the server accepted."""
    server = SmtpServer.parse(smtp_url)
    batch = await _claim(now, limit)
    if not batch:
        return 0
    try:
        results = await asyncio.to_thread(deliver, server, mail_from, batch, now)
    except Exception as error:  # whatever happens, the claimed notices get their reason
        log.exception("the e-mail outbox failed")
        results = {outgoing.notice: _reason(error) for outgoing in batch}
    sent = 0
    for outgoing in batch:
        reason = results.get(outgoing.notice, "not sent")
        if reason is None:
            sent += 1
            continue
        log.warning("notice %s to %s not sent: %s", outgoing.notice, outgoing.to, reason)
        await (
            Notice.update({Notice.emailed_at: None, Notice.email_error: reason})
            .where(Notice._meta.primary_key == outgoing.notice)
            .run()
        )
    return sent


def _waiting() -> Any:
    return (
        Notice.email_to.is_not_null(),
        Notice.emailed_at.is_null(),
        Notice.email_error.is_null(),
    )


async def _claim(now: datetime, limit: int) -> list[Outgoing]:
    key = Notice._meta.primary_key
    candidates = await (
        Notice.select(key.as_alias("pk")).where(*_waiting()).order_by(key).limit(limit).run()
    )
    if not candidates:
        return []
    claimed = await (
        Notice.update({Notice.emailed_at: now})
        .where(key.is_in([row["pk"] for row in candidates]), *_waiting())
        .returning(key.as_alias("pk"), Notice.email_to, Notice.subject, Notice.body)
        .run()
    )
    return sorted(
        (Outgoing(row["pk"], row["email_to"], row["subject"], row["body"]) for row in claimed),
        key=lambda outgoing: outgoing.notice,
    )


def outbox_lifespans(
    settings: Settings, interval: float = INTERVAL_SECONDS
) -> list[Callable[[Litestar], AbstractAsyncContextManager[None]]]:
    """The app's outbox hook: sends waiting notices every `interval` seconds; none without SMTP."""
    smtp_url = settings.smtp_url
    if not smtp_url:
        return []

    @asynccontextmanager
    async def outbox(_app: Litestar) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = asyncio.create_task(_run_outbox(smtp_url, settings.mail_from, interval, stop))
        try:
            yield
        finally:
            stop.set()  # a round under way finishes, so no claimed notice is left unrecorded
            try:
                await asyncio.wait_for(task, timeout=2 * SMTP_TIMEOUT_SECONDS + 5)
            except TimeoutError:
                log.warning("the e-mail outbox did not stop in time")

    return [outbox]


async def _run_outbox(smtp_url: str, mail_from: str, interval: float, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await send_pending(smtp_url, mail_from, datetime.now(UTC))
        except Exception:  # the database may be away for a moment: try again next round
            log.exception("the e-mail outbox failed; trying again in %s s", interval)
        await stopped_within(stop, interval)
