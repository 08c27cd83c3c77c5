"""The quality limits come in the catalogue's order, whatever the database's storage order: it
is the order of a sealed quality record's checks, and so part of its hash. On PostgreSQL an
updated row moves to the end of its table's storage; the order must not follow it."""

from sharedfactory.devices.directory import _limits_by_type
from sharedfactory.products.tables import QualityLimit


async def test_an_updated_limit_keeps_its_place(engine):
    before = await _limits_by_type()
    assert any(len(limits) > 1 for limits in before.values()), "the demo has several limits a type"
    first = (
        await QualityLimit.select(QualityLimit._meta.primary_key)
        .order_by(QualityLimit._meta.primary_key)
        .first()
    )
    assert first is not None
    await QualityLimit.raw("UPDATE quality_limit SET id = id WHERE id = {}", first["id"]).run()
    assert await _limits_by_type() == before
