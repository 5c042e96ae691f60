"""Schemathesis against the running WSGI app: every operation of /api/v1/openapi.json, public and
staff (with a valid token), must never answer 5xx and every response must match the description.

Examples are few by default so that the run takes a couple of minutes on both backends;
CI=true (or SCHEMATHESIS_EXAMPLES) raises them.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from app.extensions import db
from tests.api.helpers import make_petition, token_for
from tests.conftest import CI, make_user

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "60" if CI else "15"))


@pytest.fixture
def app_overrides():
    # The limits are tested elsewhere (test_public_api.py); here they would only stop the fuzzer.
    return {"RATELIMIT_ENABLED": False}


@pytest.fixture
def staff_token(app):
    """A leader's token with every scope the role allows, and some records to read and act on."""
    leader = make_user("leader", "TTLS")
    for minutes in (3, 2, 1):
        make_petition(leader, minutes_ago=minutes)
    secret = token_for(leader)
    db.session.commit()
    return secret


MODES = ("positive", "negative")


@pytest.mark.parametrize("mode", MODES)
def test_api_conforms_and_never_fails(app, staff_token, mode):
    """Each operation, with data that fits the description (positive) and data that does not
    (negative): no 5xx, and every answer — success or problem — matches the description."""
    from schemathesis.generation import GenerationMode

    api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) == 9
    failures = []
    for operation in operations:
        strategy = operation.as_strategy(GenerationMode.POSITIVE if mode == "positive" else GenerationMode.NEGATIVE)

        @given(case=strategy)
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {staff_token}"},
                                   checks=[not_a_server_error, response_schema_conformance])

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
