"""The real-document benchmark's transcriptions (benchmarks/real_documents/truth.json) are
well-formed: known types and fields, NFC text, ISO dates, hashes, and the breadth issue 16
asks for (>= 30 documents, >= 8 types, more than one issuing agency, both kinds)."""

from __future__ import annotations

import datetime
import re
import unicodedata

from benchmarks.real_documents.score import load_truth
from ingest.classify.vocabulary import ADMINISTRATIVE_FIELDS, DOC_TYPES


def test_every_entry_is_well_formed() -> None:
    documents = load_truth()
    assert len({d.file for d in documents}) == len(documents)
    for document in documents:
        assert document.doc_type in DOC_TYPES, document.file
        assert document.kind in {"scanned", "born_digital"}, document.file
        assert re.fullmatch(r"[0-9a-f]{64}", document.sha256), document.file
        assert set(document.source) >= {"repository", "commit", "path", "git_blob"}
        assert set(document.fields) <= set(ADMINISTRATIVE_FIELDS), document.file
        for key, value in document.fields.items():
            assert value == unicodedata.normalize("NFC", value), (document.file, key)
            assert value == " ".join(value.split()), (document.file, key)
        datetime.date.fromisoformat(document.fields["ngay_ban_hanh"])


def test_the_set_is_broad_enough() -> None:
    documents = load_truth()
    assert len(documents) >= 30
    assert len({d.doc_type for d in documents}) >= 8
    assert len({d.fields["co_quan_ban_hanh"] for d in documents}) >= 5
    assert {d.kind for d in documents} == {"scanned", "born_digital"}
