"""The long-running server's heap: what start-up built is kept out of the collector's full passes.

A worker holds some 180,000 objects from its imports and its app (routes, templates, Piccolo's
tables, msgspec's types), none of them garbage. CPython's full collection walks them all: under
load it came every 10-20 s and held the event loop for 100-230 ms each time, every request
waiting (docs/performance.md, "Load: the collector's pauses"). `gc.freeze()` after a collection
moves them to a generation the collector never visits; what is made later is collected as usual.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar


@asynccontextmanager
async def frozen_at_start(_app: Litestar) -> AsyncIterator[None]:
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()  # a process that goes on (a test) gets them back into the collection
