"""The few-seconds cache: expiry, dropping on change, no stale value kept, one load per burst."""

import asyncio

import pytest

from sharedfactory.fresh import FreshCache

pytestmark = pytest.mark.pure


def test_a_value_lives_until_its_time_or_a_change():
    cache: FreshCache[str] = FreshCache(ttl_s=60)
    cache.put("a", "one", cache.stamp())
    assert cache.get("a") == "one"
    cache.drop("a")
    assert cache.get("a") is None
    cache.put("b", "two", cache.stamp())
    cache.clear()
    assert cache.get("b") is None
    expired: FreshCache[str] = FreshCache(ttl_s=0)
    expired.put("a", "one", expired.stamp())
    assert expired.get("a") is None


def test_a_value_loaded_across_a_change_is_not_kept():
    cache: FreshCache[str] = FreshCache(ttl_s=60)
    stamp = cache.stamp()
    cache.clear()  # a write happened while the value was being read
    cache.put("a", "stale", stamp)
    assert cache.get("a") is None


def test_the_oldest_entries_leave_first():
    cache: FreshCache[int] = FreshCache(ttl_s=60, size=2)
    for key in range(3):
        cache.put(key, key, cache.stamp())
    assert [cache.get(k) for k in range(3)] == [None, 1, 2]


async def test_a_burst_of_askers_shares_one_load_and_one_leaving_cancels_nothing():
    cache: FreshCache[int] = FreshCache(ttl_s=60)
    loads = 0
    gate = asyncio.Event()

    async def loader() -> int:
        nonlocal loads
        loads += 1
        await gate.wait()
        return 42

    askers = [asyncio.create_task(cache.load("k", loader)) for _ in range(20)]
    await asyncio.sleep(0)
    askers[0].cancel()
    gate.set()
    answers = await asyncio.gather(*askers[1:])
    assert answers == [42] * 19
    assert loads == 1
    assert await cache.load("k", loader) == 42
    assert loads == 1


async def test_a_failed_load_is_not_kept():
    cache: FreshCache[int] = FreshCache(ttl_s=60)

    async def broken() -> int:
        raise LookupError("nothing there")

    with pytest.raises(LookupError):
        await cache.load("k", broken)
    assert cache.get("k") is None
