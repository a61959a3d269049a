"""``sohoa stats`` on the configured records: table, JSON, bad dates."""

from __future__ import annotations

import json

from tests.support.cli import run


def test_stats_table_and_json(env: dict[str, str]) -> None:
    assert run(["unit", "add", "HN", "Hà Nội"], env).returncode == 0
    assert run(["unit", "add", "HN-BD", "Ba Đình", "--parent", "HN"], env).returncode == 0
    for unit in ("HN", "HN-BD", "HN-BD"):
        done = run(["dossier", "new", "--procedure", "1.0", "--applicant", "Lê Thị Hoa",
                    "--days", "3", "--unit", unit], env)
        assert done.returncode == 0, done.stderr
    table = run(["stats"], env)
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[-1].split()[:2] == ["*", "3"]
    done = run(["stats", "--unit", "HN-BD", "--json"], env)
    body = json.loads(done.stdout)
    assert [row["unit_code"] for row in body["units"]] == ["HN-BD"]
    assert body["total"]["received"] == 2
    bad = run(["stats", "--from", "2026-02-30"], env)
    assert bad.returncode == 2
    assert bad.stderr.strip() == "sohoa stats: --from: not a date (YYYY-MM-DD)"
    unknown = run(["stats", "--unit", "NOPE"], env)
    assert unknown.returncode == 2
    assert "NOPE" in unknown.stderr
