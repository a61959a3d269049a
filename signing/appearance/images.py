"""Signature images compressed once and written into each signed file as ready streams.

pyHanko's ``PdfImage`` re-encodes and re-compresses the PNG for every signature (its image
XObject belongs to one writer). :class:`EncodedImage` keeps the Flate-compressed colour and
alpha planes of an image and only wraps them in new PDF stream objects per writer.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.writer import BasePdfFileWriter


def _number(value: int) -> generic.NumberObject:
    return generic.NumberObject(value)  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class CompressedPlanes:
    """An RGB or grey image's Flate-compressed samples, and its alpha plane's if any."""

    width: int
    height: int
    colour_space: str
    samples: bytes
    alpha: bytes | None

    @classmethod
    def of(cls, image: Image.Image) -> CompressedPlanes:
        """Compress ``image`` (RGB, RGBA, L or LA) once."""
        alpha = None
        if image.mode.endswith("A"):
            alpha = zlib.compress(image.split()[-1].tobytes())
            image = image.convert(image.mode[:-1])
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        return cls(width=image.width, height=image.height,
                   colour_space="/DeviceGray" if image.mode == "L" else "/DeviceRGB",
                   samples=zlib.compress(image.tobytes()), alpha=alpha)

    def _stream(self, writer: BasePdfFileWriter, colour_space: str, data: bytes,
                smask: generic.IndirectObject | None) -> generic.IndirectObject:
        entries = {
            pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Image"),
            pdf_name("/Width"): _number(self.width),
            pdf_name("/Height"): _number(self.height),
            pdf_name("/ColorSpace"): pdf_name(colour_space),
            pdf_name("/BitsPerComponent"): _number(8),
            pdf_name("/Filter"): pdf_name("/FlateDecode"),
        }
        if smask is not None:
            entries[pdf_name("/SMask")] = smask
        stream = generic.StreamObject(entries, encoded_data=data)
        return writer.add_object(stream)

    def write(self, writer: BasePdfFileWriter) -> generic.IndirectObject:
        """Add the image XObject (and its soft mask) to ``writer``."""
        smask = (self._stream(writer, "/DeviceGray", self.alpha, None)
                 if self.alpha is not None else None)
        return self._stream(writer, self.colour_space, self.samples, smask)


class EncodedImage(PdfImage):
    """A ``PdfImage`` whose XObject is written from :class:`CompressedPlanes`."""

    def __init__(self, image: Image.Image, planes: CompressedPlanes) -> None:
        super().__init__(image)
        self._planes = planes

    @property
    def image_ref(self) -> generic.IndirectObject:
        """The image XObject in the current writer (written on first use per writer)."""
        assert self.writer is not None
        reference = self._image_ref
        if reference is None or (reference.get_pdf_handler()  # type: ignore[no-untyped-call]
                                  is not self.writer):
            self._image_ref = reference = self._planes.write(self.writer)
        return reference
