"""The ``sohoa`` command (contract: ``shared/spec/cli.md``).

Errors are mapped to exit codes here, once: bad input, usage and configuration exit 2,
an unreachable dependency or an internal failure exits 1, each with one line on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from storage.errors import SohoaError

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1
EXIT_CODE_BY_KIND = {"unavailable": EXIT_FAILURE, "internal": EXIT_FAILURE}

NOT_YET = {
    "demo": "seed a demo unit, users, PKI and sample documents",
}


def _not_yet(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        print(f"sohoa {name}: not available yet in this version", file=sys.stderr)
        return EXIT_BAD_INPUT

    return run


def _command(name: str, module: str = "api.cli_commands") -> Callable[[argparse.Namespace], int]:
    """A command body, imported only when it runs (so that ``--help`` and usage errors
    answer at once and each command loads only what it needs)."""

    def run(args: argparse.Namespace) -> int:
        body: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(module),
                                                            name)
        return body(args)

    return run


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _add_service_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    serve = sub.add_parser("serve", help="API, web UI and a background worker")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1,
                       help="background worker processes to start (0: none)")
    serve.add_argument("--watch", default=None, metavar="DIR",
                       help="also ingest what scanners drop into DIR (see sohoa watch)")
    serve.set_defaults(run=_command("cmd_serve"))
    worker = sub.add_parser("worker", help="an RQ worker for the same configuration")
    worker.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    worker.add_argument("--name", default=None, help="worker name (default: random)")
    worker.set_defaults(run=_command("cmd_worker"))


def _add_admin_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    user = sub.add_parser("user", help="manage users").add_subparsers(dest="action",
                                                                      required=True)
    add = user.add_parser("add", help="add a user")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=["intake", "leader", "clerk", "admin"])
    add.add_argument("--unit", required=True, help="unit code")
    add.add_argument("--full-name", default="")
    add.add_argument("--password", default=None,
                     help="default: $SOHOA_PASSWORD, else asked on the terminal")
    add.set_defaults(run=_command("cmd_user_add"))
    unit = sub.add_parser("unit", help="manage units").add_subparsers(dest="action",
                                                                      required=True)
    unit_add = unit.add_parser("add", help="add a unit (agency or department)")
    unit_add.add_argument("code")
    unit_add.add_argument("name")
    unit_add.add_argument("--parent", default=None, help="parent unit code")
    unit_add.set_defaults(run=_command("cmd_unit_add"))
    audit = sub.add_parser("audit", help="the audit log").add_subparsers(dest="action",
                                                                        required=True)
    audit.add_parser("verify", help="check the audit log's hash chain").set_defaults(
        run=_command("cmd_audit_verify"))


def _add_dossier_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    dossier = sub.add_parser("dossier", help="dossiers").add_subparsers(dest="action",
                                                                       required=True)
    new = dossier.add_parser("new", help="register a dossier")
    new.add_argument("--procedure", required=True, help="procedure code")
    new.add_argument("--applicant", required=True)
    new.add_argument("--procedure-name", default="")
    new.add_argument("--days", type=int, default=0, help="processing time in working days")
    new.add_argument("--unit", default=None, help="receiving unit code (default: the root)")
    new.add_argument("--json", action="store_true")
    new.set_defaults(run=_command("cmd_dossier_new"))
    cover = dossier.add_parser("cover-sheet", help="print a dossier's cover sheet")
    cover.add_argument("id")
    cover.add_argument("-o", "--output", required=True)
    cover.set_defaults(run=_command("cmd_cover_sheet", "api.cli_intake"))
    ingest = sub.add_parser("ingest", help="store files, split scanned stacks, queue OCR")
    ingest.add_argument("files", nargs="+")
    ingest.add_argument("--dossier", type=int, default=None,
                        help="attach to this dossier (default: split at cover sheets)")
    ingest.add_argument("--unit", default=None, help="unit code (default: the first top unit)")
    ingest.add_argument("--wait", action="store_true", help="return when processing is done")
    ingest.add_argument("--json", action="store_true")
    ingest.set_defaults(run=_command("cmd_ingest", "api.cli_intake"))
    watch = sub.add_parser("watch", help="ingest files that scanners drop into a folder")
    watch.add_argument("folder")
    watch.add_argument("--unit", default=None, help="unit code (default: the first top unit)")
    watch.add_argument("--settle", type=float, default=2.0,
                       help="seconds a file must stay unchanged before it is taken")
    watch.add_argument("--interval", type=float, default=1.0, help="seconds between passes")
    watch.add_argument("--once", action="store_true", help="handle what is there, then stop")
    watch.set_defaults(run=_command("cmd_watch", "api.cli_intake"))
    search = sub.add_parser("search", help="full-text search over OCR text and fields")
    search.add_argument("query", nargs="+", help="words; case and diacritics are ignored")
    search.add_argument("--limit", type=int, default=20)
    search.add_argument("--json", action="store_true")
    search.set_defaults(run=_command("cmd_search", "api.cli_search"))
    stats = sub.add_parser("stats", help="the office's figures")
    stats.add_argument("--unit", default=None, help="a unit code and the units below it")
    stats.add_argument("--from", dest="date_from", default=None, help="YYYY-MM-DD")
    stats.add_argument("--to", dest="date_to", default=None, help="YYYY-MM-DD")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(run=_command("cmd_stats", "api.cli_figures"))


def _add_ocr_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    ocr = sub.add_parser("ocr", help="make a searchable PDF from a scan (PDF, PNG, JPEG, TIFF)")
    ocr.add_argument("input")
    ocr.add_argument("-o", "--output", required=True, help="the searchable PDF to write")
    ocr.add_argument("--text", default=None, help="also write the text (UTF-8, NFC)")
    ocr.add_argument("--json", default=None, help="also write pages and words as JSON")
    ocr.add_argument("--lang", default="vie+eng", help="Tesseract languages (default vie+eng)")
    ocr.add_argument("--jobs", type=int, default=None, help="parallel pages (default: cores)")
    ocr.set_defaults(run=_command("cmd_ocr", "api.cli_ocr"))
    classify = sub.add_parser("classify", help="tell a document's type and fields")
    classify.add_argument("input", help="a scan, a PDF (scanned or with text) or a .txt")
    classify.add_argument("--json", action="store_true", help="one line of JSON")
    classify.add_argument("--lang", default=None, help="Tesseract languages for scans")
    classify.add_argument("--jobs", type=int, default=None, help="parallel OCR pages")
    classify.set_defaults(run=_command("cmd_classify", "api.cli_classify"))
    retrain = sub.add_parser("retrain", help="train a new classifier version now")
    retrain.set_defaults(run=_command("cmd_retrain", "api.cli_classify"))


def _add_signing_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    pki = sub.add_parser("pki", help="demo PKI").add_subparsers(dest="action", required=True)
    init = pki.add_parser("init", help="create a self-contained demo PKI in DIR")
    init.add_argument("directory", metavar="DIR")
    init.add_argument("--password", default="1234", help="PKCS#12 password (default 1234)")
    init.add_argument("--agency", default="UỶ BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
                      help="the agency named in the certificates and on the seal")
    init.add_argument("--base-url", default=None, metavar="URL",
                      help="where `pki serve` will answer (default http://127.0.0.1:8790); "
                           "written into the certificates' OCSP and CRL addresses")
    init.set_defaults(run=_command("cmd_pki_init", "api.cli_pki"))
    serve = pki.add_parser("serve", help="serve the demo PKI's time stamps, OCSP and CRL")
    serve.add_argument("directory", metavar="DIR")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None,
                       help="default: the port of the PKI's base URL")
    serve.add_argument("--password", default="1234",
                       help="the PKI's password, which protects its service keys")
    serve.set_defaults(run=_command("cmd_pki_serve", "api.cli_pki"))
    revoke = pki.add_parser("revoke", help="revoke a certificate of the demo PKI")
    revoke.add_argument("directory", metavar="DIR")
    revoke.add_argument("name", help="leader, clerk, or a name given to `pki issue`")
    revoke.add_argument("--password", default="1234",
                        help="the PKI's password: only who holds the root key revokes")
    revoke.set_defaults(run=_command("cmd_pki_revoke", "api.cli_pki"))

    sign = sub.add_parser("sign", help="sign a PDF (PAdES, Decree 30 appearance)")
    sign.add_argument("input", metavar="INPUT.pdf")
    sign.add_argument("-o", "--output", required=True, metavar="OUTPUT.pdf")
    key = sign.add_mutually_exclusive_group(required=True)
    key.add_argument("--p12", metavar="FILE", help="PKCS#12 file with the key and certificate")
    key.add_argument("--pkcs11-lib", metavar="LIB.so", help="PKCS#11 module of a token or HSM")
    sign.add_argument("--token-label", help="PKCS#11 token label")
    sign.add_argument("--key-label", help="PKCS#11 key label (default: the token's only key)")
    sign.add_argument("--password", "--pin", dest="password", default=None,
                      help="PKCS#12 password or token PIN (default: $SOHOA_PIN, else asked)")
    sign.add_argument("--role", choices=("leader", "agency", "attachment", "copy"),
                      default="leader")
    sign.add_argument("--level", choices=("B-B", "B-T", "B-LT", "B-LTA"), default="B-B")
    sign.add_argument("--tsa", metavar="URL", help="RFC 3161 time-stamping service (B-T and up)")
    sign.add_argument("--trust", action="append", default=[], metavar="ROOT.pem",
                      help="trust anchor for B-LT/B-LTA validation data (repeatable)")
    sign.add_argument("--image", metavar="PNG", help="signature image or seal (leader, agency)")
    sign.add_argument("--reason", default=None)
    sign.add_argument("--location", default=None)
    sign.add_argument("--symbol", default=None,
                      help="number/symbol for attachment and copy stamps (default: read it)")
    sign.add_argument("--agency", default=None,
                      help="agency for attachment and copy stamps (default: the certificate's)")
    sign.add_argument("--copy-kind", default="SAO Y",
                      help="kind of copy for --role copy (SAO Y, SAO LỤC, TRÍCH SAO)")
    sign.set_defaults(run=_command("cmd_sign", "api.cli_sign"))

    verify = sub.add_parser("verify", help="verify every signature of a PDF")
    verify.add_argument("input", metavar="INPUT.pdf")
    verify.add_argument("--trust", action="append", default=[], metavar="ROOT.pem",
                        help="trust anchor (repeatable; default: $SOHOA_TRUST_ROOTS and the "
                             "configured demo PKI's root)")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.add_argument("--online", action="store_true",
                        help="fetch revocation data (OCSP/CRL) over the network")
    verify.add_argument("--html", metavar="FILE", help="also write the report as HTML")
    verify.add_argument("--pdf", metavar="FILE", help="also write the report as PDF")
    verify.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="language of the HTML/PDF report and the summary")
    verify.set_defaults(run=_command("cmd_verify", "api.cli_verify"))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sohoa command."""
    parser = _Parser(prog="sohoa", description="Digitise, sign and exchange documents.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_service_commands(sub)
    _add_admin_commands(sub)
    _add_dossier_commands(sub)
    _add_ocr_commands(sub)
    _add_signing_commands(sub)
    for name, summary in NOT_YET.items():
        command = sub.add_parser(name, help=f"{summary} (not available yet)")
        command.add_argument("args", nargs=argparse.REMAINDER)
        command.set_defaults(run=_not_yet(name))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a sohoa command and return its exit code."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except SohoaError as error:
        print(f"sohoa {args.command}: {error}", file=sys.stderr)
        return EXIT_CODE_BY_KIND.get(error.kind, EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        return 130
    return code


