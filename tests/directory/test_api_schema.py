"""Property-based run of the directory API against its own OpenAPI schema.

Schemathesis generates requests (valid and invalid) for every directory operation,
sent with an operator's token so that writes are exercised too, and checks that
no response is a 5xx, that every response matches the schema, that invalid input
is refused with a 4xx and that authentication is really enforced.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks as openapi_checks

from config.wsgi import application
from tests.fixtures.directory import make_persona

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
    tag="directory"
)

CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
    openapi_checks.ignored_auth,
]
# Left out on purpose: positive_data_acceptance. A schema-valid body may still name a
# commune or company that does not exist; the API answers 422 with the field named.


@pytest.fixture
def operator_headers(two_clusters):
    return make_persona(staff=True).headers


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Requests go through the raw WSGI app, whose request signals close the database
    connection when not in autocommit (the test's transaction) on PostgreSQL. Django's
    own test client disconnects the same handler."""

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_directory_api_conforms_to_its_schema(case, operator_headers):
    case.call_and_validate(headers=operator_headers, checks=CHECKS)
