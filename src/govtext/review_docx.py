"""The review returned as a Word file: the document with a Word comment on every finding.

``render_docx(review)`` gives the bytes of a .docx a reviewer can send back:

- for a **.docx input**, a copy of the original (the original file is only read): its formatting,
  styles and automatic numbering kept, runs split at the ends of each finding so that a comment
  covers exactly the finding's text;
- for a **.txt/.md/.pdf input** (or a string), a new .docx with one paragraph per line of the text.

One comment (author ``govtext``, initials ``GT``) per placeholder (GT2xx, its text highlighted) and per
finding (structure GT1xx, stale references GT3xx, completeness GT4xx — a weak part's finding stands on
its heading or lead sentence), and one on the title (or the first paragraph): the reports' headline
(score, weak parts, placeholders by kind, slips), the kind, the missing and weak parts and the counts.
Finding messages come from the code catalogue (``codes.localize``) in ``lang``.

Offsets: ``Document.text`` of a .docx is one line per paragraph (body and table cells, in order) with
Word's automatic number rendered in front (``govtext.docx``). The copy is aligned paragraph by
paragraph: each paragraph's own text ends its line, and the characters before it on the line are
the rendered number, which is not in any run. A span that reaches into such a number is clipped to
the paragraph's text; a span with no character in any run (the number itself, a missing part's point)
goes on its nearest paragraph. ``ReviewDocx`` counts both. Time is linear in the text and the findings.
"""

from __future__ import annotations

import copy
import io
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path

from .codes import localize
from .docx import SKIPPED_ELEMENTS, TRANSPARENT_ELEMENTS, W
from .errors import InputError, UsageError
from .i18n import LANGS, N_, gettext
from .report import PUNCT, headline
from .review import Review

AUTHOR = "govtext"
INITIALS = "GT"

_W = f"{{{W}}}"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_LINE_END = re.compile(r"\r\n|\r|\n")
#: Comments added through python-docx between two parkings (see ``_Comments``).
_PARK_EVERY = 64

# The strings of the summary comment: English msgids, translated from the catalogue (zh by default).
_TEXT = {
    "head": N_("govtext review"),
    "kind": N_("Kind: {kind}"),
    "missing": N_("Missing required parts: {parts}"),
    "missing_optional": N_("Optional parts not written: {parts}"),
    "weak": N_("Weak parts: {parts}"),
    "none": N_("none"),
    "counts": N_("{holes} unfilled placeholder(s); {faults} other finding(s) (see the comments)"),
    "moved": N_(" (on Word's automatic number “{match}”)"),
}


def _words(lang: str) -> dict[str, str]:
    """``_TEXT`` in ``lang``, with the report's list separator (``sep``)."""
    if lang not in LANGS:
        raise UsageError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    return {**{k: gettext(v, lang) for k, v in _TEXT.items()}, "sep": PUNCT[lang]["list"]}


@dataclass(frozen=True)
class Note:
    """One comment to write: on ``text[start:end]`` of the reviewed document."""

    start: int
    end: int
    text: str
    highlight: bool = False


@dataclass(frozen=True)
class ReviewDocx:
    """What ``build_review_docx`` produced: the file and how its comments were anchored.

    ``exact``: on exactly the span's text; ``clipped``: the span reached into a rendered number or
    across paragraphs and was cut to the characters the runs hold; ``moved``: no character of the span
    is in a run (a rendered number, an empty span) and the comment stands on its nearest paragraph.
    """

    data: bytes
    comments: int
    exact: int
    clipped: int
    moved: int
    notes: tuple[Note, ...]
    anchors: tuple[str, ...]  # per note: "exact" | "clipped" | "moved" | "" (nothing to anchor on)


def render_docx(review: Review, *, lang: str = "zh", source: bytes | None = None) -> bytes:
    """The review as .docx bytes (see the module docstring).

    For a .docx review the original bytes are ``source`` or else read from ``review.document.path``;
    they must still read as the reviewed text (``InputError`` otherwise).
    """
    return build_review_docx(review, lang=lang, source=source).data


def build_review_docx(review: Review, *, lang: str = "zh", source: bytes | None = None) -> ReviewDocx:
    """``render_docx`` with the counts of how each comment was anchored."""
    import docx  # python-docx: only the Word output pays for it

    doc = review.document
    notes = review_notes(review, lang)  # checks ``lang``
    if doc.source_format == "docx":
        data = source if source is not None else _read_source(doc.path)
        try:
            word = docx.Document(io.BytesIO(data))
        except Exception as exc:  # python-docx/lxml raise many types for damaged parts
            raise InputError(doc.path or "<docx>", f"cannot be opened for the review copy ({exc})") from None
        paragraphs = _align_docx(word, doc.text, doc.path or "<docx>")
    else:
        word = docx.Document()
        paragraphs = _write_text(word, doc.text)
    index = _Index(paragraphs, doc.text)
    spans = [_trim(doc.text, note.start, note.end) for note in notes]
    for start, end in spans:
        index.cut(start, end)
    index.split_runs()
    comments = _Comments(word)
    counts = {"exact": 0, "clipped": 0, "moved": 0}
    anchors: list[str] = []
    words = _words(lang)
    for note, (start, end) in zip(notes, spans, strict=True):
        first, last, how = index.anchor(start, end)
        anchors.append(how)
        if not how:
            continue
        counts[how] += 1
        text = note.text
        if how == "moved" and start < end:  # the span is all in a number Word renders
            text += words["moved"].format(match=doc.text[start:end])
        comments.add(index.seg_run[first], index.seg_run[last], text)
        if note.highlight and how != "moved":
            index.highlight(first, last)
    comments.finish()
    out = io.BytesIO()
    word.save(out)
    return ReviewDocx(
        data=out.getvalue(),
        comments=comments.count,
        notes=tuple(notes),
        anchors=tuple(anchors),
        **counts,
    )


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``start:end`` without the line ends at its edges (they are paragraph breaks, in no run)."""
    while start < end and text[start] in "\r\n":
        start += 1
    while end > start and text[end - 1] in "\r\n":
        end -= 1
    return start, end


def _read_source(path: str | None) -> bytes:
    if not path or path == "-":
        raise InputError(path or "<docx>", "the original .docx bytes are needed for the review copy")
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot be read again for the review copy ({exc.strerror})") from None


# --------------------------------------------------------------------------- comment texts


def review_notes(review: Review, lang: str = "zh") -> list[Note]:
    """The comments of the review: the summary on the title, then every placeholder and finding."""
    t = _words(lang)
    doc = review.document
    c = review.completeness
    missing = [p.label for p in c.parts if p.status == "missing" and p.required]
    optional = [p.label for p in c.parts if p.status == "missing" and not p.required]
    weak = [
        p.label
        + (
            PUNCT[lang]["open"] + t["sep"].join(gettext(w, lang) for w in p.weak_because) + PUNCT[lang]["close"]
            if p.weak_because
            else ""
        )
        for p in c.parts
        if p.status == "weak"
    ]
    lines = [
        t["head"],
        headline(review, lang),
        t["kind"].format(kind=gettext(c.kind.label, lang)),
        t["missing"].format(parts=t["sep"].join(missing) or t["none"]),
    ]
    if optional:
        lines.append(t["missing_optional"].format(parts=t["sep"].join(optional)))
    lines.append(t["weak"].format(parts=t["sep"].join(weak) or t["none"]))
    lines.append(t["counts"].format(holes=len(review.placeholders), faults=len(review.findings)))
    if doc.title_span is not None:
        start, end = doc.title_span
    else:
        first = next((p for p in doc.paragraphs if p.end > p.start), None)
        start, end = (first.start, first.end) if first else (0, 0)
    notes = [Note(start, end, "\n".join(lines))]
    holes = set(map(id, review.placeholders))
    for f in review.all_findings:
        text = f"{f.code} {localize(f, lang)}"
        notes.append(Note(f.start_char, f.end_char, text, highlight=id(f) in holes))
    return notes


# --------------------------------------------------------------------------- runs ↔ text offsets


def _child_width(child) -> int:
    """Characters a run's child adds to the paragraph text (as ``govtext.docx`` reads it)."""
    tag = child.tag
    if tag == _W + "t":
        return len(child.text or "")
    if tag == _W + "tab" or tag == _W + "noBreakHyphen":
        return 1
    if tag in (_W + "br", _W + "cr"):
        return 1 if child.get(_W + "type") in (None, "textWrapping") else 0
    return 0


def _read_runs(p) -> list[list]:
    """``[r, width]`` of every run of paragraph element ``p`` the reader reads, in order."""
    out = []
    for r in p.iter(_W + "r"):
        anc = r.getparent()
        while anc is not None and anc is not p:
            if anc.tag in SKIPPED_ELEMENTS:
                break
            anc = anc.getparent()
        else:
            out.append([r, sum(_child_width(ch) for ch in r)])
    return out


def _run_text(r) -> str:
    parts = []
    for ch in r:
        w = _child_width(ch)
        if ch.tag == _W + "t":
            parts.append(ch.text or "")
        elif w:
            parts.append("\t" if ch.tag == _W + "tab" else "-" if ch.tag == _W + "noBreakHyphen" else "\n")
    return "".join(parts)


@dataclass(frozen=True)
class _Para:
    """One paragraph of the Word file: where its own text starts in ``Document.text`` and its runs."""

    element: object
    line_start: int  # where its line starts (the rendered number, if any, comes first)
    start: int
    runs: list  # [r, width]


def _body_paragraphs(container, out: list) -> None:
    """Paragraph elements in the order ``govtext.docx`` reads them (body, table cells, content controls)."""
    for el in container:
        if el.tag == _W + "p":
            out.append(el)
        elif el.tag == _W + "tbl":
            _table_paragraphs(el, out)
        elif el.tag in TRANSPARENT_ELEMENTS:
            _body_paragraphs(el, out)


def _table_paragraphs(el, out: list) -> None:
    """A table's rows in order (content controls around rows opened)."""
    for child in el:
        if child.tag == _W + "tr":
            _row_paragraphs(child, out)
        elif child.tag in TRANSPARENT_ELEMENTS:
            _table_paragraphs(child, out)


def _row_paragraphs(el, out: list) -> None:
    """A row's cells in order (a vertically merged cell once; content controls around cells opened)."""
    for child in el:
        if child.tag == _W + "tc":
            vmerge = child.find(f"{_W}tcPr/{_W}vMerge")
            if vmerge is None or vmerge.get(_W + "val") not in (None, "continue"):
                _body_paragraphs(child, out)
        elif child.tag in TRANSPARENT_ELEMENTS:
            _row_paragraphs(child, out)


def _align_docx(word, text: str, name: str) -> list[_Para]:
    """Each paragraph of ``word`` placed on its line of ``text`` (its own text ends the line)."""
    elements: list = []
    _body_paragraphs(word.element.body, elements)
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    line = 0
    out = []
    for p in elements:
        runs = _read_runs(p)
        own = "".join(_run_text(r) for r, _ in runs)
        last = line + own.count("\n")
        if last >= len(starts):
            raise InputError(name, "has changed since it was reviewed (more paragraphs than the text)")
        end = starts[last + 1] - 1 if last + 1 < len(starts) else len(text)
        begin = end - len(own)
        if begin < starts[line] or text[begin:end] != own:
            raise InputError(name, f"has changed since it was reviewed (line {line + 1} differs)")
        out.append(_Para(p, starts[line], begin, runs))
        line = last + 1
    if line != len(starts):
        raise InputError(name, "has changed since it was reviewed (fewer paragraphs than the text)")
    return out


def _write_text(word, text: str) -> list[_Para]:
    """A new document body: one paragraph per line of ``text`` (line ends of any kind)."""
    body_paragraphs = []
    pos = 0
    for m in [*_LINE_END.finditer(text), None]:
        end = m.start() if m else len(text)
        line = _XML_INVALID.sub(" ", text[pos:end])
        paragraph = word.add_paragraph()
        if line:
            paragraph.add_run(line)
        body_paragraphs.append(_Para(paragraph._p, pos, pos, _read_runs(paragraph._p)))
        if m:
            pos = m.end()
    return body_paragraphs


def _split_run(r, k: int):
    """Split run element ``r`` after its ``k``-th character; returns the new right-hand run.

    Both halves keep the run's properties (``w:rPr``); a ``w:t`` is cut in two; children without
    width go with the text that follows them.
    """
    right = copy.deepcopy(r)
    pos = 0
    for left_child, right_child in zip(list(r), list(right), strict=True):
        if left_child.tag == _W + "rPr":
            continue
        w = _child_width(left_child)
        if pos + w <= k and not (w == 0 and pos >= k):
            right.remove(right_child)  # wholly on the left
        elif pos >= k:
            r.remove(left_child)  # wholly on the right
        else:  # a w:t straddling the cut
            cut = k - pos
            value = left_child.text or ""
            left_child.text, right_child.text = value[:cut], value[cut:]
            for t in (left_child, right_child):
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        pos += w
    r.addnext(right)
    return right


class _Index:
    """Run segments of the whole document by offset in ``Document.text``, split at the cut points."""

    def __init__(self, paragraphs: list[_Para], text: str) -> None:
        self.paragraphs = paragraphs
        self.text = text
        self.cuts: set[int] = set()
        self.seg_start: list[int] = []
        self.seg_end: list[int] = []
        self.seg_run: list = []
        self.seg_para: list[int] = []
        self.line_starts = [p.line_start for p in paragraphs]
        self.nearest: list[int] = []  # per paragraph: the nearest paragraph (by index) with runs

    def cut(self, start: int, end: int) -> None:
        """Make ``start`` and ``end`` run boundaries."""
        self.cuts.add(start)
        self.cuts.add(end)

    def split_runs(self) -> None:
        """Split every run at the cut points inside it, then index the resulting runs by offset."""
        cuts = sorted(self.cuts)
        for pi, para in enumerate(self.paragraphs):
            pos = para.start
            for r, width in para.runs:
                if width == 0:
                    continue
                end = pos + width
                piece, at = r, pos
                for c in cuts[bisect_right(cuts, pos) : bisect_left(cuts, end)]:
                    right = _split_run(piece, c - at)
                    self._add(at, c, piece, pi)
                    piece, at = right, c
                self._add(at, end, piece, pi)
                pos = end
        has_runs = set(self.seg_para)
        n = len(self.paragraphs)
        before = [-1] * n
        last = -1
        for pi in range(n):
            last = pi if pi in has_runs else last
            before[pi] = last
        after = [-1] * n
        nxt = -1
        for pi in range(n - 1, -1, -1):
            nxt = pi if pi in has_runs else nxt
            after[pi] = nxt
        for pi in range(n):
            b, a = before[pi], after[pi]
            self.nearest.append(a if b < 0 or (a >= 0 and a - pi < pi - b) else b)

    def _add(self, start: int, end: int, r, pi: int) -> None:
        self.seg_start.append(start)
        self.seg_end.append(end)
        self.seg_run.append(r)
        self.seg_para.append(pi)

    def anchor(self, start: int, end: int) -> tuple[int, int, str]:
        """``(first segment, last segment, how)`` for ``text[start:end]``; ``(-1, -1, "")`` without runs."""
        if not self.seg_run:
            return -1, -1, ""
        i = bisect_left(self.seg_start, start)  # the first segment starting inside the span
        j = bisect_right(self.seg_end, end) - 1  # the last segment ending inside it
        if start < end and i <= j:
            gaps = all(
                not self.text[self.seg_end[k] : self.seg_start[k + 1]].strip("\r\n") for k in range(i, j)
            )
            exact = gaps and self.seg_start[i] == start and self.seg_end[j] == end
            return i, j, "exact" if exact else "clipped"
        at = start if start < end else max(start - 1, 0)
        pi = self.nearest[max(bisect_right(self.line_starts, at) - 1, 0)]
        return bisect_left(self.seg_para, pi), bisect_right(self.seg_para, pi) - 1, "moved"

    def highlight(self, i: int, j: int) -> None:
        """Highlight (yellow) the runs of segments ``i``…``j``."""
        from docx.enum.text import WD_COLOR_INDEX
        from docx.text.run import Run

        for k in range(i, j + 1):
            Run(self.seg_run[k], None).font.highlight_color = WD_COLOR_INDEX.YELLOW  # type: ignore[arg-type]


class _Comments:
    """Word comments added through python-docx's ``Document.add_comment``, in linear time.

    python-docx numbers a new comment one above the highest id it finds by scanning every comment
    already in the part, which is quadratic for thousands of placeholders. The comments written so
    far are therefore set aside every ``_PARK_EVERY`` comments, keeping the last (highest id) in the
    part so the numbering goes on, and put back in order by ``finish``.
    """

    def __init__(self, word) -> None:
        self.word = word
        self.count = 0
        self.parked: list = []
        self.part_element = None

    def add(self, first, last, text: str) -> None:
        from docx.text.run import Run

        comment = self.word.add_comment(
            [Run(first, None), Run(last, None)],
            text=text,
            author=AUTHOR,
            initials=INITIALS,  # type: ignore[arg-type]
        )
        self.count += 1
        element = comment._comment_elm  # noqa: SLF001 - the part's element, to park written comments
        self.part_element = element.getparent()
        if self.count % _PARK_EVERY == 0:
            written = self.part_element.findall(_W + "comment")
            for c in written[:-1]:
                self.part_element.remove(c)
                self.parked.append(c)

    def finish(self) -> None:
        """Put the parked comments back, before the ones still in the part, in the order written."""
        if self.part_element is None or not self.parked:
            return
        first = self.part_element.find(_W + "comment")
        for c in self.parked:
            if first is not None:
                first.addprevious(c)
            else:
                self.part_element.append(c)
        self.parked = []
