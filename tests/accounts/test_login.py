"""Logins: argon2 passwords, lockout, rate limit, a new session per login, CSRF on the form."""

import re
from datetime import UTC, datetime

import pytest
from litestar.testing import AsyncTestClient

from sharedfactory.accounts.service import (
    MAX_FAILED_LOGINS,
    AccountError,
    add_user,
    authenticate,
)
from sharedfactory.accounts.tables import User
from sharedfactory.app import create_app
from tests.conftest import LOGINS, log_in

PASSWORD = "kunci-rahasia-2026"


async def new_user(email: str, role: str = "auditor", **scope) -> str:
    await add_user(email, role, PASSWORD, **scope)
    return email


async def test_login_sets_an_http_only_same_site_cookie(client):
    response = await client.post(
        "/api/v1/auth/login", json={"email": LOGINS["auditor"][0], "password": LOGINS["auditor"][1]}
    )
    assert response.status_code == 201
    assert response.json()["role"] == "auditor"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("sf_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert (await client.get("/api/v1/auth/me")).json()["email"] == LOGINS["auditor"][0]


@pytest.mark.parametrize("email", [LOGINS["auditor"][0], "nobody@example.id"])
async def test_wrong_password_or_unknown_email_is_the_same_401(client, email):
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": "x"})
    assert response.status_code == 401
    assert response.json()["detail"] == "wrong e-mail or password"


async def test_every_login_gets_a_new_session_and_logout_ends_it(client):
    await log_in(client, "auditor")
    first = client.cookies["sf_session"]
    await log_in(client, "auditor")
    second = client.cookies["sf_session"]
    assert first != second
    client.cookies["sf_session"] = first
    assert (await client.get("/api/v1/auth/me")).status_code == 401  # the old one is closed
    client.cookies["sf_session"] = second
    assert (await client.post("/api/v1/auth/logout")).status_code == 200
    client.cookies["sf_session"] = second
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_repeated_wrong_passwords_lock_the_account(engine):
    email = await new_user("kunci@example.id")
    for _ in range(MAX_FAILED_LOGINS):
        assert await authenticate(email, "wrong") is None
    assert await authenticate(email, PASSWORD) is None  # locked, even with the right password
    row = await User.select(User.locked_until).where(User.email == email).first()
    assert row["locked_until"] > datetime.now(UTC)


async def test_passwords_are_stored_as_argon2id_hashes(engine):
    email = await new_user("hash@example.id")
    row = await User.select(User.password_hash).where(User.email == email).first()
    assert row["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in row["password_hash"]


@pytest.mark.parametrize(
    ("email", "role", "scope", "field"),
    [
        ("x@example.id", "operator", {}, "house"),
        ("y@example.id", "umkm", {}, "business"),
        ("z@example.id", "root", {}, "role"),
        ("not-an-email", "auditor", {}, "email"),
        ("w@example.id", "operator", {"house": "atlantis"}, "house"),
    ],
)
async def test_bad_logins_are_refused_naming_the_field(engine, email, role, scope, field):
    with pytest.raises(AccountError, match=f"^{field}:"):
        await add_user(email, role, PASSWORD, **scope)


async def test_login_attempts_are_rate_limited(settings, engine):
    app = create_app(settings, connection_pool=False, login_attempts_per_minute=3)
    async with AsyncTestClient(app=app) as limited:
        codes = [
            (
                await limited.post("/api/v1/auth/login", json={"email": "a@b.id", "password": "x"})
            ).status_code
            for _ in range(4)
        ]
    assert codes == [401, 401, 401, 429]


async def test_registrations_share_the_password_routes_budget(settings, engine):
    """Registering hashes a password too: the same per-address budget as logging in."""
    app = create_app(settings, connection_pool=False, login_attempts_per_minute=3)
    async with AsyncTestClient(app=app) as limited:
        codes = [(await limited.post("/api/v1/register", json={})).status_code for _ in range(3)]
        codes.append((await limited.post("/daftar", data={})).status_code)
        codes.append(
            (await limited.post("/api/v1/auth/login", json={"email": "a@b.id"})).status_code
        )
    assert codes[:3] == [400, 400, 400]
    assert codes[3:] == [429, 429]


async def test_the_login_form_needs_its_csrf_token(client):
    form = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text).group(1)
    email, password = LOGINS["operator_sleman"]
    fields = {"email": email, "password": password, "next": "/houses/sleman/live"}
    refused = await client.post("/login", data=fields, follow_redirects=False)
    assert refused.status_code == 403
    accepted = await client.post(
        "/login", data=fields | {"_csrf_token": token}, follow_redirects=False
    )
    assert accepted.status_code in (302, 303)
    assert accepted.headers["location"] == "/houses/sleman/live"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "javascript:x"])
async def test_login_never_redirects_off_the_site(client, target):
    form = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text).group(1)
    email, password = LOGINS["auditor"]
    answer = await client.post(
        "/login",
        data={"email": email, "password": password, "next": target, "_csrf_token": token},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/"
