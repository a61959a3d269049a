"""``sohoa pki init|serve|revoke``: the self-contained demo PKI and its trust services."""

from __future__ import annotations

import argparse
import errno
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

from api.cli.common import Commands
from signing.errors import PkiError
from storage.errors import UnavailableError


def register(commands: Commands) -> None:
    """Add ``pki init``, ``pki serve`` and ``pki revoke``."""
    pki = commands.add_parser("pki", help="demo PKI").add_subparsers(dest="action",
                                                                      required=True)
    init = pki.add_parser("init", help="create a self-contained demo PKI in DIR")
    init.add_argument("directory", metavar="DIR")
    init.add_argument("--password", default="1234", help="PKCS#12 password (default 1234)")
    init.add_argument("--agency", default="UỶ BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
                      help="the agency named in the certificates and on the seal")
    init.add_argument("--base-url", default=None, metavar="URL",
                      help="where `pki serve` will answer (default http://127.0.0.1:8790); "
                           "written into the certificates' OCSP and CRL addresses")
    init.set_defaults(run=cmd_pki_init)
    serve = pki.add_parser("serve", help="serve the demo PKI's time stamps, OCSP and CRL")
    serve.add_argument("directory", metavar="DIR")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None,
                       help="default: the port of the PKI's base URL")
    serve.add_argument("--password", default="1234",
                       help="the PKI's password, which protects its service keys")
    serve.set_defaults(run=cmd_pki_serve)
    revoke = pki.add_parser("revoke", help="revoke a certificate of the demo PKI")
    revoke.add_argument("directory", metavar="DIR")
    revoke.add_argument("name", help="leader, clerk, or a name given to `pki issue`")
    revoke.add_argument("--password", default="1234",
                        help="the PKI's password: only who holds the root key revokes")
    revoke.set_defaults(run=cmd_pki_revoke)


DEFAULT_PORT = 8790


def cmd_pki_init(args: argparse.Namespace) -> int:
    """Create a demo PKI in DIR and print the files made."""
    from signing.pki import init_pki
    from signing.pki.build import DEFAULT_BASE_URL

    pki = init_pki(Path(args.directory), password=args.password, agency=args.agency,
                   base_url=args.base_url or DEFAULT_BASE_URL)
    made = (
        (pki.root_pem_path, "trust anchor (root CA certificate)"),
        (pki.p12_path("leader"), "the leader's signing key and certificate (PKCS#12)"),
        (pki.p12_path("clerk"), "the agency's key and certificate, for the seal (PKCS#12)"),
        (pki.leader_signature_path, "the leader's signature image"),
        (pki.agency_seal_path, "the agency's seal image"),
        (pki.p12_path("root-ca"), "root CA key (for `pki revoke` and `pki serve`)"),
        (pki.p12_path("tsa"), "time-stamping key"),
        (pki.p12_path("ocsp"), "OCSP responder key"),
        (pki.directory / "pki.json", "what the PKI holds"),
    )
    width = max(len(str(path)) for path, _ in made)
    for path, what in made:
        print(f"{path!s:<{width}}  {what}")
    print(f"password: the one given (--password); services: `sohoa pki serve {args.directory}`"
          f" at {pki.base_url}")
    return 0


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so that a busy port is one clear error line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise UnavailableError("the port is already in use",
                                   subject=f"{host}:{port}") from None
        raise UnavailableError(f"cannot listen: {error.strerror}",
                               subject=f"{host}:{port}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def cmd_pki_serve(args: argparse.Namespace) -> int:
    """Serve the PKI's time stamps, OCSP and CRL until interrupted."""
    import uvicorn
    from fastapi import FastAPI

    from api.problems import install_problem_handlers
    from api.routes import pki as pki_routes
    from signing.pki import load_pki

    pki = load_pki(Path(args.directory), args.password)
    port = args.port if args.port is not None else (urlsplit(pki.base_url).port or DEFAULT_PORT)
    sock = _bind(args.host, port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    app = FastAPI(title="sohoa demo PKI", version="0.1.0")
    app.state.pki = pki
    install_problem_handlers(app)
    app.include_router(pki_routes.router)
    base = f"http://{shown}:{port}"

    class _Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if not self.should_exit:
                print(f"serving time stamps at {base}/tsa, OCSP at {base}/ocsp, CRL at "
                      f"{base}/crl/root.crl (root: {pki.root_pem_path})", file=sys.stderr,
                      flush=True)

    server = _Server(uvicorn.Config(app, log_level="warning", access_log=False))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0


def cmd_pki_revoke(args: argparse.Namespace) -> int:
    """Revoke a certificate of the demo PKI; the services report it at once."""
    from signing.pki import revoke_certificate

    directory = Path(args.directory)
    if not directory.is_dir():
        raise PkiError("no such directory", subject=str(directory))
    revoke_certificate(directory, args.name, password=getattr(args, "password", "1234"))
    print(f"revoked {args.name} in {directory} (OCSP and CRL report it now)")
    return 0
