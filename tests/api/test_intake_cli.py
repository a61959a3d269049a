"""Back-office intake from the command line: cover sheets printed, a scanned stack of three
dossiers (one cover skewed, one upside down, blank backs, a stray page before the first
cover) ingested and split with --wait; the scanner folder takes a good file to done/ and a
bad one to failed/ with its reason."""

from __future__ import annotations

import json
from pathlib import Path

import pymupdf
import pytest

from tests.support.cli import run
from tests.support.cover_scans import add_image_page, blank_scan, degrade, rasterise, text_page
from tests.support.synthetic_pdf import Degradation


def _dossier(env: dict[str, str], applicant: str) -> int:
    done = run(["dossier", "new", "--procedure", "1.004227", "--applicant", applicant,
                "--days", "10", "--json"], env)
    assert done.returncode == 0, done.stderr
    return int(json.loads(done.stdout)["id"])


def _scan(pdf: Path, degradation: Degradation, seed: int) -> object:
    return degrade(rasterise(pdf, 0, degradation.dpi), degradation, seed)


@pytest.mark.slow
def test_stack_with_cover_sheets_is_split_and_processed(env: dict[str, str],
                                                        tmp_path: Path) -> None:
    assert run(["unit", "add", "DA", "Bộ phận Một cửa huyện Đông Anh"], env).returncode == 0
    dossiers = [_dossier(env, name) for name in ("Lê Văn Hải", "Đỗ Thị Mai", "Phan Minh Tú")]
    covers = []
    for dossier in dossiers:
        cover = tmp_path / f"cover-{dossier}.pdf"
        done = run(["dossier", "cover-sheet", str(dossier), "-o", str(cover)], env)
        assert done.returncode == 0, done.stderr
        assert "PHIẾU BÌA HỒ SƠ" in pymupdf.open(cover)[0].get_text()
        covers.append(cover)
    plain = Degradation(dpi=200)
    page = [text_page([f"Trang {n}: Đơn đề nghị cấp giấy chứng nhận quyền sử dụng đất",
                       "Kính gửi: Ủy ban nhân dân huyện Đông Anh"], tmp_path, f"p{n}.pdf")
            for n in range(5)]
    sheets = [
        _scan(page[0], plain, 1),                                         # before any cover
        _scan(covers[0], Degradation(dpi=200, skew_deg=4.0), 2),
        _scan(page[1], plain, 3),
        blank_scan(plain, 4),
        _scan(covers[1], Degradation(dpi=200, rotated=180), 5),
        _scan(page[2], plain, 6),
        _scan(page[3], plain, 7),
        _scan(covers[2], Degradation(dpi=200, noise=0.04), 8),
        _scan(page[4], plain, 9),
        blank_scan(plain, 10),
    ]
    stack = tmp_path / "stack.pdf"
    with pymupdf.open() as document:
        for sheet in sheets:
            add_image_page(document, sheet, 200)  # type: ignore[arg-type]
        document.save(stack)
    done = run(["ingest", str(stack), "--wait", "--json"], env, timeout=600)
    assert done.returncode == 0, done.stderr
    [result] = json.loads(done.stdout)
    parts = {entry["dossier"]: entry for entry in result["documents"]}
    assert sorted(parts) == sorted(dossiers)
    assert [parts[d]["pages"] for d in dossiers] == [1, 2, 1]
    assert all(entry["status"] == "digitised" for entry in parts.values())
    assert result["cover_pages"] == [2, 5, 8]
    assert result["blank_pages"] == [4, 10]
    assert result["unassigned_pages"] == [1]
    assert len(result["unassigned"]) == 1
    found = run(["search", "giay", "chung", "nhan", "--json"], env)
    assert {row["dossier"] for row in json.loads(found.stdout)} >= set(dossiers)
    again = run(["ingest", str(stack), "--json"], env, timeout=300)
    assert all(entry["duplicate"] for entry in json.loads(again.stdout)[0]["documents"])


def test_scanner_folder_moves_files_to_done_and_failed(env: dict[str, str],
                                                       tmp_path: Path) -> None:
    assert run(["unit", "add", "SC", "Bộ phận Một cửa"], env).returncode == 0
    folder = tmp_path / "scanner"
    folder.mkdir()
    good = text_page(["Tờ khai đăng ký khai sinh"], tmp_path, "to-khai.pdf")
    (folder / "to-khai.pdf").write_bytes(good.read_bytes())
    (folder / "hong.pdf").write_bytes(b"%PDF-1.4\nnot really")
    (folder / "rong.jpg").write_bytes(b"")
    done = run(["watch", str(folder), "--once", "--settle", "0.5"], env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == []
    assert (folder / "done" / "to-khai.pdf").read_bytes() == good.read_bytes()
    for name in ("hong.pdf", "rong.jpg"):
        assert (folder / "failed" / name).exists()
        reason = (folder / "failed" / f"{name}.reason.txt").read_text(encoding="utf-8")
        assert name in reason
    assert "empty" in (folder / "failed" / "rong.jpg.reason.txt").read_text(encoding="utf-8")
