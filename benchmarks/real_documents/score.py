"""The real-document set: public Vietnamese government PDFs (scanned copies and born-digital
texts) with their type and fields transcribed by hand in ``truth.json``.

    .venv/bin/python benchmarks/real_documents/score.py --materialise   # copy the PDFs in
    .venv/bin/python benchmarks/real_documents/score.py [--jobs 2]      # score this set only

``benchmarks/classify_accuracy.py`` runs the same set beside the generated ones. The PDFs are
not committed (see README.md): each is looked up in ``../shared/corpus/real-documents/`` and
then in ``benchmarks/real_documents/files/``; ``--materialise`` fills the latter from the
fetched repository snapshots under ``/work/.mirror`` and checks every SHA-256.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import hashlib
import importlib
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TRUTH = HERE / "truth.json"
SEARCH_DIRS = (REPO.parent / "shared" / "corpus" / "real-documents", HERE / "files")
MIRROR = Path("/work/.mirror")

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from ingest.classify import Classifier, ReadDocument  # noqa: E402
from ingest.classify.extract import Reread  # noqa: E402


@dataclass(frozen=True)
class RealDocument:
    """One transcribed document of truth.json."""

    file: str
    kind: str  # scanned | born_digital
    doc_type: str
    fields: dict[str, str]
    sha256: str
    source: dict[str, str]


class Counts(Protocol):
    """What a benchmark tally needs (classify_accuracy.Tally)."""

    seconds: float
    max_misses: int

    def add(self, name: str, truth_type: str, truth_fields: dict[str, str],
            document: ReadDocument, reread: Reread | None, combined: Classifier,
            rules_only: Classifier, model_only: Classifier) -> None: ...

    def print(self, title: str) -> None: ...


def load_truth(path: Path = TRUTH) -> list[RealDocument]:
    """Every document of truth.json, in file order."""
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return [RealDocument(file=d["file"], kind=d["kind"], doc_type=d["doc_type"],
                         fields=dict(d["fields"]), sha256=d["sha256"], source=dict(d["source"]))
            for d in raw["documents"]]


def locate(document: RealDocument, dirs: tuple[Path, ...] = SEARCH_DIRS) -> Path | None:
    """The document's PDF, if present in one of the search directories."""
    for directory in dirs:
        candidate = directory / document.file
        if candidate.is_file():
            return candidate
    return None


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def materialise(documents: list[RealDocument], target: Path = HERE / "files",
                mirror: Path = MIRROR) -> list[str]:
    """Copy each missing PDF out of its repository snapshot (``git cat-file`` on the blob
    named in truth.json) into ``target``, checking its SHA-256. Returns the problems."""
    target.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for document in documents:
        if locate(document) is not None:
            continue
        repo = document.source["repository"].removeprefix("https://github.com/")
        git_dir = mirror / repo.replace("/", "+") / "repo"
        if not git_dir.is_dir():
            problems.append(f"{document.file}: no snapshot of {repo} under {mirror} "
                            f"(fetch github:{repo} first)")
            continue
        blob = subprocess.run(["git", "-C", str(git_dir), "cat-file", "blob",
                               document.source["git_blob"]], capture_output=True, check=False)
        if blob.returncode != 0 or hashlib.sha256(blob.stdout).hexdigest() != document.sha256:
            problems.append(f"{document.file}: blob missing or SHA-256 differs in {repo}")
            continue
        (target / document.file).write_bytes(blob.stdout)
    return problems


@contextlib.contextmanager
def read_cached(path: Path, digest: str, jobs: int, cache: Path | None,
                ) -> Iterator[tuple[Any, Any]]:
    """``read_file(path)``; with ``cache``, the OCR's words JSON and searchable PDF are kept
    there under the file's SHA-256 and reused, so only classification runs again (delete
    the directory after changing OCR)."""
    from ingest.classify.reading import line_rereader, read_file, read_ocr_words
    from ocr.pipeline import OcrOptions, ocr_file
    from ocr.zones import LineReader

    if cache is None:
        with read_file(path, OcrOptions(jobs=jobs)) as pair:
            yield pair
        return
    cache.mkdir(parents=True, exist_ok=True)
    words_path, searchable = cache / f"{digest}.words.json", cache / f"{digest}.pdf"
    if not (words_path.exists() and searchable.exists()):
        outcome = ocr_file(path, searchable, OcrOptions(jobs=jobs))
        words_path.write_text(json.dumps(outcome.words_json(), ensure_ascii=False),
                              encoding="utf-8")
    document = read_ocr_words(json.loads(words_path.read_text(encoding="utf-8")), path)
    with LineReader(searchable) as reader:
        yield document, line_rereader(reader)


def run(classifiers: tuple[Classifier, Classifier, Classifier], jobs: int,
        new_tally: Callable[[], Counts], *,
        documents: list[RealDocument] | None = None,
        cache: Path | None = None) -> dict[str, Counts]:
    """Read each PDF the way ``sohoa classify`` does (same read_file and classifier call)
    and count type and field exactness: one tally for all, one per kind. A missing or
    altered file raises, so a partial set is never reported as the whole."""

    documents = load_truth() if documents is None else documents
    tallies: dict[str, Counts] = {"all": new_tally(), "scanned": new_tally(),
                                  "born_digital": new_tally()}
    for document in documents:
        path = locate(document)
        if path is None:
            raise FileNotFoundError(f"{document.file}: not found in "
                                    f"{', '.join(map(str, SEARCH_DIRS))}; run "
                                    "benchmarks/real_documents/score.py --materialise")
        if sha256(path) != document.sha256:
            raise ValueError(f"{path}: SHA-256 differs from truth.json")
        started = time.perf_counter()
        with read_cached(path, document.sha256, jobs, cache) as (read, reread):
            for key in ("all", document.kind):
                tallies[key].add(document.file, document.doc_type, document.fields, read,
                                 reread, *classifiers)
        seconds = time.perf_counter() - started
        tallies["all"].seconds += seconds
        tallies[document.kind].seconds += seconds
    return tallies


def main() -> int:
    """Materialise the files, or score this set alone."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--materialise", action="store_true",
                        help="copy the PDFs from the repository snapshots, then stop")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--files", default="",
                        help="only these files (comma-separated shell patterns, e.g. "
                             "'0*-CT-*,*VPCP*'): quicker runs while working on one kind")
    parser.add_argument("--ocr-cache", type=Path, default=None,
                        help="keep each file's OCR here and reuse it (classification "
                             "work; delete it after changing OCR)")
    parser.add_argument("--on", default="", help="OCR ideas to turn on (see "
                        "benchmarks/ocr_ideas.py; with --jobs 1)")
    parser.add_argument("--off", default="", help="OCR ideas to turn off (with --jobs 1)")
    args = parser.parse_args()
    documents = load_truth()
    if args.files:
        patterns = [pattern.strip() for pattern in args.files.split(",") if pattern.strip()]
        documents = [d for d in documents
                     if any(fnmatch.fnmatch(d.file, pattern) for pattern in patterns)]
        print(f"{len(documents)} documents match --files")
    if args.materialise:
        problems = materialise(documents)
        for problem in problems:
            print(problem, file=sys.stderr)
        present = sum(locate(d) is not None for d in documents)
        print(f"{present} of {len(documents)} documents present")
        return 2 if problems else 0

    sys.path.insert(0, str(REPO / "benchmarks"))
    tally_class = importlib.import_module("classify_accuracy").Tally
    if args.on or args.off:
        if args.jobs != 1:
            parser.error("--on/--off switch OCR in this process: use them with --jobs 1")
        try:
            print(importlib.import_module("ocr_ideas").switch(args.on, args.off))
        except ValueError as error:
            parser.error(str(error))

    from ingest.classify.model import train
    from ingest.classify.registry import synthetic_examples

    model = train(synthetic_examples())
    classifiers = (Classifier(model), Classifier(), Classifier(model))
    tallies = run(classifiers, args.jobs, tally_class, documents=documents,
                  cache=args.ocr_cache)
    for key, tally in tallies.items():
        tally.max_misses = 1000 if key == "all" else 0
        tally.print(f"real documents, {key.replace('_', '-')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
