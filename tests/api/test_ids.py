"""Ids beyond the database's range (PostgreSQL's 32-bit keys, 2^63 and more) in any path,
query or body answer 422 naming the field, never a 500 from the driver; so does a malformed
certificate chain in external signing. Every route of the app is covered by reading its
OpenAPI document."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from api.app import create_app
from api.schemas import MAX_ID
from tests.api.conftest import Service
from tests.support.names import unique_name
from tests.support.pki_server import RunningPki
from tests.support.synthetic_pdf import render_pdf

TOO_BIG = (2**31, 236750218278, 2**63, 2**64)  # int4 on PostgreSQL, int8, beyond
SPEC: dict[str, Any] = create_app().openapi()


def _is_integer(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(option.get("type") == "integer" for option in options)


def _bounds(schema: dict[str, Any]) -> tuple[Any, Any]:
    for option in schema.get("anyOf", [schema]):
        if option.get("type") == "integer":
            return option.get("minimum"), option.get("maximum")
    return None, None


def _integer_parameters() -> Iterator[tuple[str, str, str, str]]:
    for path, operations in SPEC["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if _is_integer(parameter["schema"]):
                    yield method, path, parameter["in"], parameter["name"]


def _integer_body_fields() -> Iterator[tuple[str, str]]:
    """(schema, property) of every integer (or list of integers) in a request body."""
    bodies = set()
    for operations in SPEC["paths"].values():
        for operation in operations.values():
            for media in operation.get("requestBody", {}).get("content", {}).values():
                if "$ref" in media["schema"]:  # else raw bytes (/tsa, /ocsp)
                    bodies.add(media["schema"]["$ref"].rsplit("/", 1)[-1])
    for name in sorted(bodies):
        for prop, schema in SPEC["components"]["schemas"][name]["properties"].items():
            items = schema.get("items", schema) if schema.get("type") == "array" else schema
            if _is_integer(items):
                yield name, prop


PARAMETERS = sorted(_integer_parameters())
BODY_FIELDS = sorted(_integer_body_fields())


def test_the_spec_has_the_ids_this_test_is_about() -> None:
    assert ("get", "/documents/{document_id}", "path", "document_id") in PARAMETERS
    assert ("get", "/dossiers", "query", "offset") in PARAMETERS
    assert ("SignIn", "request_ids") in BODY_FIELDS
    assert ("AssignIn", "dossier_id") in BODY_FIELDS


@pytest.mark.parametrize(("schema", "prop"), BODY_FIELDS)
def test_every_integer_in_a_body_is_bounded(schema: str, prop: str) -> None:
    field = SPEC["components"]["schemas"][schema]["properties"][prop]
    items = field.get("items", field) if field.get("type") == "array" else field
    low, high = _bounds(items)
    assert high is not None, (schema, prop, field)
    assert high <= float(MAX_ID), (schema, prop, field)  # the JSON schema has a float
    assert low is not None, (schema, prop, field)
    assert low >= 0, (schema, prop, field)


@pytest.fixture(scope="module")
def admin(service: Service) -> dict[str, str]:
    unit = unique_name("ID")
    service.add_unit(unit)
    name = f"admin-{unit}"
    service.add_user(name, "admin", unit)
    return service.auth(name)


def _fill(path: str, target: str, value: int) -> str:
    filled = path.replace("{" + target + "}", str(value))
    while "{" in filled:
        start, end = filled.index("{"), filled.index("}")
        filled = filled[:start] + "1" + filled[end + 1:]
    return filled


@pytest.mark.parametrize(("method", "path", "where", "name"), PARAMETERS)
@pytest.mark.parametrize("value", TOO_BIG)
def test_an_id_beyond_the_database_is_422(service: Service, admin: dict[str, str], method: str,
                                          path: str, where: str, name: str,
                                          value: int) -> None:
    if where == "path":
        url, params = _fill(path, name, value), {}
    else:
        url, params = _fill(path, "", 1), {name: str(value)}
        if path == "/search":
            params["q"] = "ho so"
    response = service.client.request(method.upper(), url, params=params, headers=admin)
    if name == "offset" and value < 2**63:  # a row count, not an id: skipping them is fine
        assert response.status_code == 200, response.text
        return
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [where, name] in [error["loc"] for error in response.json()["errors"]]


@pytest.mark.parametrize("value", TOO_BIG)
def test_ids_in_bodies_beyond_the_database_are_422(service: Service, admin: dict[str, str],
                                                   value: int) -> None:
    signed = service.client.post("/signing/sign", headers=admin,
                                 json={"request_ids": [1, value], "pin": "1234"})
    assert signed.status_code == 422, signed.text
    assert ["body", "request_ids", 1] in [e["loc"] for e in signed.json()["errors"]]
    assigned = service.client.post("/documents/1/assign", headers=admin,
                                   json={"dossier_id": value})
    assert assigned.status_code == 422, assigned.text
    assert ["body", "dossier_id"] in [e["loc"] for e in assigned.json()["errors"]]
    drafted = service.client.post("/drafts", headers=admin, data={"dossier_id": str(value)},
                                  files={"file": ("a.pdf", b"%PDF-1.4\n", "application/pdf")})
    assert drafted.status_code == 422, drafted.text
    assert ["body", "dossier_id"] in [e["loc"] for e in drafted.json()["errors"]]


def _der(item: Any) -> str:
    return base64.b64encode(item.public_bytes(serialization.Encoding.DER)).decode()


def test_a_malformed_chain_in_external_signing_is_422(pki_service: Service,
                                                     served_pki: RunningPki,
                                                     tmp_path: Any) -> None:
    import random

    from ingest.synthetic import generate_document

    service = pki_service
    leader, clerk = service.add_leader_and_clerk()
    path = tmp_path / "du-thao.pdf"
    render_pdf(generate_document(random.Random(3), "quyet_dinh", "qd-3"), path)
    draft = service.client.post("/drafts", headers=service.auth(clerk),
                                files={"file": (path.name, path.read_bytes(), "application/pdf")})
    assert draft.status_code == 201, draft.text
    asked = service.client.post(f"/documents/{draft.json()['id']}/signing-requests",
                                headers=service.auth(clerk),
                                json={"signer": leader, "role": "leader", "level": "B-T"})
    assert asked.status_code == 201, asked.text
    request = asked.json()["id"]
    _, certificate, chain = pkcs12.load_key_and_certificates(
        (served_pki.directory / "leader.p12").read_bytes(), b"1234")
    assert certificate is not None
    for body, field in [
        ({"certificate": _der(certificate), "chain": ["AAAA"]}, "chain"),
        ({"certificate": _der(certificate), "chain": [_der(chain[0]), "MAMCAQE="]}, "chain"),
        ({"certificate": "AAAA", "chain": []}, "certificate"),
        ({"certificate": "MAMCAQE=", "chain": [_der(item) for item in chain]}, "certificate"),
    ]:
        started = service.client.post(f"/signing/requests/{request}/external",
                                      headers=service.auth(leader), json=body)
        assert started.status_code == 422, started.text
        assert started.headers["content-type"].startswith("application/problem+json")
        assert started.json().get("subject") == field, started.text
