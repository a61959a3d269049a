"""``sohoa classify``: type, confidence and fields of one document, with the newest model of
the configured installation (trained on first use)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from storage.errors import BadInputError


def cmd_classify(args: argparse.Namespace) -> int:
    """Classify a scan, PDF or text file and print its type, confidence and fields."""
    from api.progress import ProgressBar
    from api.runtime import open_records, open_store
    from api.settings import load_settings
    from ingest.classify.reading import read_file
    from ingest.classify.registry import MODELS
    from ocr.pipeline import OcrOptions

    source = Path(args.input)
    if not source.is_file():
        raise BadInputError("no such file", subject=args.input)
    settings = load_settings()
    db = open_records(settings)
    try:
        store = open_store(settings)
        with db.session() as session:
            classifier = MODELS.classifier(session, store)
    finally:
        db.dispose()
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
    from api.progress import ProgressBar
    from api.runtime import open_records, open_store
    from api.settings import load_settings
    from ingest.classify.registry import train_version

    settings = load_settings()
    db = open_records(settings)
    try:
        store = open_store(settings)
        with db.session() as session:
            row = train_version(session, store, progress=ProgressBar("training"))
            session.commit()
            print(f"classifier version {row.version}: {row.examples} examples, "
                  f"{row.size} bytes at {row.object_key}")
    finally:
        db.dispose()
    return 0
