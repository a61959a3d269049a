"""Generate labelled synthetic documents of every type (see ``shared/spec/domain.md``).

>>> doc = generate_document(random.Random(1), "quyet_dinh", "demo")
>>> doc.fields["so_ky_hieu"].split("/")[-1].startswith("QĐ-")
True
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from ingest.synthetic.admin import build_administrative
from ingest.synthetic.citizen import build_certificate, build_form
from ingest.synthetic.model import ADMINISTRATIVE_TYPES, DOC_TYPES, Block, SyntheticDocument
from ingest.synthetic.papers import build_identity, build_other

__all__ = ["DOC_TYPES", "Block", "SyntheticDocument", "generate_document", "generate_documents"]


def generate_document(rng: random.Random, doc_type: str, doc_id: str = "") -> SyntheticDocument:
    """One random document of ``doc_type`` (a code of ``DOC_TYPES``) drawn from ``rng``."""
    if doc_type in ADMINISTRATIVE_TYPES:
        return build_administrative(rng, doc_type, doc_id)
    if doc_type in ("don_de_nghi", "to_khai"):
        return build_form(rng, doc_type, doc_id)
    if doc_type == "giay_chung_nhan":
        return build_certificate(rng, doc_id)
    if doc_type == "giay_to_tuy_than":
        return build_identity(rng, doc_id)
    if doc_type == "other":
        return build_other(rng, doc_id)
    raise ValueError(f"unknown doc_type {doc_type!r}; expected one of {', '.join(DOC_TYPES)}")


def generate_documents(count: int, seed: int = 0,
                       types: Sequence[str] | None = None) -> list[SyntheticDocument]:
    """``count`` documents cycling over ``types`` (default: all), the same for the same seed.

    Document ``i`` has its own generator seeded from ``(seed, i)``, so a prefix of a longer
    run equals a shorter run, and ids are ``syn{seed}-{i:05d}-{doc_type}``.
    """
    chosen = tuple(types) if types is not None else DOC_TYPES
    if not chosen:
        raise ValueError("types is empty")
    for doc_type in chosen:
        if doc_type not in DOC_TYPES:
            raise ValueError(f"unknown doc_type {doc_type!r}")
    documents = []
    for index in range(count):
        doc_type = chosen[index % len(chosen)]
        # Test data, not secrets: a seeded (reproducible) generator is the point.
        rng = random.Random(f"sohoa-synthetic:{seed}:{index}")  # noqa: S311
        documents.append(generate_document(rng, doc_type, f"syn{seed}-{index:05d}-{doc_type}"))
    return documents
