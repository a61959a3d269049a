"""The scanner folder: a file is taken only once it has settled, then moved to done/, or to
failed/ beside a file with the reason; errors that are not the file's fault leave it there."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from ingest.watch import FolderWatcher
from storage.errors import BadInputError, TooLargeError, UnavailableError


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Recorder:
    """An ingest callback that records the files it was given and what they held; it raises
    ``errors[name]`` for the files named there."""

    def __init__(self, errors: dict[str, Exception] | None = None) -> None:
        self.calls: list[tuple[str, bytes]] = []
        self.errors = errors or {}

    def __call__(self, path: Path) -> dict[str, Any]:
        self.calls.append((path.name, path.read_bytes()))
        if path.name in self.errors:
            raise self.errors[path.name]
        return {"documents": [len(self.calls)], "pages": 3}


def _watcher(folder: Path, ingest: Recorder, clock: Clock) -> FolderWatcher:
    return FolderWatcher(folder, ingest, settle=2.0, clock=clock)


def _tree(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))


def test_done_and_failed_are_made(tmp_path: Path) -> None:
    folder = tmp_path / "scanner" / "inbox"
    _watcher(folder, Recorder(), Clock())
    assert _tree(folder) == ["done", "failed"]


def test_only_visible_finished_files_are_candidates(tmp_path: Path) -> None:
    watcher = _watcher(tmp_path, Recorder(), Clock())
    for name in ("b.pdf", "a.jpg", ".hidden.pdf", "~lock.pdf", "c.pdf.part", "d.tmp",
                 "e.pdf.crdownload"):
        (tmp_path / name).write_bytes(b"%PDF-1.7")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "f.pdf").write_bytes(b"%PDF-1.7")
    (tmp_path / "done" / "g.pdf").write_bytes(b"%PDF-1.7")
    assert [path.name for path in watcher.candidates()] == ["a.jpg", "b.pdf"]


def test_a_file_is_taken_once_it_has_settled(tmp_path: Path) -> None:
    clock, ingest = Clock(), Recorder()
    watcher = _watcher(tmp_path, ingest, clock)
    (tmp_path / "to-khai.pdf").write_bytes(b"%PDF-1.7 scan")

    assert watcher.scan_once() == []  # first seen
    clock.advance(1.9)
    assert watcher.scan_once() == []  # not yet settled
    assert ingest.calls == []
    clock.advance(0.1)
    outcomes = watcher.scan_once()

    assert ingest.calls == [("to-khai.pdf", b"%PDF-1.7 scan")]
    assert outcomes == [{"file": "to-khai.pdf", "status": "done",
                         "moved_to": str(tmp_path / "done" / "to-khai.pdf"),
                         "documents": [1], "pages": 3}]
    assert _tree(tmp_path) == ["done", "done/to-khai.pdf", "failed"]
    assert (tmp_path / "done" / "to-khai.pdf").read_bytes() == b"%PDF-1.7 scan"
    clock.advance(10)
    assert watcher.scan_once() == []
    assert len(ingest.calls) == 1


def test_a_file_still_being_written_waits_for_its_last_change(tmp_path: Path) -> None:
    clock, ingest = Clock(), Recorder()
    watcher = _watcher(tmp_path, ingest, clock)
    path = tmp_path / "stack.pdf"
    path.write_bytes(b"%PDF-1.7 page 1")
    watcher.scan_once()
    for page in (2, 3):
        clock.advance(1.5)
        with path.open("ab") as growing:
            growing.write(f" page {page}".encode())
        assert watcher.scan_once() == []  # changed: the wait starts again
    clock.advance(1.5)
    assert watcher.scan_once() == []  # 1.5 s since the last change
    clock.advance(0.5)
    [outcome] = watcher.scan_once()
    assert outcome["status"] == "done"
    assert ingest.calls == [("stack.pdf", b"%PDF-1.7 page 1 page 2 page 3")]


def test_files_settle_each_on_their_own_time(tmp_path: Path) -> None:
    clock, ingest = Clock(), Recorder()
    watcher = _watcher(tmp_path, ingest, clock)
    (tmp_path / "early.pdf").write_bytes(b"1")
    watcher.scan_once()
    clock.advance(1.0)
    (tmp_path / "late.pdf").write_bytes(b"2")
    watcher.scan_once()
    clock.advance(1.0)
    assert [outcome["file"] for outcome in watcher.scan_once()] == ["early.pdf"]
    clock.advance(1.0)
    assert [outcome["file"] for outcome in watcher.scan_once()] == ["late.pdf"]
    assert ingest.calls == [("early.pdf", b"1"), ("late.pdf", b"2")]


def test_a_refused_file_goes_to_failed_with_its_reason(tmp_path: Path,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    ingest = Recorder({"hong.pdf": BadInputError("not a PDF or image", subject="hong.pdf")})
    watcher = _watcher(tmp_path, ingest, clock)
    (tmp_path / "hong.pdf").write_bytes(b"garbage")
    watcher.scan_once()
    clock.advance(2)
    with caplog.at_level(logging.WARNING, logger="sohoa.watch"):
        outcomes = watcher.scan_once()

    assert outcomes == [{"file": "hong.pdf", "status": "failed",
                         "reason": "hong.pdf: not a PDF or image",
                         "moved_to": str(tmp_path / "failed" / "hong.pdf")}]
    assert _tree(tmp_path) == ["done", "failed", "failed/hong.pdf", "failed/hong.pdf.reason.txt"]
    assert (tmp_path / "failed" / "hong.pdf").read_bytes() == b"garbage"
    assert ((tmp_path / "failed" / "hong.pdf.reason.txt").read_text(encoding="utf-8")
            == "hong.pdf: not a PDF or image\n")
    assert caplog.messages == ["hong.pdf: refused: hong.pdf: not a PDF or image"]


def test_a_too_large_file_is_refused_like_any_bad_input(tmp_path: Path) -> None:
    clock = Clock()
    watcher = _watcher(tmp_path, Recorder({"big.tif": TooLargeError("over 500 pages")}), clock)
    (tmp_path / "big.tif").write_bytes(b"II*\x00")
    watcher.scan_once()
    clock.advance(2)
    [outcome] = watcher.scan_once()
    assert (outcome["status"], outcome["reason"]) == ("failed", "over 500 pages")
    assert _tree(tmp_path) == ["done", "failed", "failed/big.tif", "failed/big.tif.reason.txt"]


def test_an_error_not_the_files_fault_leaves_it_to_be_tried_again(tmp_path: Path) -> None:
    clock = Clock()
    ingest = Recorder({"scan.pdf": UnavailableError("object store unreachable")})
    watcher = _watcher(tmp_path, ingest, clock)
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.7")
    watcher.scan_once()
    clock.advance(2)
    with pytest.raises(UnavailableError, match="object store unreachable"):
        watcher.scan_once()
    assert _tree(tmp_path) == ["done", "failed", "scan.pdf"]

    ingest.errors.clear()  # the store is back: the file settles again, then is taken
    assert watcher.scan_once() == []
    clock.advance(2)
    [outcome] = watcher.scan_once()
    assert outcome["status"] == "done"
    assert [name for name, _ in ingest.calls] == ["scan.pdf", "scan.pdf"]
    assert _tree(tmp_path) == ["done", "done/scan.pdf", "failed"]


def test_a_taken_name_gets_a_number(tmp_path: Path) -> None:
    clock = Clock()
    ingest = Recorder({"bad.pdf": BadInputError("encrypted")})
    watcher = _watcher(tmp_path, ingest, clock)
    (tmp_path / "done" / "scan.pdf").write_bytes(b"earlier")
    (tmp_path / "done" / "scan (2).pdf").write_bytes(b"earlier too")
    (tmp_path / "failed" / "bad.pdf").write_bytes(b"earlier bad")
    (tmp_path / "scan.pdf").write_bytes(b"today")
    (tmp_path / "bad.pdf").write_bytes(b"today bad")
    watcher.scan_once()
    clock.advance(2)
    outcomes = watcher.scan_once()

    assert [(o["file"], o["moved_to"]) for o in outcomes] == [
        ("bad.pdf", str(tmp_path / "failed" / "bad (2).pdf")),
        ("scan.pdf", str(tmp_path / "done" / "scan (3).pdf"))]
    assert (tmp_path / "done" / "scan.pdf").read_bytes() == b"earlier"
    assert (tmp_path / "done" / "scan (3).pdf").read_bytes() == b"today"
    assert (tmp_path / "failed" / "bad.pdf").read_bytes() == b"earlier bad"
    assert (tmp_path / "failed" / "bad (2).pdf.reason.txt").read_text(encoding="utf-8") == (
        "encrypted\n")


def test_a_file_removed_before_it_settled_is_forgotten(tmp_path: Path) -> None:
    clock, ingest = Clock(), Recorder()
    watcher = _watcher(tmp_path, ingest, clock)
    path = tmp_path / "oops.pdf"
    path.write_bytes(b"%PDF")
    assert watcher.candidates() == [path]
    assert not watcher.settled(path)
    path.unlink()
    clock.advance(5)
    assert not watcher.settled(path)
    assert watcher.scan_once() == []
    path.write_bytes(b"%PDF")  # put back: it must settle anew
    assert watcher.scan_once() == []
    assert ingest.calls == []


def test_run_keeps_watching_after_a_failed_pass(tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    ingest = Recorder({"scan.pdf": UnavailableError("database down")})
    watcher = _watcher(tmp_path, ingest, clock)
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.7")
    passes = 0

    def stop() -> bool:
        nonlocal passes
        passes += 1
        clock.advance(2)
        if passes == 4:
            ingest.errors.clear()
        return passes > 6

    with caplog.at_level(logging.INFO, logger="sohoa.watch"):
        watcher.run(interval=0, stop=stop)

    # pass 1 sees it; 2 fails (database down); 3 sees it again; 4 takes it; 5, 6 find nothing
    assert [name for name, _ in ingest.calls] == ["scan.pdf", "scan.pdf"]
    assert _tree(tmp_path) == ["done", "done/scan.pdf", "failed"]
    assert caplog.messages == ["scanner folder pass failed; retrying", "scan.pdf: ingested"]
