"""The OCR pipeline: pages OCR'd in parallel processes, assembled in order into one
searchable PDF.

Each page travels alone: a worker loads it from the input file, prepares it (upright,
deskewed, cleaned), recognises it, and sends back the page image to embed plus the words.
At most ``2 * jobs`` pages are in flight, so a 300-page scan never sits in memory at once.
Pages that already carry text (mixed PDFs) are copied unchanged and keep their text.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ocr.errors import OcrInputError
from ocr.inputs import PageKind, load_page, plan_pages
from ocr.model import OcrLimits, PageResult
from ocr.mupdf import SearchablePdfWriter, encode_page_image, text_layer_page
from ocr.preprocess import prepare_page
from ocr.recognise import DEFAULT_LANG, recognise_page

ProgressCallback = Callable[[int, int], None]
PAGES_PER_WORKER = 8
DOUBTFUL_CONFIDENCE = 65.0
"""A page read with a mean word confidence under this is read upside down too."""


def available_cores() -> int:
    """The CPU cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


@dataclass(frozen=True)
class OcrOptions:
    """How to OCR a file."""

    lang: str = DEFAULT_LANG
    jobs: int | None = None  # parallel page processes; None: the available cores
    limits: OcrLimits = field(default_factory=OcrLimits)

    @property
    def workers(self) -> int:
        """How many page processes to run."""
        return max(1, self.jobs or available_cores())


@dataclass
class OcrOutcome:
    """What OCR made of a file: one result per page, in page order."""

    pages: list[PageResult]
    seconds: float

    @property
    def text(self) -> str:
        """The text in reading order, pages separated by form feeds."""
        return "\f".join(page.text for page in self.pages)

    @property
    def mean_confidence(self) -> float:
        """Mean word confidence over every OCR'd page (0..100)."""
        scored = [page.mean_confidence for page in self.pages if page.source == "ocr"]
        return round(sum(scored) / len(scored), 2) if scored else 0.0

    def words_json(self) -> dict[str, Any]:
        """Per page: size, rotation applied, skew, mean confidence, and words with boxes."""
        return {"pages": [{
            "page": page.index + 1, "width": page.width, "height": page.height,
            "dpi": round(page.dpi, 1), "rotation": page.rotation, "skew": round(page.skew, 2),
            "mean_confidence": round(page.mean_confidence, 2), "source": page.source,
            "words": [{"text": word.text, "box": [word.left, word.top, word.width, word.height],
                       "confidence": round(word.confidence, 1), "line": word.line}
                      for word in page.words],
        } for page in self.pages]}


@dataclass
class _PageWork:
    """A processed page on its way back to the assembling process."""

    result: PageResult
    image: bytes | None  # the encoded page image to embed; None: copy the source page


def _start_worker() -> None:
    # Tesseract's own thread limit comes with each Tesseract process (ocr.tesseract)
    import cv2

    cv2.setNumThreads(1)


def _process_page(source: str, index: int, kind: PageKind, options: OcrOptions) -> _PageWork:
    path = Path(source)
    if kind == "text":
        return _PageWork(result=text_layer_page(path, index), image=None)
    page = load_page(path, index, options.limits)
    prepared = prepare_page(page, options.limits)
    result = recognise_page(prepared, options.lang, options.limits)
    if result.words and result.mean_confidence < DOUBTFUL_CONFIDENCE:
        # a sparse page (a signer block alone, a seal) can fool the up/down decision:
        # read it the other way up too and keep the reading Tesseract is surer of
        turned = prepare_page(page, options.limits,
                              turn=((prepared.rotation + 180) % 360, prepared.skew))
        other = recognise_page(turned, options.lang, options.limits)
        if other.mean_confidence > result.mean_confidence + 10:
            prepared, result = turned, other
    return _PageWork(result=result, image=encode_page_image(prepared.display, prepared.bilevel))


def _pages(source: Path, kinds: list[PageKind], options: OcrOptions) -> Iterator[_PageWork]:
    """Yield processed pages in order, with at most ``2 * workers`` in flight."""
    if options.workers == 1 or len(kinds) == 1:
        _start_worker()
        for index, kind in enumerate(kinds):
            yield _process_page(str(source), index, kind, options)
        return
    # Workers come from a fork server that has loaded only the OCR modules (not the
    # caller's heap), and are replaced after a few pages, so memory fragmentation from
    # large page images never accumulates over a long scan.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["ocr.pipeline"])
    with ProcessPoolExecutor(options.workers, mp_context=context, initializer=_start_worker,
                             max_tasks_per_child=PAGES_PER_WORKER) as pool:
        in_flight: dict[int, Future[_PageWork]] = {}
        next_page = 0
        for index in range(len(kinds)):
            while next_page < len(kinds) and next_page < index + 2 * options.workers:
                in_flight[next_page] = pool.submit(_process_page, str(source), next_page,
                                                   kinds[next_page], options)
                next_page += 1
            yield in_flight.pop(index).result()


def ocr_file(source: Path, output: Path, options: OcrOptions | None = None,
             progress: ProgressCallback | None = None) -> OcrOutcome:
    """OCR ``source`` (PDF, PNG, JPEG, TIFF, JPEG 2000) into the searchable PDF ``output``.

    Raises :class:`ocr.errors.OcrInputError` naming the file for input that cannot be used;
    nothing is left at ``output`` then.
    """
    options = options or OcrOptions()
    started = time.perf_counter()
    kinds = plan_pages(source, options.limits)
    results: list[PageResult] = []
    partial = output.with_name(f".{output.name}.part")
    try:
        with SearchablePdfWriter(partial) as writer:
            for work in _pages(source, kinds, options):
                if work.image is None:
                    writer.add_copied_page(source, work.result.index)
                else:
                    writer.add_scanned_page(work.image, work.result.width, work.result.height,
                                            work.result.dpi, work.result.words)
                results.append(work.result)
                if progress is not None:
                    progress(len(results), len(kinds))
                budget = options.limits.document_timeout_seconds
                if len(results) < len(kinds) and time.perf_counter() - started > budget:
                    raise OcrInputError(
                        f"reading it took longer than the {budget:.0f} s allowed for one file "
                        f"({len(results)} of {len(kinds)} pages read)")
        partial.replace(output)
    except OcrInputError as error:
        error.subject = error.subject or source.name
        raise
    finally:
        partial.unlink(missing_ok=True)
    return OcrOutcome(pages=results, seconds=time.perf_counter() - started)
