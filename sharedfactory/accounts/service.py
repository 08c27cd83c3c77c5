"""Creating users, checking passwords (argon2id) with lockout, and server-side sessions."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from sharedfactory.accounts.tables import ROLES, Session, User
from sharedfactory.businesses.tables import Business
from sharedfactory.db.raw import fetch, name
from sharedfactory.facilities.tables import House
from sharedfactory.fresh import FreshCache
from sharedfactory.shared_stamp import SharedStamp

SESSION_DAYS = 14
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
# Who holds a session, kept a few seconds so a burst of requests asks the database once; a logout
# drops it at once, in this process and (`share_viewers`) in the other web processes.
VIEWER_TTL_S = 5.0


class _Viewers(FreshCache[tuple["Viewer", datetime]]):
    shared: SharedStamp | None = None  # the web processes' stamp, moved by every logout

    def catch_up(self) -> None:
        """Drop every kept viewer when another process logged someone out since last time."""
        if self.shared is not None and self.shared.moved():
            self.clear()


_viewers = _Viewers(VIEWER_TTL_S, size=4096)
_hasher = PasswordHasher()
# Verifying against this costs as much as a real hash: unknown e-mails take as long as known ones.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """The message starts with the field it is about."""


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a logged-in user with a role and, for operators and UMKM, a scope."""

    user_id: int
    email: str
    role: str
    house: str | None
    business: str | None
    csrf_token: str

    @property
    def is_staff(self) -> bool:
        return self.role in ("admin", "auditor")

    def sees_house(self, house: str) -> bool:
        return self.is_staff or (self.role == "operator" and self.house == house)


async def _code_to_id(
    table: type[House] | type[Business], code: str | None, field: str
) -> int | None:
    if code is None:
        return None
    row = await table.select(table._meta.primary_key).where(table.code == code).first().run()
    if row is None:
        raise AccountError(f"{field}: {code!r} does not exist")
    return int(row["id"])


async def add_user(
    email: str, role: str, password: str, house: str | None = None, business: str | None = None
) -> int:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise AccountError("email: not an e-mail address")
    if role not in ROLES:
        raise AccountError(f"role: one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    if role == "operator" and house is None:
        raise AccountError("house: an operator belongs to a house (--house)")
    if role == "umkm" and business is None:
        raise AccountError("business: a UMKM login belongs to a business (--business)")
    if await User.exists().where(User.email == email).run():
        raise AccountError(f"email: {email} is already registered")
    user = User(
        email=email,
        password_hash=_hasher.hash(password),
        role=role,
        house=await _code_to_id(House, house, "house"),
        business=await _code_to_id(Business, business, "business"),
        created_at=datetime.now(UTC),
    )
    await user.save().run()
    return int(user[User._meta.primary_key._meta.name])


async def authenticate(email: str, password: str, now: datetime | None = None) -> int | None:
    """The user id, or None (wrong e-mail, wrong password, inactive, or locked out)."""
    now = now or datetime.now(UTC)
    if "\x00" in email:  # PostgreSQL text cannot hold NUL: no such user, and no driver error
        _verify(_DUMMY_HASH, password)
        return None
    user = await User.select().where(User.email == email.strip().lower()).first().run()
    if user is None:
        _verify(_DUMMY_HASH, password)
        return None
    if not user["active"] or (user["locked_until"] and user["locked_until"] > now):
        return None
    if not _verify(user["password_hash"], password):
        await _count_failure(user, now)
        return None
    await (
        User.update({User.failed_logins: 0, User.locked_until: None})
        .where(User._meta.primary_key == user["id"])
        .run()
    )
    return int(user["id"])


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


async def _count_failure(user: dict[str, Any], now: datetime) -> None:
    failures = user["failed_logins"] + 1
    locked = now + LOCKOUT if failures >= MAX_FAILED_LOGINS else None
    await (
        User.update({User.failed_logins: 0 if locked else failures, User.locked_until: locked})
        .where(User._meta.primary_key == user["id"])
        .run()
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(user_id: int) -> str:
    """A new session; the caller sets the returned token as the cookie (a new one per login)."""
    token, now = secrets.token_urlsafe(32), datetime.now(UTC)
    await Session.insert(
        Session(
            token_hash=_hash(token),
            user=user_id,
            csrf_token=secrets.token_urlsafe(24),
            created_at=now,
            expires_at=now + timedelta(days=SESSION_DAYS),
        )
    ).run()
    return token


async def close_session(token: str) -> None:
    await Session.delete().where(Session.token_hash == _hash(token)).run()
    _viewers.drop(_hash(token))
    if _viewers.shared is not None:
        _viewers.shared.change()


def share_viewers(stamp: SharedStamp | None) -> None:
    """With several web processes (`SHAREDFACTORY_WEB_WORKERS`) a logout in one must hold in
    every other at once: each then drops its kept viewers whenever the processes' shared stamp
    (written by every logout) has moved since it last looked. None: this process alone."""
    _viewers.shared = stamp
    _viewers.clear()


def forget_viewers() -> None:
    """Drop this process's kept viewers (the booking bench's cold runs)."""
    _viewers.clear()


async def viewer_for(token: str | None) -> Viewer | None:
    if not token or len(token) > 100:
        return None
    _viewers.catch_up()
    key = _hash(token)
    hit = _viewers.get(key)
    if hit is not None:
        return hit[0] if hit[1] > datetime.now(UTC) else None
    stamp = _viewers.stamp()
    found = await _session_viewer(key)
    if found is None:
        return None
    _viewers.catch_up()  # a logout elsewhere while it was read: not kept (the stamp moved)
    _viewers.put(key, found, stamp)
    return found[0]


_VIEWER_SQL = (
    'SELECT s."user" AS user_id, u.email, u.role, h.code AS house, b.code AS business,'
    " u.active, s.csrf_token, s.expires_at"
    f' FROM {name(Session)} AS s JOIN {name(User)} AS u ON u.id = s."user"'
    f" LEFT JOIN {name(House)} AS h ON h.id = u.house"
    f" LEFT JOIN {name(Business)} AS b ON b.id = u.business"
    " WHERE s.token_hash = {} LIMIT 1"
)


async def _session_viewer(token_hash: str) -> tuple[Viewer, datetime] | None:
    rows = await fetch(Session, _VIEWER_SQL, token_hash)
    row = rows[0] if rows else None
    if row is None or not row["active"] or row["expires_at"] <= datetime.now(UTC):
        return None
    viewer = Viewer(
        row["user_id"], row["email"], row["role"], row["house"], row["business"], row["csrf_token"]
    )
    return viewer, row["expires_at"]
