"""Classification: the layout clues and the statistical model combined into one answer with
a confidence, the fields extracted for that type, and a flag when a person should check."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ingest.classify.extract import FieldExtractor, FieldValue, Reread
from ingest.classify.handwriting import Review
from ingest.classify.lines import ReadDocument
from ingest.classify.missing import not_found
from ingest.classify.model import TextModel
from ingest.classify.rules import gather_evidence, is_consolidated
from ingest.classify.stamps import Arrival, ESignature
from ingest.classify.text import similarity, squash
from ingest.classify.vocabulary import (
    ADMINISTRATIVE_FIELDS,
    ADMINISTRATIVE_TYPES,
    CITIZEN_FIELDS,
    DOC_TYPES,
)

REVIEW_BELOW = 0.7
"""Type or field confidence under this flags the document for review."""

MEMORY_STRENGTH = 400.0
"""Likelihood ratio of a near-identical corrected document (scaled down with similarity)."""

SNAP_FIELDS = ("co_quan_ban_hanh", "nguoi_ky", "chuc_vu")
"""Fields whose values recur in an office (its agencies and signers), so confirmed values
are worth remembering; applicants' names and numbers are not."""

SNAP_SIMILARITY = 0.9
"""An extracted value this close to a value staff confirmed is taken in their spelling."""


@dataclass
class Classification:
    """The answer for one document."""

    doc_type: str
    confidence: float
    fields: dict[str, FieldValue] = field(default_factory=dict)
    needs_review: bool = False
    reasons: list[str] = field(default_factory=list)
    model_version: int | None = None
    consolidated: bool = False
    review: list[Review] = field(default_factory=list)  # fields left empty for a person
    e_signatures: list[ESignature] = field(default_factory=list)
    arrivals: list[Arrival] = field(default_factory=list)

    @property
    def e_signature(self) -> ESignature | None:
        """The issuer's e-signature stamp: the earliest signed (a gazette or portal that
        publishes the copy stamps it after the issuer)."""
        return min(self.e_signatures, key=lambda stamp: stamp.time or "", default=None)

    def to_json(self) -> dict[str, Any]:
        """The CLI contract's JSON, plus per-field confidence, review flag and reasons, the
        e-signature stamps (``e_signature``: the issuer's) and the arrival stamps."""
        primary = self.e_signature
        return {
            "doc_type": self.doc_type, "confidence": round(self.confidence, 3),
            "fields": {name: value.value for name, value in self.fields.items()},
            "field_confidence": {name: round(value.confidence, 3)
                                 for name, value in self.fields.items()},
            "needs_review": self.needs_review, "reasons": self.reasons,
            "model_version": self.model_version, "consolidated": self.consolidated,
            "review": [entry.to_json() for entry in self.review],
            "e_signature": primary.to_json() if primary else None,
            "e_signatures": [stamp.to_json() for stamp in self.e_signatures],
            "arrival": self.arrivals[0].to_json() if self.arrivals else None,
            "arrivals": [stamp.to_json() for stamp in self.arrivals],
        }


def expected_fields(doc_type: str) -> tuple[str, ...]:
    """The fields domain.md gives documents of ``doc_type``: a document without one of
    them is flagged for review."""
    if doc_type in ADMINISTRATIVE_TYPES:
        return ADMINISTRATIVE_FIELDS
    if doc_type in ("don_de_nghi", "to_khai"):
        return CITIZEN_FIELDS
    if doc_type == "giay_to_tuy_than":
        return ("ho_ten", "so_dinh_danh")
    return ()


def allowed_fields(doc_type: str) -> tuple[str, ...]:
    """The fields a document of ``doc_type`` may carry (a certificate may name a person and
    carry an issuer's number, date and summary, none of them required)."""
    if doc_type == "giay_chung_nhan":
        return ("so_ky_hieu", "ngay_ban_hanh", "co_quan_ban_hanh", "trich_yeu", "ho_ten",
                "so_dinh_danh")
    return expected_fields(doc_type)


def _normalise(scores: Mapping[str, float]) -> dict[str, float]:
    total = sum(scores.values()) or 1.0
    return {kind: value / total for kind, value in scores.items()}


class Classifier:
    """Classifies documents with an optional trained model and the values staff confirmed."""

    def __init__(self, model: TextModel | None = None, *, version: int | None = None,
                 known_values: Mapping[str, Sequence[str]] | None = None) -> None:
        self.model = model
        self.version = version
        self.known_values = {name: list(values) for name, values in (known_values or {}).items()}

    def type_scores(self, document: ReadDocument) -> tuple[dict[str, float], list[str]]:
        """P(doc_type) after combining the model with the layout clues, and the reasons."""
        reasons: list[str] = []
        uniform = 1.0 / len(DOC_TYPES)
        scores = dict.fromkeys(DOC_TYPES, uniform)
        text = document.text
        if self.model is not None:
            probabilities = self.model.probabilities(text)
            scores = {kind: 0.02 * uniform + 0.98 * probabilities.get(kind, 0.0)
                      for kind in DOC_TYPES}
            recalled = self.model.recall(text)
            if recalled is not None:
                kind, closeness = recalled
                scores[kind] *= 1.0 + MEMORY_STRENGTH * closeness ** 4
                reasons.append(f"similar to a corrected document ({closeness:.2f}): {kind}")
        clues = gather_evidence(document)
        if self.model is not None:
            # the model abstains on types it never learned (no generated examples of them):
            # one a layout clue names starts as likely as an average type it knows
            known = set(self.model.labels)
            for kind in {clue.doc_type for clue in clues} - known:
                scores[kind] = max(scores[kind], 1.0 / max(len(known), 1))
        for clue in clues:
            scores[clue.doc_type] *= clue.strength
            reasons.append(f"{clue.reason}: {clue.doc_type}")
        return _normalise(scores), reasons

    def classify(self, document: ReadDocument, reread: Reread | None = None) -> Classification:
        """Type, confidence and fields of ``document``; flagged for review when unsure."""
        scores, reasons = self.type_scores(document)
        doc_type = max(scores, key=lambda kind: scores[kind])
        confidence = scores[doc_type]
        extractor = FieldExtractor(document, doc_type, reread)
        fields = extractor.extract()
        fields = {name: self._snap(name, value) for name, value in fields.items()}
        missing = [name for name in expected_fields(doc_type) if name not in fields]
        unsure = [name for name, value in fields.items() if value.confidence < REVIEW_BELOW]
        if missing:
            reasons.append(f"not found: {', '.join(missing)}")
        if extractor.review:
            reasons.append("handwritten, needs review: "
                           f"{', '.join(entry.field for entry in extractor.review)}")
        if unsure:
            reasons.append(f"unsure: {', '.join(unsure)}")
        if confidence < REVIEW_BELOW:
            reasons.append(f"type uncertain ({confidence:.2f})")
        reasons.extend(f"arrival stamp on page {stamp.page + 1} not legible: needs review"
                       for stamp in document.arrivals if not stamp.legible)
        # every field the type has is in the answer or flagged: a missing one the extractor
        # left no entry for gets one naming it, with where it is looked for
        flagged = {entry.field for entry in extractor.review}
        review = [*extractor.review, *(not_found(document, name) for name in missing
                                       if name not in flagged)]
        return Classification(doc_type=doc_type, confidence=confidence, fields=fields,
                              needs_review=bool(missing or unsure or confidence < REVIEW_BELOW),
                              reasons=reasons, model_version=self.version,
                              review=review,
                              consolidated=is_consolidated(document),
                              e_signatures=list(document.e_signatures),
                              arrivals=list(document.arrivals))

    def _snap(self, name: str, value: FieldValue) -> FieldValue:
        """Take a value in the spelling staff confirmed when OCR read it almost the same."""
        best, closeness = None, 0.0
        if name not in SNAP_FIELDS:
            return value
        for known in self.known_values.get(name, ()):
            score = similarity(known, value.value)
            if score > closeness:
                best, closeness = known, score
        if best is None or closeness < SNAP_SIMILARITY or squash(best) == value.value:
            return value
        return FieldValue(squash(best), max(value.confidence, closeness))
