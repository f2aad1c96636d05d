"""The review page's pieces, built from a ``govtext check`` JSON object and the original text.

The document is cut into lines (numbered, as findings number them) and into segments at every
annotation boundary (section headings, placeholders, findings, part evidence); each segment carries the classes and tooltips of the annotations covering
it, and the first segment of an annotation carries its anchor id, so the outline tree, the placeholder
list and the parts table can link into the text. The template escapes every piece of user text.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Annotation:
    """A span of the original text to mark: CSS classes, a tooltip, an anchor id, a placeholder kind."""

    start: int
    end: int
    classes: tuple[str, ...]
    title: str = ""
    anchor: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Segment:
    """A run of text covered by the same annotations (``anchors``: ids that start here)."""

    text: str
    classes: tuple[str, ...] = ()
    title: str = ""
    anchors: tuple[str, ...] = ()
    kind: str | None = None
    gaps: tuple[str, ...] = ()  # missing-part markers standing before the text (labels, drawn by CSS)


@dataclass(frozen=True)
class Line:
    """One numbered line of the document view: its segments, the line's own end (``\n``) included."""

    number: int
    segments: tuple[Segment, ...]
    end_gaps: tuple[str, ...] = ()  # missing-part markers after the last character of the text


@dataclass(frozen=True)
class TreeNode:
    """One section in the outline tree."""

    index: int
    label: str
    level: int
    line: int
    children: list[TreeNode] = field(default_factory=list)


def section_anchor(index: int, prefix: str = "") -> str:
    return f"{prefix}sec-{index}"


def placeholder_anchor(n: int, prefix: str = "") -> str:
    return f"{prefix}ph-{n}"


def finding_anchor(n: int, prefix: str = "") -> str:
    return f"{prefix}f-{n}"


def evidence_anchor(part_id: str, prefix: str = "") -> str:
    return f"{prefix}part-{_slug(part_id)}"


def line_anchor(n: int, prefix: str = "") -> str:
    return f"{prefix}L{n}"


def build_annotations(review: Mapping[str, Any], text: str, prefix: str = "") -> list[Annotation]:
    """Headings, placeholders, findings and part evidence of ``review`` as annotations of ``text``
    (anchor ids start with ``prefix``: several reviews share the batch page)."""
    n = len(text)
    out: list[Annotation] = []
    for s in review.get("sections") or []:
        start, end = _span(s, n)
        out.append(
            Annotation(start, end, ("heading", f"lvl-{s.get('level', 1)}"), s.get("title") or "",
                       section_anchor(s["index"], prefix))
        )
    for i, p in enumerate(review.get("placeholders") or [], 1):
        start, end = _span(p, n)
        kind = p.get("kind") or "other"
        out.append(Annotation(start, end, ("ph", f"sev-{p.get('severity', 'warning')}"),
                              f"{p.get('code', '')} {kind}: {p.get('message', '')}", placeholder_anchor(i, prefix), kind))
    for i, f in enumerate(review.get("findings") or [], 1):
        start, end = _span(f, n)
        out.append(Annotation(start, end, ("fault", f"sev-{f.get('severity', 'warning')}"),
                              f"{f.get('code', '')} {f.get('message', '')}", finding_anchor(i, prefix)))
    for part in review.get("parts") or []:
        ev = part.get("evidence") or {}
        if ev.get("section_index") is None and "start_char" in ev and part.get("id") is not None:
            start, end = _span(ev, n)
            out.append(Annotation(start, end, ("evidence",), "", evidence_anchor(str(part["id"]), prefix)))
    return out


def segment_text(text: str, annotations: Iterable[Annotation], breaks: Iterable[int] = (),
                 gaps: Mapping[int, tuple[str, ...]] | None = None) -> list[Segment]:
    """Cut ``text`` at every annotation boundary (and at ``breaks`` and ``gaps``' offsets); each segment
    knows which annotations cover it and which missing-part markers stand before it."""
    gaps = gaps or {}
    anns = sorted((a for a in annotations if a.end > a.start), key=lambda a: (a.start, -a.end))
    cuts = sorted({0, len(text), *(a.start for a in anns), *(a.end for a in anns),
                   *(b for b in (*breaks, *gaps) if 0 < b < len(text))})
    segments: list[Segment] = []
    active: list[Annotation] = []
    k = 0
    for a, b in zip(cuts, cuts[1:], strict=False):
        active = [x for x in active if x.end > a]
        starting = []
        while k < len(anns) and anns[k].start == a:
            active.append(anns[k])
            starting.append(anns[k])
            k += 1
        classes: list[str] = []
        titles: list[str] = []
        kind = None
        for x in active:
            classes.extend(c for c in x.classes if c not in classes)
            if x.title and x.title not in titles:
                titles.append(x.title)
            kind = kind or x.kind
        anchors = tuple(x.anchor for x in starting if x.anchor)
        segments.append(Segment(text[a:b], tuple(classes), "\n".join(titles), anchors, kind, gaps.get(a, ())))
    return segments


def text_lines(text: str, annotations: Iterable[Annotation], line_starts: list[int],
               gaps: Mapping[int, tuple[str, ...]] | None = None) -> list[Line]:
    """The document view: ``text`` cut into its lines (``line_starts``, the document's line index) and
    each line into annotated segments; joined, the segments give ``text`` back character for character.
    ``gaps`` (offset → labels) are the missing-part markers; one at the end of the text ends the last line."""
    segments = segment_text(text, annotations, line_starts, gaps)
    lines: list[Line] = []
    pending: list[Segment] = []
    starts = iter(line_starts[1:])
    next_start = next(starts, None)
    pos = 0
    for seg in segments:
        if next_start is not None and pos >= next_start:
            lines.append(Line(len(lines) + 1, tuple(pending)))
            pending = []
            next_start = next(starts, None)
            while next_start is not None and pos >= next_start:  # an empty piece: never, lines are non-empty
                lines.append(Line(len(lines) + 1, ()))
                next_start = next(starts, None)
        pending.append(seg)
        pos += len(seg.text)
    end = tuple(label for at, labels in sorted((gaps or {}).items()) if at >= len(text) for label in labels)
    lines.append(Line(len(lines) + 1, tuple(pending), end))
    # (a text ending with a line break: the empty line after it is not shown)
    return lines


def missing_gaps(findings: Iterable[tuple[int, str]]) -> dict[int, tuple[str, ...]]:
    """offset → labels of the missing-part markers, from (offset, label) pairs."""
    out: dict[int, tuple[str, ...]] = {}
    for at, label in findings:
        out[at] = (*out.get(at, ()), label)
    return out


def build_tree(sections: list[Mapping[str, Any]]) -> list[TreeNode]:
    """The outline tree from the flat section list (``parent``/``index``)."""
    nodes = {
        s["index"]: TreeNode(s["index"], _heading_label(s), s.get("level", 1), s.get("line", 0))
        for s in sections
    }
    roots: list[TreeNode] = []
    for s in sections:
        parent = s.get("parent")
        (nodes[parent].children if parent in nodes else roots).append(nodes[s["index"]])
    return roots


def data_url(content: str, media_type: str) -> str:
    """A ``data:`` URL so a download needs nothing kept on the server."""
    b64 = base64.b64encode(content.encode("utf-8")).decode("ascii")
    return f"data:{media_type};charset=utf-8;base64,{b64}"


def data_url_bytes(content: bytes, media_type: str) -> str:
    """A ``data:`` URL of binary content (a Word file, a workbook)."""
    return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"


def _heading_label(s: Mapping[str, Any]) -> str:
    marker = s.get("marker") or ""
    title = s.get("title") or ""
    return f"{marker}{title}" if not title.startswith(marker) else title


def _span(d: Mapping[str, Any], n: int) -> tuple[int, int]:
    start = max(0, min(int(d.get("start_char", 0)), n))
    end = max(start, min(int(d.get("end_char", start)), n))
    if end == start and start < n:  # a point finding still gets one character to carry its mark
        end = start + 1
    return start, end


def _slug(s: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in s)
