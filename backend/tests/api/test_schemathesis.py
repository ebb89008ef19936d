"""Property-based tests of the whole REST API from its OpenAPI document (Schemathesis).

Generated requests from a signed-in user (and, for /admin, an administrator) must never get a
server error nor a response that breaks the documented schema: status, content type, headers and
body. Invalid (negative) requests must be refused without a server error. Bounded and
derandomised, so runs are repeatable and take under a minute per database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import bearer, start_server
from tests.api.operations_helpers import submit, wait_until
from underway.auth.models import Role
from underway.settings import Settings

MAX_EXAMPLES = 25
NEGATIVE_EXAMPLES = 10  # invalid input mostly meets the same validation: fewer examples find as much
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Invalid input may meet framework-level refusals (e.g. 400 for a body that is not UTF-8) that
# the document does not list; what matters there is no server error and well-formed answers.
ROBUSTNESS = [not_a_server_error, content_type_conformance, response_schema_conformance]


def _operations(schema: Any, path_prefix: str = "") -> Iterator[Any]:
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith(path_prefix):
            yield operation


def _run(
    operation: Any,
    strategy: Any,
    token: str,
    checks: list[Any],
    max_examples: int = MAX_EXAMPLES,
    *,
    negative: bool = False,
) -> str | None:
    @given(case=strategy)
    @settings(
        max_examples=max_examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        case.call_and_validate(headers=bearer(token), checks=checks)

    try:
        check()
    except Unsatisfiable as exc:
        if negative:
            return None  # nothing to vary (no parameters): there is no invalid request to make
        return f"{operation.label}: no valid request could be generated: {exc}"
    except BaseException as exc:  # Schemathesis raises exception groups; report every operation
        return f"{operation.label}: {exc}"
    return None


def _fuzz(openapi_url: str, user: str, admin: str, operation_id: str) -> list[str]:
    """Every pass over every operation; returns the failures."""
    schema = schemathesis.openapi.from_url(openapi_url)
    failures: list[str | None] = []
    for op in _operations(schema):
        failures.append(_run(op, op.as_strategy(), user, CONFORMANCE))
        negative = op.as_strategy(GenerationMode.NEGATIVE)
        failures.append(_run(op, negative, user, ROBUSTNESS, NEGATIVE_EXAMPLES, negative=True))
        if "{operation_id}" in op.path:  # random ids only ever find 404s: also aim at a real one
            real = op.as_strategy(path_parameters={"operation_id": operation_id})
            failures.append(_run(op, real, user, CONFORMANCE))
    for op in _operations(schema, "/api/v1/admin"):
        failures.append(_run(op, op.as_strategy(), admin, CONFORMANCE))
    return [f for f in failures if f is not None]


async def test_api_conforms_to_its_openapi_document(settings_factory: Callable[..., Settings]) -> None:
    generous = "1000000/minute"  # rate limits would turn most generated requests into 429s
    settings = settings_factory(
        rate_limit_read=generous, rate_limit_submit=generous, rate_limit_login=generous
    )
    async with start_server(settings) as server, server.client() as api:
        user = await server.token_for("alice")
        admin = await server.token_for("root", role=Role.ADMIN)
        op = await submit(api, user, "test.artifact", {})
        await wait_until(server, op["id"])
        failures = await asyncio.to_thread(_fuzz, f"{server.api_url}/openapi.json", user, admin, op["id"])
    assert not failures, "\n\n".join(failures)
