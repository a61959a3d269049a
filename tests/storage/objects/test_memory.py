"""A 200 MB object streams through put() and open() without holding it in memory.

The put/get runs in a fresh interpreter (``python -m tests.storage.objects.test_memory``) so
the peak RSS (``ru_maxrss``) reflects this transfer alone, not the rest of the test session.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import io
import json
import random
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil

from storage.objects import CHUNK_SIZE, LocalStoreConfig, S3StoreConfig, StoreConfig
from storage.objects.factory import open_object_store

SIZE = 200 * 1024 * 1024
MAX_GROWTH = 60 * 1024 * 1024
ROOT = Path(__file__).resolve().parents[3]


class PseudoRandomStream(io.RawIOBase):
    """``size`` pseudo-random bytes produced 1 MiB at a time; hashes what it hands out."""

    def __init__(self, size: int, seed: int) -> None:
        self._left = size
        self._rng = random.Random(seed)
        self._chunk = memoryview(b"")
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self._chunk:
            if self._left == 0:
                return 0
            block = self._rng.randbytes(min(1024 * 1024, self._left))
            self._left -= len(block)
            self.sha256.update(block)
            self._chunk = memoryview(block)
        count = min(len(buffer), len(self._chunk))
        buffer[:count] = self._chunk[:count]
        self._chunk = self._chunk[count:]
        return count


def peak_rss() -> int:
    """The process's peak resident set size (since the last :func:`reset_peak`), in bytes."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def reset_peak() -> bool:
    """Reset the peak RSS to the current RSS (Linux >= 4.0); False if not possible.

    Without a reset the peak includes start-up (imports), which overstates the growth.
    """
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def measure(config: StoreConfig, prefix: str, whole: bool = False) -> dict[str, Any]:
    """Put then read back a 200 MB object; report hashes and RSS growth over the baseline.

    ``whole`` reads the object back in one ``read()``, as a buffering caller would.
    """
    store = open_object_store(config)
    store.check()
    # Warm up every code path (imports, connection pool, temp dirs) with a small object.
    warm = store.put(prefix, io.BytesIO(b"warm-up" * 100_000))
    with store.open(warm.key) as stream:
        stream.read()
    gc.collect()
    peak_was_reset = reset_peak()
    baseline = psutil.Process().memory_info().rss

    source = PseudoRandomStream(SIZE, seed=2024)
    info = store.put(prefix, source)  # type: ignore[arg-type]
    after_put = peak_rss()
    read_hash = hashlib.sha256()
    read_size = 0
    with store.open(info.key) as stream:
        while chunk := stream.read(-1 if whole else CHUNK_SIZE):
            read_hash.update(chunk)
            read_size += len(chunk)
            del chunk
    return {
        "source_sha256": source.sha256.hexdigest(),
        "stored_sha256": info.sha256,
        "stored_size": info.size,
        "read_sha256": read_hash.hexdigest(),
        "read_size": read_size,
        "baseline_rss": baseline,
        "peak_was_reset": peak_was_reset,
        "put_growth": after_put - baseline,
        "growth": peak_rss() - baseline,
    }


def config_to_json(config: StoreConfig) -> str:
    fields = dataclasses.asdict(config)
    if isinstance(config, LocalStoreConfig):
        fields.update(kind="local", root=str(config.root), url_secret=config.url_secret.hex())
    else:
        fields.update(kind="s3", outbox=str(config.outbox) if config.outbox else None)
    return json.dumps(fields)


def config_from_json(text: str) -> StoreConfig:
    fields = json.loads(text)
    if fields.pop("kind") == "local":
        fields.update(root=Path(fields["root"]), url_secret=bytes.fromhex(fields["url_secret"]))
        return LocalStoreConfig(**fields)
    if fields["outbox"] is not None:
        fields.update(outbox=Path(fields["outbox"]))
    return S3StoreConfig(**fields)


def run_probe(config: StoreConfig, prefix: str, *, whole: bool = False) -> dict[str, Any]:
    """Run :func:`measure` in a fresh interpreter and return its report."""
    request = {"config": config_to_json(config), "prefix": prefix, "whole": whole}
    result = subprocess.run(
        [sys.executable, "-m", "tests.storage.objects.test_memory"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def test_200_mb_object_streams_within_the_memory_bound(
    store_config: StoreConfig, prefix: str, backend: str
) -> None:
    report = run_probe(store_config, prefix)
    print(f"{backend}: peak RSS growth {report['growth'] / 2**20:.1f} MiB")  # seen with -s

    assert report["stored_size"] == report["read_size"] == SIZE
    assert report["stored_sha256"] == report["source_sha256"]
    assert report["read_sha256"] == report["source_sha256"]
    assert report["put_growth"] < MAX_GROWTH, report
    assert report["growth"] < MAX_GROWTH, report


def test_the_measurement_catches_buffering(tmp_path: Path, prefix: str) -> None:
    """The bound can fail: reading the object back in one piece blows through it."""
    config = LocalStoreConfig(root=tmp_path / "objects", url_secret=b"x")

    report = run_probe(config, prefix, whole=True)

    assert report["read_sha256"] == report["source_sha256"]
    assert report["growth"] > MAX_GROWTH, report


if __name__ == "__main__":
    request = json.loads(sys.stdin.read())
    config = config_from_json(request["config"])
    print(json.dumps(measure(config, request["prefix"], whole=request["whole"])))
