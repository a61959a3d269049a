"""Signing speed, side by side with a plain pyHanko call, in one run on this machine.

    .venv/bin/python benchmarks/signing_speed.py [--seconds 5] [--api-documents 100]

- signatures per second on a 1-page PDF at B-B and at B-T (the demo PKI's time-stamping
  service over HTTP on loopback, as ``sohoa pki serve`` runs it): sohoa (key unlocked once
  per session, CMS room reserved up front) invisible and with the leader's appearance,
  against the plain pyHanko call that loads the PKCS#12 for every signature (sohoa measured
  with ``signing.speedups.install()`` in force, as its entry points run it; plain pyHanko
  with the speed-ups uninstalled);
- the time to sign a 100-page, ~100 MB PDF (leader role: signer block found on the last
  page), sohoa and plain pyHanko;
- batch-signing ``--api-documents`` drafts through ``sohoa serve``'s API with one PIN.

    .venv/bin/python benchmarks/signing_speed.py --against COMMIT [--rounds 2] \
        [--sections local,api]

runs the same measurements on the code of ``COMMIT`` (exported with ``git archive`` to a
temporary directory and imported from there in a subprocess, its API server too) and on
this checkout, alternately, ``--rounds`` times each, and prints the best figure of each
side by side. The demo PKI and its time-stamping service are this checkout's in both.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np
import pymupdf
from older_code import older_checkout  # beside this script

REPO = Path(__file__).resolve().parents[1]
# --code DIR: import sohoa from DIR (an exported older commit) instead of this checkout
CODE = Path(sys.argv[sys.argv.index("--code") + 1]) if "--code" in sys.argv else REPO
sys.path.insert(0, str(CODE))

from ingest.synthetic import generate_document  # noqa: E402
from signing import speedups  # noqa: E402
from signing.document import RoleOptions, sign_document  # noqa: E402
from signing.keys import unlock_pkcs12  # noqa: E402
from signing.pades import Level, SignOptions, TrustServices, open_for_signing, sign_pdf  # noqa: E402
from tests.support.pki_server import RunningPki, free_port, running_pki  # noqa: E402
from tests.support.synthetic_pdf import render_pdf  # noqa: E402


def plain_pyhanko(data: bytes, p12: Path, level: Level, tsa_url: str) -> bytes:
    """What a plain pyHanko user writes: load the PKCS#12, sign (pyHanko estimates the
    signature size with a trial signature)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps

    signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=b"1234")
    assert signer is not None
    timestamper = timestamps.HTTPTimeStamper(tsa_url) if level is Level.B_T else None
    output = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(data)),
        signers.PdfSignatureMetadata(field_name="Signature",
                                     subfilter=fields.SigSeedSubFilter.PADES),
        signer=signer, timestamper=timestamper)
    return bytes(output.getvalue())


def rate(label: str, seconds: float, sign_once: Callable[[], object]) -> float:
    """Signatures per second over about ``seconds`` (after one warm-up signature)."""
    sign_once()
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        sign_once()
        count += 1
    per_second = count / (time.perf_counter() - started)
    print(f"  {label:58} {per_second:7.1f} /s  ({1000 / per_second:6.1f} ms each)")
    return per_second


def one_page_pdf(directory: Path) -> Path:
    path = directory / "quyet-dinh.pdf"
    render_pdf(generate_document(random.Random(30), "quyet_dinh", "qd-bench"), path)
    return path


def _noise_jpeg(rng: np.random.Generator, side: int) -> bytes:
    pixels = rng.integers(0, 255, (side, side, 3), dtype=np.uint8)
    pix = pymupdf.Pixmap(pymupdf.csRGB, side, side, pixels.tobytes(), False)
    return bytes(pix.tobytes("jpeg", jpg_quality=95))


def big_pdf(directory: Path, decision: Path, pages: int = 100, megabytes: int = 100) -> Path:
    """``pages`` pages, about ``megabytes`` MB: distinct scanned-looking JPEG pages (noise
    does not compress), then the decision, so the signer block is on the last page."""
    path = directory / "big.pdf"
    rng = np.random.default_rng(7)
    per_page = megabytes * 1_000_000 / (pages - 1)
    probe = 400
    side = int(probe * (per_page / len(_noise_jpeg(rng, probe))) ** 0.5)
    with pymupdf.open() as document:
        for _ in range(pages - 1):
            page = document.new_page(width=595, height=842)
            page.insert_image(page.rect, stream=_noise_jpeg(rng, side))
        with pymupdf.open(decision) as last:
            document.insert_pdf(last)
        document.save(path)
    return path


def bench_local(pki: RunningPki, work: Path, seconds: float) -> dict[str, float]:
    p12 = pki.directory / "leader.p12"
    key = unlock_pkcs12(p12.read_bytes(), "1234", source=p12.name)
    services = TrustServices(tsa_url=pki.tsa_url)
    decision = one_page_pdf(work)
    data = decision.read_bytes()
    image = pki.directory / "leader-signature.png"

    def sohoa_invisible(level: Level) -> Callable[[], object]:
        def once() -> object:
            out = io.BytesIO()
            return sign_pdf(open_for_signing(io.BytesIO(data), source="b"), out, key,
                            SignOptions(level=level, field_name="Signature"), services,
                            source="b")
        return once

    def sohoa_leader(level: Level) -> Callable[[], object]:
        return lambda: sign_document(data, key, role=RoleOptions(role="leader", image=image),
                                     level=level, services=services, source="b")

    print(f"1-page PDF ({len(data) // 1024} KB), RSA-2048, SHA-256, one process:")
    figures: dict[tuple[Level, str], float] = {}
    for level in (Level.B_B, Level.B_T):
        print(f" {level}:")
        speedups.uninstall()
        figures[level, "plain"] = rate("plain pyHanko (PKCS#12 loaded per signature)", seconds,
                                       lambda level=level: plain_pyhanko(data, p12, level,
                                                                         pki.tsa_url))
        speedups.install()
        figures[level, "inv"] = rate("sohoa, invisible (same work as plain)", seconds,
                                     sohoa_invisible(level))
        figures[level, "leader"] = rate("sohoa, leader role (signer block + blue image)",
                                        seconds, sohoa_leader(level))
        print(f"  sohoa / plain: invisible {figures[level, 'inv'] / figures[level, 'plain']:.1f}x,"
              f" with appearance {figures[level, 'leader'] / figures[level, 'plain']:.1f}x")
    return {f"{level} {kind} /s": value for (level, kind), value in figures.items()}


def bench_big(pki: RunningPki, work: Path) -> dict[str, float]:
    p12 = pki.directory / "leader.p12"
    key = unlock_pkcs12(p12.read_bytes(), "1234", source=p12.name)
    services = TrustServices(tsa_url=pki.tsa_url)
    image = pki.directory / "leader-signature.png"
    big = big_pdf(work, one_page_pdf(work))
    big_data = big.read_bytes()
    print(f"100-page PDF, {len(big_data) / 1e6:.0f} MB, B-B:")
    figures = {}
    for label, patched, run in (
            ("plain pyHanko (load PKCS#12, sign)", False,
             lambda: plain_pyhanko(big_data, p12, Level.B_B, pki.tsa_url)),
            ("sohoa, leader role (signer block found on page 100)", True,
             lambda: sign_document(big_data, key, role=RoleOptions(role="leader", image=image),
                                   level=Level.B_B, services=services, source="big"))):
        (speedups.install if patched else speedups.uninstall)()
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            run()
            timings.append(time.perf_counter() - started)
        print(f"  {label:58} best {min(timings):.2f} s, median {sorted(timings)[1]:.2f} s")
        figures[f"100 pages, {'sohoa leader' if patched else 'plain'} s"] = min(timings)
    return figures


def bench_api(pki: RunningPki, work: Path, documents: int) -> dict[str, float]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SOHOA_")}
    env.update(SOHOA_DATA_DIR=str(work / "data"), SOHOA_PKI_DIR=str(pki.directory),
               SOHOA_TSA_URL=pki.tsa_url, PYTHONPATH=str(CODE))
    sohoa = [sys.executable, "-m", "api"]
    for command in (["unit", "add", "UBND", "Ủy ban nhân dân"],
                    ["user", "add", "lanhdao", "--role", "leader", "--unit", "UBND",
                     # the demo leader certificate's name: a key file is accepted only
                     # for a certificate issued to its user (signing/key_policy.py)
                     "--full-name", "Nguyễn Văn An", "--password", "mat-khau-dai-du"],
                    ["user", "add", "vanthu", "--role", "clerk", "--unit", "UBND",
                     "--password", "mat-khau-dai-du"]):
        subprocess.run([*sohoa, *command], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([*sohoa, "serve", "--port", str(port), "--workers", "0"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base)
        leader, clerk = (_login(base, name) for name in ("lanhdao", "vanthu"))
        p12 = pki.directory / "leader.p12"
        httpx.post(f"{base}/me/signing-key", headers=leader, data={"pin": "1234"},
                   files={"file": (p12.name, p12.read_bytes())}).raise_for_status()
        requests = []
        for seed in range(documents):
            path = work / f"draft-{seed}.pdf"
            render_pdf(generate_document(random.Random(1000 + seed), "quyet_dinh",
                                         f"d{seed}"), path)
            draft = httpx.post(f"{base}/drafts", headers=clerk,
                               files={"file": (path.name, path.read_bytes())})
            draft.raise_for_status()
            asked = httpx.post(f"{base}/documents/{draft.json()['id']}/signing-requests",
                               headers=clerk, json={"signer": "lanhdao", "level": "B-T"})
            asked.raise_for_status()
            requests.append(asked.json()["id"])
        started = time.perf_counter()
        response = httpx.post(f"{base}/signing/sign", headers=leader, timeout=600,
                              json={"request_ids": requests, "pin": "1234"})
        elapsed = time.perf_counter() - started
        response.raise_for_status()
        versions = {item["version"] for item in response.json()}
        print(f"API batch: {len(response.json())} drafts signed as leader at B-T with one PIN "
              f"in {elapsed:.2f} s ({len(requests) / elapsed:.1f} /s), each stored as a new "
              f"version {sorted(versions)}")
        return {f"API B-T batch of {len(requests)} s": elapsed}
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code in (200, 503):
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("sohoa serve did not start")


def _login(base: str, name: str) -> dict[str, str]:
    token = httpx.post(f"{base}/auth/token", data={"username": name,
                                                   "password": "mat-khau-dai-du"})
    token.raise_for_status()
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def measure(args: argparse.Namespace) -> dict[str, float]:
    """Run the selected sections here, with the code of ``CODE``."""
    sections = set(args.sections.split(","))
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="sohoa-sign-bench-") as temporary:
        work = Path(temporary)
        with running_pki(work / "pki") as pki:
            if "local" in sections:
                figures.update(bench_local(pki, work, args.seconds))
            if "big" in sections:
                figures.update(bench_big(pki, work))
            if "api" in sections and args.api_documents:
                figures.update(bench_api(pki, work, args.api_documents))
    return figures


def against(args: argparse.Namespace) -> None:
    """This checkout and ``args.against`` measured alternately in subprocesses."""
    with older_checkout(args.against, "sohoa-sign-old-") as (revision, old):
        best: dict[str, dict[str, float]] = {revision: {}, "this checkout": {}}
        for round_number in range(1, args.rounds + 1):
            for label, root in ((revision, Path(old)), ("this checkout", REPO)):
                print(f"round {round_number}: {label} ...", flush=True)
                with tempfile.NamedTemporaryFile(suffix=".json") as out:
                    subprocess.run(
                        [sys.executable, str(Path(__file__).resolve()), "--code", str(root),
                         "--json", out.name, "--seconds", str(args.seconds),
                         "--api-documents", str(args.api_documents),
                         "--sections", args.sections],
                        check=True, stdout=subprocess.DEVNULL)
                    figures = json.loads(Path(out.name).read_text())
                for name, value in figures.items():
                    keep = min if name.endswith(" s") else max  # seconds: least; rates: most
                    best[label][name] = keep(value, best[label].get(name, value))
    print(f"\nbest of {args.rounds} rounds each (rates /s: higher is better; s: lower):")
    print(f"  {'measure':44} {revision:>14} {'this checkout':>14}")
    for name in best["this checkout"]:
        old_value = best[revision].get(name, float("nan"))
        print(f"  {name:44} {old_value:14.2f} {best['this checkout'][name]:14.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per rate measurement")
    parser.add_argument("--api-documents", type=int, default=100)
    parser.add_argument("--sections", default="local,big,api",
                        help="comma-separated: local (1-page rates), big (100-page), api")
    parser.add_argument("--against", metavar="COMMIT",
                        help="also measure COMMIT's code, alternately, and compare")
    parser.add_argument("--rounds", type=int, default=2, help="with --against")
    parser.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.against:
        against(args)
        return 0
    figures = measure(args)
    if args.json:
        args.json.write_text(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
