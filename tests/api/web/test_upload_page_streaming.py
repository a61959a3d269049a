"""The dossier page's upload is parsed as it streams in, like the API's
(``api/multipart_stream.py``): Starlette's form parser (which spools each file, then intake
copied it again) is never used; a file over the size limit is refused with 413 naming it,
a wrong CSRF token with 403 before any file is written, and nothing refused is left in the
store's staging directory; a good file is stored with its SHA-256."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from starlette.requests import Request

from api.runtime import open_runtime
from ingest.dossiers import NewDossier, create_dossier
from storage.accounts import create_unit, create_user
from storage.records import Document, DocumentFile, Unit
from tests.api.conftest import PASSWORD, make_settings
from tests.api.web.conftest import Web, logged_in
from tests.support.paths import SHARED

ONE_PAGE = SHARED / "corpus" / "vi-admin" / "s101-005-giay_moi.pdf"
CSRF_META = re.compile(r'data-csrf="([^"]+)"')


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """An installation with a 1 MB upload limit and an intake user."""
    assert ONE_PAGE.is_file(), f"the corpus is missing: {ONE_PAGE}"
    settings = make_settings("embedded", tmp_path_factory.mktemp("page-stream"))
    runtime = open_runtime(settings.model_copy(update={"max_upload_mb": 1}))
    with runtime.db.session() as session:
        create_unit(session, "XA", "Ủy ban nhân dân xã A")
        create_user(session, username="tiepnhan", password=PASSWORD, role="intake",
                    unit_code="XA")
    try:
        with logged_in(runtime, "tiepnhan") as web:
            yield web
    finally:
        runtime.close()


@pytest.fixture
def no_starlette_form(monkeypatch: pytest.MonkeyPatch) -> None:
    """Starlette's spooling form parser fails the request if anything calls it."""

    async def refuse(self: Request, **_: object) -> None:
        raise AssertionError("the upload body went through Starlette's form parser")

    monkeypatch.setattr(Request, "form", refuse)


def _csrf(web: Web) -> str:
    found = CSRF_META.search(web.client.get("/").text)
    assert found
    return found.group(1)


def _dossier(web: Web) -> int:
    with web.runtime.db.session() as session:
        xa = session.scalar(select(Unit).where(Unit.code == "XA"))
        assert xa is not None
        new = NewDossier(procedure_code="1.001", applicant_name="Lê Thị Hoa",
                         processing_days=5, unit_id=xa.id)
        return create_dossier(session, new, actor="tiepnhan", created_by_id=None).id


def _staging(web: Web) -> set[str]:
    return {path.name for path in web.runtime.store.staging_dir().iterdir()
            if path.name.startswith("sohoa-upload-")}


def _documents(web: Web, dossier: int) -> list[Document]:
    with web.runtime.db.session() as session:
        return list(session.scalars(select(Document).where(Document.dossier_id == dossier)))


@pytest.mark.usefixtures("no_starlette_form")
def test_a_good_file_from_the_plain_form_is_stored_with_its_sha256(office: Web) -> None:
    dossier, before = _dossier(office), _staging(office)
    content = ONE_PAGE.read_bytes()
    answer = office.client.post(f"/ui/dossiers/{dossier}/documents",
                                data={"csrf": _csrf(office)},
                                files=[("files", ("giay-moi.pdf", content, "application/pdf"))])
    assert answer.status_code == 201, answer.text
    assert "giay-moi.pdf" in answer.text
    [document] = _documents(office, dossier)
    with office.runtime.db.session() as session:
        [original] = session.scalars(select(DocumentFile).where(
            DocumentFile.document_id == document.id))
        assert original.sha256 == hashlib.sha256(content).hexdigest()
        assert original.size == len(content)
        with office.runtime.store.open(original.object_key) as stream:
            assert stream.read() == content
    assert _staging(office) - before == set()


@pytest.mark.usefixtures("no_starlette_form")
@pytest.mark.parametrize("rows", [False, True], ids=["plain form", "documents.js"])
def test_a_file_over_the_limit_is_refused_with_413_and_nothing_kept(office: Web,
                                                                    rows: bool) -> None:
    dossier, before = _dossier(office), _staging(office)
    headers = {"X-CSRF-Token": _csrf(office)} | ({"X-Upload-Rows": "1"} if rows else {})
    answer = office.client.post(f"/ui/dossiers/{dossier}/documents", headers=headers,
                                files=[("files", ("qua-lon.pdf", b"%PDF-1.7\n" + bytes(1_500_000),
                                                  "application/pdf"))])
    assert answer.status_code == 413, answer.text
    assert 'class="field-error upload-error"' in answer.text
    if not rows:
        assert "qua-lon.pdf" in answer.text  # the result page names the file
    assert _documents(office, dossier) == []
    assert list(office.runtime.store.list(f"dossiers/{dossier}")) == []
    assert _staging(office) - before == set()


@pytest.mark.usefixtures("no_starlette_form")
def test_a_wrong_csrf_field_is_refused_before_any_file_is_kept(office: Web) -> None:
    dossier, before = _dossier(office), _staging(office)
    answer = office.client.post(f"/ui/dossiers/{dossier}/documents",
                                data={"csrf": "not-the-token"},
                                files=[("files", ("giay-moi.pdf", ONE_PAGE.read_bytes(),
                                                  "application/pdf"))])
    assert answer.status_code == 403
    assert _documents(office, dossier) == []
    assert _staging(office) - before == set()


@pytest.mark.usefixtures("no_starlette_form")
def test_a_plain_form_sent_with_no_file_chosen_says_so(office: Web) -> None:
    dossier, before = _dossier(office), _staging(office)
    answer = office.client.post(f"/ui/dossiers/{dossier}/documents",
                                data={"csrf": _csrf(office)},
                                files=[("files", ("", b"", "application/octet-stream"))])
    assert answer.status_code == 422, answer.text
    assert "giay-moi.pdf" not in answer.text
    assert _documents(office, dossier) == []
    assert _staging(office) - before == set()
