"""Tesseract runs with one OpenMP thread set in its own environment; sohoa's process
environment is left as it was (nothing set at import, nothing set by OCR)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ocr import tesseract

_RECORDER = """#!{python}
import json, os, sys
with open({log!r}, "a", encoding="utf-8") as log:
    log.write(json.dumps({{"argv": sys.argv[1:], "env": dict(os.environ)}}) + "\\n")
os.execv({tesseract!r}, [{tesseract!r}, *sys.argv[1:]])
"""


@pytest.fixture
def recorded_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``tesseract`` first on PATH that logs its arguments and environment, then runs the
    real one; the log's path."""
    real = shutil.which("tesseract")
    assert real, "tesseract is missing: apt-get install tesseract-ocr"
    log = tmp_path / "tesseract-calls.jsonl"
    wrapper = tmp_path / "bin" / "tesseract"
    wrapper.parent.mkdir()
    wrapper.write_text(_RECORDER.format(python=sys.executable, log=str(log), tesseract=real))
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    return log


def _line_image() -> np.ndarray:
    import cv2

    image = np.full((80, 900), 255, np.uint8)
    cv2.putText(image, "Uy ban nhan dan 2024", (10, 55), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
    return image


def test_each_tesseract_process_gets_one_thread_and_ours_is_untouched(
    recorded_tesseract: Path,
) -> None:
    before = dict(os.environ)
    words = tesseract.recognise(_line_image(), lang="vie", psm=7)
    tesseract.detect_orientation(_line_image())
    tesseract.tesseract_info()
    assert dict(os.environ) == before
    assert "OMP_THREAD_LIMIT" not in os.environ
    assert words, "the recorded Tesseract read nothing"
    calls = [json.loads(line) for line in recorded_tesseract.read_text().splitlines()]
    # recognition, orientation, --version, --list-langs
    assert len(calls) == 4, [call["argv"] for call in calls]
    for call in calls:
        assert call["env"]["OMP_THREAD_LIMIT"] == "1", call["argv"]
        # the rest of the environment is this process's own
        assert {key: value for key, value in call["env"].items()
                if key != "OMP_THREAD_LIMIT"} == before


def test_the_environment_is_built_per_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOHOA_PROBE", "a")
    monkeypatch.setenv("OMP_THREAD_LIMIT", "8")
    first = tesseract.tesseract_environment()
    monkeypatch.setenv("SOHOA_PROBE", "b")
    assert first["SOHOA_PROBE"] == "a"
    assert tesseract.tesseract_environment()["SOHOA_PROBE"] == "b"
    assert first["OMP_THREAD_LIMIT"] == "1"
    assert os.environ["OMP_THREAD_LIMIT"] == "8"


def test_importing_ocr_sets_nothing_in_the_environment() -> None:
    environment = {key: value for key, value in os.environ.items()
                   if key != "OMP_THREAD_LIMIT"}
    done = subprocess.run(
        [sys.executable, "-c",
         "import os, ocr.tesseract, ocr.pipeline; print(os.environ.get('OMP_THREAD_LIMIT'))"],
        env=environment, capture_output=True, text=True, check=True, timeout=120,
        cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "None"

