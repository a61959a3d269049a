"""``sohoa verify``: every signature of a PDF checked; exit 0 only when all are valid."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from api.cli.common import Commands
from storage.errors import BadInputError


def register(commands: Commands) -> None:
    """Add ``verify``."""
    verify = commands.add_parser("verify", help="verify every signature of a PDF")
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
    verify.set_defaults(run=cmd_verify)


if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509

    from signing.verify.model import VerificationReport

EXIT_INVALID = 3


def configured_trust_roots(extra: list[str]) -> tuple[asn1_x509.Certificate, ...]:
    """``--trust`` files, else the configured anchors (``SOHOA_TRUST_ROOTS`` and the demo
    PKI's root when ``SOHOA_PKI_DIR`` is set), as the API uses them."""
    from api.settings import load_settings
    from signing.trust import load_trust_roots

    if extra:
        return load_trust_roots(extra)
    return load_settings().trust_services().trust_roots


def read_pdf(name: str) -> bytes:
    """The file's bytes; a file that is not a PDF at all is bad input (exit 2)."""
    path = Path(name)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BadInputError(f"cannot read it ({error.strerror})", subject=name) from error
    if not data:
        raise BadInputError("the file is empty", subject=name)
    if b"%PDF-" not in data[:1024]:
        raise BadInputError("not a PDF file", subject=name)
    return data


def summary_lines(report: VerificationReport, lang: str) -> list[str]:
    """The verdict and one line per signature, for a terminal."""
    vietnamese = lang == "vi"
    if report.valid:
        head = "HỢP LỆ" if vietnamese else "VALID"
    else:
        head = "KHÔNG HỢP LỆ" if vietnamese else "NOT VALID"
    lines = [f"{report.source}: {head}"]
    lines += [f"  - {(item.vi if vietnamese else item.en)}" for item in report.reasons]
    for signature in report.signatures:
        marks = " ".join(f"{name}={'yes' if value else 'NO'}" for name, value in (
            ("intact", signature.intact), ("valid", signature.valid),
            ("trusted", signature.trusted)))
        when = signature.signing_time.isoformat() if signature.signing_time else "-"
        what = signature.level or signature.kind
        lines.append(f"  [{signature.field}] {signature.signer or '?'} ({what}),"
                     f" {when}: {marks}, revocation={signature.revocation},"
                     f" changes after={signature.modification}")
        lines += [f"      ! {(item.vi if vietnamese else item.en)}" for item in signature.reasons]
    return lines


def prepare_pyhanko() -> None:
    """Ready pyHanko for a command: its speedups installed (unless ``SOHOA_SPEEDUPS`` is
    off), and its logging quiet (it logs each failed path search with a traceback; the
    report says it in words)."""
    from api.settings import load_settings
    from api.speedups import apply_speedups

    apply_speedups(load_settings())
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def cmd_verify(args: argparse.Namespace) -> int:
    """Verify INPUT.pdf; print the report (``--json``: the contract's JSON)."""
    from signing.verify import verify_pdf

    prepare_pyhanko()
    data = read_pdf(args.input)
    report = verify_pdf(data, source=Path(args.input).name,
                        trust_roots=configured_trust_roots(args.trust),
                        allow_fetching=args.online)
    if args.html or args.pdf:
        from signing.verify.render import report_html, report_pdf

        if args.html:
            Path(args.html).write_text(report_html(report, lang=args.lang), encoding="utf-8")
        if args.pdf:
            Path(args.pdf).write_bytes(report_pdf(report, lang=args.lang))
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(summary_lines(report, args.lang)))
    return 0 if report.valid else EXIT_INVALID
