"""Model versions and training data: train a version, store it in the object store, load
the newest one; staff corrections recorded as training examples.

A fresh installation has no labelled documents of its own, so version 1 is trained from
the built-in generator of labelled documents (:mod:`ingest.synthetic`), with OCR-like noise
and unaccented copies. Later versions add every confirmed or corrected document, weighted
up. Between retrainings, corrections act at once through the model's memory, which is
rebuilt whenever a new example appears; nothing needs a restart.
"""

from __future__ import annotations

import hashlib
import io
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ingest.classify.classifier import SNAP_FIELDS, Classifier
from ingest.classify.model import Example, TextModel, train
from storage.errors import SohoaError
from storage.objects import ObjectStore
from storage.objects.keys import CLASSIFIER_MODELS
from storage.orphans import put_object
from storage.records.models import ClassifierModel, TrainingExample

SYNTHETIC_DOCUMENTS = 1600
SYNTHETIC_SEED = 20261122
CORRECTION_WEIGHT = 15.0
MODEL_PREFIX = CLASSIFIER_MODELS  # where trained versions are stored


class ModelIntegrityError(SohoaError):
    """A stored model does not match the hash its record gives."""

    kind = "internal"
    title = "Model integrity error"


def synthetic_examples(count: int = SYNTHETIC_DOCUMENTS,
                       seed: int = SYNTHETIC_SEED) -> list[Example]:
    """Labelled texts from the generator: clean, with OCR-like noise, and unaccented."""
    from ingest.synthetic import generate_documents, ocr_noise, strip_diacritics

    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    examples: list[Example] = []
    for document in generate_documents(count, seed=seed):
        text = document.text()
        variant = rng.random()
        if variant < 0.15:
            text = strip_diacritics(text)
        elif variant < 0.75:
            text = ocr_noise(text, rng, rate=rng.choice((0.01, 0.03, 0.06)))
        examples.append(Example(text=text, doc_type=document.doc_type))
    return examples


def stored_examples(session: Session) -> list[Example]:
    """Every confirmed or corrected document as a weighted example."""
    rows = session.scalars(select(TrainingExample).order_by(TrainingExample.id))
    return [Example(text=row.text, doc_type=row.doc_type, weight=CORRECTION_WEIGHT)
            for row in rows]


def latest_example_id(session: Session) -> int:
    """The id of the newest training example (0 when there is none)."""
    return int(session.scalar(select(func.coalesce(func.max(TrainingExample.id), 0))) or 0)


def train_version(session: Session, store: ObjectStore, *,
                  synthetic_count: int = SYNTHETIC_DOCUMENTS,
                  progress: Callable[[int, int], None] | None = None) -> ClassifierModel:
    """Train a new model version on the generated set plus the stored examples, store it
    and record it (the caller commits)."""
    if progress:
        progress(0, 2)
    last_id = latest_example_id(session)
    examples = synthetic_examples(synthetic_count) + stored_examples(session)
    if progress:
        progress(1, 2)
    model = train(examples)
    data = model.to_bytes()
    if progress:
        progress(2, 2)  # the last report: the session below may hold the database's lock
    info = put_object(session, store, MODEL_PREFIX, io.BytesIO(data), suffix=".pkl")
    version = int(session.scalar(select(func.coalesce(func.max(ClassifierModel.version), 0)))
                  or 0) + 1
    row = ClassifierModel(version=version, object_key=info.key, sha256=info.sha256,
                          size=info.size, examples=len(examples), last_example_id=last_id)
    session.add(row)
    session.flush()
    return row


@dataclass
class _Loaded:
    version: int
    model: TextModel
    memory_id: int = -1


class ModelCache:
    """The newest model version, loaded once per process and refreshed when a newer
    version or a new correction appears (checked on every use: one small query)."""

    def __init__(self) -> None:
        self._loaded: _Loaded | None = None
        self._lock = threading.Lock()

    def classifier(self, session: Session, store: ObjectStore, *,
                   train_if_missing: bool = True) -> Classifier:
        """A classifier with the newest model, its memory of corrections and the values
        staff confirmed; trains version 1 first when there is none and allowed to."""
        with self._lock:
            newest = session.scalar(select(ClassifierModel)
                                    .order_by(ClassifierModel.version.desc()).limit(1))
            if newest is None:
                if not train_if_missing:
                    return Classifier(known_values=_known_values(session))
                newest = _train_first(session, store)
            if self._loaded is None or self._loaded.version != newest.version:
                self._loaded = _Loaded(newest.version, _read_model(store, newest))
            example_id = latest_example_id(session)
            if self._loaded.memory_id != example_id:
                self._loaded.model.remember(stored_examples(session))
                self._loaded.memory_id = example_id
            return Classifier(self._loaded.model, version=self._loaded.version,
                              known_values=_known_values(session))


def _train_first(session: Session, store: ObjectStore) -> ClassifierModel:
    """Version 1; when another worker recorded it first, theirs is used."""
    try:
        row = train_version(session, store)
        session.commit()
        return row
    except IntegrityError:
        session.rollback()
        first = session.get(ClassifierModel, 1)
        if first is None:
            raise
        return first


def _read_model(store: ObjectStore, row: ClassifierModel) -> TextModel:
    with store.open(row.object_key) as stream:
        data = stream.read()
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise ModelIntegrityError("stored model does not match its recorded SHA-256",
                                  subject=row.object_key)
    return TextModel.from_bytes(data)


def _known_values(session: Session) -> dict[str, list[str]]:
    """Agencies, signers and positions as staff confirmed them."""
    known: dict[str, set[str]] = {name: set() for name in SNAP_FIELDS}
    for fields in session.scalars(select(TrainingExample.fields)):
        for name in SNAP_FIELDS:
            value = (fields or {}).get(name)
            if isinstance(value, str) and value.strip():
                known[name].add(value)
    return {name: sorted(values) for name, values in known.items()}


MODELS = ModelCache()
"""The process's model cache."""
