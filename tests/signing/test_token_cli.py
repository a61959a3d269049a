"""``sohoa sign --pkcs11-lib``: the leader's key on a SoftHSM2 token (as on a USB token),
signing a Decree 30 decision through the CLI; pdfsig and pyHanko check the result."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import REPO
from tests.support.pki_server import RunningPki
from tests.support.signature_checks import pdfsig, pyhanko_status, root_certificate

SOHOA = Path(sys.executable).parent / "sohoa"
_SETUP = """
import sys
from pathlib import Path
from cryptography.hazmat.primitives.serialization import pkcs12
from tests.support.softhsm import import_key_and_cert, make_token
token = make_token(Path(sys.argv[1]), label="cli-token", pin="2580")
key, cert, chain = pkcs12.load_key_and_certificates(Path(sys.argv[2]).read_bytes(), b"1234")
import_key_and_cert(token, key, cert, "leader")
for number, ca in enumerate(chain):
    import_key_and_cert(token, None, ca, f"ca-{number}")
print(token.module)
"""


def _token(tmp_path: Path, pki: RunningPki) -> tuple[str, dict[str, str]]:
    """A SoftHSM2 token of its own (its own config, in a child process, so the session's
    other tokens are left alone) holding the demo leader's key and certificates."""
    env = {**os.environ, "SOFTHSM2_CONF": str(tmp_path / "softhsm2.conf"),
           "PYTHONPATH": str(REPO)}
    made = subprocess.run([sys.executable, "-c", _SETUP, str(tmp_path),
                           str(pki.directory / "leader.p12")], capture_output=True, text=True,
                          env=env, cwd=REPO, check=False, timeout=120)
    assert made.returncode == 0, made.stderr
    return made.stdout.strip().splitlines()[-1], env


def test_sign_with_token_through_the_cli(served_pki: RunningPki, decision_pdf: Path,
                                         tmp_path: Path) -> None:
    module, env = _token(tmp_path, served_pki)
    output = tmp_path / "signed.pdf"
    common = [str(SOHOA), "sign", str(decision_pdf), "-o", str(output), "--pkcs11-lib", module,
              "--token-label", "cli-token", "--key-label", "leader", "--role", "leader",
              "--image", str(served_pki.pki.leader_signature_path)]
    wrong = subprocess.run([*common, "--pin", "0000"], capture_output=True, text=True,
                           env=env, check=False, timeout=120)
    assert wrong.returncode == 2
    assert "PIN" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    assert not output.exists()

    signed = subprocess.run([*common, "--pin", "2580", "--level", "B-T", "--tsa",
                             served_pki.tsa_url], capture_output=True, text=True, env=env,
                            check=False, timeout=120)
    assert signed.returncode == 0, signed.stderr
    assert [(r.field, r.valid, r.whole_file) for r in pdfsig(output)] == [
        ("leader", True, True)]
    root = root_certificate(served_pki.pki.root_pem_path)
    assert pyhanko_status(output, root) == [("leader", True, True, True)]
