"""Valid PDFs of any size for upload and storage tests: one blank page plus an unreferenced
stream object carrying the payload, with a correct cross-reference table, so intake's
checks accept them and no reader ever has to parse the payload."""

from __future__ import annotations


def pdf_around(payload_size: int) -> tuple[bytes, bytes]:
    """The bytes before and after a payload of ``payload_size`` bytes that together make a
    valid one-page PDF."""
    header = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    objects = [
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n",
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n",
    ]
    offsets, position = [], len(header)
    for obj in objects:
        offsets.append(position)
        position += len(obj)
    offsets.append(position)
    head = header + b"".join(objects) + f"4 0 obj\n<< /Length {payload_size} >>\nstream\n".encode()
    after_payload = b"\nendstream\nendobj\n"
    xref_at = len(head) + payload_size + len(after_payload)
    xref = b"xref\n0 5\n0000000000 65535 f \n" + b"".join(
        f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    trailer = f"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return head, after_payload + xref + trailer


def pdf_with(payload: bytes) -> bytes:
    """A valid one-page PDF carrying ``payload`` in an unreferenced stream."""
    head, tail = pdf_around(len(payload))
    return head + payload + tail
