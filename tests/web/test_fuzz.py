"""Schemathesis over the whole OpenAPI, logged in as an admin (so the fuzz reaches past the
login check): whatever it sends, no 500 and every answer matches the schema (CONTRACTS.md
section 5). Derandomized: the same cases every run."""

import schemathesis
from hypothesis import HealthCheck, given, settings

from sharedfactory.accounts.service import open_session
from sharedfactory.accounts.tables import User
from tests.conftest import LOGINS


async def test_no_input_breaks_the_api(app):
    admin = await User.select(User._meta.primary_key).where(User.email == LOGINS["admin"][0])
    cookie = f"sf_session={await open_session(admin[0]['id'])}"
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
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
            case.call_and_validate(headers={"Cookie": cookie})

        fuzz()
