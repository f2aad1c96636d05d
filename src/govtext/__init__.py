"""govtext: read Chinese official work summaries like an experienced reviewer or researcher.

The public API is re-exported here; each stage lives in its own module.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import DataFileError, GovtextError, InputError, UsageError
from .model import Document, Finding, Outline, Section, as_document
from .readers import read_document

__all__ = [
    "__version__",
    "DataFileError",
    "Document",
    "Finding",
    "GovtextError",
    "InputError",
    "Outline",
    "Section",
    "as_document",
    "UsageError",
    "read_document",
    "analyze",
    "Analysis",
    "analyze_corpus",
    "analyze_to_store",
    "CorpusTables",
    "load",
    "segment_words",
    "extract_sections",
    "find_placeholders",
    "tag_themes",
    "load_lexicon",
    "score_completeness",
    "detect_kind",
    "check_document",
    "render_html",
]

# Heavy names (pandas, spaCy …) are imported on first use: name → module of this package.
_LAZY = {"analyze": "analysis", "Analysis": "analysis", "analyze_corpus": "corpus", "analyze_to_store": "corpus", "CorpusTables": "corpus",
         "load": "pipeline", "segment_words": "segment", "extract_sections": "sections", "find_placeholders": "placeholders",
         "tag_themes": "themes", "load_lexicon": "themes",
         "score_completeness": "completeness", "detect_kind": "completeness", "check_document": "review",
         "render_html": "report"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
