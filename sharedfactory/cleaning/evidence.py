"""Evidence files: checked by their bytes, stored outside the web root under their SHA-256.

The type is read from the file's first bytes, not from the name or the browser's claim: a JPEG
or PNG photo or a PDF document, at most MAX_BYTES. A file is written to a temporary name and
renamed, so a half-written file is never found under a hash; the same file twice is stored once.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

MAX_BYTES = 5 * 1024 * 1024  # said as "5 MB" in the refusal below
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
SUFFIXES = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _(text: str) -> str:
    """Marks a text for the catalogue; pages translate it where they show it."""
    return text


class EvidenceRefused(ValueError):
    """Why a file is not accepted, in words for the person who chose it."""


def sniff(data: bytes) -> str | None:
    """PURE: the evidence type of a file's bytes, or None."""
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


def accepted_type(data: bytes) -> str:
    """PURE: the file's type, or EvidenceRefused saying why not."""
    if not data:
        raise EvidenceRefused(_("the file is empty"))
    if len(data) > MAX_BYTES:
        raise EvidenceRefused(_("the file is larger than 5 MB"))
    kind = sniff(data)
    if kind is None:
        raise EvidenceRefused(_("only a JPEG or PNG photo or a PDF document is accepted"))
    return kind


def clean_name(name: str | None) -> str:
    """PURE: the uploaded file's name for display: no folders, no control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    shown = "".join(ch for ch in base if ch.isprintable()).strip()
    return shown[:200] or "bukti"


class EvidenceStore:
    """Files under `<data_dir>/evidence/<first two hex>/<sha256>`."""

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "evidence"

    def path(self, sha256: str) -> Path:
        if not SHA256.match(sha256):
            raise ValueError("not a SHA-256")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if target.exists():
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{sha256}.{os.getpid()}.part")
        partial.write_bytes(data)
        os.replace(partial, target)
        return sha256

    def get(self, sha256: str) -> bytes:
        """The file, or FileNotFoundError; a file whose bytes no longer hash to its name is
        refused as missing rather than served as evidence."""
        data = self.path(sha256).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise FileNotFoundError(f"evidence {sha256} was changed on disk")
        return data
