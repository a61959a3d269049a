"""The unit tree: which units lie under which, for access control and reports."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.records.models import Unit


def unit_subtree_ids(session: Session, unit_id: int) -> set[int]:
    """Return ``unit_id`` and the ids of all units below it (empty if it does not exist).

    One recursive CTE on SQLite and PostgreSQL; ``UNION`` (not ``UNION ALL``) stops it on a
    cycle in ``parent_id``.
    """
    subtree = select(Unit.id).where(Unit.id == unit_id).cte("subtree", recursive=True)
    subtree = subtree.union(select(Unit.id).where(Unit.parent_id == subtree.c.id))
    return set(session.scalars(select(subtree.c.id)))


def is_in_subtree(session: Session, root_unit_id: int, unit_id: int) -> bool:
    """True if ``unit_id`` is ``root_unit_id`` or lies below it (walks up from ``unit_id``)."""
    ancestors = select(Unit.id, Unit.parent_id).where(Unit.id == unit_id)
    chain = ancestors.cte("ancestors", recursive=True)
    chain = chain.union(select(Unit.id, Unit.parent_id).where(Unit.id == chain.c.parent_id))
    found = session.scalar(select(chain.c.id).where(chain.c.id == root_unit_id).limit(1))
    return found is not None
