"""``sohoa classify``: type, confidence and fields of one document, with the newest model of
the configured installation (trained on first use)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from api.cli.common import Commands
from storage.errors import BadInputError


def register(commands: Commands) -> None:
    """Add ``classify`` and ``retrain``."""
    classify = commands.add_parser("classify", help="tell a document's type and fields")
    classify.add_argument("input", help="a scan, a PDF (scanned or with text) or a .txt")
    classify.add_argument("--json", action="store_true", help="one line of JSON")
    classify.add_argument("--lang", default=None, help="Tesseract languages for scans")
    classify.add_argument("--jobs", type=int, default=None, help="parallel OCR pages")
    classify.set_defaults(run=cmd_classify)
    retrain = commands.add_parser("retrain", help="train a new classifier version now")
    retrain.set_defaults(run=cmd_retrain)


def cmd_classify(args: argparse.Namespace) -> int:
    """Classify a scan, PDF or text file and print its type, confidence and fields."""
    from api.cli.common import records_and_store
    from api.cli.progress import ProgressBar
    from ingest.classify.reading import read_file
    from ingest.classify.registry import MODELS
    from ocr.pipeline import OcrOptions

    source = Path(args.input)
    if not source.is_file():
        raise BadInputError("no such file", subject=args.input)
    with records_and_store() as (settings, db, store), db.session() as session:
        classifier = MODELS.classifier(session, store)
    options = OcrOptions(lang=args.lang or settings.ocr_lang, jobs=args.jobs)
    with read_file(source, options, progress=ProgressBar(source.name)) as (document, reread):
        result = classifier.classify(document, reread)
    output = result.to_json()
    print(json.dumps(output, ensure_ascii=False, indent=None if args.json else 2))
    if result.needs_review:
        print(f"{source.name}: please review ({'; '.join(result.reasons[-3:])})",
              file=sys.stderr)
    return 0


def cmd_retrain(args: argparse.Namespace) -> int:
    """Train a new classifier version from the generated set and every stored correction."""
    from api.cli.common import records_and_store
    from api.cli.progress import ProgressBar
    from ingest.review import train_now

    with records_and_store() as (_, db, store):
        with db.session() as session:
            row = train_now(session, store, actor="cli", progress=ProgressBar("training"))
            shown = (f"classifier version {row.version}: {row.examples} examples, "
                     f"{row.size} bytes at {row.object_key}")
        print(shown)
    return 0
