"""``sohoa pki init|serve|revoke``: the self-contained demo PKI and its trust services."""

from __future__ import annotations

import argparse
import errno
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

from signing.errors import PkiError
from storage.errors import UnavailableError

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
