"""``sohoa ocr``: kept apart from the other commands so it loads no database code."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from api.cli.common import Commands
from storage.errors import BadInputError


def register(commands: Commands) -> None:
    """Add ``ocr``."""
    ocr = commands.add_parser("ocr",
                              help="make a searchable PDF from a scan (PDF, PNG, JPEG, TIFF)")
    ocr.add_argument("input")
    ocr.add_argument("-o", "--output", required=True, help="the searchable PDF to write")
    ocr.add_argument("--text", default=None, help="also write the text (UTF-8, NFC)")
    ocr.add_argument("--json", default=None, help="also write pages and words as JSON")
    ocr.add_argument("--lang", default="vie", help="Tesseract languages (default vie)")
    ocr.add_argument("--jobs", type=int, default=None, help="parallel pages (default: cores)")
    ocr.set_defaults(run=cmd_ocr)


def cmd_ocr(args: argparse.Namespace) -> int:
    """OCR a scan into a searchable PDF, with optional text and words JSON."""
    from api.cli.progress import ProgressBar
    from ocr.pipeline import OcrOptions, ocr_file

    source = Path(args.input)
    if not source.is_file():
        raise BadInputError("no such file", subject=args.input)
    if args.jobs is not None and args.jobs < 1:
        raise BadInputError("must be at least 1", subject="--jobs")
    outcome = ocr_file(source, Path(args.output), OcrOptions(lang=args.lang, jobs=args.jobs),
                       progress=ProgressBar(source.name))
    if args.text:
        Path(args.text).write_text(outcome.text, encoding="utf-8")
    if args.json:
        Path(args.json).write_text(
            json.dumps(outcome.words_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{source.name}: {len(outcome.pages)} page(s) in {outcome.seconds:.1f} s, "
          f"mean confidence {outcome.mean_confidence:.1f}", file=sys.stderr)
    return 0
