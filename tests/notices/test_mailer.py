"""The e-mail outbox against a real SMTP server on loopback: sent, refused and unreachable."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from litestar.testing import AsyncTestClient

from sharedfactory.app import create_app
from sharedfactory.businesses.tables import Business
from sharedfactory.notices.mailer import SmtpServer, send_pending
from sharedfactory.notices.service import notify_business
from sharedfactory.notices.tables import Notice
from sharedfactory.settings import Settings, SettingsError
from tests.notices.conftest import PASSWORD, REFUSED, USER, free_port

SITI = "ud-sambal-lado-tanjung"
FROM = "rumah-produksi@batubara.example.id"


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


async def drain(smtp_url: str) -> None:
    """Sends what earlier tests left waiting, so each test sees only its own notices."""
    while await send_pending(smtp_url, FROM, now(), limit=500):
        pass


async def siti_email() -> str:
    row = await Business.select(Business.email).where(Business.code == SITI).first().run()
    assert row is not None
    return str(row["email"])


async def notice(subject: str) -> dict:
    row = await Notice.select().where(Notice.subject == subject).first().run()
    assert row is not None, subject
    return row


async def test_waiting_notices_are_sent_once_in_utf8(engine, smtp_server):
    smtp_url, inbox = smtp_server
    await drain(smtp_url)
    subject = "Pemesanan bk-surat-1 dikonfirmasi — Wajan Pemasak 1"
    body = "Wajan Pemasak 1, Senin, 18 Januari 2027, 08.00–09.30 WIB.\nTerima kasih."
    await notify_business(SITI, "booking_confirmed", subject, body, now())

    assert await send_pending(smtp_url, FROM, now()) == 1

    [mail] = [m for m in inbox.messages if m["Subject"] == subject]
    assert mail["To"] == await siti_email()
    assert mail["From"] == FROM
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content().replace("\r\n", "\n").strip() == body  # SMTP lines end in CRLF
    row = await notice(subject)
    assert row["emailed_at"] is not None
    assert row["email_error"] is None
    assert await send_pending(smtp_url, FROM, now()) == 0  # never twice
    assert len([m for m in inbox.messages if m["Subject"] == subject]) == 1


async def test_a_refused_or_bad_recipient_keeps_its_notice_and_the_error(engine, smtp_server):
    smtp_url, inbox = smtp_server
    await drain(smtp_url)
    await notify_business(SITI, "booking_confirmed", "Untuk Siti, dikirim", "isi", now())
    await Notice.insert(
        Notice(
            kind="booking_confirmed",
            subject="Untuk alamat yang ditolak",
            body="isi",
            created_at=now(),
            email_to=REFUSED,
        )
    ).run()

    await Notice.insert(
        Notice(
            kind="booking_confirmed",
            subject="Alamat dengan baris baru",
            body="isi",
            created_at=now(),
            email_to="a@umkm.example.id\nBcc: b@umkm.example.id",
        )
    ).run()

    assert await send_pending(smtp_url, FROM, now()) == 1  # the good one still goes out

    refused = await notice("Untuk alamat yang ditolak")
    assert refused["emailed_at"] is None
    assert "550" in refused["email_error"]
    assert inbox.addressed_to(REFUSED) == []
    assert "linefeed" in (await notice("Alamat dengan baris baru"))["email_error"]
    assert (await notice("Untuk Siti, dikirim"))["emailed_at"] is not None
    assert await send_pending(smtp_url, FROM, now()) == 0  # not retried by itself


async def test_an_unreachable_server_records_the_error_and_never_crashes(engine, smtp_server):
    smtp_url, _inbox = smtp_server
    await drain(smtp_url)
    subject = "Server surat sedang mati"
    await notify_business(SITI, "booking_confirmed", subject, "isi", now())

    assert await send_pending(f"smtp://127.0.0.1:{free_port()}", FROM, now()) == 0

    row = await notice(subject)
    assert row["emailed_at"] is None
    assert "Connection" in row["email_error"] or "refused" in row["email_error"].lower()

    # Clearing the error puts it back in the outbox: now the server is there, it goes out.
    await Notice.update({Notice.email_error: None}).where(Notice.subject == subject).run()
    assert await send_pending(smtp_url, FROM, now()) == 1


async def test_a_wrong_password_is_recorded_too(engine, smtp_server):
    smtp_url, _inbox = smtp_server
    await drain(smtp_url)
    subject = "Kata sandi SMTP salah"
    await notify_business(SITI, "booking_confirmed", subject, "isi", now())
    wrong = smtp_url.replace("rahasia%40kota%201", "salah")

    assert await send_pending(wrong, FROM, now()) == 0

    assert "535" in (await notice(subject))["email_error"]


def test_the_smtp_url_is_read_with_its_login():
    server = SmtpServer.parse("smtp://outbox:rahasia%40kota%201@127.0.0.1:2525")
    assert (server.host, server.port, server.tls) == ("127.0.0.1", 2525, False)
    assert (server.username, server.password) == (USER, PASSWORD)
    assert SmtpServer.parse("smtps://mail.example.id").port == 465
    assert SmtpServer.parse("smtp://mail.example.id").port == 25


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"SHAREDFACTORY_SMTP_URL": "http://mail.example.id"}, "SHAREDFACTORY_SMTP_URL"),
        ({"SHAREDFACTORY_SMTP_URL": "smtp://"}, "SHAREDFACTORY_SMTP_URL"),
        ({"SHAREDFACTORY_SMTP_URL": "smtp://host:99999"}, "SHAREDFACTORY_SMTP_URL"),
        ({"SHAREDFACTORY_MAIL_FROM": "no-at-sign"}, "SHAREDFACTORY_MAIL_FROM"),
        ({"SHAREDFACTORY_MAIL_FROM": "a@b\r\nBcc: x@y"}, "SHAREDFACTORY_MAIL_FROM"),
    ],
)
def test_bad_mail_settings_name_their_variable(environ, variable):
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env(environ)


def test_mail_settings_from_the_environment():
    settings = Settings.from_env(
        {"SHAREDFACTORY_SMTP_URL": "smtps://u:p@mail.example.id", "SHAREDFACTORY_MAIL_FROM": FROM}
    )
    assert (settings.smtp_url, settings.mail_from) == ("smtps://u:p@mail.example.id", FROM)
    assert Settings.from_env({}).smtp_url is None


async def test_the_app_sends_the_outbox_while_it_runs(settings, engine, smtp_server):
    smtp_url, inbox = smtp_server
    await drain(smtp_url)
    subject = "Dikirim oleh aplikasi yang berjalan"
    await notify_business(SITI, "booking_confirmed", subject, "isi", now())
    mailing = Settings(
        database_url=settings.database_url,
        secret_key=settings.secret_key,
        data_dir=settings.data_dir,
        smtp_url=smtp_url,
        mail_from=FROM,
    )
    app = create_app(mailing, connection_pool=False)
    async with AsyncTestClient(app=app):  # runs the lifespan: the first round goes at once
        for _ in range(200):  # up to 10 s; the first round starts at once
            if any(m["Subject"] == subject for m in inbox.messages):
                break
            await asyncio.sleep(0.05)
    assert [m["To"] for m in inbox.messages if m["Subject"] == subject] == [await siti_email()]
