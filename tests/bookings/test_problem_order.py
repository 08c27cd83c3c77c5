"""The stored plan problem is the same in every process: no order comes from string hashing."""

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.pure

SNIPPET = """
import json
from sharedfactory.bookings.problem import _changeover
from tests.bookings.test_rules import machine
table = {("non_halal", "halal"): 120, ("halal", "non_halal"): 30, ("pork", "halal"): 240,
         ("halal", "pork"): 30, ("non_halal", "pork"): 10}
print(json.dumps(_changeover(machine(changeover=table))))
"""


def _changeover_json(hash_seed: int) -> str:
    env = os.environ | {"PYTHONHASHSEED": str(hash_seed)}
    done = subprocess.run(
        [sys.executable, "-c", SNIPPET], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout


def test_changeover_table_order_does_not_follow_the_hash_seed():
    outputs = {_changeover_json(seed) for seed in range(4)}
    assert len(outputs) == 1
    assert list(json.loads(outputs.pop())) == ["halal", "non_halal", "pork"]
