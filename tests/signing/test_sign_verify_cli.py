"""``sohoa sign`` at every level and role, then ``sohoa verify``: every file verifies as
valid (B-LT and B-LTA with the network off: verify never fetches unless --online), and
poppler's pdfsig agrees on the integrity of every regular signature."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.pki_server import RunningPki
from tests.support.signature_checks import pdfsig

SOHOA = Path(sys.executable).parent / "sohoa"
LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")


def _sohoa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SOHOA), *args], capture_output=True, text=True, check=False,
                          timeout=180)


def _sign(pki: RunningPki, source: Path, output: Path, role: str, level: str) -> None:
    key = "leader" if role == "leader" else "clerk"
    done = _sohoa("sign", str(source), "-o", str(output), "--p12",
                  str(pki.directory / f"{key}.p12"), "--password", "1234", "--role", role,
                  "--level", level, "--tsa", pki.tsa_url, "--trust",
                  str(pki.pki.root_pem_path), "--symbol", "15/QĐ-UBND")
    assert done.returncode == 0, done.stderr


def _verify(pki: RunningPki, path: Path) -> dict[str, object]:
    done = _sohoa("verify", str(path), "--trust", str(pki.pki.root_pem_path), "--json")
    report: dict[str, object] = json.loads(done.stdout)
    assert done.returncode == (0 if report["valid"] else 3), done.stderr
    return report


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_and_role_verifies(served_pki: RunningPki, decision_pdf: Path,
                                       tmp_path: Path, level: str) -> None:
    leader, sealed = tmp_path / "leader.pdf", tmp_path / "sealed.pdf"
    _sign(served_pki, decision_pdf, leader, "leader", level)
    _sign(served_pki, leader, sealed, "agency", level)
    outputs = [sealed]
    for role in ("attachment", "copy"):
        outputs.append(tmp_path / f"{role}.pdf")
        _sign(served_pki, decision_pdf, outputs[-1], role, level)
    for path in outputs:
        report = _verify(served_pki, path)
        assert report["valid"] is True, (path.name, report)
        assert report["online"] is False
        signatures = [item for item in report["signatures"]  # type: ignore[attr-defined]
                      if item["kind"] == "signature"]
        assert {item["level"] for item in signatures} == {level}
        regular = [item for item in pdfsig(path) if not item.field.startswith("Timestamp")]
        assert [item.field for item in regular] == [item["field"] for item in signatures]
        assert all(item.valid for item in regular), path.name
