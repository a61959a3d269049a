"""``sohoa demo``: a living demo office in the data directory (units, one user per role, a
demo PKI with the leader's and the clerk's keys held, sample dossiers in every state)."""

from __future__ import annotations

import argparse

from api.cli.common import Commands

DEFAULT_DOSSIERS = 14


def register(commands: Commands) -> None:
    """Add ``demo``."""
    demo = commands.add_parser("demo", help="seed a demo unit, users, PKI and sample documents")
    demo.add_argument("--dossiers", type=int, default=DEFAULT_DOSSIERS, metavar="N",
                      help=f"sample dossiers to make, 1 to 40 (default {DEFAULT_DOSSIERS})")
    demo.set_defaults(run=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    """Seed the demo office into a data directory without users, then print the URL and
    the logins."""
    from api.cli.progress import ProgressBar
    from api.runtime import open_records, open_store
    from api.settings import load_settings
    from signing.demo_office import DEMO_PASSWORD, seed_dossiers, seed_people
    from signing.pki import init_pki, load_pki
    from storage.accounts import has_users
    from storage.errors import BadInputError, ConflictError

    if not 1 <= args.dossiers <= 40:
        raise BadInputError("must be between 1 and 40", subject="--dossiers")
    settings = load_settings()
    settings.ensure_data_dir()
    db = open_records(settings)
    try:
        with db.session() as session:
            if has_users(session):
                raise ConflictError("the data directory already has users; use a fresh one "
                                    "(SOHOA_DATA_DIR)", subject=str(settings.data_dir))
        pki_dir = settings.pki_dir or settings.data_dir / "pki"
        password = settings.pki_password.get_secret_value()
        if not (pki_dir / "pki.json").is_file():
            init_pki(pki_dir, password=password, base_url=settings.public_url.rstrip("/"))
        settings = settings.model_copy(update={"pki_dir": pki_dir})
        pki, setup, store = load_pki(pki_dir, password), settings.signing_setup(), \
            open_store(settings)
        with db.session() as session:
            seed_people(session, store, pki, setup, password)
        summary = seed_dossiers(db.session, store, pki, setup, password, count=args.dossiers,
                                options=settings.digitise_options(),
                                calendar=settings.working_calendar(),
                                progress=ProgressBar("digitising", unit="documents"))
    finally:
        db.dispose()
    made = ", ".join(f"{count} {kind.replace('_', ' ')}"
                     for kind, count in sorted(summary.dossiers.items()))
    print(f"demo office seeded in {settings.data_dir}: {sum(summary.dossiers.values())} "
          f"dossiers ({made}), {summary.documents} documents, {summary.digitised} digitised, "
          f"{summary.signed} signed; demo PKI in {pki_dir}")
    print(f"start it with `sohoa serve`, then open {settings.public_url.rstrip('/')}/")
    print(f"logins (password {DEMO_PASSWORD}):")
    for login in summary.logins:
        print(f"  {login.username:<9} {login.role.value:<7} {login.full_name} ({login.unit_code})")
    return 0
