"""The peer: a tiny Litestar app returning a constant JSON list the size of a slot search's answer
(50 slots), served exactly as `sharedfactory serve` serves the real app (`uvicorn.run`, one worker,
log_level="info", so with the same access log on standard output).

    python -m bench.booking.plain PORT
"""

from __future__ import annotations

import sys

import msgspec
from litestar import Litestar, get


class Slot(msgspec.Struct):
    machine: str
    starts_at: str
    ends_at: str
    price: int
    label: str


SLOTS = [
    Slot(
        "batu-bara-kettle-1",
        f"2026-12-{8 + i // 16:02d}T{8 + (i % 16) // 2:02d}:{30 * (i % 2):02d}:00+07:00",
        f"2026-12-{8 + i // 16:02d}T{9 + (i % 16) // 2:02d}:{30 * (i % 2):02d}:00+07:00",
        127_500,
        f"Selasa, 8 Desember 2026, {8 + (i % 16) // 2:02d}.{30 * (i % 2):02d}–"
        f"{9 + (i % 16) // 2:02d}.{30 * (i % 2):02d} WIB, Rp127.500",
    )
    for i in range(50)
]


@get("/plain", sync_to_thread=False)
def plain() -> list[Slot]:
    return SLOTS


@get("/healthz", sync_to_thread=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


app = Litestar(route_handlers=[plain, healthz], debug=False, logging_config=None)


def main() -> None:
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="info")


if __name__ == "__main__":
    main()
