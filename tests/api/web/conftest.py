"""A fresh embedded installation per test module, reached by a test client from loopback
(the first-run set-up only answers loopback), redirects not followed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import Runtime, open_runtime
from tests.api.conftest import PASSWORD, make_settings

CSRF = re.compile(r'name="csrf" value="([^"]*)"')


@dataclass
class Web:
    """An app with its runtime and a browser-like client from 127.0.0.1."""

    runtime: Runtime
    client: TestClient

    def csrf(self, path: str) -> str:
        """The CSRF token of the form on ``path``."""
        response = self.client.get(path)
        found = CSRF.search(response.text)
        assert found, response.text[:500]
        return found.group(1)

    def login(self, username: str, password: str = PASSWORD) -> None:
        """Log in through the login form."""
        token = self.csrf("/login")
        response = self.client.post("/login", data={"csrf": token, "username": username,
                                                    "password": password, "next": "/"})
        assert response.status_code == 303, response.text


def web_client(runtime: Runtime) -> TestClient:
    """A client of a new app on ``runtime`` that looks like a browser on the server."""
    return TestClient(create_app(runtime.settings, runtime), client=("127.0.0.1", 50000),
                      follow_redirects=False)


@contextmanager
def logged_in(runtime: Runtime, username: str, password: str = PASSWORD) -> Iterator[Web]:
    """A browser-like client of a new app on ``runtime``, logged in as ``username``."""
    with web_client(runtime) as client:
        web = Web(runtime=runtime, client=client)
        web.login(username, password)
        yield web


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """A fresh embedded installation (no user yet)."""
    settings = make_settings("embedded", tmp_path_factory.mktemp("web"))
    runtime = open_runtime(settings)
    try:
        with web_client(runtime) as client:
            yield Web(runtime=runtime, client=client)
    finally:
        runtime.close()
