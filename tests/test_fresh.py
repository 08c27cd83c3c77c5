"""The few-seconds cache: expiry, dropping on change, no stale value kept, one load per burst."""

import asyncio
import contextvars

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


def test_a_tagged_change_drops_what_shares_a_tag_and_what_names_none():
    cache: FreshCache[str] = FreshCache(ttl_s=60)
    fryers, sealers = frozenset({"fryers"}), frozenset({"sealers", "umkm-a"})
    cache.put("fryers", "f", cache.stamp(fryers), fryers)
    cache.put("sealers", "s", cache.stamp(sealers), sealers)
    cache.put("any", "a", cache.stamp())
    cache.clear(frozenset({"umkm-a", "dryers"}))
    assert [cache.get(k) for k in ("fryers", "sealers", "any")] == ["f", None, None]
    cache.clear()
    assert cache.get("fryers") is None


def test_a_tagged_value_is_not_kept_across_a_change_to_its_tags_only():
    cache: FreshCache[str] = FreshCache(ttl_s=60)
    fryers, sealers = frozenset({"fryers"}), frozenset({"sealers"})
    before_fryers, before_sealers, before_any = (
        cache.stamp(fryers),
        cache.stamp(sealers),
        cache.stamp(),
    )
    cache.clear(frozenset({"fryers"}))  # a write happened while the values were being read
    cache.put("fryers", "stale", before_fryers, fryers)
    cache.put("sealers", "kept", before_sealers, sealers)
    cache.put("any", "stale", before_any)
    assert [cache.get(k) for k in ("fryers", "sealers", "any")] == [None, "kept", None]


async def test_a_load_runs_in_no_askers_context():
    """Not in the database transaction of whichever asker started it (it may leave first)."""
    cache: FreshCache[str] = FreshCache(ttl_s=60)
    asker = contextvars.ContextVar("asker", default="nobody")
    asker.set("first asker")

    async def loader() -> str:
        return asker.get()

    assert await cache.load("k", loader) == "nobody"
