"""Fixtures of the signing tests: Decree 30 documents to sign (the served demo PKI is in
``tests/conftest.py``)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ingest.synthetic import generate_document
from tests.support.synthetic_pdf import render_pdf


@pytest.fixture(scope="session")
def decision_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A born-digital decision (quyết định) with a Decree 30 signer block."""
    path = tmp_path_factory.mktemp("docs") / "quyet-dinh.pdf"
    render_pdf(generate_document(random.Random(30), "quyet_dinh", "qd-1"), path)
    return path
