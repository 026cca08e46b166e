"""Property-based sweep of the /v1 API with schemathesis: for every operation in the OpenAPI document, generated
parameters (random codes, out-of-range numbers, odd strings) never give a server error. The demo store is used, so
the operations run on real data."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

EXAMPLES = 15  # per operation; 42 operations take ~20 s on the demo store


def test_no_operation_gives_a_server_error(web_app):
    schema = schemathesis.openapi.from_asgi("/v1/openapi.json", web_app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operations += 1
        _sweep(result.ok(), failures)
    assert operations >= 40
    assert not failures, "\n".join(failures[:20])


def _sweep(op, failures: list[str]) -> None:
    @given(case=op.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None,
              derandomize=True)
    def call(case):
        response = case.call()
        if response.status_code >= 500:
            failures.append(f"{op.method.upper()} {case.formatted_path} {case.query} → {response.status_code}: "
                            f"{response.text[:200]}")
        else:
            kind = response.headers.get("content-type", "")
            kind = kind[0] if isinstance(kind, list) else kind
            assert kind.split(";")[0] in (
                "application/json", "application/problem+json", "application/hal+json", "text/csv",
                "application/pdf", "text/html", "application/octet-stream",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ), (op.path, kind)

    call()
