"""The load bench's table and its verdict against the targets of issue #8."""

from __future__ import annotations

from typing import Any

TARGET_P95_MS, TARGET_LAG_MS = 200.0, 2000.0
PEER = "GET /healthz (peer)"
PROCESSES = ("server", "ingest", "broker")
JSON = dict[str, Any]


def app_routes(run: JSON) -> dict[str, JSON]:
    """The routes people use (the probes are yardsticks, not targets)."""
    return {k: v for k, v in run["routes"].items() if "peer" not in k}


def verdicts(run: JSON) -> dict[str, bool]:
    routes = run["routes"]
    lag = run["ingest_lag"]["visible_ms"]["p99"]
    memory = run["processes"]
    return {
        "no errors (5xx, transport)": sum(r["errors"] for r in routes.values()) == 0,
        "p95 < 200 ms on every route": all(
            (r["p95_ms"] or 0) < TARGET_P95_MS for r in app_routes(run).values()
        ),
        "ingest lag p99 < 2 s": lag is not None and lag < TARGET_LAG_MS,
        "memory flat (server, ingest, broker within ±10 %)": all(
            memory.get(p, {}).get("flat", False)
            for p in (*PROCESSES, *(k for k in memory if k.startswith("server worker")))
        ),
        "no double booking": run["double_bookings"] == 0,
        "no lost message": bool(run["messages"]["none_lost"]),
    }


def _ms(value: Any) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def _route_rows(run: JSON) -> list[str]:
    peer = run["routes"].get(PEER, {}).get("p95_ms")
    lines = [
        "| route | requests | errors | 409 | p50 ms | p95 ms | p99 ms | p95 / healthz p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in run["routes"].items():
        ratio = f"{r['p95_ms'] / peer:.1f}" if peer and r["p95_ms"] else "n/a"
        lines.append(
            f"| {name} | {r['count']:,} | {r['errors']} | {r['statuses'].get('409', 0):,} "
            f"| {_ms(r['p50_ms'])} | {_ms(r['p95_ms'])} | {_ms(r['p99_ms'])} | {ratio} |"
        )
    return lines


def _telemetry_rows(run: JSON) -> list[str]:
    lag, peer = run["ingest_lag"]["visible_ms"], run["broker_round_trip"]["received_ms"]
    board = run["board"]["lag_ms"]
    m = run["messages"]
    ratio = f"{lag['p99'] / peer['p99']:.0f}" if lag["p99"] and peer["p99"] else "n/a"
    return [
        "",
        "| telemetry | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {label} | {_ms(s['p50'])} | {_ms(s['p95'])} | {_ms(s['p99'])} | {_ms(s['max'])} |"
            for label, s in (
                ("publish → row visible in the database (ingest lag)", lag),
                ("publish → ingest received", run["ingest_lag"]["received_ms"]),
                ("peer: publish → mosquitto_sub (broker round trip)", peer),
                ("publish → live board event shows it (2 s push period)", board),
            )
        ),
        "",
        f"ingest lag p99 / broker round trip p99: {ratio}; "
        f"messages acknowledged {m['acked']:,} of {m['published']:,} published, "
        f"rows {m['rows']:,} (distinct {m['distinct']:,}), dead letters {m['dead_letters']:,}; "
        f"board events {run['board']['events']:,}",
    ]


def _process_rows(run: JSON) -> list[str]:
    lines = [
        "",
        "| process | CPU cores busy | RSS start MB | after warm-up | end | peak | change |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, p in run["processes"].items():
        if not p.get("series_mb"):
            continue
        cores = "n/a" if p.get("cpu_cores") is None else f"{p['cpu_cores']:.2f}"
        lines.append(
            f"| {name} | {cores} | {p['start_mb']} | {p['after_warmup_mb']} | {p['end_mb']} "
            f"| {p['peak_mb']} | {p['change'] * 100:+.1f} % |"
        )
    return lines


def _cpu_line(run: JSON) -> list[str]:
    cpu = run.get("cpu")
    if not cpu:
        return []
    shares = ", ".join(f"{name} {cores:.2f}" for name, cores in cpu["cores_by_process"].items())
    return [
        "",
        f"cores busy {cpu['machine_busy_cores']:.2f} of {run['cpus']} "
        f"(idle {cpu['machine_idle_cores']:.2f}): {shares}",
    ]


def table(run: JSON) -> str:
    o = run["options"]
    head = (
        f"Load, {o['engine']}: {o['umkm']} UMKM, {o['boards']} boards, {o['machines']} machines"
        f" at 1 msg/s, {o['duration']:g} s; {run['cpus']} CPUs shared, load average after"
        f" {run['load_after']:.1f}"
    )
    lines = [
        head,
        "",
        *_route_rows(run),
        *_telemetry_rows(run),
        *_process_rows(run),
        *_cpu_line(run),
        "",
    ]
    lines.append(
        f"bookings made {run['bookings_made']:,}; refusals by rule {run['refusals']}; "
        f"searches without a slot {run['searches_without_slot']:,}; "
        f"double bookings {run['double_bookings']}"
    )
    lines += ["", "| target | verdict |", "|---|---|"]
    lines += [f"| {k} | {'met' if v else '**missed**'} |" for k, v in run["verdicts"].items()]
    return "\n".join(lines)
