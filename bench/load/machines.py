"""The load bench's simulated machines: `bench.telemetry.publisher` (one paho client per machine,
its own login, QoS 1, paced) with one more process value, `a_clock_s`, the publish time of day
in seconds. The live board shows a machine's first three values by name, so this one is always
on the card, and an operator's client reads back from each board event how old the data is.

    python -m bench.load.machines   (driven by bench.telemetry.run.Publishers, module=...)
"""

from __future__ import annotations

import json

from bench.telemetry import publisher

CLOCK_VALUE = "a_clock_s"
DAY_MS = 86_400_000
_plain_payload = publisher.payload


def stamped_payload(seq: int, ts_ms: int) -> bytes:
    message = json.loads(_plain_payload(seq, ts_ms))
    message["values"][CLOCK_VALUE] = round((ts_ms % DAY_MS) / 1000, 1)
    return json.dumps(message, separators=(",", ":")).encode()


if __name__ == "__main__":
    publisher.payload = stamped_payload
    raise SystemExit(publisher.main())
