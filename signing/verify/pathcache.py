"""Validated certificate paths kept from one verification to the next.

pyHanko validates the signer's and the time stamp authority's certificate for every
signature of every document: it builds the path to an anchor, checks each certificate's
signature, validity and name constraints, and checks revocation with the OCSP responses and
CRLs at hand (validating each OCSP responder's own certificate on the way). For the same
certificate, the same anchors, the same other certificates and the same revocation data,
at a validation time where nothing changes, the answer is the same.

A successful path is kept under a key made of everything the answer depends on, taken from
the validation context just before pyHanko would validate:

- the certificate (SHA-256 of its DER);
- the trust anchors, every other certificate the context knows (path building may pick
  another issuer when they differ) and every OCSP response and CRL it holds (SHA-256 of
  each DER; a new response, a new CRL, a revocation entry gives another key);
- the revocation policy, the time tolerance, the algorithm policy and the PKIX parameters;
- the validation time's *window*: every date found anywhere in those certificates,
  responses and lists (validity bounds, thisUpdate, nextUpdate, producedAt, revocation
  and invalidity dates, a responder certificate's validity...), each widened by the time
  tolerance and shifted by pyHanko's 30-minute freshness fallback, cuts time into windows;
  two validation times in the same window compare alike with every one of those dates.
  A certificate that expires, a response that goes stale, a revocation that takes effect
  therefore always starts a new window, hence a new key.

Only successes are kept (a failure is computed again each time), only for contexts the
verifier marks (validation at the current time, nothing fetched: everything is in the
key), each for at most :data:`MAX_AGE`; when a date cannot be read the context is not
cached at all.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from asn1crypto import core, parser
from pyhanko.sign.validation import generic_cms
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import FRESHNESS_FALLBACK_VALIDITY_DEFAULT
from pyhanko_certvalidator.registry import SimpleTrustManager

MAX_AGE = timedelta(minutes=10)
"""How long a path is reused at most, whatever its window."""

_SIZE = 1024
_MOST_DATES = 2000
_LARGEST = 256 * 1024  # bytes of one certificate, response or CRL read for its dates
_MARK = "_sohoa_cache_paths"


class _UnreadableError(Exception):
    """A date in the material could not be read: do not cache."""


_TIME_TEXT = re.compile(rb"[0-9]{10,14}(?:[.,][0-9]+)?(?:Z|[+-][0-9]{4})?")


def _time(tag: int, contents: bytes) -> datetime:
    """The UTCTime (``tag`` 23) or GeneralizedTime (24) whose text is ``contents``."""
    if len(contents) >= 128:
        raise _UnreadableError("a time longer than 127 bytes")
    kind = core.UTCTime if tag == 23 else core.GeneralizedTime
    try:
        moment = kind.load(bytes([tag, len(contents)]) + contents).native
    except (ValueError, TypeError, OverflowError) as error:
        raise _UnreadableError(str(error)) from error
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise _UnreadableError(f"not a dated time: {contents!r}")
    return moment


def _implicit_times(contents: bytes) -> set[datetime]:
    """A time's text under an implicit tag, read both ways (UTCTime, GeneralizedTime):
    a reading too many only cuts time finer."""
    readings: set[datetime] = set()
    for tag in (23, 24):
        try:
            readings.add(_time(tag, contents))
        except _UnreadableError:
            continue
    if not readings:
        raise _UnreadableError(f"an unreadable time: {contents!r}")
    return readings


_NOT_DER = (ValueError, IndexError, OverflowError, TypeError)


def _dates(data: bytes, found: set[datetime], depth: int = 0,
           guessed: bool = False) -> None:
    """Every UTCTime and GeneralizedTime in the DER ``data``, into ``found``; also inside
    OCTET and BIT STRINGs and implicitly tagged values that hold DER (extensions, an OCSP
    response's body) or a time's text. Raises one of ``_NOT_DER`` when ``data`` is not
    DER, :class:`_UnreadableError` when a time cannot be read.

    ``guessed``: ``data`` lies inside such a string, so it may be no DER at all but a
    signature's or a key's random bytes, which parse as a "time" often enough (about one
    RSA signature in 150 starts with a UTCTime tag and a length that fits). There a "time"
    that is not a time's text (digits, then Z or an offset) means the bytes are not DER;
    a time's text that cannot be read still makes the material unreadable."""
    if depth > 32:
        if guessed:
            raise ValueError("nested too deeply to be DER")
        raise _UnreadableError("nested too deeply")
    pointer, end = 0, len(data)
    while pointer < end:
        (class_, method, tag, _header, contents, _trailer), pointer = parser._parse(
            data, end, pointer)
        if method == 1:
            _dates(contents, found, depth + 1, guessed)
        elif class_ == 0 and tag in (23, 24):
            if guessed and not _TIME_TEXT.fullmatch(contents):
                raise ValueError("a time tag without a time's text: not DER")
            found.add(_time(tag, contents))
        elif class_ != 0 or tag in (3, 4):
            if class_ != 0 and _TIME_TEXT.fullmatch(contents):
                found |= _implicit_times(contents)
            inner = contents[1:] if tag == 3 and class_ == 0 else contents
            nested: set[datetime] = set()
            try:
                _dates(inner, nested, depth + 1, guessed=True)
            except _NOT_DER:
                continue  # not DER: a key, a signature, a digest
            found |= nested


_DATES: OrderedDict[bytes, frozenset[datetime]] = OrderedDict()
_DATES_LOCK = threading.Lock()


def dates_in(der: bytes, digest: bytes | None = None) -> frozenset[datetime]:
    """The dates :func:`_dates` finds in ``der`` (remembered by content; ``digest``: its
    SHA-256 when known)."""
    if digest is None:
        digest = hashlib.sha256(der).digest()
    with _DATES_LOCK:
        known = _DATES.get(digest)
    if known is not None:
        return known
    found: set[datetime] = set()
    if len(der) > _LARGEST:
        raise _UnreadableError(f"{len(der)} bytes")
    try:
        _dates(der, found)
    except _NOT_DER as error:
        raise _UnreadableError(str(error)) from error
    result = frozenset(moment.astimezone(UTC) for moment in found)
    with _DATES_LOCK:
        _DATES[digest] = result
        while len(_DATES) > _SIZE * 4:
            _DATES.popitem(last=False)
    return result


def window(dates: Iterable[datetime], tolerance: timedelta, moment: datetime
           ) -> tuple[datetime | None, datetime | None]:
    """The cut points around ``moment``: the last at or before it and the first after
    it (None past either end). Each date cuts at itself, ± (``tolerance`` + 1 s), and
    the same after pyHanko's freshness fallback (30 minutes, for responses without
    nextUpdate)."""
    margin = abs(tolerance) + timedelta(seconds=1)
    cuts = sorted({date + shift + offset for date in dates
                   for shift in (timedelta(0), FRESHNESS_FALLBACK_VALIDITY_DEFAULT)
                   for offset in (-margin, timedelta(0), margin)})
    index = bisect.bisect_right(cuts, moment)
    return (cuts[index - 1] if index else None,
            cuts[index] if index < len(cuts) else None)


def _describe(value: Any, depth: int = 0) -> Any:
    """``value`` as something hashable that is equal for equal settings: its repr, or for
    an object whose repr is its address, its type and attributes."""
    text = repr(value)
    if " at 0x" not in text:
        return text
    attributes = getattr(value, "__dict__", None)
    if attributes is None or depth > 3:
        raise _UnreadableError(f"cannot describe {text}")
    return (type(value).__qualname__, tuple(sorted(
        (name, _describe(item, depth + 1)) for name, item in attributes.items())))


_ENCODED: OrderedDict[int, tuple[Any, bytes, bytes]] = OrderedDict()
_ENCODED_LOCK = threading.Lock()


def _encoded(value: Any) -> tuple[bytes, bytes]:
    """``value``'s DER and its SHA-256, remembered for the object itself (by identity; the
    entry holds the object, so its id cannot be reused while remembered). asn1crypto's
    ``dump()`` walks a parsed value's whole tree to see whether it was changed: on the
    shared, fully parsed certificates and responses that was most of the key's cost.
    The verifier's objects are never changed once parsed (they are shared already). At
    most :data:`_SIZE` are remembered, none larger than ``_LARGEST`` bytes."""
    with _ENCODED_LOCK:
        found = _ENCODED.get(id(value))
        if found is not None and found[0] is value:
            _ENCODED.move_to_end(id(value))
            return found[1], found[2]
    der = value.dump()
    digest = hashlib.sha256(der).digest()
    if len(der) <= _LARGEST:  # a large CRL is not kept (as material.LARGEST)
        with _ENCODED_LOCK:
            _ENCODED[id(value)] = (value, der, digest)
            while len(_ENCODED) > _SIZE:
                _ENCODED.popitem(last=False)
    return der, digest


def cache_key(certificate: Any, context: ValidationContext, params: Any) -> tuple[Any, ...]:
    """What a path validation of ``certificate`` in ``context`` depends on (see the
    module docstring). Raises :class:`_UnreadableError` when the context is not cacheable."""
    trust = context.path_builder.trust_manager
    revinfo = context.revinfo_manager
    if not isinstance(trust, SimpleTrustManager) or revinfo.fetching_allowed \
            or getattr(revinfo, "_assertions", None) or \
            context.timing_params.point_in_time_validation:
        raise _UnreadableError("not a context the cache can describe")
    roots = [_encoded(item) for item in trust.iter_certs()]
    others = [_encoded(item) for item in context.certificate_registry]
    responses = [_encoded(item) for item in revinfo.ocsps]
    lists = [_encoded(item) for item in revinfo.crls]
    dates = frozenset().union(*(dates_in(der, digest) for der, digest in
                                (*roots, *others, *responses, *lists)))
    if len(dates) > _MOST_DATES:  # a large CRL: cutting time would cost more than it saves
        raise _UnreadableError(f"{len(dates)} dates")
    timing = context.timing_params
    return (_encoded(certificate)[1],
            frozenset(digest for _, digest in roots), frozenset(digest for _, digest in others),
            frozenset(digest for _, digest in responses),
            frozenset(digest for _, digest in lists),
            _describe(context._revinfo_policy), _describe(context.algorithm_policy),
            _describe(context.sig_validator), _describe(params), timing.time_tolerance,
            window(dates, timing.time_tolerance, timing.validation_time))


class PathCache:
    """Successful validation paths by :func:`cache_key`, each for at most ``max_age``."""

    def __init__(self, size: int = _SIZE, max_age: timedelta = MAX_AGE) -> None:
        self._size, self._max_age = size, max_age
        self._items: OrderedDict[tuple[Any, ...], tuple[Any, datetime]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple[Any, ...]) -> Any:
        """The path kept under ``key``, or None."""
        now = datetime.now(UTC)
        with self._lock:
            found = self._items.get(key)
            if found is None or now - found[1] > self._max_age:
                self._items.pop(key, None)
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key: tuple[Any, ...], path: Any) -> None:
        """Keep ``path`` under ``key``."""
        with self._lock:
            self._items[key] = (path, datetime.now(UTC))
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget every path (and the counters)."""
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0


PATHS = PathCache()
_ORIGINAL = getattr(generic_cms, "find_valid_path")  # noqa: B009 (not re-exported)


def mark(context: ValidationContext) -> ValidationContext:
    """Let :data:`PATHS` serve path validations in ``context`` (validation at the current
    time, nothing fetched); returns ``context``."""
    setattr(context, _MARK, True)
    return context


async def find_valid_path(certificate: Any, paths: Any, validation_context: Any,
                          pkix_validation_params: Any = None) -> Any:
    """pyHanko's ``find_valid_path``, answered from :data:`PATHS` in a marked context."""
    key = None
    if getattr(validation_context, _MARK, False):
        try:
            key = cache_key(certificate, validation_context, pkix_validation_params)
        except _UnreadableError:
            key = None
    if key is not None:
        found = PATHS.get(key)
        if found is not None:
            await paths.cancel()
            return found
    path = await _ORIGINAL(certificate, paths, validation_context=validation_context,
                           pkix_validation_params=pkix_validation_params)
    if key is not None:
        PATHS.put(key, path)
    return path


def install() -> None:
    """Route pyHanko's certificate checks of signatures and time stamps through
    :func:`find_valid_path` (unmarked contexts: pyHanko's own, unchanged). Idempotent."""
    setattr(generic_cms, "find_valid_path", find_valid_path)  # noqa: B010
