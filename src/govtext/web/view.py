"""The review page's pieces, built from a ``govtext check`` JSON object and the original text.

The document is cut into segments at every annotation boundary (section headings, placeholders,
findings, part evidence); each segment carries the classes and tooltips of the annotations covering
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


@dataclass(frozen=True)
class TreeNode:
    """One section in the outline tree."""

    index: int
    label: str
    level: int
    line: int
    children: list[TreeNode] = field(default_factory=list)


def section_anchor(index: int) -> str:
    return f"sec-{index}"


def placeholder_anchor(n: int) -> str:
    return f"ph-{n}"


def finding_anchor(n: int) -> str:
    return f"f-{n}"


def evidence_anchor(part_id: str) -> str:
    return f"part-{_slug(part_id)}"


def build_annotations(review: Mapping[str, Any], text: str) -> list[Annotation]:
    """Headings, placeholders, findings and part evidence of ``review`` as annotations of ``text``."""
    n = len(text)
    out: list[Annotation] = []
    for s in review.get("sections") or []:
        start, end = _span(s, n)
        out.append(
            Annotation(start, end, ("heading", f"lvl-{s.get('level', 1)}"), s.get("title") or "",
                       section_anchor(s["index"]))
        )
    for i, p in enumerate(review.get("placeholders") or [], 1):
        start, end = _span(p, n)
        kind = p.get("kind") or "other"
        out.append(Annotation(start, end, ("ph", f"sev-{p.get('severity', 'warning')}"),
                              f"{p.get('code', '')} {kind}: {p.get('message', '')}", placeholder_anchor(i), kind))
    for i, f in enumerate(review.get("findings") or [], 1):
        start, end = _span(f, n)
        out.append(Annotation(start, end, ("fault", f"sev-{f.get('severity', 'warning')}"),
                              f"{f.get('code', '')} {f.get('message', '')}", finding_anchor(i)))
    for part in review.get("parts") or []:
        ev = part.get("evidence") or {}
        if ev.get("section_index") is None and "start_char" in ev and part.get("id") is not None:
            start, end = _span(ev, n)
            out.append(Annotation(start, end, ("evidence",), "", evidence_anchor(str(part["id"]))))
    return out


def segment_text(text: str, annotations: Iterable[Annotation]) -> list[Segment]:
    """Cut ``text`` at every annotation boundary; each segment knows which annotations cover it."""
    anns = sorted((a for a in annotations if a.end > a.start), key=lambda a: (a.start, -a.end))
    cuts = sorted({0, len(text), *(a.start for a in anns), *(a.end for a in anns)})
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
        segments.append(Segment(text[a:b], tuple(classes), "\n".join(titles), anchors, kind))
    return segments


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


def download_stem(path: str | None) -> str:
    """``2019总结.docx`` → ``2019总结``; pasted text → ``govtext``."""
    if not path or path == "-":
        return "govtext"
    stem = path.rsplit(".", 1)[0] if "." in path else path
    return stem or "govtext"


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
