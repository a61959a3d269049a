"""Schemathesis against the OpenAPI of the live service, on the embedded defaults and on
PostgreSQL + Redis + S3: every operation, called as an administrator with generated (valid
and invalid) input, never answers 5xx and answers what its schema says.

Bounded for CI: a few examples per operation (``MAX_EXAMPLES``), no shrinking database,
about half a minute per backend set. Operations left out are listed in ``EXCLUDED`` with
the reason.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.app import create_app
from tests.api.conftest import Service
from tests.support.names import unique_name

MAX_EXAMPLES = 6
EXCLUDED = {
    # Not a finding: it revokes the very token the run is authenticated with, and every
    # later call would then only test the 401 answer.
    ("POST", "/auth/logout"),
}
# The PKI's DER request bodies are sent as the bytes generated, like any binary upload.
schemathesis.serializer.alias("application/timestamp-query", "application/octet-stream")
schemathesis.serializer.alias("application/ocsp-request", "application/octet-stream")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def live_url(service: Service) -> Iterator[str]:
    """The service's app served over HTTP on a loopback port (its lifespan already runs
    in the test client), for as long as the module's tests run."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(service.client.app, host="127.0.0.1", port=port,
                                           lifespan="off", log_level="warning"))
    thread = threading.Thread(target=server.run, name="fuzz-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive(), "the server stopped while starting"
        assert time.monotonic() < deadline, "the server did not start in 20 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def admin_headers(service: Service) -> dict[str, str]:
    """A bearer token of an administrator of a unit of its own."""
    unit = unique_name("FZ")
    service.add_unit(unit)
    admin = f"quantri-{unit}"
    service.add_user(admin, "admin", unit)
    return service.auth(admin)


@pytest.fixture(scope="module")
def api_schema(live_url: str) -> Any:
    """The live OpenAPI document, as Schemathesis reads it."""
    return schemathesis.openapi.from_url(f"{live_url}/openapi.json")


def _operations() -> list[Any]:
    """Every operation of the app's OpenAPI (built without connecting anywhere), as one
    test parameter each, so a finding names its operation and the rest stay checked."""
    paths = create_app().openapi()["paths"]
    return [pytest.param(method.upper(), path, id=f"{method.upper()} {path}")
            for path, item in paths.items() for method in item
            if method in {"get", "put", "post", "patch", "delete"}
            and (method.upper(), path) not in EXCLUDED]


@pytest.mark.parametrize(("method", "path"), _operations())
def test_no_server_error_and_responses_match_the_schema(
        service: Service, api_schema: Any, admin_headers: dict[str, str], method: str,
        path: str) -> None:
    """Valid and invalid generated requests: never 5xx, every answer as documented."""
    operation = api_schema[path][method]
    findings: list[str] = []

    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], database=None,
                  suppress_health_check=list(HealthCheck))
        def call(case: schemathesis.Case) -> None:
            if len(findings) >= 3:
                return
            try:
                case.call_and_validate(headers=admin_headers, timeout=30,
                                       checks=[not_a_server_error,
                                               response_schema_conformance])
            except Exception as failure:  # every check failure is a finding
                findings.append(f"{type(failure).__name__}: {str(failure)[:600]}\n"
                                f"  {case.as_curl_command(headers=admin_headers)}")

        try:
            call()
        except Unsatisfiable:  # no parameters or body: nothing invalid to send
            assert mode is GenerationMode.NEGATIVE
    assert not findings, f"{method} {path}:\n" + "\n".join(findings)
