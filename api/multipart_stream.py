"""A multipart/form-data upload parsed as its body streams in, each file part written
straight into the object store's staging directory.

Starlette's form parser spools every file part to a temporary file (in memory up to 1 MB,
then on disk, one thread hop per chunk) before the handler runs, and intake then copied that
file again to hash it. Here python-multipart's streaming parser is fed the request's body
as it arrives, and each part of the upload field goes, chunk by chunk, into an
:class:`ingest.staging.StagingFile`: counted against the size limit (413 naming the file as
soon as it passes, before the rest is read), hashed and written once. The (async) handler gets
:class:`ingest.staging.StagedFile` items, which ``ObjectStore.put_file`` moves (or sends)
into place. Whatever is refused or not stored is removed: on any failure while parsing, and
after the handler for the files it did not consume.
"""

from __future__ import annotations

import codecs
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from api.problems import BODY_UNREAD
from api.runtime import Runtime
from ingest.staging import StagedFile, StagingFile
from storage.errors import BadInputError

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

UPLOAD_FIELD = "files"
"""The form field whose parts are the uploaded files."""
MAX_FILES = 100
"""The most file parts one request may carry."""
MAX_FIELD_BYTES = 1024
"""The most bytes a kept text field (see :func:`stage_form`) may hold."""

OPENAPI_FILES: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {
        "type": "object", "required": [UPLOAD_FIELD],
        "properties": {UPLOAD_FIELD: {"type": "array", "items": {
            "type": "string", "format": "binary"}}}}}}}}
"""The request body of a route that reads its files with :func:`staged_uploads`, for its
OpenAPI entry (FastAPI sees no form parameter and would document none)."""


class MultipartBodyError(BadInputError):
    """The request's body is not a well-formed multipart/form-data upload."""


def _decode(value: bytes, charset: str) -> str:
    try:
        return value.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return value.decode("latin-1")


@dataclass(frozen=True)
class StagedForm:
    """A form's staged files (see :func:`stage_form`) and the text fields it kept."""

    files: list[StagedFile]
    fields: dict[str, str]


FileGate = Callable[[Mapping[str, str]], None]
"""Called with the text fields read so far as each file part begins; raising refuses the
request before that file is written."""


class _Parts:
    """python-multipart's callbacks: file parts of ``field`` into staging files, and the
    values of the text fields named in ``keep``."""

    def __init__(self, directory: Path, field: str, limit: int | None, charset: str, *,
                 keep: frozenset[str] = frozenset(), gate: FileGate | None = None,
                 skip_blank: bool = False) -> None:
        self.directory = directory
        self.field = field
        self.limit = limit
        self.charset = charset
        self.keep = keep
        self.gate = gate
        self.skip_blank = skip_blank
        self.staged: list[StagedFile] = []
        self.fields: dict[str, str] = {}
        self.current: StagingFile | None = None
        self.ended = False
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._value_name: str | None = None
        self._value = bytearray()
        self._blank = False

    def callbacks(self) -> MultipartCallbacks:
        """The callback table for :class:`MultipartParser`."""
        return {"on_part_begin": self.part_begin, "on_part_data": self.part_data,
                "on_part_end": self.part_end, "on_header_field": self.header_field,
                "on_header_value": self.header_value, "on_header_end": self.header_end,
                "on_headers_finished": self.headers_finished, "on_end": self.end}

    def part_begin(self) -> None:
        self._disposition = b""

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def header_end(self) -> None:
        if self._header_name.strip().lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if b"name" not in options:
            raise MultipartBodyError("a part of the multipart body has no field name "
                                     "(Content-Disposition: form-data; name=...)")
        name = _decode(options[b"name"], self.charset)
        if name != self.field:
            if name in self.keep and b"filename" not in options:
                self._value_name = name
                self._value = bytearray()
            return  # another field: its content is not kept
        if b"filename" not in options:
            raise MultipartBodyError("the field holds a value, not a file: send each file "
                                     "as a file part", subject=self.field)
        if len(self.staged) >= MAX_FILES:
            raise MultipartBodyError(f"more than {MAX_FILES} files in one request",
                                     subject=self.field)
        if self.gate is not None:
            self.gate(self.fields)
        filename = _decode(options[b"filename"], self.charset)
        self._blank = not filename
        self.current = StagingFile(self.directory, filename or "upload", self.limit)

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self.current is not None:
            self.current.write(memoryview(data)[start:end])
        elif self._value_name is not None:
            self._value += data[start:end]
            if len(self._value) > MAX_FIELD_BYTES:
                raise MultipartBodyError(f"the field holds more than {MAX_FIELD_BYTES} bytes",
                                         subject=self._value_name)

    def part_end(self) -> None:
        if self._value_name is not None:
            self.fields[self._value_name] = _decode(bytes(self._value), self.charset)
            self._value_name = None
        if self.current is not None:
            if self.skip_blank and self._blank and self.current.size == 0:
                self.current.discard()  # a form's file input left empty
            else:
                self.staged.append(self.current.finish())
            self.current = None

    def end(self) -> None:
        self.ended = True

    def discard(self) -> None:
        """Remove every staging file written so far."""
        if self.current is not None:
            self.current.discard()
            self.current = None
        for staged in self.staged:
            staged.discard()


async def stage_uploads(request: Request, directory: Path, limit: int | None, *,
                        field: str = UPLOAD_FIELD) -> list[StagedFile]:
    """Read the request's multipart body as it streams in, writing each file part of
    ``field`` into a staging file in ``directory`` (each within ``limit`` bytes); the staged
    files in their order. :class:`MultipartBodyError` (422) for a body that is not a
    complete multipart/form-data upload with at least one file in ``field``,
    ``TooLargeError`` (413) naming the file that passes ``limit``; nothing is left in
    ``directory`` when it fails."""
    parts = await _parse(request, field, lambda charset: _Parts(directory, field, limit,
                                                                 charset))
    if not parts.staged:
        parts.discard()
        raise MultipartBodyError(f"no file was sent: send at least one file in the "
                                 f"field '{field}'", subject=field)
    return parts.staged


async def stage_form(request: Request, directory: Path, limit: int | None, *,
                     keep: frozenset[str], gate: FileGate | None = None,
                     field: str = UPLOAD_FIELD) -> StagedForm:
    """A web form's multipart body read as it streams in (see :func:`stage_uploads`): its
    file parts of ``field`` staged, a file input left empty skipped (there may be no
    file), and the text fields named in ``keep`` (each within :data:`MAX_FIELD_BYTES`).
    ``gate`` sees the fields read so far before each file is written and may refuse the
    request; nothing is left in ``directory`` when it fails."""
    parts = await _parse(request, field, lambda charset: _Parts(
        directory, field, limit, charset, keep=keep, gate=gate, skip_blank=True))
    return StagedForm(files=parts.staged, fields=parts.fields)


async def _parse(request: Request, field: str, make: Callable[[str], _Parts]) -> _Parts:
    request.scope[BODY_UNREAD] = True  # until the stream ends: an error answer closes
    media_type, params = parse_options_header(request.headers.get("content-type", ""))
    if media_type != b"multipart/form-data" or b"boundary" not in params:
        raise MultipartBodyError("send the files as multipart/form-data, in the field "
                                 f"'{field}'", subject=field)
    charset = _decode(params.get(b"charset", b"utf-8"), "latin-1")
    try:
        charset = codecs.lookup(charset).name
    except LookupError:
        charset = "latin-1"
    parts = make(charset)
    parser = MultipartParser(params[b"boundary"], parts.callbacks())
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        request.scope[BODY_UNREAD] = False
        parser.finalize()
        if not parts.ended:
            raise MultipartBodyError("the multipart body ends before its closing boundary "
                                     "(the upload was cut short)", subject=field)
    except MultipartParseError as error:
        parts.discard()
        raise MultipartBodyError(f"the multipart body is malformed: {error}",
                                 subject=field) from error
    except BaseException:
        parts.discard()
        raise
    return parts


@asynccontextmanager
async def staged_uploads(request: Request, runtime: Runtime) -> AsyncIterator[list[StagedFile]]:
    """The request's uploaded files (field ``files``), staged as they stream in within
    ``SOHOA_MAX_UPLOAD_MB``; whatever the block did not store is removed after it."""
    staged = await stage_uploads(request, runtime.store.staging_dir(),
                                 runtime.settings.max_upload_bytes)
    try:
        yield staged
    finally:
        for item in staged:
            item.discard()
