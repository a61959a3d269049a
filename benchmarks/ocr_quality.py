"""OCR quality and speed of sohoa's page pipeline on the Vietnamese corpus, in-process.

    .venv/bin/python benchmarks/ocr_quality.py [--corpus ../shared/corpus] [--lang vie+eng]
        [--psm 3] [--only ID ...] [--baseline] [--turn DEGREES]

Per document: character error rate (corpus README: NFC, whitespace collapsed, Levenshtein /
length of the truth) of ``recognise_page(prepare_page(page))`` and seconds per page (split
into preparation and recognition). ``--baseline`` also times, per page, what OCRmyPDF's
Tesseract work costs at the least: OSD plus one recognition of the
unprocessed page (through ``ocr.tesseract``, the OSD on a downscaled copy, so the real
OCRmyPDF costs more). ``--turn`` rotates every page first (e.g. 180) to check orientation.
Single process, one Tesseract thread (``OMP_THREAD_LIMIT=1``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ocr import preprocess, recognise, tesseract  # noqa: E402
from ocr.model import OcrLimits, PageImage  # noqa: E402
from tests.support.ocr_corpus import cer, render_pages, truth  # noqa: E402


def baseline_seconds(page: PageImage, lang: str) -> float:
    """Tesseract OSD plus one recognition of the page as scanned (OCRmyPDF's floor)."""
    started = time.perf_counter()
    tesseract.detect_orientation(page.image)
    tesseract.recognise(page.image, lang=lang, psm=3)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--lang", default="vie+eng")
    parser.add_argument("--psm", type=int, default=recognise.PAGE_SEGMENTATION)
    parser.add_argument("--only", nargs="*", default=None, help="document ids to run")
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--turn", type=int, default=0, choices=(0, 90, 180, 270))
    args = parser.parse_args()
    recognise.PAGE_SEGMENTATION = args.psm
    limits = OcrLimits()
    pdfs = sorted((args.corpus / "vi-admin").glob("*.pdf"))
    if args.only:
        pdfs = [p for p in pdfs if p.stem in args.only]
    header = (f"{'document':24} {'pages':>5} {'CER':>7} {'s/page':>7} {'prep':>5} "
              f"{'ocr':>5} {'rotations':>10}" + (f" {'base s/p':>8}" if args.baseline else ""))
    print(header)
    print("-" * len(header))
    rates: list[float] = []
    totals = {"pages": 0.0, "seconds": 0.0, "baseline": 0.0}
    for pdf in pdfs:
        texts, rotations = [], []
        prep = ocr = base = 0.0
        pages = render_pages(pdf)
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
        rate = cer("\n".join(texts), truth(pdf)["text"])
        rates.append(rate)
        n = len(pages)
        totals["pages"] += n
        totals["seconds"] += prep + ocr
        totals["baseline"] += base
        print(f"{pdf.stem:24} {n:5} {rate:7.2%} {(prep + ocr) / n:7.2f} {prep / n:5.2f} "
              f"{ocr / n:5.2f} {','.join(rotations):>10}"
              + (f" {base / n:8.2f}" if args.baseline else ""), flush=True)
    print("-" * len(header))
    pages = max(totals["pages"], 1)
    print(f"mean CER {sum(rates) / max(len(rates), 1):.2%} (max {max(rates):.2%}); "
          f"{totals['seconds'] / pages:.2f} s/page over {pages:.0f} pages"
          + (f"; baseline {totals['baseline'] / pages:.2f} s/page, ratio "
             f"{totals['seconds'] / max(totals['baseline'], 1e-9):.2f}" if args.baseline
             else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
