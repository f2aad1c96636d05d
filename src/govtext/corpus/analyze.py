"""The per-document analysis: the one function every engine runs, returning plain row lists."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import GovtextError
from ..model import Document
from ..readers import SUFFIXES, document_from_bytes
from .duplicates import signature
from .evidence import theme_hit_rows
from .options import DEFAULT_OPTIONS, AnalysisOptions, analysis_key, analysis_version
from .schema import SCHEMAS, TABLES, ColumnRows
from .sources import Source

_CJK_TERM = re.compile(r"[\u3400-\u9fff]{2,}")


def count_terms(text: str, *, segmenter: str = "rjieba") -> list[tuple[str, int]]:
    """Word counts of ``text`` (domain-dictionary jieba): words of two or more Chinese characters,
    stop words removed; sorted by count (descending), then term."""
    terms, counts = _term_columns(text, segmenter)
    return list(zip(terms, counts, strict=True))


def _term_columns(text: str, segmenter: str) -> tuple[list[str], list[int]]:
    """:func:`count_terms` as two columns: the terms and their counts, in the same order."""
    from ..segment import segment_words

    stop, chinese = _stop_words(), _CJK_TERM.fullmatch
    # count every word first, then test each distinct word once (a fifth of the words, or fewer)
    counts = Counter(segment_words(text, engine=segmenter))
    terms = sorted(w for w in counts if w not in stop and chinese(w))  # by term (plain strings sort fastest)
    terms.sort(key=counts.__getitem__, reverse=True)  # then by count, descending (stable: ties stay by term)
    return terms, [counts[w] for w in terms]


@cache
def _stop_words() -> frozenset[str]:
    """The discovery stop words, read once per process."""
    from ..discovery import stop_words

    return stop_words()


def analyze_document(
    document: Document, meta: Mapping[str, Any], *, options: AnalysisOptions = DEFAULT_OPTIONS
) -> dict[str, Sequence[dict]]:
    """Run every stage on one document; return table name → rows (plain dicts, schema columns; the
    large ``terms`` and ``theme_hits`` as :class:`ColumnRows`, which read as such dicts).

    The stages run through :func:`govtext.analysis.analyze`, as for ``govtext check``: ``findings``
    holds every finding of every stage (GT1xx–GT4xx, e.g. GT301's stale congress reference), by
    position, each with the ``stage`` that reported it. ``meta`` carries ``doc_id`` and ``path`` and
    any manifest metadata (``title``, ``year``, ``issuer``, ``kind``, extra columns); metadata it
    lacks is taken from the document.
    """
    from ..analysis import analyze
    from ..completeness import builtin_outlines

    doc_id = meta["doc_id"]
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    # a manifest kind naming a built-in outline is used; any other label (e.g. ``gwr``) is metadata only
    kind = meta.get("kind") if meta.get("kind") in builtin_outlines() else None
    # the tables keep each theme hit (theme_hits) and the document's totals, not per-span counts
    result = analyze(document, kind=kind, lexicon=_lexicon(options), theme_detail=("evidence",))
    outline, comp = result.outline, result.completeness
    # every stage ran, so none of its results is None
    assert outline is not None and comp is not None and result.placeholders is not None and result.themes is not None

    for sec in outline.sections:  # every field but the children (the sections table has a row per section)
        rows["sections"].append({"doc_id": doc_id, **{k: v for k, v in sec.to_dict().items() if k != "children"}})
    for f in result.placeholders:
        rows["placeholders"].append({"doc_id": doc_id, **{k: v for k, v in f.to_dict().items() if k != "path"}})
    for t in result.themes.document:
        rows["themes"].append({"doc_id": doc_id, **t.to_dict()})
    score, detected_kind = comp.score, comp.kind.kind
    for p in comp.parts:
        rows["parts"].append(_part_row(doc_id, detected_kind, p, None))
        for sub in p.subparts:
            rows["parts"].append(_part_row(doc_id, detected_kind, sub, p.id))
    stage_of = {id(f): stage for stage, found in (
        ("sections", outline.findings), ("placeholders", result.placeholders),
        ("themes", result.themes.findings), ("completeness", comp.findings)) for f in found}
    for f in result.findings:
        rows["findings"].append(_finding_row(doc_id, stage_of[id(f)], f))

    terms, counts = _term_columns(document.text, options.segmenter)
    large: dict[str, Sequence[dict]] = {
        "terms": ColumnRows({"doc_id": [doc_id] * len(terms), "term": terms, "count": counts}),
        "theme_hits": theme_hit_rows(doc_id, document.text, result.themes.evidence, outline.sections,
                                     document.paragraphs),
    }
    sig = signature(document.text)
    if sig is not None:
        rows["signatures"].append({"doc_id": doc_id, "shingles": sig[0], "minhash": sig[1]})

    year = meta.get("year") or document.year
    rows["documents"].append({
        "doc_id": doc_id, "path": meta.get("path", document.path),
        "title": meta.get("title") or document.title, "year": int(year) if year else None,
        "issuer": meta.get("issuer"), "kind": meta.get("kind") or detected_kind,
        "detected_kind": detected_kind, "source_format": document.source_format,
        "encoding": document.encoding, "chars": len(document.text),
        "paragraphs": len(document.paragraphs), "n_sections": len(rows["sections"]),
        "n_placeholders": len(rows["placeholders"]), "n_themes": len(rows["themes"]),
        "n_findings": len(rows["findings"]), "score": score, "error": None,
        **{k: v for k, v in meta.items() if k not in SCHEMAS["documents"]},
    })
    return {**rows, **large}


@cache
def _lexicon(options: AnalysisOptions):
    """The theme lexicon of ``options`` (None: the shipped one), loaded once per process."""
    if not options.lexicons:
        return None
    from ..lexicon import load_lexicon_texts

    return load_lexicon_texts(options.lexicons, replace=options.only_lexicon)


def _part_row(doc_id: str, kind: str, p, parent: str | None) -> dict:
    return {
        "doc_id": doc_id, "kind": kind, "part": p.id, "parent": parent, "label": p.label,
        "required": p.required, "weight": p.weight, "status": p.status, "role": p.role,
        "section_index": p.section_index, "start_char": p.start_char, "end_char": p.end_char,
        "similarity": p.similarity, "cost": p.cost, "reason": p.reason,
    }


def _finding_row(doc_id: str, stage: str, f) -> dict:
    d = f.to_dict() if hasattr(f, "to_dict") else dict(f)
    return {"doc_id": doc_id, "stage": stage, **{k: d.get(k) for k in SCHEMAS["findings"] if k not in ("doc_id", "stage")}}


def analyze_source(source: Source, options: AnalysisOptions = DEFAULT_OPTIONS) -> dict[str, Sequence[dict]]:
    """Decode and analyse one :class:`Source` (what every engine runs, in whatever process).

    Never raises for a bad document: an unreadable or failing document gives a ``documents`` row
    with ``error`` set, so one bad file never stops a run.
    """
    source = source.loaded()
    meta: dict[str, Any] = {"doc_id": source.doc_id, "path": source.path, **dict(source.meta)}
    error = source.error
    rows: dict[str, Sequence[dict]] | None = None
    if error is None:
        try:
            # In-memory texts have ids, not file names: read them as .txt.
            suffix = Path(source.path).suffix.lower()
            document = document_from_bytes(source.data or b"", source.path,
                                           suffix=suffix if suffix in SUFFIXES else ".txt")
            rows = analyze_document(document, meta, options=options)
        except GovtextError as exc:
            error = getattr(exc, "problem", None) or str(exc)
        except Exception as exc:  # a stage failed on this document: record it, go on with the rest
            error = f"internal error: {type(exc).__name__}: {exc}"
    if rows is None:
        year = meta.get("year")
        rows = {**{name: [] for name in TABLES}, "documents": [{
            **{k: meta.get(k) for k in ("doc_id", "path", "title", "issuer", "kind")},
            "year": int(year) if year else None, "error": error,
            **{k: v for k, v in meta.items() if k not in SCHEMAS["documents"]},
        }]}
    doc = rows["documents"][0]
    doc["content_hash"] = source.content_hash
    doc["analysis_version"] = analysis_version(options)
    doc["analysis_key"] = analysis_key(source, options)
    return rows
