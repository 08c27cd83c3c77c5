"""Schemathesis over the whole OpenAPI, logged in as an admin (so the fuzz reaches past the
login check): whatever it sends, no 500 and every answer matches the schema (CONTRACTS.md
section 5). Derandomized: the same cases every run.

A schema-valid request may still break a rule the schema cannot say (an end before its start, a
machine code that names nothing): that answer is a 400 whose `extra` names the field, which the
`names_the_field` check holds every 400 to."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from sharedfactory.accounts.service import open_session
from sharedfactory.accounts.tables import User
from tests.conftest import LOGINS

pytestmark = pytest.mark.heavy


def names_the_field(_ctx, response, _case):
    """Every 400 says which field is wrong and why (the JSON API's error shape)."""
    if response.status_code == 400 and response.headers.get("content-type", [""])[0].startswith(
        "application/json"
    ):
        extra = response.json().get("extra")
        assert extra, f"a 400 without the field named: {response.text[:200]}"


async def test_no_input_breaks_the_api(app):
    admin = await User.select(User._meta.primary_key).where(User.email == LOGINS["admin"][0])
    cookie = f"sf_session={await open_session(admin[0]['id'])}"
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    accepted = schema.config.checks.positive_data_acceptance.expected_statuses
    schema.config.checks.positive_data_acceptance.expected_statuses = [*accepted, "400"]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    # Logging out would end the fuzz's own session; logout has its own tests.
    operations = [op for op in operations if op.path != "/api/v1/auth/logout"]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            case.call_and_validate(headers={"Cookie": cookie}, additional_checks=[names_the_field])

        fuzz()
