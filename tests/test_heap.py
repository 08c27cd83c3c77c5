"""The servers' heap: what start-up built is frozen while the app runs, given back at its end, and
what is made later is still collected."""

import gc
import weakref

from litestar import Litestar
from litestar.testing import AsyncTestClient

from sharedfactory.app import create_app
from sharedfactory.settings import Settings


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def _app(settings: Settings, freeze_heap: bool) -> Litestar:
    return create_app(
        settings, connection_pool=False, booking_sweep_s=None, freeze_heap=freeze_heap
    )


async def test_a_server_freezes_what_start_up_built_and_still_collects_the_rest(
    settings: Settings,
):
    async with AsyncTestClient(app=_app(settings, freeze_heap=True)) as client:
        assert gc.get_freeze_count() > 50_000  # the imports and the app (some 180,000)
        assert (await client.get("/healthz")).status_code == 200
        garbage = Node()
        gone = weakref.ref(garbage)
        del garbage
        gc.collect()
        assert gone() is None
    assert gc.get_freeze_count() == 0


async def test_an_app_built_for_tests_leaves_the_heap_alone(settings: Settings):
    async with AsyncTestClient(app=_app(settings, freeze_heap=False)) as client:
        assert (await client.get("/healthz")).status_code == 200
        assert gc.get_freeze_count() == 0
