"""Verifications per second of a two-signature PAdES B-LT document, network off, beside
pyHanko's own validator called plainly, in one run on this machine.

    .venv/bin/python benchmarks/verify_speed.py [--seconds 10]

The document: a Decree 30 decision signed by the leader then the agency at B-LT with the
demo PKI (revocation data embedded). The PKI's services are stopped before measuring, and
fetching is off: everything comes from the document. Figures:
- plain pyHanko (in a separate process that never installs sohoa's parser speed-ups):
  ``validate_pdf_signature`` per signature with a validation context from the DSS;
- ``sohoa`` (``signing.verify.verify_pdf``: the same checks plus byte-range sanity,
  revocation status, level and the report, with ``signing.speedups.install()`` called
  first, as sohoa's entry points do) in one process, and in two worker processes (this
  machine has two cores), each verifying whole documents.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def plain_pyhanko(path: str, root_pem: str, seconds: float) -> None:
    """pyHanko's validator as its documentation shows it (run in a clean process)."""
    import io

    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    root = asn1_x509.Certificate.load(pem.unarmor(Path(root_pem).read_bytes())[2])
    data = Path(path).read_bytes()

    def once() -> bool:
        reader = PdfFileReader(io.BytesIO(data))
        dss = DocumentSecurityStore.read_dss(reader)
        results = []
        for signature in reader.embedded_regular_signatures:
            context = dss.as_validation_context({"trust_roots": [root],
                                                 "allow_fetching": False})
            status = validate_pdf_signature(signature, context)
            results.append(status.bottom_line)
        return all(results)

    assert once(), "plain pyHanko does not find the document valid"
    print(f"{rate(once, seconds):.1f}")


def rate(once: Any, seconds: float) -> float:
    """Calls per second of ``once`` over about ``seconds``."""
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        once()
        count += 1
    return count / (time.perf_counter() - started)


_WORKER: dict[str, Any] = {}


def _init_worker(path: str, root_pem: str) -> None:
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    from signing import speedups

    speedups.install()  # as sohoa's entry points do: the figures are for the patched parser
    _WORKER["data"] = Path(path).read_bytes()
    _WORKER["roots"] = [asn1_x509.Certificate.load(pem.unarmor(Path(root_pem).read_bytes())[2])]


def _verify_once(_: int) -> bool:
    from signing.verify import verify_pdf

    report = verify_pdf(_WORKER["data"], source="bench.pdf", trust_roots=_WORKER["roots"])
    return report.valid


def sohoa_rate(path: str, root_pem: str, seconds: float, processes: int) -> float:
    """Verifications per second with ``processes`` worker processes."""
    if processes == 1:
        _init_worker(path, root_pem)
        assert _verify_once(0), "sohoa does not find the document valid"
        return rate(lambda: _verify_once(0), seconds)
    context = multiprocessing.get_context("forkserver")
    with context.Pool(processes, initializer=_init_worker, initargs=(path, root_pem)) as pool:
        assert all(pool.map(_verify_once, range(processes * 2)))  # warm both
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            assert all(pool.map(_verify_once, range(processes * 4), chunksize=1))
            count += processes * 4
        return count / (time.perf_counter() - started)


def make_document(work: Path) -> tuple[Path, Path]:
    """A decision signed leader -> agency at B-LT with a served demo PKI, which is then
    stopped (its root kept)."""
    from ingest.synthetic import generate_document
    from signing.document import RoleOptions, sign_document
    from signing.keys import unlock_pkcs12
    from signing.pades import Level, TrustServices
    from tests.support.pki_server import running_pki
    from tests.support.signature_checks import root_certificate
    from tests.support.synthetic_pdf import render_pdf

    draft = work / "quyet-dinh.pdf"
    render_pdf(generate_document(random.Random(30), "quyet_dinh", "qd-verify"), draft)
    with running_pki(work / "pki") as pki:
        services = TrustServices(tsa_url=pki.tsa_url,
                                 trust_roots=(root_certificate(pki.pki.root_pem_path),))
        data = draft.read_bytes()
        for role, name, image in (("leader", "leader", pki.pki.leader_signature_path),
                                  ("agency", "clerk", pki.pki.agency_seal_path)):
            key = unlock_pkcs12((pki.directory / f"{name}.p12").read_bytes(), "1234",
                                source=name)
            data, _ = sign_document(data, key, role=RoleOptions(role=role, image=image),
                                    level=Level.B_LT, services=services, source=draft.name)
    signed = work / "signed-b-lt.pdf"
    signed.write_bytes(data)
    return signed, pki.pki.root_pem_path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--plain", nargs=2, metavar=("PDF", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain:
        plain_pyhanko(args.plain[0], args.plain[1], args.seconds)
        return 0
    with tempfile.TemporaryDirectory(prefix="sohoa-verify-bench-") as temporary:
        signed, root = make_document(Path(temporary))
        print(f"two-signature B-LT decision, {signed.stat().st_size // 1024} KB, "
              "PKI services stopped, fetching off:")
        plain = float(subprocess.run(
            [sys.executable, __file__, "--plain", str(signed), str(root),
             "--seconds", str(args.seconds)], capture_output=True, text=True,
            check=True).stdout.strip())
        print(f"  plain pyHanko validate_pdf_signature, one process   {plain:6.1f} /s")
        one = sohoa_rate(str(signed), str(root), args.seconds, 1)
        print(f"  sohoa verify_pdf, one process                      {one:6.1f} /s"
              f"  ({one / plain:.1f}x)")
        two = sohoa_rate(str(signed), str(root), args.seconds, 2)
        print(f"  sohoa verify_pdf, two processes                    {two:6.1f} /s"
              f"  ({two / plain:.1f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
