"""Benchmark: sohoa OCR against OCRmyPDF on the scanned corpus, in the same run.

    .venv/bin/python benchmarks/ocr_vs_ocrmypdf.py [--jobs 2] [--corpus ../shared/corpus]
        [--only ID ...] [--skip-memory]

For every PDF of ``corpus/vi-admin`` it runs ``sohoa ocr`` and
``ocrmypdf -l vie --rotate-pages --deskew --output-type pdf`` with the same ``--jobs``, and
prints per document: character error rate against the ground truth (corpus README: NFC,
whitespace collapsed, Levenshtein distance / length of the truth), wall time, pages per
minute, and the ratios; then the totals. Last, a 100-page scan (corpus pages repeated) is
OCR'd by sohoa while the peak memory of its whole process tree is sampled.

OCRmyPDF's text is its ``--sidecar`` output; sohoa's is its ``--text`` output: each tool's
own plain text, in its own reading order.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO))



from tests.support.ocr_corpus import cer  # noqa: E402  (the corpus README's metric, shared)


def _tree_memory(process: psutil.Process) -> int:
    """Bytes of memory the process tree holds: the sum of each process's PSS (shared pages
    counted once across the tree, unlike RSS, which counts forked workers' shared pages in
    every process), or RSS where PSS is not available."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            info = member.memory_full_info()
            total += getattr(info, "pss", info.rss)
        except psutil.Error:
            continue
    return total


def timed(command: list[str]) -> tuple[float, float]:
    """Run a command; return wall seconds and the peak memory (MB, PSS) of its process tree."""
    started = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        with contextlib.suppress(psutil.Error):
            peak = max(peak, _tree_memory(process))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        error = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise RuntimeError(f"{command[0]} failed ({process.returncode}): {error[-500:]}")
    return seconds, peak / 2**20


def run_sohoa(pdf: Path, out: Path, jobs: int) -> tuple[float, float, str]:
    text = out / f"{pdf.stem}.sohoa.txt"
    seconds, peak = timed([str(VENV_BIN / "sohoa"), "ocr", str(pdf), "-o",
                           str(out / f"{pdf.stem}.sohoa.pdf"), "--text", str(text),
                           "--jobs", str(jobs)])
    return seconds, peak, text.read_text(encoding="utf-8")


def run_ocrmypdf(pdf: Path, out: Path, jobs: int) -> tuple[float, float, str]:
    sidecar = out / f"{pdf.stem}.ocrmypdf.txt"
    seconds, peak = timed([str(VENV_BIN / "ocrmypdf"), "-l", "vie", "--rotate-pages",
                           "--deskew", "--output-type", "pdf", "--jobs", str(jobs),
                           "--sidecar", str(sidecar), str(pdf),
                           str(out / f"{pdf.stem}.ocrmypdf.pdf")])
    return seconds, peak, sidecar.read_text(encoding="utf-8")


def hundred_page_scan(corpus: Path, path: Path) -> int:
    """A 100-page image-only PDF made of the corpus pages, repeated."""
    import pymupdf

    sources = sorted((corpus / "vi-admin").glob("*.pdf"))
    output = pymupdf.open()
    while output.page_count < 100:
        for source in sources:
            with pymupdf.open(source) as document:
                take = min(document.page_count, 100 - output.page_count)
                output.insert_pdf(document, to_page=take - 1)
            if output.page_count >= 100:
                break
    output.save(path, garbage=3, deflate=True)
    return int(output.page_count)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--only", nargs="*", default=None, help="document ids to run")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--memory-only", action="store_true", help="only the 100-page scan")
    args = parser.parse_args()
    pdfs = [] if args.memory_only else sorted((args.corpus / "vi-admin").glob("*.pdf"))
    if args.only:
        pdfs = [p for p in pdfs if p.stem in args.only]
    out = Path(tempfile.mkdtemp(prefix="sohoa-bench-"))
    header = (f"{'document':28} {'pages':>5} | {'sohoa CER':>9} {'s':>6} {'p/min':>6} | "
              f"{'ocrmypdf CER':>12} {'s':>6} {'p/min':>6} | {'time ratio':>10}")
    print(header)
    print("-" * len(header))
    totals = {"pages": 0, "sohoa_s": 0.0, "ocrmypdf_s": 0.0}
    cers: dict[str, list[float]] = {"sohoa": [], "ocrmypdf": []}
    for pdf in pdfs:
        truth = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
        pages = int(truth["pages"])
        ours_s, _, ours_text = run_sohoa(pdf, out, args.jobs)
        theirs_s, _, theirs_text = run_ocrmypdf(pdf, out, args.jobs)
        ours_cer, theirs_cer = cer(ours_text, truth["text"]), cer(theirs_text, truth["text"])
        cers["sohoa"].append(ours_cer)
        cers["ocrmypdf"].append(theirs_cer)
        totals["pages"] += pages
        totals["sohoa_s"] += ours_s
        totals["ocrmypdf_s"] += theirs_s
        print(f"{pdf.stem:28} {pages:5} | {ours_cer:9.2%} {ours_s:6.1f} "
              f"{pages * 60 / ours_s:6.1f} | {theirs_cer:12.2%} {theirs_s:6.1f} "
              f"{pages * 60 / theirs_s:6.1f} | {ours_s / theirs_s:10.2f}", flush=True)
    if pdfs:
        print("-" * len(header))
        mean_ours = sum(cers["sohoa"]) / len(cers["sohoa"])
        mean_theirs = sum(cers["ocrmypdf"]) / len(cers["ocrmypdf"])
        pages, ours_s, theirs_s = totals["pages"], totals["sohoa_s"], totals["ocrmypdf_s"]
        print(f"{'total / mean CER':28} {pages:5} | {mean_ours:9.2%} {ours_s:6.1f} "
              f"{pages * 60 / ours_s:6.1f} | {mean_theirs:12.2%} {theirs_s:6.1f} "
              f"{pages * 60 / theirs_s:6.1f} | {ours_s / theirs_s:10.2f}")
        print(f"targets: mean CER <= 1.50% (sohoa {mean_ours:.2%}); "
              f"time ratio <= 0.67 (sohoa/ocrmypdf {ours_s / theirs_s:.2f})")
    if not args.skip_memory:
        scan = out / "hundred-pages.pdf"
        count = hundred_page_scan(args.corpus, scan)
        seconds, peak = timed([str(VENV_BIN / "sohoa"), "ocr", str(scan), "-o",
                               str(out / "hundred-pages.sohoa.pdf"), "--jobs", str(args.jobs)])
        print(f"{count}-page scan: sohoa {seconds:.0f} s ({count * 60 / seconds:.1f} pages/min), "
              f"peak memory of the process tree {peak:.0f} MB (target < 1024 MB)")
    print(f"outputs in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
