"""The exchange directory a clerk picks recipients from: the units of this deployment that
have an organisation code (OrganId) and the registered peers (other installations), each
with its name and OrganId, searchable by name with diacritics folded ("hoa an" finds
"Xã Hòa An") or by a piece of the OrganId."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.accounts import CurrentUser
from storage.errors import BadInputError
from storage.records.models import ExchangePeer, Unit
from storage.search import fold_text

MAX_QUERY = 200


@dataclass(frozen=True)
class Party:
    """A party a document can be sent to."""

    organ_id: str
    name: str
    here: bool
    """A unit of this deployment (delivered internally) rather than a registered peer."""


def _all_parties(session: Session, user: CurrentUser) -> list[Party]:
    units = session.execute(select(Unit.organ_id, Unit.name).where(
        Unit.organ_id.is_not(None), Unit.id != user.unit_id))
    peers = session.execute(select(ExchangePeer.organ_id, ExchangePeer.name))
    parties = [Party(str(organ), str(name), True) for organ, name in units if organ]
    parties += [Party(str(organ), str(name), False) for organ, name in peers if organ]
    return sorted(parties, key=lambda party: (fold_text(party.name), party.organ_id))


def _matches(party: Party, words: list[str]) -> bool:
    haystack = f"{fold_text(party.name)} {party.organ_id.lower()}"
    return all(word in haystack for word in words)


def exchange_directory(session: Session, user: CurrentUser, query: str = "", *,
                       limit: int = 50) -> list[Party]:
    """The parties ``user``'s unit can send to whose name (diacritics folded, any case)
    or OrganId holds every word of ``query``, by name; at most ``limit``. The user's own
    unit is not offered."""
    words = fold_text(query[:MAX_QUERY]).split()
    found = [party for party in _all_parties(session, user) if _matches(party, words)]
    return found[:limit]


def chosen_parties(session: Session, user: CurrentUser,
                   organ_ids: Iterable[str]) -> list[Party]:
    """The parties named by ``organ_ids`` (trimmed, duplicates dropped, in the given
    order); :class:`BadInputError` (subject ``to``) when none is given or one is not in
    the directory."""
    wanted = list(dict.fromkeys(item.strip() for item in organ_ids if item.strip()))
    if not wanted:
        raise BadInputError("no recipient", subject="to")
    known = {party.organ_id: party for party in _all_parties(session, user)}
    unknown = [organ_id for organ_id in wanted if organ_id not in known]
    if unknown:
        raise BadInputError(f"not in the directory: {', '.join(unknown)}", subject="to")
    return [known[organ_id] for organ_id in wanted]
