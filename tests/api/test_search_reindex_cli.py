"""``sohoa search --reindex``: every indexed document indexed again, with a count; a
query and --reindex together, or neither, are usage errors (exit 2, one line)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from api.cli.search import cmd_reindex
from api.runtime import open_records
from api.settings import load_settings
from storage.records import Document, Dossier, Unit
from storage.records.vocabulary import DocumentStatus
from storage.search import index_document, search
from tests.support.cli import run


def test_reindex_adds_the_applicant_to_old_titles(env: dict[str, str],
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    for key, value in env.items():
        if key.startswith("SOHOA_"):
            monkeypatch.setenv(key, value)
    db = open_records(load_settings())
    try:
        with db.session() as session:
            unit = Unit(code="RI", name="Đơn vị RI")
            session.add(unit)
            session.flush()
            dossier = Dossier(unit_id=unit.id, procedure_code="1.001", procedure_name="Thủ tục",
                              applicant_name="Phạm Thị Lan", processing_days=5,
                              received_at=datetime(2024, 5, 6, 9, tzinfo=UTC),
                              due_date=date(2024, 5, 13))
            session.add(dossier)
            session.flush()
            document = Document(unit_id=unit.id, dossier_id=dossier.id, filename="don.pdf",
                                media_type="application/pdf",
                                status=DocumentStatus.digitised)
            session.add(document)
            session.flush()
            index_document(session, document.id, title="don.pdf", body="Đơn đề nghị.")
        with db.session() as session:
            assert search(session, "Phạm Thị Lan") == []
        assert cmd_reindex() == 0
        assert capsys.readouterr().out == "1 documents indexed again\n"
        with db.session() as session:
            assert [hit.document_id for hit in search(session, "Phạm Thị Lan")] == [document.id]
    finally:
        db.dispose()


def test_reindex_usage(env: dict[str, str]) -> None:
    done = run(["search", "--reindex"], env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "0 documents indexed again\n"
    for args in (["search"], ["search", "giay", "--reindex"]):
        wrong = run(args, env)
        assert wrong.returncode == 2
        assert len(wrong.stderr.strip().splitlines()) == 1
        assert "query" in wrong.stderr
