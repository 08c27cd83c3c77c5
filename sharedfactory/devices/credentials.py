"""MQTT passwords: generated here, shown once, kept only as Mosquitto's PBKDF2-SHA512 hash."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

ITERATIONS = 1000


def new_password() -> str:
    return secrets.token_urlsafe(18)


def hash_password(password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """Mosquitto 2's password-file format: `$7$ITERATIONS$SALT$HASH` (base64)."""
    salt = salt or secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations, 64)
    encode = base64.b64encode
    return f"$7${iterations}${encode(salt).decode()}${encode(digest).decode()}"


def verify_password(password: str, hashed: str) -> bool:
    _empty, kind, iterations, salt, digest = hashed.split("$")
    if kind != "7":
        return False
    again = hash_password(password, base64.b64decode(salt), int(iterations))
    return hmac.compare_digest(again.rsplit("$", 1)[1], digest)
