"""Sensitive personal data (UU 27/2022): NIK and NPWP are stored encrypted and shown masked."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet


def mask(number: str, keep_start: int = 4, keep_end: int = 4) -> str:
    """`3204123456780001` -> `3204********0001`."""
    hidden = len(number) - keep_start - keep_end
    if hidden <= 0:
        return "*" * len(number)
    return number[:keep_start] + "*" * hidden + number[-keep_end:]


class PersonalDataCipher:
    """Fernet (AES-128-CBC + HMAC) with a key derived from the app's secret key."""

    def __init__(self, secret_key: str) -> None:
        digest = hashlib.sha256(
            b"sharedfactory personal data v1\x00" + secret_key.encode()
        ).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()
