"""The CLI's last line of defence: an unexpected error is one line and exit 1; its
traceback goes to the data directory's log, or to stderr with ``--debug``."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

import api.cli.search
from api.cli import main


def _boom(args: argparse.Namespace) -> int:
    raise RuntimeError("the index exploded")


def test_unexpected_error_is_one_line_and_logged(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(api.cli.search, "cmd_search", _boom)
    assert main(["search", "hồ sơ"]) == 1
    err = capsys.readouterr().err
    log = tmp_path / "logs" / "cli.log"
    assert err == f"sohoa search: unexpected RuntimeError: the index exploded (details in {log})\n"
    logged = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged
    assert "RuntimeError: the index exploded" in logged


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(api.cli.search, "cmd_search", _boom)
    assert main(["--debug", "search", "hồ sơ"]) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert err.rstrip().endswith("sohoa search: unexpected RuntimeError: the index exploded")
    assert not (tmp_path / "logs").exists()
