"""Where the machine's cores went during the load: every process's CPU seconds, summed by its
command name (all PostgreSQL backends together, all publisher processes together), and the
machine's busy and idle time from /proc/stat. The bench shares its cores with the server, so
this is the budget every latency figure is read against."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from bench.telemetry.run import cpu_seconds

TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[str, float]]:
    """pid -> (command name, user + system CPU seconds) of every process now alive."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name = (entry / "comm").read_text().strip()
        except OSError:
            continue
        seconds = cpu_seconds(int(entry.name))
        if seconds is not None:
            found[int(entry.name)] = (name, seconds)
    return found


def _machine() -> tuple[float, float]:
    """(busy, idle) CPU seconds of the whole machine since boot."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    return (sum(ticks[:8]) - idle) / TICK, idle / TICK


class CpuBudget:
    """`start()` then `stop()`: cores used per command name over the span, and the machine's."""

    def __init__(self) -> None:
        self.before: dict[int, tuple[str, float]] = {}
        self.machine_before = (0.0, 0.0)
        self.began = 0.0

    def start(self) -> None:
        self.began, self.before, self.machine_before = time.time(), _processes(), _machine()

    def stop(self, names: dict[int, str]) -> dict[str, Any]:
        """`names`: the bench's own processes by pid, reported under that name."""
        seconds = time.time() - self.began
        used: dict[str, float] = {}
        for pid, (name, cpu) in _processes().items():
            # A kernel worker's name changes with its job, so a pid is matched alone; a pid
            # reused by a newer process has used less CPU than the old one had.
            then = self.before.get(pid)
            spent = cpu - then[1] if then is not None and cpu >= then[1] else cpu
            key = names.get(pid, name)
            used[key] = used.get(key, 0.0) + spent
        busy, idle = (now - then for now, then in zip(_machine(), self.machine_before, strict=True))
        ranked = sorted(used.items(), key=lambda item: -item[1])
        top = {name: round(s / seconds, 3) for name, s in ranked if s / seconds >= 0.01}
        return {
            "seconds": round(seconds, 1),
            "machine_busy_cores": round(busy / seconds, 3),
            "machine_idle_cores": round(idle / seconds, 3),
            "cores_by_process": top,
        }
