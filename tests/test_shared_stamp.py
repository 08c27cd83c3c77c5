"""The stamp the web processes share (`shared_stamp`): a change written through one mapping is
seen through every other at once, once, and never by its writer as another's."""

from pathlib import Path

import pytest

from sharedfactory.shared_stamp import SharedStamp

pytestmark = pytest.mark.pure


def test_a_change_in_one_process_is_seen_once_by_the_others(tmp_path: Path) -> None:
    one, other = SharedStamp(tmp_path / "s.stamp"), SharedStamp(tmp_path / "s.stamp")
    assert not one.moved()
    assert not other.moved()
    one.change()
    assert not one.moved()  # its own change
    assert other.moved()
    assert not other.moved()
    other.change()
    other.change()
    assert one.moved()
    assert SharedStamp(tmp_path / "s.stamp").read() == one.read()  # a later process reads it


def test_a_new_file_starts_unwritten_and_keeps_its_size(tmp_path: Path) -> None:
    path = tmp_path / "deeper" / "s.stamp"
    assert SharedStamp(path).read() == bytes(8)
    assert path.stat().st_size == 8
