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
  machine has two cores), each verifying whole documents;
- through ``sohoa serve``'s ``POST /verify`` on loopback with 4 concurrent clients (each
  posts the file, waits for the JSON report, checks it says valid, posts again), once
  with ``SOHOA_VERIFY_IN_PROCESSES=false`` (the previous path: verification in the API's
  thread pool) and once with the default (the app's pool of worker processes, one per
  core), in the same run. Each server starts on its own data directory with
  ``--workers 0`` and is warmed (the clients run ``--warm`` seconds, default 5, after
  their first answers before counting: the pool's workers import the verifier) before
  measuring, then stopped. Each row also gives the server's CPU seconds per verification
  (the server and all its processes, from /proc; with --against also its main process's
  alone: HTTP, and with the process pool nothing else once the workers have started, so
  a high figure there shows documents verified in the API's threads while the workers
  were starting): on a machine other work keeps busy the
  rate shows the CPU share this run gets (Linux shares CPU between sessions, autogroup),
  while the CPU per verification shows what the pool costs or saves.

``--against COMMIT`` measures instead the code of ``COMMIT`` (exported with ``git archive``
to a temporary directory, imported from there in a subprocess, its server too) and this
checkout, alternately, ``--rounds`` times each, on the same document, and prints them side
by side: one process (rate and CPU ms per verification; for code that keeps validated
certificate paths, also with that cache emptied before each verification, as for a
document whose certificates and revocation data were never seen) and ``POST /verify`` with the
thread pool and with the process pool (rate and server CPU ms per verification), best of
the rounds, with the load average seen during each round.

    .venv/bin/python benchmarks/verify_speed.py --against COMMIT [--rounds 2] [--seconds 10]

``--profile`` prints instead where one verification's time goes (cProfile over a few
verifications in this process, cumulative time of each step's pyHanko entry point; the
steps overlap where one calls another, e.g. revocation inside path validation).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from older_code import older_checkout  # beside this script

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
    return rate_and_cpu(once, seconds)[0]


def rate_and_cpu(once: Any, seconds: float) -> tuple[float, float]:
    """Calls per second of ``once`` over about ``seconds``, and this process's CPU seconds
    per call."""
    count, started, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - started < seconds:
        once()
        count += 1
    return count / (time.perf_counter() - started), (time.process_time() - cpu) / count


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


PROFILE_STEPS = (
    ("whole verification (signing.verify.verify_pdf)", "checks.py", "verify_pdf"),
    ("difference analysis: what changed after signing", "policies.py", "review_file"),
    ("  of which reading objects (incl. revisions)", "reader.py", "_load_reverse_xref_cache"),
    ("CMS checks (digest, signature, ESS, time stamp)", "generic_cms.py",
     "cms_basic_validation"),
    ("  of which the time stamp token", "generic_cms.py", "validate_tst_signed_data"),
    ("  of which signing-certificate (ESS) matching", "general.py", "check_ess_certid"),
    ("validation contexts from the DSS (certs, OCSP, CRL)", "dss.py", "as_validation_context"),
    ("path building + validation (incl. revocation)", "validate.py", "async_validate_path"),
    ("  of which revocation checks", "validate.py", "_check_revocation"),
    ("report: coverage, changes, level", "checks.py", "_changes"),
)


def profile(path: Path, root_pem: Path, runs: int = 5) -> None:
    """Print where one verification's time goes (see the module docstring)."""
    import cProfile
    import pstats

    _init_worker(str(path), str(root_pem))
    assert _verify_once(0)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        _verify_once(0)
    profiler.disable()
    stats: dict[Any, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    whole = None
    for label, file_name, function in PROFILE_STEPS:
        total = sum(values[3] for (file, _, name), values in stats.items()
                    if file.endswith(file_name) and name == function) / runs
        whole = whole or total
        print(f"  {label:<52} {total * 1000:7.1f} ms  {total / whole:4.0%}")


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` alone (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` and its descendants
    (Linux /proc): the server, its verification workers and their forkserver."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            total += _process_cpu(current)
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _post_verify(port: int, body: bytes, boundary: str) -> bool:
    """One ``POST /verify`` on a new connection; whether the report says valid."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("POST", "/verify", body=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}"})
        answer = connection.getresponse()
        payload = answer.read()
    finally:
        connection.close()
    if answer.status != 200:
        raise RuntimeError(f"POST /verify answered {answer.status}: {payload[:300]!r}")
    return bool(json.loads(payload)["valid"])


def serve_rate(path: Path, root_pem: Path, seconds: float, *, in_processes: bool,
               clients: int = 4, warm: float = 5.0, code: Path = REPO
               ) -> tuple[float, float, float]:
    """Verifications per second through ``sohoa serve``'s ``POST /verify`` with ``clients``
    concurrent clients on loopback, the server's CPU seconds per verification (all its
    processes) and of those, its main process's (HTTP, and with the process pool nothing
    else once the workers have started: a high figure there means documents were verified
    in the API's threads). ``code``: the directory whose ``api`` package is served."""
    boundary = "sohoa-bench-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"signed.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").encode() \
        + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="sohoa-verify-serve-") as data_dir:
        env = {**os.environ, "SOHOA_DATA_DIR": data_dir, "SOHOA_TRUST_ROOTS": str(root_pem),
               "SOHOA_VERIFY_IN_PROCESSES": "true" if in_processes else "false",
               "SOHOA_VERIFY_ONLINE": "false"}
        log = Path(data_dir) / "serve.log"
        server = subprocess.Popen(  # cwd: the data directory, so no .env is read
            [sys.executable, "-m", "api", "serve", "--workers", "0", "--port", str(port)],
            cwd=data_dir, env={**env, "PYTHONPATH": str(code)},
            stdout=subprocess.DEVNULL, stderr=log.open("wb"))
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("sohoa serve did not start: "
                                           + log.read_text()[-2000:]) from None
                    time.sleep(0.2)
            counts = [0] * clients
            failures: list[BaseException] = []
            start = threading.Barrier(clients + 1)
            stop = threading.Event()

            def client(number: int) -> None:
                try:
                    assert _post_verify(port, body, boundary), "the server finds it invalid"
                    start.wait()
                    while not stop.is_set():
                        assert _post_verify(port, body, boundary)
                        counts[number] += 1
                except BaseException as error:  # reported below
                    failures.append(error)
                    start.abort()

            threads = [threading.Thread(target=client, args=(number,), daemon=True)
                       for number in range(clients)]
            for thread in threads:
                thread.start()
            start.wait()  # every client has had one answer
            time.sleep(warm)  # the pool's other workers are up and warm
            before, started, cpu = sum(counts), time.perf_counter(), _tree_cpu(server.pid)
            main_cpu = _process_cpu(server.pid)
            time.sleep(seconds)
            after, elapsed = sum(counts), time.perf_counter() - started
            cpu = _tree_cpu(server.pid) - cpu
            main_cpu = _process_cpu(server.pid) - main_cpu
            stop.set()
            for thread in threads:
                thread.join()
            if failures:
                raise failures[0]
            count = max(after - before, 1)
            return (after - before) / elapsed, cpu / count, main_cpu / count
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


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


def measure(code: Path, signed: Path, root: Path, args: argparse.Namespace
            ) -> dict[str, float]:
    """The --against figures for the code in ``code`` (already first on ``sys.path``)."""
    _init_worker(str(signed), str(root))
    assert _verify_once(0), "the document is not found valid"
    one, one_cpu = rate_and_cpu(lambda: _verify_once(0), args.seconds)
    figures = {"one process /s": one, "one process CPU ms": one_cpu * 1000}
    try:  # the same without reusing validated paths (a document seen for the first time)
        import signing.verify.pathcache as pathcache
    except ImportError:  # code older than the path cache
        pathcache = None  # type: ignore[assignment]
    if pathcache is not None:
        def cold() -> bool:
            pathcache.PATHS.clear()
            return _verify_once(0)

        one, one_cpu = rate_and_cpu(cold, args.seconds)
        figures["one process, paths not kept /s"] = one
        figures["one process, paths not kept CPU ms"] = one_cpu * 1000
    for label, in_processes in (("thread pool", False), ("process pool", True)):
        served, served_cpu, main_cpu = serve_rate(signed, root, args.seconds,
                                                  in_processes=in_processes, warm=args.warm,
                                                  code=code)
        figures[f"POST /verify {label} /s"] = served
        figures[f"POST /verify {label} CPU ms"] = served_cpu * 1000
        figures[f"POST /verify {label}, main process CPU ms"] = main_cpu * 1000
    return figures


def against(args: argparse.Namespace, signed: Path, root: Path) -> None:
    """This checkout and ``args.against`` measured alternately in subprocesses."""
    with older_checkout(args.against, "sohoa-verify-old-") as (revision, old):
        best: dict[str, dict[str, float]] = {revision: {}, "this checkout": {}}
        for round_number in range(1, args.rounds + 1):
            for label, code in ((revision, Path(old)), ("this checkout", REPO)):
                with tempfile.NamedTemporaryFile(suffix=".json") as out:
                    subprocess.run(
                        [sys.executable, str(Path(__file__).resolve()), "--code", str(code),
                         "--measure", str(signed), str(root), "--json", out.name,
                         "--seconds", str(args.seconds), "--warm", str(args.warm)],
                        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    figures = json.loads(Path(out.name).read_text())
                print(f"  round {round_number}: {label:14} load average "
                      f"{os.getloadavg()[0]:.1f}: " + ", ".join(
                          f"{name} {value:.1f}" for name, value in figures.items()),
                      flush=True)
                for name, value in figures.items():
                    keep = min if name.endswith(" ms") else max  # CPU: least; rates: most
                    best[label][name] = keep(value, best[label].get(name, value))
    print(f"best of {args.rounds} rounds each (/s: higher is better; CPU ms per "
          "verification: lower is better):")
    print(f"  {'measure':38} {revision:>14} {'this checkout':>14}")
    for name in best["this checkout"]:
        before, now = best[revision].get(name, float("nan")), best["this checkout"][name]
        print(f"  {name:38} {before:14.1f} {now:14.1f}  ({now / before:.2f}x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warm", type=float, default=5.0,
                        help="seconds the server runs under load before counting")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of the two POST /verify rows, alternated")
    parser.add_argument("--profile", action="store_true",
                        help="print where one verification's time goes instead")
    parser.add_argument("--against", metavar="COMMIT",
                        help="measure COMMIT's code and this checkout, alternately")
    parser.add_argument("--rounds", type=int, default=2, help="with --against")
    parser.add_argument("--plain", nargs=2, metavar=("PDF", "ROOT"), help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=2, metavar=("PDF", "ROOT"), help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, default=REPO, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sys.path.insert(0, str(args.code))  # before anything of sohoa is imported
        figures = measure(args.code, Path(args.measure[0]), Path(args.measure[1]), args)
        args.json.write_text(json.dumps(figures))
        return 0
    if args.plain:
        plain_pyhanko(args.plain[0], args.plain[1], args.seconds)
        return 0
    with tempfile.TemporaryDirectory(prefix="sohoa-verify-bench-") as temporary:
        signed, root = make_document(Path(temporary))
        print(f"two-signature B-LT decision, {signed.stat().st_size // 1024} KB, "
              "PKI services stopped, fetching off:")
        if args.profile:
            profile(signed, root)
            return 0
        if args.against:
            print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            against(args, signed, root)
            return 0
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
        for _ in range(args.repeat):  # alternated: the machine's load changes meanwhile
            threads, threads_cpu, _ = serve_rate(signed, root, args.seconds,
                                                 in_processes=False, warm=args.warm)
            print(f"  sohoa serve POST /verify, 4 clients, thread pool   {threads:6.1f} /s"
                  f"  (previous; server CPU {threads_cpu * 1000:.0f} ms each)")
            pool, pool_cpu, pool_main = serve_rate(signed, root, args.seconds,
                                                   in_processes=True, warm=args.warm)
            print(f"  sohoa serve POST /verify, 4 clients, process pool  {pool:6.1f} /s"
                  f"  ({pool / threads:.1f}x the thread pool; server CPU "
                  f"{pool_cpu * 1000:.0f} ms each, {pool_main * 1000:.0f} of them in its "
                  "main process)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
