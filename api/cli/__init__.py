"""The ``sohoa`` command (contract: ``shared/spec/cli.md``).

Each command group lives in its own module, which registers its sub-commands here by
import (:func:`build_parser`); command bodies import what they need when they run, so that
``--help`` and usage errors answer at once.

Errors are mapped to exit codes here, once: bad input, usage and configuration exit 2, an
unreachable dependency or an internal failure exits 1, each with one line on stderr. An
unexpected error is one line too; its traceback goes to the log, or to stderr with
``--debug``. Third-party warnings never reach a user's terminal: they are logged (shown
with ``--debug``).
"""

from __future__ import annotations

import logging
import logging.handlers
import warnings

# Before any library is imported: warnings (e.g. a deprecation notice a library gives at
# import) are captured into the log, held here until ``--debug`` is known.
logging.captureWarnings(True)
warnings.simplefilter("default")
_EARLY_WARNINGS = logging.handlers.MemoryHandler(capacity=200, flushLevel=logging.CRITICAL + 1)
_WARNINGS_LOG = logging.getLogger("py.warnings")
_WARNINGS_LOG.addHandler(_EARLY_WARNINGS)
_WARNINGS_LOG.propagate = False

import argparse
import sys
import traceback
from collections.abc import Sequence

from api.cli import (
    admin,
    backup,
    classify,
    demo,
    dossiers,
    edxml,
    exchange,
    fsck,
    keys,
    ocr,
    pki,
    search,
    service,
    sign,
    stats,
    verify,
)
from api.cli.common import EXIT_BAD_INPUT, EXIT_FAILURE, Parser
from storage.errors import SohoaError

EXIT_CODE_BY_KIND = {"unavailable": EXIT_FAILURE, "internal": EXIT_FAILURE}
GROUPS = (service, admin, dossiers, search, stats, ocr, classify, pki, sign, verify, backup,
          fsck, demo, keys, edxml, exchange)

def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sohoa command."""
    parser = Parser(prog="sohoa", description="Digitise, sign and exchange documents.")
    parser.add_argument("--debug", action="store_true",
                        help="show warnings and, on an unexpected error, its traceback")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for group in GROUPS:
        group.register(sub)
    return parser


def _route_warnings(debug: bool) -> None:
    """Warnings go to the log; on the terminal only with ``--debug`` (those given while
    the command's modules were imported included)."""
    _WARNINGS_LOG.removeHandler(_EARLY_WARNINGS)
    if debug:
        shown = logging.StreamHandler(sys.stderr)
        _EARLY_WARNINGS.setTarget(shown)
        _EARLY_WARNINGS.flush()
        _WARNINGS_LOG.addHandler(shown)
    else:
        _WARNINGS_LOG.addHandler(logging.NullHandler())
    _EARLY_WARNINGS.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Run a sohoa command and return its exit code."""
    args = build_parser().parse_args(argv)
    _route_warnings(args.debug)
    if args.debug:
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    try:
        code: int = args.run(args)
    except SohoaError as error:
        print(f"sohoa {args.command}: {error}", file=sys.stderr)
        return EXIT_CODE_BY_KIND.get(error.kind, EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the last line of defence: one line, never a traceback
        where = _log_traceback(args.command, args.debug)
        print(f"sohoa {args.command}: unexpected {type(error).__name__}: {error}{where}",
              file=sys.stderr)
        return EXIT_FAILURE
    return code


def _log_traceback(command: str, debug: bool) -> str:
    """Write the current exception's traceback to stderr (``--debug``) or to the log file
    in the data directory; returns where to find it, for the one-line message."""
    if debug:
        traceback.print_exc(file=sys.stderr)
        return ""
    try:
        from api.settings import load_settings

        path = load_settings().data_dir / "logs" / "cli.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as file:
            file.write(f"--- sohoa {command}\n{traceback.format_exc()}")
    except Exception:  # no usable data directory: the message alone must do
        return " (run with --debug for details)"
    return f" (details in {path})"
