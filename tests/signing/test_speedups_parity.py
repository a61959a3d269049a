"""``signing/speedups.py`` replaces parts of pyHanko's PDF parser and of asn1crypto's name
comparison: the patched code must read exactly what the originals read.

Every PDF of the corpus and signed files (one signature at B-B; leader then agency at B-T,
B-LT and B-LTA) are parsed with plain pyHanko (speed-ups uninstalled) and with the
speed-ups installed; every object of every revision, reached from the trailer and from the
revision's cross-reference section (historical view), and of the file as it stands, is
reduced to its types and values (stream bytes raw and decoded included) and the two
readings must be equal. A :class:`~signing.speedups.NumericArray` counts as the
``ArrayObject`` of the same numbers; anything else must match type for type. The names of
every certificate involved are then compared pairwise both ways.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms, pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import speedups
from signing.document import RoleOptions, sign_document
from signing.keys import unlock_pkcs12
from signing.pades import Level, TrustServices
from tests.support.pki_server import RunningPki

Canonical = Any  # nested tuples of str, int, bytes, bool, None


@contextmanager
def speedups_in_force(wanted: bool) -> Iterator[None]:
    """Run the block with the speed-ups installed (or not), then put back what was."""
    before = speedups.installed()
    (speedups.install if wanted else speedups.uninstall)()
    assert speedups.installed() is wanted
    try:
        yield
    finally:
        (speedups.install if before else speedups.uninstall)()


# --- one reading of a PDF, reduced to types and values --------------------------------

@dataclass
class Reading:
    """Each object of a file by (view, object number, generation); view is a revision
    number or "now" (the reader itself), the trailer under number -1."""

    objects: dict[tuple[object, int, int], Canonical] = field(default_factory=dict)
    numeric_arrays: int = 0  # how many NumericArray objects were met (speed-ups at work)


# Decoding is pyHanko's, from the raw bytes and the dictionary compared anyway: it is
# checked too, but not on the large image streams that take seconds to inflate.
_DECODE_AT_MOST = 256 * 1024


def _digest(data: bytes) -> tuple[int, str]:
    return len(data), hashlib.sha256(data).hexdigest()


def canonical(obj: object, reading: Reading, refs: list[tuple[int, int]]) -> Canonical:
    """``obj`` as nested tuples: type name and value, references left as references (and
    added to ``refs``). A NumericArray is named ``ArrayObject``."""
    if isinstance(obj, generic.IndirectObject):
        refs.append((obj.idnum, obj.generation))
        return ("ref", obj.idnum, obj.generation)
    if isinstance(obj, generic.StreamObject):
        encoded = obj.encoded_data
        decoded: Canonical = "not decoded"
        if len(encoded) <= _DECODE_AT_MOST:
            try:
                decoded = _digest(obj.data)
            except Exception as error:  # an unsupported filter is a value too
                decoded = ("error", type(error).__name__, str(error))
        return ("StreamObject", _dictionary(obj, reading, refs), _digest(encoded), decoded)
    if isinstance(obj, generic.DictionaryObject):
        return (type(obj).__name__, _dictionary(obj, reading, refs))
    if isinstance(obj, generic.ArrayObject):
        if isinstance(obj, speedups.NumericArray):
            reading.numeric_arrays += 1
            kind = "ArrayObject"
        else:
            kind = type(obj).__name__
        return (kind, tuple(canonical(obj.raw_get(index), reading, refs)
                            for index in range(len(obj))))
    kind = type(obj).__name__
    if isinstance(obj, generic.BooleanObject):
        return (kind, bool(obj.value))
    if isinstance(obj, generic.NullObject):
        return (kind, None)
    if isinstance(obj, generic.FloatObject):
        return (kind, str(obj))
    if isinstance(obj, generic.NumberObject):
        return (kind, int(obj))
    if isinstance(obj, generic.TextStringObject):
        encoding = obj.autodetected_encoding
        return (kind, str(obj), None if encoding is None else encoding.name)
    if isinstance(obj, generic.NameObject | generic.ByteStringObject):
        return (kind, bytes(obj) if isinstance(obj, bytes) else str(obj))
    return (kind, repr(obj))  # an object kind this test does not know: still compared


def _dictionary(obj: generic.DictionaryObject, reading: Reading,
                refs: list[tuple[int, int]]) -> Canonical:
    return tuple(sorted((str(key), canonical(obj.raw_get(key), reading, refs))
                        for key in obj))


def _walk(view: object, get: Any, trailer: generic.DictionaryObject,
          explicit: set[generic.Reference], reading: Reading) -> None:
    """Every object reachable from ``trailer`` and every one of ``explicit``."""
    pending: list[tuple[int, int]] = []
    reading.objects[view, -1, 0] = canonical(trailer, reading, pending)
    pending.extend((ref.idnum, ref.generation) for ref in explicit)
    seen: set[tuple[int, int]] = set()
    while pending:
        number, generation = pending.pop()
        if (number, generation) in seen:
            continue
        seen.add((number, generation))
        found: list[tuple[int, int]] = []
        try:
            value = canonical(get(generic.Reference(number, generation)), reading, found)
        except Exception as error:  # a broken object must break alike
            value = ("error", type(error).__name__, str(error))
        reading.objects[view, number, generation] = value
        pending.extend(found)


def read_pdf(data: bytes, *, strict: bool) -> Reading:
    """Everything pyHanko reads of ``data``, as the patch state now in force reads it."""
    reading = Reading()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=strict)
        for revision in range(reader.xrefs.total_revisions):
            resolver = reader.get_historical_resolver(revision)
            _walk(revision, resolver.get_object, resolver.trailer_view,
                  reader.xrefs.explicit_refs_in_revision(revision), reading)
        _walk("now", reader.get_object, reader.trailer_view, set(), reading)
    except Exception as error:  # a file refused must be refused alike
        reading.objects["open", 0, 0] = ("error", type(error).__name__, str(error))
    return reading


def differences(plain: Reading, fast: Reading) -> list[str]:
    """What differs between two readings, one line per object."""
    found = []
    for key in sorted(plain.objects.keys() | fast.objects.keys(), key=repr):
        ours, theirs = fast.objects.get(key, "<missing>"), plain.objects.get(key, "<missing>")
        if ours != theirs:
            found.append(f"{key}: pyHanko {str(theirs)[:300]} | speed-ups {str(ours)[:300]}")
    return found


def both_readings(data: bytes, *, strict: bool) -> tuple[Reading, Reading]:
    with speedups_in_force(False):
        plain = read_pdf(data, strict=strict)
    with speedups_in_force(True):
        fast = read_pdf(data, strict=strict)
    return plain, fast


# --- the files --------------------------------------------------------------------------

def _corpus(corpus_dir: Path) -> list[Path]:
    files = sorted(corpus_dir.rglob("*.pdf"))
    assert len(files) >= 20, f"the corpus lost its PDFs: {corpus_dir}"
    return files


@pytest.fixture(scope="module")
def signed_files(served_pki: RunningPki, decision_pdf: Path) -> dict[str, bytes]:
    """One signature at B-B, then leader and agency at B-T, B-LT and B-LTA."""
    services = TrustServices(tsa_url=served_pki.tsa_url)
    keys = {name: unlock_pkcs12((served_pki.directory / f"{name}.p12").read_bytes(), "1234",
                                source=name) for name in ("leader", "clerk")}
    leader = RoleOptions(role="leader", image=served_pki.directory / "leader-signature.png")
    agency = RoleOptions(role="agency", image=served_pki.directory / "agency-seal.png")
    draft = decision_pdf.read_bytes()
    files = {}
    with speedups_in_force(False):
        files["leader B-B"], _ = sign_document(draft, keys["leader"], role=leader,
                                               level=Level.B_B, services=services,
                                               source="b-b")
        for level in (Level.B_T, Level.B_LT, Level.B_LTA):
            first, _ = sign_document(draft, keys["leader"], role=leader, level=level,
                                     services=services, source=level.value)
            files[f"leader+agency {level.value}"], _ = sign_document(
                first, keys["clerk"], role=agency, level=level, services=services,
                source=level.value)
    return files


def test_corpus_reads_the_same(corpus_dir: Path) -> None:
    problems = []
    for path in _corpus(corpus_dir):
        data = path.read_bytes()
        for strict in (True, False):
            plain, fast = both_readings(data, strict=strict)
            problems += [f"{path.name} strict={strict} {line}"
                         for line in differences(plain, fast)]
    assert not problems, "\n".join(problems[:20])


def test_signed_files_read_the_same(signed_files: dict[str, bytes]) -> None:
    problems, numeric_arrays = [], 0
    for name, data in signed_files.items():
        plain, fast = both_readings(data, strict=True)
        assert plain.numeric_arrays == 0
        assert len(plain.objects) > 20, name
        numeric_arrays += fast.numeric_arrays
        problems += [f"{name}: {line}" for line in differences(plain, fast)]
    assert not problems, "\n".join(problems[:20])
    assert numeric_arrays > 0, "the speed-ups' array reader was never used"


# --- the comparison itself can fail ------------------------------------------------------

def _one(obj: object) -> Canonical:
    return canonical(obj, Reading(), [])


def _numbers(*values: str) -> list[Any]:
    return [generic.FloatObject(v) if "." in v else generic.NumberObject(v)  # type: ignore[no-untyped-call]
            for v in values]


def test_numeric_array_equals_the_array_of_the_same_numbers() -> None:
    assert _one(speedups.NumericArray(_numbers("0", "0", "595.2", "842.16"))) == _one(
        generic.ArrayObject(_numbers("0", "0", "595.2", "842.16")))
    assert _one(speedups.NumericArray(_numbers("0", "1"))) != _one(
        generic.ArrayObject(_numbers("0", "2")))
    assert _one(generic.ArrayObject(_numbers("1"))) != _one(generic.ArrayObject(_numbers("1.0")))
    assert _one(generic.ArrayObject(_numbers("1"))) != _one(
        generic.ArrayObject([generic.TextStringObject("1")]))


def test_a_different_object_is_reported(corpus_dir: Path) -> None:
    original = (corpus_dir / "vi-admin" / "s100-000-don_de_nghi.pdf").read_bytes()
    box = b"/MediaBox[0 0 595.2 842.16]"
    assert original.count(box) == 1
    altered = original.replace(box, b"/MediaBox[0 0 595.3 842.16]")  # same length
    with speedups_in_force(False):
        plain = read_pdf(original, strict=True)
    with speedups_in_force(True):
        fast = read_pdf(altered, strict=True)
    found = differences(plain, fast)
    assert found, "a changed page size went unnoticed"
    assert all("595.3" in line and "595.2" in line for line in found), found
    # the page object in its revision and as the file stands, nothing else
    assert len(found) == 2, found


# --- certificate names -------------------------------------------------------------------

def _certificates(signed_files: dict[str, bytes], pki_directory: Path) -> list[bytes]:
    """DER of each certificate in the signatures (time stamp tokens included), in the DSS
    and in the PKI's root file."""
    found = {pem.unarmor((pki_directory / "root-ca.pem").read_bytes())[2]}

    def from_signed_data(content: Any) -> None:
        signed_data = content["content"]
        for choice in signed_data["certificates"] or []:
            found.add(choice.chosen.dump())
        for info in signed_data["signer_infos"]:
            for attribute in info["unsigned_attrs"] or []:
                if attribute["type"].native == "signature_time_stamp_token":
                    from_signed_data(attribute["values"][0])

    for data in signed_files.values():
        reader = PdfFileReader(io.BytesIO(data))
        for signature in reader.embedded_signatures:
            contents = signature.sig_object.raw_get("/Contents")
            from_signed_data(cms.ContentInfo.load(bytes(contents)))
        if "/DSS" in reader.root and "/Certs" in reader.root["/DSS"]:
            for stream in reader.root["/DSS"]["/Certs"]:
                found.add(stream.get_object().data)
    return sorted(found)


def _variants(names: list[bytes]) -> list[bytes]:
    """Each common name again in upper case, with doubled spaces and decomposed (NFD):
    names that RFC 4518 preparation makes equal to the original."""
    made = []
    for der in names:
        common = asn1_x509.Name.load(der).native.get("common_name")
        if isinstance(common, str):
            for text in (common, common.upper(), common.replace(" ", "  "),
                         unicodedata.normalize("NFD", common)):
                made.append(asn1_x509.Name.build({"common_name": text}).dump())
    return made


def _name_comparisons(names: list[bytes]) -> tuple[list[list[bool]], list[str]]:
    loaded = [asn1_x509.Name.load(der) for der in names]  # fresh: no prepared values yet
    return [[a == b for b in loaded] for a in loaded], [name.hashable for name in loaded]


def test_certificate_names_compare_the_same(signed_files: dict[str, bytes],
                                            served_pki: RunningPki) -> None:
    certificates = _certificates(signed_files, served_pki.directory)
    assert len(certificates) >= 4  # root, leader, clerk, time stamping
    names = []
    for der in certificates:
        certificate = asn1_x509.Certificate.load(der)
        names += [certificate.subject.dump(), certificate.issuer.dump()]
    names = sorted(set(names)) + _variants(sorted(set(names)))
    with speedups_in_force(False):
        plain = _name_comparisons(names)
    with speedups_in_force(True):
        fast = _name_comparisons(names)
        assert speedups._prepared.cache_info().currsize > 0
        again = _name_comparisons(names)  # now from the memoised comparisons
        assert speedups._sequences_equal.cache_info().hits > 0
    assert fast == plain
    assert again == plain
    matrix = plain[0]
    # not a trivial matrix: different encodings of one name do compare equal
    assert any(matrix[i][j] and names[i] != names[j]
               for i in range(len(names)) for j in range(len(names)))
    assert not all(all(row) for row in matrix)


def test_install_and_uninstall_are_idempotent_and_restore() -> None:
    with speedups_in_force(False):
        originals = (generic.read_hex_string_from_stream,
                     vars(generic.ArrayObject)["read_from_stream"],
                     asn1_x509.NameTypeAndValue._ldap_string_prep)
        speedups.uninstall()
        assert not speedups.installed()
        speedups.install()
        speedups.install()
        assert speedups.installed()
        speedups.uninstall()
        assert not speedups.installed()
        assert (generic.read_hex_string_from_stream,
                vars(generic.ArrayObject)["read_from_stream"],
                asn1_x509.NameTypeAndValue._ldap_string_prep) == originals


_NAMES = [b"/Type", b"/Type ", b"/Type/Page", b"/A#20B(", b"/A#2", b"/A#zz ", b"/",
          b"/ ", b"/Caf\xc3\xa9]", b"/Lat\xe9>", b"/Tab\x7f ", b"/x%comment", b"/a{b}",
          b"/" + b"N" * 300, b"/" + b"N" * 127 + b"#41" + b"M" * 200 + b"\n", b"Type"]


def _read_name(text: bytes) -> tuple[tuple[str, str], int]:
    stream = io.BytesIO(text)
    try:
        name = generic.NameObject.read_from_stream(stream)  # type: ignore[no-untyped-call]
    except Exception as error:  # compared below: the same refusal
        return (type(error).__name__, str(error)), stream.tell()
    return (type(name).__name__, str(name)), stream.tell()


def test_names_read_the_same_and_bad_ones_are_refused_the_same() -> None:
    with speedups_in_force(False):
        plain = [_read_name(text) for text in _NAMES]
    with speedups_in_force(True):
        fast = [_read_name(text) for text in _NAMES]
    assert fast == plain
    assert {kind for (kind, _), _ in plain} >= {"NameObject", "PdfReadError"}
