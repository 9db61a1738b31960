"""The service against its own OpenAPI schema (schemathesis): generated requests, authenticated as an
admin of an organization with data, never get a 5xx nor a response that breaks the schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from api.app import create_app
from api.runtime import build_runtime
from copilot.clock import FixedClock
from copilot.config import Settings
from tests.conftest import NOW, auth, load_fixture, make_org

# what the service promises for any request the schema admits: no server error, and a response whose
# status, content type, headers and body the schema declares. (Whether a schema-valid request is also
# valid for the product, e.g. an `input` of the right kind, is checked by the endpoints' own tests.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]

OPERATIONS = [
    (method.upper(), path)
    for path, methods in create_app(None).openapi()["paths"].items()
    for method in methods
    if method in ("get", "post", "put", "patch", "delete")
]


Fuzzed = tuple[schemathesis.BaseSchema, dict[str, str]]


@pytest.fixture(scope="module")
def fuzzed(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[schemathesis.BaseSchema, dict[str, str]]]:
    """One service with the small pipeline for the whole module (requests may write to it)."""
    tmp = tmp_path_factory.mktemp("fuzz")
    settings_ = Settings(data_dir=tmp, database_url=f"sqlite:///{tmp / 'db.sqlite'}", embedders=["hashing"])
    runtime = build_runtime(settings_, clock=FixedClock(NOW))
    org = make_org(runtime, "acme", load_fixture("pipeline", "small.json"))
    yield schemathesis.openapi.from_asgi("/openapi.json", create_app(runtime)), auth(org.keys["admin"])
    runtime.close()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_server_error_and_responses_match_the_schema(method: str, path: str, fuzzed: Fuzzed) -> None:
    schema, headers = fuzzed
    operation = schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case: schemathesis.Case[Any]) -> None:
        # the key is ours: generated values for the two auth headers would only test a bad key
        for name in list(case.headers or {}):
            if name.lower() in ("x-api-key", "authorization"):
                del case.headers[name]
        response = case.call(headers=headers)
        if response.status_code == 501 and response.json().get("error") == "not_configured":
            return  # voice notes without a transcription endpoint: the documented refusal
        case.validate_response(response, checks=CHECKS, headers=headers)

    check()
