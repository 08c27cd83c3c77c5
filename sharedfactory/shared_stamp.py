"""A stamp the web processes of one data directory share for the cost of a memory read: the
process that changes something the others keep (a logout ends a session they may have cached)
writes a new stamp, and each of them drops what it kept when it next sees the stamp moved.

The stamp is eight random bytes in a small file mapped into every process, so a change needs no
lock (two writers leave one of their stamps, and either differs from what the readers saw) and
reading it no system call."""

from __future__ import annotations

import mmap
import os
from pathlib import Path

SIZE = 8


class SharedStamp:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(handle).st_size < SIZE:
                os.ftruncate(handle, SIZE)  # zeros: a stamp nobody has written yet
            self._map = mmap.mmap(handle, SIZE)
        finally:
            os.close(handle)  # the mapping keeps the file
        self._seen = self.read()

    def read(self) -> bytes:
        return self._map[:SIZE]

    def moved(self) -> bool:
        """Whether the stamp changed since this process last asked (or wrote it)."""
        now = self.read()
        moved, self._seen = now != self._seen, now
        return moved

    def change(self) -> None:
        self._seen = os.urandom(SIZE)
        self._map[:SIZE] = self._seen
