"""Four hot spots of pyHanko and asn1crypto made fast, with the same results.

1. PDF hex strings. pyHanko reads a hex string one character at a time through a
generator; a signature's /Contents is a hex string of 10,000-50,000 digits, read several
times per verification, and that alone was a third of the time to verify a two-signature
file. This reader does the same thing (whitespace ignored, any other non-hex character
refused, an odd digit count padded with 0) in chunks.

2. Arrays of numbers (font widths, boxes, byte ranges): pyHanko parses them one number
at a time through the generic object reader, then walks every number again when it maps
which objects reference which (for the difference analysis) and when it copies objects
into historical revisions. An array holding only numbers and nested number arrays is
parsed here in one pass of a regular expression into a :class:`NumericArray`, which the
reader module's walks treat as a leaf (it cannot hold a reference); anything else goes to
pyHanko's own reader.

3. Name comparison. asn1crypto prepares every name value (RFC 4518 string preparation,
pure Python) again for every freshly parsed certificate it compares; the result depends
only on the string, so it is memoised. So is the comparison of two names (RDN sequences)
as a whole, by their two encodings: it depends only on them (a name that cannot be
prepared still raises each time: failures are not memoised). Each signature's CMS names
its signer's and its time stamp's issuers afresh, compared with the same certificates'.

4. PDF names (``/Type``, every dictionary key). pyHanko reads a name one byte at a time
through a generator until a delimiter, then decodes it one byte at a time again (``#xx``
escapes, each byte checked). This reader finds the delimiter with a regular expression in
a chunk and, for a name of printable ASCII without ``#`` (nearly all of them), makes the
same ``NameObject`` directly; any other name goes to pyHanko's decoder (which also refuses
the bad ones). About a tenth of a verification's object parsing.

:func:`install` puts all four in place and :func:`uninstall` puts pyHanko's and
asn1crypto's own code back; both are idempotent, and :func:`installed` says which is in
force. Importing this module patches nothing: each entry point (CLI, app, worker) calls
:func:`install` itself, and ``tests/signing/test_speedups_parity.py`` checks that the
patched parser reads every object of the corpus and of signed files as pyHanko does.
"""

from __future__ import annotations

import binascii
import functools
import re
import types
from typing import IO, Any

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils import reader as reader_module
from pyhanko.pdf_utils.misc import PdfReadError, PdfStreamError

_WHITESPACE = re.compile(rb"[ \t\n\r\x00\x0c]+")
_NOT_HEX = re.compile(rb"[^0-9a-fA-F]")
_CHUNK = 65536


def read_hex_string(stream: IO[bytes]) -> Any:
    """Read ``<...>`` at the stream's position into a PDF string object (as pyHanko's
    ``read_hex_string_from_stream`` does)."""
    stream.read(1)  # the "<"
    parts: list[bytes] = []
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            raise PdfStreamError("Stream has ended unexpectedly")
        end = chunk.find(b">")
        if end >= 0:
            parts.append(chunk[:end])
            stream.seek(end + 1 - len(chunk), 1)  # just past the ">"
            break
        parts.append(chunk)
    digits = _WHITESPACE.sub(b"", b"".join(parts))
    bad = _NOT_HEX.search(digits)
    if bad:
        raise PdfStreamError("Unexpected token in hex string: " + repr(bad.group()))
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


_NOT_NUMERIC = re.compile(rb"[^0-9+\-.\s\[\]\x00]")
_NUMERIC_TOKEN = re.compile(rb"\[|\]|[+-]?(?:\d+\.?\d*|\.\d+)")
# pyHanko's and asn1crypto's own code, as found when this module is first imported (the
# class attributes raw, so that uninstall() puts back the very same descriptors)
_ORIGINAL_HEX_READER = generic.read_hex_string_from_stream
_ORIGINAL_ARRAY_READER = vars(generic.ArrayObject)["read_from_stream"]
_ORIGINAL_READER_GENERIC = getattr(reader_module, "generic")  # noqa: B009 (not re-exported)
_ORIGINAL_STRING_PREP = vars(asn1_x509.NameTypeAndValue)["_ldap_string_prep"]
_ORIGINAL_NAME_READER = vars(generic.NameObject)["read_from_stream"]
_ORIGINAL_RDN_SEQUENCE_EQ = vars(asn1_x509.RDNSequence)["__eq__"]
_ORIGINAL_DECODE_NAME = getattr(generic, "_decode_name")  # noqa: B009 (not re-exported)


def _number(token: bytes) -> Any:
    text = token.decode("ascii")
    if b"." in token:
        return generic.FloatObject(text)  # type: ignore[no-untyped-call]
    return generic.NumberObject(text)  # type: ignore[no-untyped-call]


class NumericArray(generic.ArrayObject):
    """An array holding only numbers and number arrays: it cannot hold a reference, so the
    reader's reference walks (reverse cross-reference map, historical revisions) may treat
    it as a leaf.

    One read from a file (:func:`read_array`) keeps its source text and makes its numbers
    only when first looked at (any list operation, ``raw_get``, copying, comparison): the
    font width arrays (``/W``, thousands of numbers per font) are read whenever a font
    dictionary is, e.g. by the difference analysis mapping every object of a revision, yet
    never looked into while verifying."""

    _pending: bytes | None = None  # the array's text while its numbers are not yet made
    _pending_ref: Any = None

    @classmethod
    def deferred(cls, text: bytes, container_ref: Any) -> NumericArray:
        """The array ``text`` (``[...]``, numbers and nested number arrays only, its
        brackets balanced) whose numbers are made on first use."""
        array = cls()
        array._pending, array._pending_ref = text, container_ref
        return array

    def _fill(self) -> None:
        text = self._pending
        if text is not None:
            self._pending = None
            parsed = _parse_numeric(text, self._pending_ref)
            if parsed is not None:
                list.extend(self, parsed[0])

    def raw_get(self, index: Any, decrypt: Any = generic.EncryptedObjAccess.TRANSPARENT
                ) -> Any:
        """The item at ``index`` (``ArrayObject.raw_get``; numbers made first if need be)."""
        self._fill()
        return super().raw_get(index, decrypt)

    def __reduce_ex__(self, protocol: Any) -> Any:
        self._fill()  # the copy's state is then taken with its numbers made
        return super().__reduce_ex__(protocol)

    def __radd__(self, other: Any) -> Any:
        self._fill()
        return list.__add__(other, self) if isinstance(other, list) else NotImplemented


def _filling(name: str) -> Any:
    """``list``'s method ``name`` for a :class:`NumericArray`: its numbers made first (and
    those of the other operand when it is one too: ``list``'s comparisons and
    concatenation read the other list's items directly)."""
    original = getattr(list, name)

    def method(self: NumericArray, *args: Any, **kwargs: Any) -> Any:
        self._fill()
        for other in args:
            if type(other) is NumericArray:
                other._fill()
        return original(self, *args, **kwargs)

    method.__name__ = method.__qualname__ = name
    return method


for _name in ("__add__", "__contains__", "__delitem__", "__eq__", "__ge__", "__getitem__",
              "__gt__", "__iadd__", "__imul__", "__iter__", "__le__", "__len__", "__lt__",
              "__mul__", "__ne__", "__repr__", "__reversed__", "__rmul__", "__setitem__",
              "__sizeof__", "append", "clear", "copy", "count", "extend", "index", "insert",
              "pop", "remove", "reverse", "sort"):
    setattr(NumericArray, _name, _filling(_name))
NumericArray.__hash__ = None  # as a list: unhashable


class _ReaderArrayCheck(type):
    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, generic.ArrayObject) and type(instance) is not NumericArray


class _ReaderArrayObject(metaclass=_ReaderArrayCheck):
    """``generic.ArrayObject`` as pyHanko's reader module sees it: every array but a
    :class:`NumericArray`; constructing it makes an ordinary ``ArrayObject``."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return generic.ArrayObject(*args, **kwargs)


def _parse_numeric(region: bytes, container_ref: Any) -> tuple[Any, int] | None:
    """The nested arrays of numbers at the start of ``region`` and where they end, or None
    when the array does not close inside ``region``."""
    stack: list[Any] = []
    for match in _NUMERIC_TOKEN.finditer(region):
        token = match.group()
        if token == b"[":
            stack.append(NumericArray())
            continue
        if token == b"]":
            done = stack.pop()
            done.container_ref = container_ref
            if not stack:
                return done, match.end()
            stack[-1].append(done)
            continue
        if not stack:
            return None
        value = _number(token)
        value.container_ref = container_ref
        stack[-1].append(value)
    return None


_BRACKET = re.compile(rb"[\[\]]")
_DEFER_FROM = 256  # bytes: a shorter array (a box, a byte range) is made at once


def _closing(region: bytes) -> int | None:
    """Just past the bracket closing the array that starts ``region``, or None when it
    does not close inside ``region``."""
    depth = 0
    for match in _BRACKET.finditer(region):
        depth += 1 if match.group() == b"[" else -1
        if depth == 0:
            return match.end()
    return None


def read_array(stream: IO[bytes], container_ref: Any, in_content_stream: Any = None) -> Any:
    """Read ``[...]``: in one pass when it holds only numbers and number arrays."""
    start = stream.tell()
    chunk = stream.read(_CHUNK)
    stream.seek(start)
    stop = _NOT_NUMERIC.search(chunk)
    region = chunk if stop is None else chunk[:stop.start()]
    end = _closing(region) if region.startswith(b"[") else None
    if end is not None and end > _DEFER_FROM:
        stream.seek(start + end)
        return NumericArray.deferred(region[:end], container_ref)
    parsed = _parse_numeric(region, container_ref) if end is not None else None
    if parsed is None:
        if in_content_stream is None:
            return _ORIGINAL_ARRAY_READER.__func__(stream, container_ref)
        return _ORIGINAL_ARRAY_READER.__func__(
            stream, container_ref, in_content_stream=in_content_stream)
    array, end = parsed
    stream.seek(start + end)
    return array


_NAME_END = re.compile(rb"[ \n\r\t\f\x00()<>\[\]{}/%]")  # PDF whitespace and delimiters
_PLAIN_NAME = re.compile(rb"[!-\x22\x24-~]*")  # printable ASCII but '#'
_NAME_CHUNK = 128


def read_name(stream: IO[bytes]) -> Any:
    """Read ``/Name`` at the stream's position into a ``NameObject``, leaving the stream at
    the delimiter that ends it (or at its end), as pyHanko's ``NameObject.read_from_stream``
    does."""
    if stream.read(1) != b"/":
        raise PdfReadError("Name object should start with /")
    parts: list[bytes] = []
    while True:
        chunk = stream.read(_NAME_CHUNK)
        if not chunk:
            break
        end = _NAME_END.search(chunk)
        if end is not None:
            parts.append(chunk[:end.start()])
            stream.seek(end.start() - len(chunk), 1)
            break
        parts.append(chunk)
    raw = b"".join(parts)
    if _PLAIN_NAME.fullmatch(raw):
        return generic.NameObject("/" + raw.decode("ascii"))
    return _ORIGINAL_DECODE_NAME(raw)


@functools.lru_cache(maxsize=4096)
def _prepared(string: str) -> str:
    return str(_ORIGINAL_STRING_PREP(None, string))


def _ldap_string_prep(self: object, string: str) -> str:
    return _prepared(string)


@functools.lru_cache(maxsize=4096)
def _sequences_equal(first: bytes, second: bytes) -> bool:
    return bool(_ORIGINAL_RDN_SEQUENCE_EQ(asn1_x509.RDNSequence.load(first),
                                          asn1_x509.RDNSequence.load(second)))


def _rdn_sequence_eq(self: Any, other: object) -> bool:
    """``RDNSequence.__eq__`` (RFC 5280 name comparison) memoised by the two encodings."""
    if not isinstance(other, asn1_x509.RDNSequence):
        return False
    if self.explicit or other.explicit or self.implicit or other.implicit:  # not as loaded
        return bool(_ORIGINAL_RDN_SEQUENCE_EQ(self, other))
    return _sequences_equal(self.dump(), other.dump())


def install() -> None:
    """Make pyHanko's object parser use :func:`read_hex_string`, :func:`read_array` and
    :func:`read_name`, its reader module see :class:`NumericArray` as a leaf, and
    asn1crypto's name comparison use memoised string preparation and memoised results.
    Idempotent. Objects already parsed stay as they are."""
    generic.read_hex_string_from_stream = read_hex_string
    generic.ArrayObject.read_from_stream = staticmethod(read_array)  # type: ignore[method-assign]
    if getattr(reader_module, "generic") is _ORIGINAL_READER_GENERIC:  # noqa: B009
        view = types.SimpleNamespace(**vars(generic))
        view.ArrayObject = _ReaderArrayObject
        setattr(reader_module, "generic", view)  # noqa: B010
    asn1_x509.NameTypeAndValue._ldap_string_prep = _ldap_string_prep
    generic.NameObject.read_from_stream = staticmethod(read_name)  # type: ignore[method-assign]
    asn1_x509.RDNSequence.__eq__ = _rdn_sequence_eq


def uninstall() -> None:
    """Put pyHanko's and asn1crypto's own code back. Idempotent. A :class:`NumericArray`
    parsed before stays an ``ArrayObject`` that pyHanko's walks then visit as any other."""
    generic.read_hex_string_from_stream = _ORIGINAL_HEX_READER
    setattr(generic.ArrayObject, "read_from_stream", _ORIGINAL_ARRAY_READER)  # noqa: B010
    setattr(reader_module, "generic", _ORIGINAL_READER_GENERIC)  # noqa: B010
    setattr(asn1_x509.NameTypeAndValue, "_ldap_string_prep", _ORIGINAL_STRING_PREP)  # noqa: B010
    setattr(generic.NameObject, "read_from_stream", _ORIGINAL_NAME_READER)  # noqa: B010
    setattr(asn1_x509.RDNSequence, "__eq__", _ORIGINAL_RDN_SEQUENCE_EQ)  # noqa: B010
    _sequences_equal.cache_clear()
    _prepared.cache_clear()


def installed() -> bool:
    """Whether the speed-ups are in force (all of them: :func:`install` puts them in place
    together)."""
    return (generic.read_hex_string_from_stream is read_hex_string
            and vars(generic.ArrayObject)["read_from_stream"].__func__ is read_array
            and getattr(reader_module, "generic") is not _ORIGINAL_READER_GENERIC  # noqa: B009
            and vars(asn1_x509.NameTypeAndValue)["_ldap_string_prep"] is _ldap_string_prep
            and vars(generic.NameObject)["read_from_stream"].__func__ is read_name
            and vars(asn1_x509.RDNSequence)["__eq__"] is _rdn_sequence_eq)
