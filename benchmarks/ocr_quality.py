"""OCR quality and speed of sohoa's page pipeline, in-process: the Vietnamese corpus and
generated scans it never saw.

    .venv/bin/python benchmarks/ocr_quality.py [--corpus ../shared/corpus] [--lang vie]
        [--psm 3] [--only ID ...] [--generated 48] [--sets corpus,generated]
        [--off IDEA,...] [--on IDEA,...] [--baseline] [--turn DEGREES] [--ocrmypdf]
        [--against COMMIT]
        [--dump DIR]

Per document: character error rate (corpus README: NFC, whitespace collapsed, Levenshtein /
length of the truth) of ``recognise_page(prepare_page(page))``, wall seconds per page
(split into preparation and recognition) and CPU seconds per page (this process and its
Tesseract children: steadier than wall time on a shared machine).

``line`` is the character error rate of each truth line at its best place in the
reading (reading-order mistakes left out; see :func:`line_cer`).

Sets: ``corpus`` is the vi-admin scans; ``generated`` is ``--generated`` documents of the
generator with the seed ``benchmarks/classify_accuracy.py`` scans (777: never trained on),
scanned with the same random degradations (skew, blur, noise, seals, 200-300 dpi, some
black-and-white), loaded the way ``sohoa ocr`` loads a file, scored against the
generator's text.

``real`` is the whole pages of real scans transcribed by hand in
``benchmarks/real_documents/transcripts`` (index.json; the PDFs are looked up in
``../shared/corpus/real-documents`` and ``benchmarks/real_documents/files``), loaded the way
``sohoa ocr`` loads a page; beside the full page's CER and line CER, ``body`` is the line
CER of the body lines alone. ``--ocrmypdf`` also runs OCRmyPDF (``-l vie --force-ocr
--invalidate-digital-signatures --rotate-pages --deskew``, its sidecar text) on each real
page when it is installed.

``--off`` turns ideas of the pipeline off for an ablation (``smooth``: upscaling and
smoothing of black-and-white scans; ``reread``: low-confidence lines read again larger;
``choices``: Tesseract's character alternatives re-ranked by Vietnamese syllable
frequencies; ``seal``: the red seal lifted by colour; ``grayseal``: a gray seal lifted by
shape and tone; ``unread``: lines of ink no word covers read again; ``grayedges``: the
gray of the print's edges kept for Tesseract instead of a binarised page; ``blackseal``: a
black seal's rings whitened on black-and-white pages; ``compound``: a line's spellings
chosen together, neighbours that make a dictionary word preferred). ``grayedges`` is off
by default (see its setting): ``--on grayedges`` measures it; ``grayseal`` is on since it
keeps faded print under a seal, ``unread`` since it reads lines the page's segmentation
dropped, ``blackseal`` since it follows a real seal's ring and keeps the print crossing it).
``--baseline`` also times, per page, what OCRmyPDF's Tesseract work costs at the least: OSD
plus one recognition of the unprocessed page. ``--turn`` rotates every page first (e.g.
180) to check orientation. Single process, one Tesseract thread (``OMP_THREAD_LIMIT=1``).
``--against COMMIT`` first runs the same sets with that commit's code (its own copy of this
benchmark, in a subprocess), so old and new figures come from one run on a shared machine.
``--dump DIR`` writes each document's reading and truth into DIR, to diff them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from ocr_ideas import IDEAS, switch  # beside this script
from older_code import older_checkout  # beside this script

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ingest.synthetic import generate_documents  # noqa: E402
from ocr import preprocess, recognise, tesseract  # noqa: E402
from ocr.inputs import iter_pages, load_page  # noqa: E402
from ocr.model import OcrLimits, PageImage  # noqa: E402
from tests.support.ocr_corpus import cer, normalise, render_pages, truth  # noqa: E402
from tests.support.synthetic_pdf import random_degradation, scan_pdf  # noqa: E402

GENERATED_SEED = 777
"""The seed of ``benchmarks/classify_accuracy.py``'s scanned set (the model never saw it)."""



def line_cer(recognised: str, expected: str) -> float:
    """Character errors of each line of ``expected`` at its best place in ``recognised``
    (a semi-global alignment: free start and end), summed over the lines, per character:
    the character errors alone, whatever the reading order (a body line read after the
    signer block costs nothing here, and text read where the truth has none is not counted)."""
    text = np.array([ord(c) for c in normalise(recognised)])
    errors = length = 0
    for line in expected.splitlines():
        wanted = normalise(line)
        if not wanted:
            continue
        length += len(wanted)
        steps = np.arange(len(text) + 1)
        row = np.zeros(len(text) + 1, dtype=np.int64)
        for index, char in enumerate(wanted, 1):
            current = np.empty_like(row)
            current[0] = index
            current[1:] = np.minimum(row[1:] + 1, row[:-1] + (text != ord(char)))
            row = np.minimum.accumulate(current - steps) + steps
        errors += int(row.min())
    return errors / max(length, 1)


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (Tesseract runs)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def baseline_seconds(page: PageImage, lang: str) -> float:
    """Tesseract OSD plus one recognition of the page as scanned (OCRmyPDF's floor)."""
    started = time.perf_counter()
    tesseract.detect_orientation(page.image)
    tesseract.recognise(page.image, lang=lang, psm=3)
    return time.perf_counter() - started


def corpus_documents(corpus: Path, only: list[str] | None) -> Iterator[
        tuple[str, list[PageImage], str]]:
    """(id, pages, truth text) of each corpus scan."""
    for pdf in sorted((corpus / "vi-admin").glob("*.pdf")):
        if not only or pdf.stem in only:
            yield pdf.stem, render_pages(pdf), truth(pdf)["text"]


def generated_documents(count: int) -> Iterator[tuple[str, list[PageImage], str]]:
    """(id, pages, text) of ``count`` generated documents scanned like the corpus."""
    rng = random.Random(GENERATED_SEED)
    with tempfile.TemporaryDirectory(prefix="sohoa-ocr-bench-") as work:
        for document in generate_documents(count, seed=GENERATED_SEED):
            pdf = Path(work) / f"{document.doc_id}.pdf"
            degradation = random_degradation(rng, hard=rng.random() < 0.3)
            scan_pdf(document, pdf, degradation)
            label = f"{document.doc_id}{' bw' if degradation.bilevel else ''}"
            yield label, list(iter_pages(pdf)), document.text()
            pdf.unlink()


REAL = REPO / "benchmarks" / "real_documents"
REAL_PLACES = (REPO.parent / "shared" / "corpus" / "real-documents", REAL / "files")


def real_pages() -> Iterator[tuple[str, Path, int, str, str]]:
    """(label, PDF, 0-based page, whole-page transcript, body lines) of each transcribed
    real page whose PDF is at hand (the others are named and skipped)."""
    folder = REAL / "transcripts"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    for entry in index["pages"]:
        pdf = next((place / entry["file"] for place in REAL_PLACES
                    if (place / entry["file"]).is_file()), None)
        if pdf is None:
            print(f"{entry['file']}: not found (score.py --materialise), skipped")
            continue
        lines = (folder / entry["transcript"]).read_text(encoding="utf-8").splitlines()
        first, last = entry["body"]
        yield (f"{Path(entry['file']).stem} p{entry['page']}", pdf, entry["page"] - 1,
               "\n".join(lines), "\n".join(lines[first - 1 : last]))


def ocrmypdf_text(pdf: Path, index: int) -> tuple[str, float]:
    """OCRmyPDF's sidecar text of one page of ``pdf`` and its wall seconds."""
    import pymupdf

    with tempfile.TemporaryDirectory(prefix="sohoa-ocrmypdf-") as work:
        single, sidecar = Path(work) / "page.pdf", Path(work) / "page.txt"
        with pymupdf.open(pdf) as document, pymupdf.open() as page:
            page.insert_pdf(document, from_page=index, to_page=index)
            page.save(single)
        command = shutil.which("ocrmypdf", path=str(Path(sys.executable).parent)) or "ocrmypdf"
        started = time.perf_counter()
        subprocess.run([command, "-q", "-l", "vie", "--force-ocr",
                        "--invalidate-digital-signatures", "--rotate-pages", "--deskew",
                        "--jobs", "1", "--sidecar", str(sidecar), str(single),
                        str(Path(work) / "out.pdf")], check=True,
                       env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        return sidecar.read_text(encoding="utf-8"), time.perf_counter() - started


def dump(args: argparse.Namespace, label: str, reading: str, expected: str) -> None:
    """With ``--dump DIR``: write the reading and the truth of one document into DIR."""
    if args.dump is None:
        return
    args.dump.mkdir(parents=True, exist_ok=True)
    stem = label.replace(" ", "_").replace("/", "_")
    (args.dump / f"{stem}.ocr.txt").write_text(reading, encoding="utf-8")
    (args.dump / f"{stem}.truth.txt").write_text(expected, encoding="utf-8")


def run_real(args: argparse.Namespace) -> None:
    """OCR each transcribed real page: full-page CER, line CER, body line CER, s/page."""
    limits = OcrLimits()
    with_ocrmypdf = args.ocrmypdf and shutil.which(
        "ocrmypdf", path=str(Path(sys.executable).parent)) is not None
    header = (f"{'page':32} {'CER':>7} {'line':>6} {'body':>6} {'s/page':>7} {'cpu s/p':>7}"
              + (f" {'OMP CER':>8} {'line':>6} {'body':>6} {'s/page':>7}" if with_ocrmypdf
                 else ""))
    print(f"\nreal scans (hand transcribed)\n{header}\n{'-' * len(header)}")
    sums: dict[str, list[float]] = {}
    for label, pdf, index, expected, body in real_pages():
        cpu = cpu_seconds()
        started = time.perf_counter()
        page = load_page(pdf, index, limits)
        result = recognise.recognise_page(preprocess.prepare_page(page, limits), args.lang,
                                          limits)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        dump(args, label, result.text, expected)
        row = {"cer": cer(result.text, expected), "line": line_cer(result.text, expected),
               "body": line_cer(result.text, body), "s": seconds, "cpu": cpu}
        text = (f"{label:32} {row['cer']:7.2%} {row['line']:6.2%} {row['body']:6.2%} "
                f"{seconds:7.2f} {cpu:7.2f}")
        if with_ocrmypdf:
            theirs, their_seconds = ocrmypdf_text(pdf, index)
            row |= {"omp_cer": cer(theirs, expected), "omp_line": line_cer(theirs, expected),
                    "omp_body": line_cer(theirs, body), "omp_s": their_seconds}
            text += (f" {row['omp_cer']:8.2%} {row['omp_line']:6.2%} {row['omp_body']:6.2%} "
                     f"{their_seconds:7.2f}")
        for key, value in row.items():
            sums.setdefault(key, []).append(value)
        print(text, flush=True)
    print("-" * len(header))
    mean = {key: sum(values) / len(values) for key, values in sums.items()}
    if mean:
        print(f"real: mean CER {mean['cer']:.2%}, line CER {mean['line']:.2%}, body CER "
              f"{mean['body']:.2%} (max {max(sums['body']):.2%}); {mean['s']:.2f} s/page, "
              f"{mean['cpu']:.2f} CPU s/page over {len(sums['cer'])} pages"
              + (f"; OCRmyPDF CER {mean['omp_cer']:.2%}, line {mean['omp_line']:.2%}, body "
                 f"{mean['omp_body']:.2%}, {mean['omp_s']:.2f} s/page" if "omp_cer" in mean
                 else ""), flush=True)


def run(name: str, documents: Iterator[tuple[str, list[PageImage], str]],
        args: argparse.Namespace) -> None:
    """OCR each document and print its line, then the set's summary."""
    limits = OcrLimits()
    header = (f"{'document':32} {'pages':>5} {'CER':>7} {'line':>6} {'s/page':>7} {'prep':>5} "
              f"{'ocr':>5} {'cpu s/p':>7} {'rotations':>10}"
              + (f" {'base s/p':>8}" if args.baseline else ""))
    print(f"\n{name}\n{header}\n{'-' * len(header)}")
    rates: list[float] = []
    by_line: list[float] = []
    totals = {"pages": 0.0, "seconds": 0.0, "cpu": 0.0, "baseline": 0.0}
    for label, pages, expected in documents:
        texts, rotations = [], []
        prep = ocr = base = 0.0
        cpu = cpu_seconds()
        for page in pages:
            page.image = preprocess.rotate_upright(page.image, args.turn)
            started = time.perf_counter()
            prepared = preprocess.prepare_page(page, limits)
            middle = time.perf_counter()
            result = recognise.recognise_page(prepared, args.lang, limits)
            prep, ocr = prep + middle - started, ocr + time.perf_counter() - middle
            texts.append(result.text)
            rotations.append(str(prepared.rotation))
            if args.baseline:
                base += baseline_seconds(page, args.lang)
        cpu = cpu_seconds() - cpu
        rate = cer("\n".join(texts), expected)
        dump(args, label, "\n".join(texts), expected)
        rates.append(rate)
        by_line.append(line_cer("\n".join(texts), expected))
        n = len(pages)
        totals["pages"] += n
        totals["seconds"] += prep + ocr
        totals["cpu"] += cpu
        totals["baseline"] += base
        print(f"{label:32} {n:5} {rate:7.2%} {by_line[-1]:6.2%} {(prep + ocr) / n:7.2f} "
              f"{prep / n:5.2f} {ocr / n:5.2f} {cpu / n:7.2f} {','.join(rotations):>10}"
              + (f" {base / n:8.2f}" if args.baseline else ""), flush=True)
    print("-" * len(header))
    count = max(totals["pages"], 1)
    print(f"{name}: mean CER {sum(rates) / max(len(rates), 1):.2%} "
          f"(max {max(rates, default=0):.2%}, {sum(r > 0.02 for r in rates)} above 2%), "
          f"line CER {sum(by_line) / max(len(by_line), 1):.2%} "
          f"(max {max(by_line, default=0):.2%}); "
          f"{totals['seconds'] / count:.2f} s/page, {totals['cpu'] / count:.2f} CPU s/page "
          f"over {count:.0f} pages"
          + (f"; baseline {totals['baseline'] / count:.2f} s/page, ratio "
             f"{totals['seconds'] / max(totals['baseline'], 1e-9):.2f}" if args.baseline
             else ""), flush=True)


def run_older(args: argparse.Namespace) -> None:
    """The same sets read by ``args.against``'s code (its own copy of this benchmark, run
    in a subprocess from a ``git archive`` of the commit, with this checkout's corpus and
    real PDFs), printed before this checkout's figures."""
    with older_checkout(args.against, "sohoa-ocr-old-") as (short, old):
        files = old / "benchmarks" / "real_documents" / "files"
        if (REAL / "files").is_dir() and not files.exists():
            files.symlink_to(REAL / "files")
        command = [sys.executable, str(old / "benchmarks" / "ocr_quality.py"),
                   "--corpus", str(args.corpus.resolve()), "--lang", args.lang,
                   "--psm", str(args.psm), "--sets", args.sets,
                   "--generated", str(args.generated), "--turn", str(args.turn)]
        if args.only:
            command += ["--only", *args.only]
        print(f"=== {short} (--against)", flush=True)
        subprocess.run(command, check=True, cwd=old)
    print("=== this checkout", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--lang", default=recognise.DEFAULT_LANG)
    parser.add_argument("--psm", type=int, default=recognise.PAGE_SEGMENTATION)
    parser.add_argument("--only", nargs="*", default=None, help="corpus document ids to run")
    parser.add_argument("--sets", default="corpus,generated,real")
    parser.add_argument("--ocrmypdf", action="store_true",
                        help="also run OCRmyPDF on the real pages")
    parser.add_argument("--generated", type=int, default=48)
    parser.add_argument("--off", default="", help=f"ideas to turn off: {','.join(IDEAS)}")
    parser.add_argument("--on", default="",
                        help="ideas off by default to turn on (grayedges)")
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--turn", type=int, default=0, choices=(0, 90, 180, 270))
    parser.add_argument("--against", metavar="COMMIT", default=None,
                        help="first run the same sets with COMMIT's code, in a subprocess")
    parser.add_argument("--dump", type=Path, default=None,
                        help="write each document's reading and truth (LABEL.ocr.txt, "
                             "LABEL.truth.txt) into this folder, to diff them")
    args = parser.parse_args()
    if args.against:
        run_older(args)
    recognise.PAGE_SEGMENTATION = args.psm
    try:
        switch(args.on, args.off)
    except ValueError as error:
        parser.error(str(error))
    sets = args.sets.split(",")
    print(f"lang {args.lang}; off: {args.off or 'nothing'}; on: {args.on or 'nothing'}")
    if "corpus" in sets:
        run("corpus", corpus_documents(args.corpus, args.only), args)
    if "generated" in sets:
        run(f"generated scans (seed {GENERATED_SEED})", generated_documents(args.generated),
            args)
    if "real" in sets:
        run_real(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
