"""Document classification and field extraction (domain.md's doc_type codes and fields).

:class:`Classifier` combines layout clues (title line, number/symbol, "V/v", form labels)
with a character n-gram model trained from labelled documents and staff corrections;
:class:`FieldExtractor` reads and validates the fields; :mod:`registry` trains, stores and
loads model versions.
"""

from ingest.classify.classifier import Classification, Classifier, expected_fields
from ingest.classify.extract import FieldExtractor, FieldValue, Reread
from ingest.classify.lines import Line, ReadDocument, read_text, read_words_json
from ingest.classify.vocabulary import DOC_TYPES

__all__ = [
    "DOC_TYPES",
    "Classification",
    "Classifier",
    "FieldExtractor",
    "FieldValue",
    "Line",
    "ReadDocument",
    "Reread",
    "expected_fields",
    "read_text",
    "read_words_json",
]
