"""An older commit's code beside this checkout, for the benchmarks' ``--against`` runs: the
commit's tree written out with ``git archive`` into a temporary directory, which a benchmark
puts first on ``sys.path`` (or runs its server from) to measure the previous code in the same
run as this checkout."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def older_checkout(commit: str, prefix: str = "sohoa-bench-old-") -> Iterator[tuple[str, Path]]:
    """``commit``'s short name and a directory holding its tree, removed afterwards."""
    short = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", commit],
                           check=True, capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix=prefix) as old:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", short],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", old], input=archive, check=True)
        yield short, Path(old)
