"""``sohoa search``: full-text search on the configured records, no server needed."""

from __future__ import annotations

import argparse
import html
import re

from api.cli.common import Commands


def register(commands: Commands) -> None:
    """Add ``search``."""
    search = commands.add_parser("search", help="full-text search over OCR text and fields")
    search.add_argument("query", nargs="*", help="words; case and diacritics are ignored")
    search.add_argument("--limit", type=int, default=20)
    search.add_argument("--json", action="store_true")
    search.add_argument("--reindex", action="store_true",
                        help="index every indexed document again (rows from older versions "
                             "get word pairs and the applicant in the title), then stop")
    search.set_defaults(run=cmd_search)


def cmd_reindex() -> int:
    """Index every indexed document again from its kept text, with a progress bar."""
    from api.cli.common import records_session
    from api.cli.progress import ProgressBar
    from ingest.indexing import search_title
    from storage.search import rebuild_index

    with records_session() as session:
        count = rebuild_index(session, search_title,
                              progress=ProgressBar("reindex", unit="documents"))
    print(f"{count} documents indexed again")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """Print the documents whose text or fields hold every word of the query."""
    from api.cli.common import print_json, records_session
    from storage.errors import BadInputError
    from storage.search import search

    if args.reindex:
        if args.query:
            raise BadInputError("--reindex takes no query", subject="query")
        return cmd_reindex()
    if not args.query:
        raise BadInputError("words to search for are needed (or --reindex)", subject="query")
    if not 1 <= args.limit <= 200:
        raise BadInputError("must be between 1 and 200", subject="--limit")
    with records_session() as session:
        hits = search(session, " ".join(args.query), limit=args.limit)
    rows = [{"dossier": hit.dossier_id, "document": hit.document_id, "doc_type": hit.doc_type,
             "filename": hit.filename, "score": round(hit.score, 4), "snippet": hit.snippet}
            for hit in hits]
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        plain = html.unescape(re.sub(r"</?mark>", "*", str(row["snippet"])))
        print(f"{row['score']:>8} dossier {row['dossier']} document {row['document']} "
              f"[{row['doc_type']}] {row['filename']}\n         {plain}")
    if not rows:
        print("no documents found")
    return 0
