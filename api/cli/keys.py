"""``sohoa keys seal``: re-wrap the key files an older installation stored plain."""

from __future__ import annotations

import argparse

from api.cli.common import Commands


def register(commands: Commands) -> None:
    """Add ``keys seal``."""
    keys = commands.add_parser("keys", help="signing key files held by the service")
    actions = keys.add_subparsers(dest="keys_command", required=True)
    seal = actions.add_parser(
        "seal", help="seal every stored key file still kept as a plain PKCS#12 under the "
                     "server key (sohoa serve also does this when it starts)")
    seal.set_defaults(run=cmd_seal)


def cmd_seal(args: argparse.Namespace) -> int:
    """Seal the plain key files; print how many."""
    from api.cli.common import records_and_store
    from signing.key_sealing import seal_plain_key_files

    with records_and_store() as (settings, db, store), db.session() as session:
        sealed = seal_plain_key_files(session, store, settings.key_file_sealer(),
                                      actor="sohoa keys seal")
    print(f"{len(sealed)} key file(s) sealed under the server key")
    return 0
