"""The README's settings table names every setting `Settings.from_env` reads, and no other."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sharedfactory.settings

pytestmark = pytest.mark.pure
ROOT = Path(__file__).resolve().parents[1]
NAME = re.compile(r"SHAREDFACTORY_[A-Z_]+")


def _section(text: str, heading: str) -> str:
    return text.split(heading, 1)[1].split("\n## ", 1)[0]


def test_the_settings_table_lists_what_the_code_reads() -> None:
    read = set(NAME.findall(Path(sharedfactory.settings.__file__).read_text()))
    table = _section((ROOT / "README.md").read_text(), "## Settings (environment)")
    assert set(NAME.findall(table)) == read
