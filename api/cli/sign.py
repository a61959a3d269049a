"""``sohoa sign``: a PAdES signature with the Decree 30 appearance of a role."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from api.cli.common import Commands
from signing.trust import load_trust_roots
from storage.errors import BadInputError


def register(commands: Commands) -> None:
    """Add ``sign``."""
    sign = commands.add_parser("sign", help="sign a PDF (PAdES, Decree 30 appearance)")
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
    sign.set_defaults(run=cmd_sign)


if TYPE_CHECKING:
    from signing.keys import SigningKey


def read_pin(given: str | None, what: str) -> str:
    """The PIN from the option, else ``$SOHOA_PIN``, else asked on the terminal."""
    if given is not None:
        return given
    if os.environ.get("SOHOA_PIN") is not None:
        return os.environ["SOHOA_PIN"]
    if sys.stdin.isatty():
        return getpass.getpass(f"PIN for {what}: ")
    raise BadInputError("no PIN given (--password, $SOHOA_PIN, or a terminal to ask on)",
                        subject=what)


def _default_image(args: argparse.Namespace) -> Path | None:
    if args.image:
        return Path(args.image)
    if args.p12 and args.role in ("leader", "agency"):
        beside = Path(args.p12).parent / ("leader-signature.png" if args.role == "leader"
                                          else "agency-seal.png")
        return beside if beside.is_file() else None
    return None


def _key_context(args: argparse.Namespace) -> AbstractContextManager[SigningKey]:
    from signing.keys import unlock_pkcs12

    if args.p12:
        path = Path(args.p12)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise BadInputError(f"cannot read the key file ({error.strerror})",
                                subject=args.p12) from error
        return nullcontext(unlock_pkcs12(data, read_pin(args.password, args.p12),
                                         source=args.p12))
    if not args.token_label:
        raise BadInputError("--token-label is needed with --pkcs11-lib", subject="--token-label")
    return _token_key(args)


@contextmanager
def _token_key(args: argparse.Namespace) -> Iterator[SigningKey]:
    from signing.keys import SigningKey
    from signing.token import open_token_signer

    pin = read_pin(args.password, f"token {args.token_label}")
    with open_token_signer(args.pkcs11_lib, token_label=args.token_label, pin=pin,
                           key_label=args.key_label) as signer:
        chain = list(signer.cert_registry) if signer.cert_registry else []
        yield SigningKey(signer=signer, certificate=signer.signing_cert, chain=chain,
                         source=f"token {args.token_label}")


def cmd_sign(args: argparse.Namespace) -> int:
    """Sign INPUT.pdf into OUTPUT.pdf; OUTPUT is written only when signing succeeded."""
    from api.cli.verify import prepare_pyhanko
    from signing.document import RoleOptions, sign_document
    from signing.pades import Level, TrustServices, check_certificate

    prepare_pyhanko()
    source = Path(args.input)
    try:
        data = source.read_bytes()
    except OSError as error:
        raise BadInputError(f"cannot read it ({error.strerror})", subject=args.input) from error
    services = TrustServices(tsa_url=args.tsa, trust_roots=load_trust_roots(args.trust))
    role = RoleOptions(role=args.role, image=_default_image(args), symbol=args.symbol,
                       agency=args.agency, copy_kind=args.copy_kind)
    with _key_context(args) as key:
        check_certificate(key, services)
        signed_bytes, signed = sign_document(
            data, key, role=role, level=Level(args.level), services=services,
            source=args.input, reason=args.reason, location=args.location)
    output = Path(args.output)
    with tempfile.NamedTemporaryFile(dir=output.parent or ".", prefix=f".{output.name}.",
                                     delete=False) as handle:
        handle.write(signed_bytes)
    Path(handle.name).replace(output)
    print(f"{args.output}: signed as {args.role} ({signed.level}), field {signed.field_name}, "
          f"{signed.signing_time.isoformat()}", file=sys.stderr)
    return 0
