"""Classification and field accuracy, per type and per field, on the corpus scans and on
documents made by the generator with a seed the model never saw.

    .venv/bin/python benchmarks/classify_accuracy.py [--corpus ../shared/corpus]
        [--generated 480] [--scanned 48] [--variant 240] [--noisy 800] [--jobs 2]
        [--only corpus,scanned,generated,variant,noisy] [--ocr-cache DIR] [--max-misses N]

``--ocr-cache DIR`` keeps the scanned set's OCR (words JSON and searchable PDF, under a
digest of the seed, the document and its degradation) so classification work reruns in
minutes; delete it after changing OCR. Each scanned miss names the scan's defects.

Sets (each printed as its own table):
- ``corpus``: the twelve vi-admin scans, OCR'd by sohoa, then classified.
- ``scanned``: generated documents rendered, degraded like scans (skew, rotation, blur,
  noise, seals, 200-300 dpi), OCR'd and classified: the whole path on unseen documents.
- ``generated``: generated documents rendered as born-digital PDFs (real text layer, real
  geometry) and classified.
- ``variant``: generated documents rendered as born-digital PDFs by another renderer
  (tests/support/variant_pdf.py: another font, margins and spacing, soft hyphens and other
  look-alike characters in the text layer, some summaries in capitals); identity papers,
  which it does not draw, are left out.
- ``noisy``: generated texts with OCR-like noise (1-8% of characters) or no diacritics at
  all, classified as plain text (no geometry).
The model is trained here from the generator (training seed) and evaluated on other
seeds. Type accuracy is shown for the combined classifier and, as ablations, for the
layout rules alone and the n-gram model alone. A field counts as right when it equals the
truth after NFC, case and whitespace normalisation (domain.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ocr_ideas import switch  # noqa: E402  beside this script

from ingest.classify import Classifier, ReadDocument, read_text  # noqa: E402
from ingest.classify.extract import Reread  # noqa: E402
from ingest.classify.model import train  # noqa: E402
from ingest.classify.reading import read_file  # noqa: E402
from ingest.classify.registry import synthetic_examples  # noqa: E402
from ingest.classify.text import same_value  # noqa: E402
from ingest.synthetic import generate_documents, ocr_noise, strip_diacritics  # noqa: E402
from ocr.pipeline import OcrOptions  # noqa: E402
from tests.support.synthetic_pdf import Degradation, random_degradation, render_pdf, scan_pdf  # noqa: E402
from tests.support.variant_pdf import render_variant_pdf  # noqa: E402

EVAL_SEED = 777


@dataclass
class Tally:
    """Right / total per type (three classifiers) and per field."""

    types: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    rules: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    model: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    fields: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    misses: list[str] = field(default_factory=list)
    seconds: float = 0.0
    silent: int = 0  # fields neither in the output nor flagged for review
    max_misses: int = 12

    def add(self, name: str, truth_type: str, truth_fields: dict[str, str],
            document: ReadDocument, reread: Reread | None, combined: Classifier,
            rules_only: Classifier, model_only: Classifier) -> None:
        """Classify one document three ways and count what is right."""
        answer = combined.classify(document, reread)
        self.types[truth_type][1] += 1
        self.types[truth_type][0] += answer.doc_type == truth_type
        self.rules[truth_type] += rules_only.classify(document).doc_type == truth_type
        scores = model_only.model.probabilities(document.text) if model_only.model else {}
        self.model[truth_type] += max(scores, key=lambda k: scores[k]) == truth_type
        if answer.doc_type != truth_type:
            self.misses.append(f"{name}: type {answer.doc_type} (truth {truth_type})")
        flagged = {entry.field for entry in answer.review}
        for key, wanted in truth_fields.items():
            found = answer.fields.get(key)
            right = found is not None and same_value(found.value, wanted)
            self.silent += found is None and key not in flagged
            self.fields[key][1] += 1
            self.fields[key][0] += right
            if not right:
                self.misses.append(f"{name}: {key} {found.value if found else None!r} "
                                   f"(truth {wanted!r})")

    def print(self, title: str) -> None:
        """The set's table."""
        total = sum(n for _, n in self.types.values())
        print(f"\n== {title}: {total} documents, {self.seconds:.0f} s ==")
        print(f"{'doc_type':18} {'n':>4} | {'sohoa':>7} {'rules':>7} {'model':>7}")
        for kind in sorted(self.types):
            right, n = self.types[kind]
            print(f"{kind:18} {n:4} | {_pct(right, n)} {_pct(self.rules[kind], n)} "
                  f"{_pct(self.model[kind], n)}")
        right = sum(r for r, _ in self.types.values())
        print(f"{'all types':18} {total:4} | {_pct(right, total)} "
              f"{_pct(sum(self.rules.values()), total)} {_pct(sum(self.model.values()), total)}")
        print(f"{'field':18} {'n':>4} | {'exact':>7}")
        for key in sorted(self.fields):
            right, n = self.fields[key]
            print(f"{key:18} {n:4} | {_pct(right, n)}")
        fields_right = sum(r for r, _ in self.fields.values())
        fields_total = sum(n for _, n in self.fields.values())
        print(f"{'all fields':18} {fields_total:4} | {_pct(fields_right, fields_total)}")
        print(f"{'neither present nor flagged':28} {self.silent:4} of {fields_total}")
        for miss in self.misses[:self.max_misses]:
            print(f"   miss: {miss}")
        if len(self.misses) > self.max_misses:
            print(f"   ... {len(self.misses) - self.max_misses} more misses")


def _pct(right: int, total: int) -> str:
    return f"{100.0 * right / total:6.1f}%" if total else "      -"


def run_corpus(corpus: Path, classifiers: tuple[Classifier, ...], jobs: int) -> Tally:
    """OCR and classify every vi-admin scan."""
    tally = Tally()
    started = time.perf_counter()
    for pdf in sorted((corpus / "vi-admin").glob("*.pdf")):
        truth = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
        with read_file(pdf, OcrOptions(jobs=jobs)) as (document, reread):
            tally.add(pdf.stem, truth["doc_type"], truth["fields"], document, reread,
                      *classifiers)
    tally.seconds = time.perf_counter() - started
    return tally


def run_rendered(count: int, seed: int, classifiers: tuple[Classifier, ...], *,
                 scanned: bool, jobs: int, variant: bool = False,
                 ocr_cache: Path | None = None, max_misses: int = 12) -> Tally:
    """Generated documents as born-digital PDFs (``variant``: by the other renderer), or
    as degraded scans OCR'd by sohoa (with ``ocr_cache``, each scan's OCR is kept there
    under a digest of the seed, the document and its degradation, and reused)."""
    from benchmarks.real_documents.score import read_cached

    tally = Tally(max_misses=max_misses)
    started = time.perf_counter()
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-") as work:
        for document in generate_documents(count, seed=seed):
            pdf = Path(work) / f"{document.doc_id or 'doc'}.pdf"
            if variant and document.doc_type == "giay_to_tuy_than":
                continue
            digest, name = None, document.doc_id
            if scanned:
                degradation = random_degradation(rng, hard=rng.random() < 0.3)
                scan_pdf(document, pdf, degradation)
                digest = hashlib.sha256(
                    f"{seed}:{document.doc_id}:{degradation!r}".encode()).hexdigest()
                name = f"{document.doc_id} [{_describe(degradation)}]"
            elif variant:
                render_variant_pdf(document, pdf)
            else:
                render_pdf(document, pdf)
            reading = (read_cached(pdf, digest, jobs, ocr_cache) if digest and ocr_cache
                       else read_file(pdf, OcrOptions(jobs=jobs)))
            with reading as (lines, reread):
                tally.add(name, document.doc_type, document.fields, lines, reread,
                          *classifiers)
            pdf.unlink()
    tally.seconds = time.perf_counter() - started
    return tally


def _describe(degradation: Degradation) -> str:
    """A scan's defects in a few words, for its misses."""
    parts = [f"{degradation.dpi}dpi", f"skew {degradation.skew_deg:g}"]
    parts += [f"rot {degradation.rotated}"] if degradation.rotated else []
    parts += [f"blur {degradation.blur:.1f}"] if degradation.blur else []
    parts += [f"noise {degradation.noise:.3f}"]
    parts += [name for name in ("color", "yellow", "uneven_light", "seal", "bilevel")
              if getattr(degradation, name)]
    return ", ".join(parts)


def run_noisy(count: int, seed: int, classifiers: tuple[Classifier, ...]) -> Tally:
    """Generated texts with OCR noise or without diacritics, as plain text."""
    tally = Tally()
    started = time.perf_counter()
    rng = random.Random(seed)
    for document in generate_documents(count, seed=seed):
        text = document.text()
        text = strip_diacritics(text) if rng.random() < 0.25 else ocr_noise(
            text, rng, rate=rng.choice((0.01, 0.03, 0.05, 0.08)))
        # fields whose printed form lost its diacritics cannot be expected back exactly
        tally.add(document.doc_id, document.doc_type, {}, read_text(text), None, *classifiers)
    tally.seconds = time.perf_counter() - started
    return tally


def run_real_documents(classifiers: tuple[Classifier, Classifier, Classifier],
                       jobs: int) -> None:
    """The real-document set (benchmarks/real_documents/truth.json): public government PDFs,
    scanned and born-digital, read the way ``sohoa classify`` reads them; printed for the
    whole set and per kind."""
    from benchmarks.real_documents.score import run

    for kind, tally in run(classifiers, jobs, Tally).items():
        tally.print(f"real documents, {kind.replace('_', '-')} (benchmarks/real_documents)")
        sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--generated", type=int, default=480)
    parser.add_argument("--scanned", type=int, default=48)
    parser.add_argument("--variant", type=int, default=240)
    parser.add_argument("--noisy", type=int, default=800)
    parser.add_argument("--only", default="corpus,scanned,generated,variant,noisy",
                        help="comma-separated sets to run")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--ocr-cache", type=Path, default=None,
                        help="keep the scanned set's OCR here and reuse it (delete it after "
                             "changing OCR)")
    parser.add_argument("--max-misses", type=int, default=12,
                        help="misses printed per set")
    parser.add_argument("--no-real", action="store_true",
                        help="skip the real-document set (benchmarks/real_documents)")
    parser.add_argument("--on", default="", help="OCR ideas to turn on (see "
                        "benchmarks/ocr_ideas.py; with --jobs 1)")
    parser.add_argument("--off", default="", help="OCR ideas to turn off (with --jobs 1)")
    args = parser.parse_args()
    if args.on or args.off:
        if args.jobs != 1:
            parser.error("--on/--off switch OCR in this process: use them with --jobs 1")
        try:
            print(switch(args.on, args.off))
        except ValueError as error:
            parser.error(str(error))

    started = time.perf_counter()
    model = train(synthetic_examples())
    seconds = time.perf_counter() - started
    print(f"model trained on the generator's training seed in {seconds:.1f} s")
    classifiers = (Classifier(model), Classifier(), Classifier(model))
    runs: Iterable[tuple[str, str, Callable[[], Tally]]] = (
        ("corpus", "corpus scans (vi-admin)",
         lambda: run_corpus(args.corpus, classifiers, args.jobs)),
        ("scanned", "generated, scanned and OCR'd", lambda: run_rendered(
            args.scanned, EVAL_SEED, classifiers, scanned=True, jobs=args.jobs,
            ocr_cache=args.ocr_cache, max_misses=args.max_misses)),
        ("generated", "generated, born-digital PDFs", lambda: run_rendered(
            args.generated, EVAL_SEED + 1, classifiers, scanned=False, jobs=args.jobs)),
        ("variant", "generated, born-digital PDFs by another renderer", lambda: run_rendered(
            args.variant, EVAL_SEED + 3, classifiers, scanned=False, jobs=args.jobs,
            variant=True, max_misses=args.max_misses)),
        ("noisy", "generated text, OCR noise / no diacritics (type only)",
         lambda: run_noisy(args.noisy, EVAL_SEED + 2, classifiers)),
    )
    wanted = set(args.only.split(","))
    for key, title, run in runs:
        if key not in wanted:
            continue
        run().print(title)
        sys.stdout.flush()
    if not args.no_real:
        run_real_documents(classifiers, args.jobs)
    print("\ntargets: type right on every corpus document; each field exact on >= 90% of "
          "the documents that have it")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
