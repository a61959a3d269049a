"""``sohoa ocr`` end to end on real scans: searchable output, text, words JSON, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pymupdf
import pytest

from tests.support.ocr_corpus import cer

SOHOA = [sys.executable, "-m", "api"]


def sohoa_ocr(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    return subprocess.run([*SOHOA, "ocr", *args], capture_output=True, text=True, env=env,
                          timeout=600, check=False)


def test_rotated_scan_becomes_searchable_upright_text(corpus_dir: Path, tmp_path: Path) -> None:
    source = corpus_dir / "vi-admin" / "s101-003-cong_van.pdf"  # page turned 270 degrees
    truth = json.loads(source.with_suffix(".json").read_text(encoding="utf-8"))
    out, text, words = tmp_path / "out.pdf", tmp_path / "out.txt", tmp_path / "out.json"
    done = sohoa_ocr(str(source), "-o", str(out), "--text", str(text), "--json", str(words))
    assert done.returncode == 0, done.stderr
    recognised = text.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", recognised)
    assert cer(recognised, truth["text"]) < 0.03
    page = json.loads(words.read_text(encoding="utf-8"))["pages"][0]
    assert page["rotation"] in (90, 270)
    assert page["width"] < page["height"]  # portrait again
    assert page["words"]
    assert all(w["box"][2] > 0 and w["box"][3] > 0 for w in page["words"])
    with pymupdf.open(out) as document:
        assert document.page_count == 1
        layer = document[0].get_text()
        assert cer(layer, truth["text"]) < 0.05  # the invisible layer carries the same text
        assert document[0].search_for(truth["fields"]["so_ky_hieu"])
    assert out.stat().st_size < 3 * source.stat().st_size


@pytest.mark.parametrize("name", ["s100-004-quyet_dinh.tif", "s100-002-ke_hoach.png",
                                  "s100-000-don_de_nghi.jpg"])
def test_loose_images(corpus_dir: Path, tmp_path: Path, name: str) -> None:
    source = corpus_dir / "vi-admin" / name
    truth = json.loads((corpus_dir / "vi-admin" / f"{source.stem}.json").read_text("utf-8"))
    first_page = truth["text"].split("\f")[0]
    done = sohoa_ocr(str(source), "-o", str(tmp_path / "o.pdf"), "--text",
                     str(tmp_path / "o.txt"))
    assert done.returncode == 0, done.stderr
    assert cer((tmp_path / "o.txt").read_text("utf-8"), first_page) < 0.05


@pytest.mark.parametrize("name", ["invalid.pdf", "enormous.pdf", "hugemono.pdf", "kcs.pdf",
                                  "livecycle.pdf"])
def test_bad_inputs_give_a_clean_answer(corpus_dir: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / "out.pdf"
    done = sohoa_ocr(str(corpus_dir / "bad-inputs" / name), "-o", str(out))
    assert "Traceback" not in done.stderr
    if done.returncode == 0:
        with pymupdf.open(out) as document:
            assert document.page_count >= 1
    else:
        assert done.returncode == 2
        assert len(done.stderr.strip().splitlines()) == 1
        assert name in done.stderr
        assert not out.exists()


def test_missing_and_disguised_files(tmp_path: Path) -> None:
    missing = sohoa_ocr(str(tmp_path / "nope.pdf"), "-o", str(tmp_path / "o.pdf"))
    assert missing.returncode == 2
    assert "nope.pdf" in missing.stderr
    disguised = tmp_path / "scan.pdf"
    disguised.write_text("just some text, not a scan")
    done = sohoa_ocr(str(disguised), "-o", str(tmp_path / "o.pdf"))
    assert done.returncode == 2
    assert "scan.pdf" in done.stderr
