"""``sohoa keys seal`` on an installation: nothing to seal is said as such (exit 0)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.cli import run


def test_keys_seal_on_a_fresh_installation(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SOHOA_")}
    env["SOHOA_DATA_DIR"] = str(tmp_path / "data")
    done = run(["keys", "seal"], env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0 key file(s) sealed under the server key"
