"""``sohoa classify`` as scripts call it: the contract's JSON, one-line errors, exit codes;
the first use trains and stores model version 1, the next use loads it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support.cli import run
from tests.support.texts import DECISION


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    return {**clean, "SOHOA_DATA_DIR": str(tmp_path_factory.mktemp("cli") / "data")}


def test_text_file(env: dict[str, str], tmp_path: Path) -> None:
    source = tmp_path / "decision.txt"
    source.write_text(DECISION, encoding="utf-8")
    done = run(["classify", str(source), "--json"], env, timeout=300)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert set(answer) >= {"doc_type", "confidence", "fields"}
    assert answer["doc_type"] == "quyet_dinh"
    assert 0.7 < answer["confidence"] <= 1
    assert answer["fields"]["so_ky_hieu"] == "152/QĐ-SXD"
    assert answer["model_version"] == 1
    assert list(Path(env["SOHOA_DATA_DIR"]).rglob("*.pkl")), "the model is in the object store"


def test_scan_image(env: dict[str, str], corpus_dir: Path) -> None:
    source = corpus_dir / "vi-admin" / "s101-002-to_khai.png"
    truth = json.loads(source.with_suffix(".json").read_text(encoding="utf-8"))
    done = run(["classify", str(source), "--json"], env, timeout=300)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["doc_type"] == "to_khai"
    assert answer["fields"] == truth["fields"]
    assert answer["model_version"] == 1  # loaded, not trained again


@pytest.mark.parametrize("name", ["missing.pdf", "invalid.pdf"])
def test_bad_input_is_one_line_exit_2(env: dict[str, str], corpus_dir: Path,
                                      name: str) -> None:
    source = corpus_dir / "bad-inputs" / name
    done = run(["classify", str(source)], env, timeout=120)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert name in lines[0]
