"""Load benchmark (issue #8): UMKM searching and booking, operators' live boards and machines
publishing telemetry, all at once against the real processes on loopback.

    python -m bench.load.run                                   # 5 minutes, full size, SQLite
    python -m bench.load.run --duration 30 --umkm 20 --boards 5 --machines 20
    python -m bench.load.run --engine postgres --json out.json

1. a fresh database (SQLite file in a temporary folder, or a throwaway PostgreSQL cluster) with
   the demo (this week) plus copies of the demo machines up to `--machines`, `--umkm` copies of
   the demo UMKM that may book (permits copied) and `--boards` operators, the houses in turn
   (bench.load.population);
2. the real processes: `sharedfactory serve` (uvicorn), `sharedfactory ingest`, the embedded
   Mosquitto with a login per machine, and the peer `bench.booking.plain`;
3. for `--duration` seconds: every machine publishes 1 msg/s (bench.load.machines, in
   publisher processes), every UMKM thinks (`--think` s), searches and books, every operator
   holds the live board's stream open and polls the board page every `--poll` s; probes ask
   `/healthz` and a static file of the server and `/plain` of the peer every 0.5 s;
4. at the end: the ingest catches up, then no double booking (overlapping holding bookings of
   one machine) and no lost message (acknowledged by the broker = rows + dead letters).

Every route's p95 is also given as a ratio to the `/healthz` p95 of the same run, the ingest
lag to the broker's own round trip (publish -> `mosquitto_sub`) in the same run. Memory: RSS of
each process every 5 s. A markdown table goes to stdout, progress to stderr, `--json` keeps
every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.booking.run import LOGINS, SECRET, database, demo_monday, prepare, say, servers
from bench.load import clients
from bench.load.cpu import CpuBudget
from bench.load.population import (
    Probe,
    add_machines,
    add_operators,
    add_umkm,
    bookable_templates,
)
from bench.load.report import table, verdicts
from bench.load.watch import (
    LOAD_SEQ,
    IngestLag,
    Processes,
    broker_peer,
    broker_round_trip,
    double_bookings,
    settle,
)
from bench.telemetry.db import RawDb
from bench.telemetry.run import (
    Device,
    Publishers,
    start_ingest,
    stop_process,
    summary,
    wait_subscribed,
)
from tests.support.server import child_pids, free_port

JSON = dict[str, Any]
STATIC = "/static/favicon.svg"


@dataclass(frozen=True)
class Options:
    duration: float
    umkm: int
    boards: int
    machines: int
    engine: str
    think: float
    poll: float
    publishers: int
    workers: int
    json_out: Path | None


async def admin_probe(base: str) -> Probe:
    """A slot search as the demo admin for a business: does it find anything?"""
    from sharedfactory.accounts.service import authenticate, open_session

    user = await authenticate(*LOGINS["admin"])
    assert user is not None, "the demo admin logs in"
    http = clients.client(base, await open_session(user))

    async def probe(house: str, machine_type: str, product_class: str, business: str) -> bool:
        answer = await http.get(
            f"/api/v1/houses/{house}/slots",
            params={
                "machine_type": machine_type,
                "minutes": clients.BOOK_MINUTES,
                "product_class": product_class,
                "business": business,
            },
        )
        return answer.status_code == 200 and bool(answer.json())

    return probe


async def load(
    options: Options, real: str, plain: str, umkm: list[Any], operators: list[Any]
) -> clients.Measures:
    measures = clients.Measures()
    stop = time.monotonic() + options.duration
    tasks = [
        clients.probe(real, "/healthz", "GET /healthz (peer)", measures, stop),
        clients.probe(real, STATIC, "GET static file (peer)", measures, stop),
        clients.probe(plain, "/plain", "GET /plain, peer process", measures, stop),
    ]
    tasks += [clients.umkm(u, real, measures, stop, options.think, n) for n, u in enumerate(umkm)]
    tasks += [
        clients.operator(o, real, measures, stop, options.poll, 10_000 + n)
        for n, o in enumerate(operators)
    ]
    await asyncio.gather(*tasks)
    return measures


async def bench(options: Options, folder: Path) -> JSON:
    from sharedfactory.devices.embedded import EmbeddedBroker
    from sharedfactory.devices.logins import issue_machine_password

    result: JSON = {}
    data_dir = folder / "data"
    data_dir.mkdir()
    with database(options.engine, folder) as url:
        began = time.perf_counter()
        await prepare(url)
        say(f"{options.engine}: demo seeded; adding machines, logins, UMKM")
        machines = await add_machines(options.machines)
        devices = [Device(c, h, await issue_machine_password(c)) for c, h in machines]
        operators = await add_operators(options.boards)
        broker = EmbeddedBroker(data_dir, port=free_port())
        await broker.start()
        db = await RawDb(url).open()
        try:
            with servers(url, folder, options.workers) as (real, plain, server_pid):
                say(f"{options.engine}: which demo UMKM may book what (slot searches)")
                templates = await bookable_templates(demo_monday(), await admin_probe(real))
                umkm = await add_umkm(options.umkm, demo_monday(), templates, SECRET)
                result["population"] = {
                    "machines": len(devices),
                    "umkm": len(umkm),
                    "operators": len(operators),
                    "bookable_templates": templates,
                    "seconds": round(time.perf_counter() - began, 1),
                }
                say(f"{options.engine}: population ready {result['population']['seconds']} s")
                ingest = start_ingest(url, data_dir)
                try:
                    await wait_subscribed(ingest, data_dir)
                    assert broker.process.pid is not None, "the broker runs"
                    pids = {
                        "server": server_pid,
                        "ingest": ingest.pid,
                        "broker": broker.process.pid,
                        "bench (load generator)": os.getpid(),
                    } | server_workers(server_pid)
                    result |= await measured(
                        options, real, plain, umkm, operators, devices, broker, db, pids, folder
                    )
                finally:
                    stop_process(ingest)
        finally:
            await db.close()
            broker.stop()
    return result


async def measured(
    options: Options,
    real: str,
    plain: str,
    umkm: list[Any],
    operators: list[Any],
    devices: list[Device],
    broker: Any,
    db: RawDb,
    pids: dict[str, int],
    folder: Path,
) -> JSON:
    rate = float(len(devices))
    total = int(rate * options.duration)
    processes = max(1, min(options.publishers, len(devices)))
    timeout = options.duration + 120
    peer_out = folder / "broker-peer.txt"
    with broker_peer(broker.port, broker.service_target().password, peer_out):
        publishers = await Publishers.prepare(
            broker.port, devices, processes, total, LOAD_SEQ, rate, timeout, "bench.load.machines"
        )
        watch = Processes(pids)
        budget = CpuBudget()
        lag = IngestLag(db)
        halt = asyncio.Event()
        start = await publishers.go()
        since_ms = int(start * 1000) - 1000
        watch.start()
        budget.start()
        lagging = asyncio.create_task(lag.run(start, halt))
        say(f"load for {options.duration:g} s")
        measures = await load(options, real, plain, umkm, operators)
        sent = await publishers.results(timeout)
        cpu = budget.stop({pid: name for name, pid in pids.items()})
        say("clients done; waiting for the ingest to store every message")
        messages = await settle(db, sent["acked"], since_ms)
        halt.set()
        await lagging
        memory = watch.stop(warmup_s=min(60.0, options.duration / 5))
        await asyncio.sleep(1.0)  # the peer's last lines
    routes = {name: r.figures() for name, r in sorted(measures.routes.items())}
    return {
        "routes": routes,
        "refusals": dict(measures.refusals),
        "searches_without_slot": measures.no_slot,
        "board": {
            "events": measures.board_events,
            "lag_ms": summary(measures.board_lag_ms),
        },
        "ingest_lag": lag.figures(),
        "broker_round_trip": broker_round_trip(peer_out),
        "messages": messages | {"published": sent["published"], "publishers": sent},
        "double_bookings": await double_bookings(db),
        "bookings_made": routes.get("POST bookings", {}).get("statuses", {}).get("201", 0),
        "processes": memory,
        "cpu": cpu,
    }


def server_workers(server_pid: int) -> dict[str, int]:
    """The worker processes of a server run with several (`--workers`), by name."""
    return {f"server worker {n}": pid for n, pid in enumerate(child_pids(server_pid), 1)}


def parse(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of load (300)")
    parser.add_argument("--umkm", type=int, default=200, help="simulated UMKM (200)")
    parser.add_argument("--boards", type=int, default=50, help="operators' live boards (50)")
    parser.add_argument("--machines", type=int, default=200, help="machines at 1 msg/s (200)")
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--think", type=float, default=3.0, help="UMKM think time, s (3)")
    parser.add_argument("--poll", type=float, default=10.0, help="board page poll, s (10)")
    parser.add_argument("--publishers", type=int, default=4, help="publisher processes (4)")
    parser.add_argument("--workers", type=int, default=1, help="web server processes (1)")
    parser.add_argument("--json", type=Path, dest="json_out")
    args = parser.parse_args(argv)
    return Options(
        args.duration,
        args.umkm,
        args.boards,
        args.machines,
        args.engine,
        args.think,
        args.poll,
        args.publishers,
        args.workers,
        args.json_out,
    )


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    began = time.time()
    with tempfile.TemporaryDirectory(prefix="sf-bench-load-") as tmp:
        if os.geteuid() == 0:
            os.chmod(tmp, 0o755)  # the broker drops root and still reads its files
        result = asyncio.run(bench(options, Path(tmp)))
    run: JSON = {
        "started": datetime.fromtimestamp(began, UTC).isoformat(timespec="seconds"),
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(options).items()},
        "cpus": os.cpu_count(),
        "load_after": os.getloadavg()[0],
        "seconds": round(time.time() - began, 1),
    } | result
    run["verdicts"] = verdicts(run)
    if options.json_out:
        options.json_out.write_text(json.dumps(run, indent=1, default=str) + "\n")
    print(table(run))
    say(f"done in {run['seconds']} s")
    return 0 if all(run["verdicts"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
