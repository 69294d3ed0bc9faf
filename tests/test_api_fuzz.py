"""Schemathesis over the published OpenAPI schema, in-process against the Django app.

Signed in as a parent with a plan, check-ins, a child in their care and a therapist with
access, every operation gets generated valid and invalid requests. Each answer must be no
server error, carry a status code and content type the schema declares, and have a body that
matches the schema. Each request runs in a savepoint rolled back afterwards, so every example
meets the same data: a deleted plan or account in one example is back for the next.
"""

import re
import secrets
from collections import Counter

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.household import Household, household_build

# Examples per operation: enough to reach each field's edges, few enough that the whole run
# stays within a couple of minutes on a CI machine.
MAX_EXAMPLES = 50
THERAPIST_EXAMPLES = 15
POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def household(make_person, receiver) -> Household:
    return household_build(make_person, receiver)


@pytest.fixture
def in_process_requests():
    """Requests share the test's connection and transaction, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _session(user) -> tuple[dict, dict]:
    client = APIClient()
    client.force_login(user)
    csrf = secrets.token_hex(16)  # any 32 characters: the cookie and header must agree
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf}
    return cookies, {"X-CSRFToken": csrf}


def _fuzz(household, *, login, acting_for, max_examples: int) -> None:
    app = WSGIHandler()
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
    cookies, headers = _session(login)
    failures: dict[str, str] = {}
    statuses: dict[str, Counter] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        known = {name: household.ids[name] for name in re.findall(r"{(\w+)}", operation.path)}
        strategy = st.one_of(
            # Valid input about the login's own things, or about someone they act for...
            *(
                operation.as_strategy(POSITIVE, path_parameters=known, headers=acting)
                for acting in ({}, {"X-Tonus-Person": str(acting_for.id)})
            ),
            # ...and input that breaks the schema in every place it can.
            operation.as_strategy(NEGATIVE),
        )
        statuses[operation.label] = Counter()

        @settings(
            max_examples=max_examples,
            derandomize=True,
            database=None,
            # Bounded by the number of examples, not by a clock: a slow shared CI machine
            # must not fail a right answer.
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case):
            with transaction.atomic():
                response = case.call(app=app, headers=headers, cookies=cookies)
                transaction.set_rollback(True)
            statuses[case.operation.label][response.status_code] += 1
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:
            failures[operation.label] = str(error)

    examples = sum(sum(seen.values()) for seen in statuses.values())
    print(f"\n{len(operations)} operations, {examples} examples")
    for label, seen in statuses.items():
        print(f"  {label}: {dict(sorted(seen.items()))}")
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
    assert all(statuses.values()), "every operation was called"


def test_a_parent_gets_answers_the_schema_promises(household, in_process_requests):
    _fuzz(
        household,
        login=household.parent,
        acting_for=household.child,
        max_examples=MAX_EXAMPLES,
    )


def test_a_therapist_gets_answers_the_schema_promises(household, in_process_requests):
    # Read-only access to the parent, and the notes and suggestions only a therapist writes.
    _fuzz(
        household,
        login=household.therapist,
        acting_for=household.parent,
        max_examples=THERAPIST_EXAMPLES,
    )
