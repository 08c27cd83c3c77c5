"""The ingest's hand-over from paho's thread to the event loop: nothing lost, nothing waits for a
wake that never comes, and a filling batch is woken once, not per item."""

import asyncio
import threading
import time

import pytest

from sharedfactory.devices.inbox import Inbox

pytestmark = pytest.mark.pure


def _later(seconds: float, action) -> threading.Thread:
    def run() -> None:
        time.sleep(seconds)
        action()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


async def test_a_put_from_another_thread_wakes_a_waiting_loop_at_once():
    inbox: Inbox[int] = Inbox(asyncio.get_running_loop())
    thread = _later(0.05, lambda: inbox.put(1))
    began = time.monotonic()
    assert await inbox.wait(5.0)
    assert time.monotonic() - began < 1.0
    assert inbox.take(10) == [1]
    thread.join()


async def test_wait_returns_false_after_its_timeout_when_nothing_came():
    inbox: Inbox[int] = Inbox(asyncio.get_running_loop())
    began = time.monotonic()
    assert not await inbox.wait(0.1)
    assert time.monotonic() - began >= 0.09


async def test_a_filling_batch_is_woken_when_enough_is_in():
    inbox: Inbox[int] = Inbox(asyncio.get_running_loop())
    calls = 0
    original = inbox._loop.call_soon_threadsafe

    def counted(*args):
        nonlocal calls
        calls += 1
        return original(*args)

    inbox._loop.call_soon_threadsafe = counted  # type: ignore[method-assign]
    thread = _later(0.05, lambda: [inbox.put(i) for i in range(3)])
    waiting = asyncio.ensure_future(inbox.wait(5.0, enough=5))
    await asyncio.sleep(0.3)
    assert not waiting.done()  # three of five: still filling
    began = time.monotonic()
    inbox.put(3)
    inbox.put(4)
    assert await waiting
    assert time.monotonic() - began < 1.0
    assert calls == 1
    assert inbox.take(10) == [0, 1, 2, 3, 4]
    thread.join()


async def test_many_items_from_a_thread_arrive_once_and_in_order():
    inbox: Inbox[int] = Inbox(asyncio.get_running_loop())
    count = 20_000

    def produce() -> None:
        for i in range(count):
            inbox.put(i)
            if i % 500 == 0:
                time.sleep(0.001)

    thread = threading.Thread(target=produce)
    thread.start()
    received: list[int] = []
    while len(received) < count:
        assert await inbox.wait(5.0), f"stalled after {len(received)} items"
        received += inbox.take(700)
    thread.join()
    assert received == list(range(count))
    assert len(inbox) == 0
