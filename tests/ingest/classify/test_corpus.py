"""Type and fields on real OCR output of the corpus scans (the layout clues alone, no
trained model: what a fresh installation gets right before any training)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.classify import Classifier
from ingest.classify.reading import read_file
from ingest.classify.text import same_value
from ocr.pipeline import OcrOptions

QUICK = ("s100-004-quyet_dinh", "s101-003-cong_van", "s100-000-don_de_nghi")


def _check(pdf: Path) -> list[str]:
    truth = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
    with read_file(pdf, OcrOptions(jobs=1)) as (document, reread):
        answer = Classifier().classify(document, reread)
    problems = [] if answer.doc_type == truth["doc_type"] else [
        f"{pdf.stem}: type {answer.doc_type} != {truth['doc_type']}"]
    for name, wanted in truth["fields"].items():
        found = answer.fields.get(name)
        if found is None or not same_value(found.value, wanted):
            problems.append(f"{pdf.stem}: {name} {found and found.value!r} != {wanted!r}")
        elif not 0 < found.confidence <= 1:
            problems.append(f"{pdf.stem}: {name} confidence {found.confidence}")
    return problems


@pytest.mark.parametrize("name", QUICK)
def test_type_and_fields_of_a_scan(corpus_dir: Path, name: str) -> None:
    assert _check(corpus_dir / "vi-admin" / f"{name}.pdf") == []


@pytest.mark.ci_sample
@pytest.mark.slow
def test_whole_corpus_types_exact_and_fields_above_target(corpus_dir: Path) -> None:
    pdfs = sorted((corpus_dir / "vi-admin").glob("*.pdf"))
    assert len(pdfs) == 12
    problems = [problem for pdf in pdfs for problem in _check(pdf)]
    assert not [p for p in problems if " type " in p], problems
    fields = sum(len(json.loads(p.with_suffix(".json").read_text())["fields"]) for p in pdfs)
    assert len(problems) <= 0.1 * fields, problems
