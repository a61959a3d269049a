"""The statistical side of classification: character n-grams of the text (with and without
diacritics, so OCR noise and unaccented text still match) into a logistic regression,
trained from labelled documents; plus a memory of staff corrections that takes effect at
once, before the next retraining folds them in."""

from __future__ import annotations

import io
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from ingest.classify.text import fold

HEAD_CHARS = 1600
TAIL_CHARS = 500
MEMORY_SIMILARITY = 0.55
"""A corrected document at least this similar (cosine of n-gram vectors) votes."""


def model_text(text: str) -> str:
    """What the model reads: the start (header, title, summary) and the end (signer block)
    of the text, lower-cased, followed by the same without diacritics."""
    compact = " ".join(text.split())
    part = compact if len(compact) <= HEAD_CHARS + TAIL_CHARS else (
        compact[:HEAD_CHARS] + " " + compact[-TAIL_CHARS:])
    return f"{part.lower()} | {fold(part)}"


@dataclass(frozen=True)
class Example:
    """A labelled text to learn from; ``weight`` > 1 for staff corrections."""

    text: str
    doc_type: str
    weight: float = 1.0


@dataclass
class TextModel:
    """A trained model and the corrections it remembers."""

    vectoriser: TfidfVectorizer
    classifier: LogisticRegression
    memory_vectors: Any = None  # sparse matrix of remembered corrections
    memory_labels: list[str] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        """The doc_types the model knows."""
        return [str(label) for label in self.classifier.classes_]

    def probabilities(self, text: str) -> dict[str, float]:
        """P(doc_type | text) for every known type."""
        vector = self.vectoriser.transform([model_text(text)])
        row = self.classifier.predict_proba(vector)[0]
        return {label: float(p) for label, p in zip(self.labels, row, strict=True)}

    def remember(self, examples: Sequence[Example]) -> None:
        """Keep these (corrected) documents for nearest-neighbour votes."""
        self.memory_labels = [example.doc_type for example in examples]
        self.memory_vectors = (self.vectoriser.transform([model_text(e.text) for e in examples])
                               if examples else None)

    def recall(self, text: str) -> tuple[str, float] | None:
        """The type of the most similar remembered correction and its similarity, if any is
        similar enough."""
        if self.memory_vectors is None or not self.memory_labels:
            return None
        vector = self.vectoriser.transform([model_text(text)])
        similarities = (self.memory_vectors @ vector.T).toarray().ravel()
        best = int(np.argmax(similarities))
        score = float(similarities[best])
        return (self.memory_labels[best], score) if score >= MEMORY_SIMILARITY else None

    def to_bytes(self) -> bytes:
        """The model serialised for the object store (read back only after its SHA-256 was
        checked against the records database)."""
        buffer = io.BytesIO()
        pickle.dump(self, buffer, protocol=pickle.HIGHEST_PROTOCOL)
        return buffer.getvalue()

    @staticmethod
    def from_bytes(data: bytes) -> TextModel:
        """A model stored by :meth:`to_bytes`."""
        model = pickle.loads(data)  # noqa: S301 - our own artefact, hash-checked by the caller
        if not isinstance(model, TextModel):
            raise TypeError("not a sohoa text model")
        return model


def train(examples: Sequence[Example]) -> TextModel:
    """Fit the n-gram vectoriser and the classifier on ``examples``."""
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
                                 min_df=2, max_features=150_000, dtype=np.float32)
    matrix = vectoriser.fit_transform([model_text(example.text) for example in examples])
    classifier = LogisticRegression(C=8.0, max_iter=400)
    classifier.fit(matrix, [example.doc_type for example in examples],
                   sample_weight=[example.weight for example in examples])
    return TextModel(vectoriser=vectoriser, classifier=classifier)
