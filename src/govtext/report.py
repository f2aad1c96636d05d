"""Renderers for a ``Review``: rich terminal text and a self-contained HTML page.

``render_text(review)`` draws the outline tree, the parts table, the score and its explanation and
the findings with their lines (colours only when asked for, e.g. on a terminal).
``render_html(review)`` returns one HTML page (inline CSS, no scripts, no external resources) with
the document text, placeholders and faults highlighted, the outline tree, the parts table and the
score. Every piece of user text is escaped. The web app embeds the same page (``html_fragment``).
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence

from .model import Finding, PartResult
from .review import Review

STATUS_MARK = {"present": "✓", "weak": "△", "missing": "✗"}
STATUS_STYLE = {"present": "green", "weak": "yellow", "missing": "bold red"}
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
#: At most this many placeholders are listed one by one in the text form (all are counted).
TEXT_PLACEHOLDERS = 40


# --------------------------------------------------------------------------------------------------
# Terminal text (rich)


def render_text(review: Review | Sequence[Review], *, color: bool = False, width: int = 100) -> str:
    """The review(s) as terminal text; ``color=False`` gives plain text with no escape codes."""
    from rich.console import Console

    reviews = [review] if isinstance(review, Review) else list(review)
    buf = io.StringIO()
    console = Console(
        file=buf, width=width, force_terminal=color, color_system="standard" if color else None,
        no_color=not color, highlight=False, emoji=False, soft_wrap=False,
    )
    for i, r in enumerate(reviews):
        if i:
            console.rule()
        _text_one(console, r)
    return buf.getvalue()


def _text_one(console, r: Review) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table
    from rich.text import Text
    from rich.tree import Tree

    c = r.completeness
    head = Text()
    head.append(r.path, style="bold")
    head.append(f"  {c.kind.label} ({c.kind.kind}, ")
    head.append("given" if c.kind.explicit else f"confidence {c.kind.confidence:.2f}")
    head.append(f")  outline {c.outline.id} v{c.outline.version}")
    console.print(head)
    score = Text("score ")
    score.append(f"{c.score}/100", style="bold " + _score_style(c.score))
    if c.breakdown:
        score.append("  = 100 " + " ".join(f"{b.points:+g} ({b.item})" for b in c.breakdown))
    console.print(score)
    if c.kind.reasons and not c.kind.explicit:
        console.print(Text("kind: " + "; ".join(c.kind.reasons), style="dim"))

    # outline tree, annotated with the parts each section realises
    tree = Tree(Text(f"outline ({len(r.outline.sections)} sections)", style="bold"))
    part_at = _parts_by_section(c.parts)
    nodes: dict[int, object] = {}
    for s in r.outline.sections:
        parent = nodes.get(s.parent) if s.parent is not None else tree
        if parent is None:
            parent = tree
        label = Text(f"{s.line:>4}  ", style="dim")
        label.append(f"{s.marker}{_short(s.title, 40)}")
        for p in part_at.get(s.index, []):
            label.append(f"  [{p.label}]", style=STATUS_STYLE.get(p.status, ""))
        nodes[s.index] = parent.add(label)  # type: ignore[attr-defined]
    console.print(tree)

    table = Table(title="parts", title_justify="left", show_lines=False, expand=False)
    for col, kw in (("part", {}), ("req", {"justify": "center"}), ("status", {}), ("weight", {"justify": "right"}),
                    ("cost", {"justify": "right"}), ("line", {"justify": "right"}), ("reason", {"overflow": "fold"})):
        table.add_column(col, **kw)
    for p in c.parts:
        line = str(r.document.line_col(p.start_char)[0]) if p.start_char is not None else ""
        table.add_row(
            _bare(p.label), "●" if p.required else "",
            Text(f"{STATUS_MARK[p.status]} {p.status}", style=STATUS_STYLE[p.status]),
            f"{p.weight:g}", f"{p.cost:g}" if p.cost else "", line, _brief_reason(p),
        )
        for s in p.subparts:
            sline = str(r.document.line_col(s.start_char)[0]) if s.start_char is not None else ""
            table.add_row(f"  · {_bare(s.label)}", "",
                          Text(f"{STATUS_MARK[s.status]} {s.status}", style=STATUS_STYLE[s.status]),
                          "", "", sline, _brief_reason(s))
    console.print(table)

    findings = r.findings
    console.print(Text(f"findings ({len(findings)})", style="bold"))
    for f in findings:  # one line each, never wrapped: grep-able like a linter's output
        console.print(_finding_line(r.path, f), soft_wrap=True)
    ph = r.placeholders
    console.print(Text(f"placeholders ({len(ph)})", style="bold"))
    for f in ph[:TEXT_PLACEHOLDERS]:
        line = Text(f"  {f.line:>4}:{f.col:<4} ", style="dim")
        line.append(f"“{_short(f.match, 20)}”", style="bold")
        line.append(f"  {f.kind or ''}  {f.code} {f.message}")
        console.print(line, soft_wrap=True)
    if len(ph) > TEXT_PLACEHOLDERS:
        console.print(Text(f"… and {len(ph) - TEXT_PLACEHOLDERS} more (see --format json)", style="dim"))
    themes = r.main_themes
    if themes:
        console.print(Text("themes: ", style="bold") + Text("，".join(f"{t.label} {t.count}" for t in themes)))
    verdict = Text("result: ")
    if c.missing_required:
        verdict.append("missing " + "、".join(p.label for p in c.missing_required), style="bold red")
    elif r.failed:
        verdict.append(f"findings at or above {r.fail_on}", style="yellow")
    else:
        verdict.append("ok", style="green")
    console.print(verdict)


def _finding_line(path: str, f: Finding):  # -> rich Text
    from rich.text import Text

    t = Text(f"{path}:{f.line}:{f.col}: ")
    t.append(f.code, style=SEVERITY_STYLE.get(f.severity, ""))
    t.append(f" ({f.slug}) {f.message}")
    if f.kind:
        t.append(f" [{f.kind}]", style="dim")
    return t


def _bare(label: str) -> str:
    """A label without its parenthesised gloss: 结束语（特此报告，请予评议） → 结束语."""
    return re.sub(r"（[^）]*）$", "", label) or label


def _brief_reason(p: PartResult) -> str:
    """The reason for the terminal table: how it was found (anchor shortened) and why it is weak."""
    if p.status == "missing" or not p.role:
        return p.reason
    how = {"heading": "heading", "lead": "paragraph", "inline": "run-in", "body": "sections from",
           "title": "title", "implied": "implied by"}.get(p.role, p.role)
    rest = p.reason.split("; ", 1)[1] if "; " in p.reason else ""
    rest = rest.replace("stated inside a paragraph, without a heading or lead sentence of its own",
                        "no heading or lead of its own")
    brief = f"{how} “{_short(p.anchor, 12)}”"
    return f"{brief}; {rest}" if rest else brief


def _score_style(score: int) -> str:
    return "green" if score >= 85 else "yellow" if score >= 60 else "red"


def _parts_by_section(parts: Sequence[PartResult]) -> dict[int, list[PartResult]]:
    out: dict[int, list[PartResult]] = {}
    for p in parts:
        for q in (p, *p.subparts):
            if q.section_index is not None and q.status != "missing":
                out.setdefault(q.section_index, []).append(q)
    return out


def _short(s: str, n: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


# --------------------------------------------------------------------------------------------------
# HTML

CSS = """
:root { --ink:#1d2330; --muted:#5b6475; --line:#d9dde5; --bg:#fbfbfd; --ok:#1f7a3d; --weak:#a66300;
  --bad:#b3261e; --ph:#fde68a; --err:#fecaca; --warn:#fde3c4; --info:#dbeafe; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font-family: "Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB",
    "Microsoft YaHei","WenQuanYi Micro Hei",system-ui,sans-serif; line-height:1.6; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.35rem; margin: 0 0 4px; } h2 { font-size: 1.1rem; margin: 28px 0 8px;
  border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.meta { color: var(--muted); font-size: .9rem; }
.score { display:flex; gap:24px; align-items:center; margin: 16px 0; }
.score .num { font-size: 2.6rem; font-weight: 700; }
.score .num.good { color: var(--ok); } .score .num.fair { color: var(--weak); } .score .num.poor { color: var(--bad); }
.verdict { font-weight: 600; } .verdict.fail { color: var(--bad); } .verdict.pass { color: var(--ok); }
table { border-collapse: collapse; width: 100%; font-size: .92rem; background:#fff; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f1f3f7; }
td.num { text-align: right; white-space: nowrap; } td:nth-child(-n+3) { white-space: nowrap; }
.st-present { color: var(--ok); } .st-weak { color: var(--weak); } .st-missing { color: var(--bad); font-weight:600; }
tr.sub td:first-child { padding-left: 24px; color: var(--muted); }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 18px; }
ul.tree { padding-left: 0; } ul.tree li { margin: 1px 0; }
.tree .ln { color: var(--muted); font-size: .8rem; display:inline-block; min-width: 3.2em; }
.tag { display:inline-block; font-size:.75rem; padding: 0 6px; border-radius: 8px; margin-left: 6px;
  border:1px solid currentColor; }
.findings li { margin: 2px 0; } .findings code { font-size: .85rem; }
.sev-error { color: var(--bad); } .sev-warning { color: var(--weak); } .sev-info { color: #1d4ed8; }
.doc { background:#fff; border:1px solid var(--line); padding: 12px 0; font-size: .98rem; }
.doc .row { display:flex; } .doc .lno { flex: 0 0 3.5em; text-align:right; padding-right: 10px;
  color: var(--muted); font-size: .8rem; user-select: none; text-decoration: none; }
.doc .txt { flex: 1; white-space: pre-wrap; word-break: break-word; padding-right: 12px; }
.doc .tab { display:inline-block; width: 1em; } .doc .pbr { display:block; height: .5em; }
mark { background: none; color: inherit; padding: 0; }
mark.ph { background: var(--ph); border-bottom: 2px solid #d97706; }
mark.f-error { background: var(--err); } mark.f-warning { background: var(--warn); } mark.f-info { background: var(--info); }
.part-start { font-size: .75rem; color: #fff; background: #475569; border-radius: 3px; padding: 0 4px;
  margin-right: 4px; white-space: nowrap; }
.part-start.weak { background: var(--weak); }
.gap { display:inline-block; font-size:.75rem; color: var(--bad); border: 1px dashed var(--bad);
  border-radius: 3px; padding: 0 4px; margin: 0 4px; white-space: nowrap; }
.legend span { margin-right: 12px; font-size: .85rem; }
"""


def render_html(review: Review | Sequence[Review], *, title: str | None = None) -> str:
    """A complete, self-contained HTML page for one review or several (no scripts, no external files)."""
    reviews = [review] if isinstance(review, Review) else list(review)
    if title is None:
        title = "govtext review — " + (reviews[0].path if len(reviews) == 1 else f"{len(reviews)} documents")
    body = "\n".join(html_fragment(r, anchor=f"d{i}") for i, r in enumerate(reviews))
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def html_fragment(r: Review, *, anchor: str = "d0") -> str:
    """The review as an ``<article>`` (no ``<html>``/``<style>``): for embedding next to ``CSS``."""
    c = r.completeness
    out: list[str] = [f'<article class="review" id="{_e(anchor)}">']
    out.append(f"<h1>{_e(r.document.title or r.path)}</h1>")
    kind_how = "given" if c.kind.explicit else f"confidence {c.kind.confidence:.2f}"
    out.append(
        f'<div class="meta">{_e(r.path)} · {_e(c.kind.label)} ({_e(c.kind.kind)}, {_e(kind_how)}) · '
        f"outline {_e(c.outline.id)} v{_e(c.outline.version)}</div>"
    )
    grade = "good" if c.score >= 85 else "fair" if c.score >= 60 else "poor"
    verdict = (
        ("fail", "缺少必需部分：" + "、".join(p.label for p in c.missing_required)) if c.missing_required
        else ("fail", f"findings at or above {r.fail_on}") if r.failed else ("pass", "ok")
    )
    out.append('<div class="score">')
    out.append(f'<div class="num {grade}">{c.score}<small>/100</small></div><div>')
    out.append(f'<div class="verdict {verdict[0]}">{_e(verdict[1])}</div>')
    if c.breakdown:
        out.append("<div>100 " + " ".join(f"{b.points:+g} <span title=\"{_e(b.reason)}\">({_e(b.item)})</span>"
                                          for b in c.breakdown) + f" = {c.score}</div>")
        out.append("<ul>" + "".join(f"<li>{_e(b.reason)}: {b.points:+g}</li>" for b in c.breakdown) + "</ul>")
    if c.kind.reasons and not c.kind.explicit:
        out.append(f'<div class="meta">kind: {_e("; ".join(c.kind.reasons))}</div>')
    out.append("</div></div>")

    out.append("<h2>Parts 部分</h2>")
    out.append(_parts_table(r, anchor))
    out.append("<h2>Outline 提纲</h2>")
    out.append(_outline_tree(r, anchor))
    out.append(f"<h2>Findings 问题 ({len(r.findings)})</h2>")
    out.append(_finding_list(r.findings, anchor))
    out.append(f"<h2>Placeholders 未填占位符 ({len(r.placeholders)})</h2>")
    out.append(_finding_list(r.placeholders, anchor))
    if r.main_themes:
        out.append("<h2>Themes 主题</h2><p>" + "，".join(f"{_e(t.label)} {t.count}" for t in r.main_themes) + "</p>")
    out.append("<h2>Document 原文</h2>")
    out.append('<div class="legend"><span><mark class="ph">占位符 placeholder</mark></span>'
               '<span><mark class="f-error">error</mark></span><span><mark class="f-warning">warning</mark></span>'
               '<span><span class="part-start">部分 part</span></span><span class="gap">缺少 missing</span></div>')
    out.append(_document_html(r, anchor))
    out.append("</article>")
    return "\n".join(out)


def _parts_table(r: Review, anchor: str) -> str:
    rows = ["<table><thead><tr><th>part</th><th>required</th><th>status</th><th>weight</th><th>cost</th>"
            "<th>line</th><th>reason</th></tr></thead><tbody>"]
    for p in r.completeness.parts:
        rows.append(_part_row(r, p, anchor, sub=False))
        rows.extend(_part_row(r, s, anchor, sub=True) for s in p.subparts)
    rows.append("</tbody></table>")
    return "".join(rows)


def _part_row(r: Review, p: PartResult, anchor: str, *, sub: bool) -> str:
    line = r.document.line_col(p.start_char)[0] if p.start_char is not None else None
    where = f'<a href="#{_e(anchor)}-L{line}">{line}</a>' if line else ""
    return (
        f'<tr class="{"sub" if sub else ""}"><td>{_e(p.label)}</td><td>{"●" if p.required else ""}</td>'
        f'<td class="st-{_e(p.status)}">{STATUS_MARK[p.status]} {_e(p.status)}</td>'
        f'<td class="num">{"" if sub else f"{p.weight:g}"}</td><td class="num">{f"{p.cost:g}" if p.cost else ""}</td>'
        f'<td class="num">{where}</td><td>{_e(p.reason)}</td></tr>'
    )


def _outline_tree(r: Review, anchor: str) -> str:
    secs = r.outline.sections
    if not secs:
        return "<p>no numbered headings</p>"
    part_at = _parts_by_section(r.completeness.parts)
    children: dict[int | None, list] = {}
    for s in secs:
        children.setdefault(s.parent, []).append(s)

    def walk(parent: int | None) -> str:
        items = []
        for s in children.get(parent, []):
            tags = "".join(f'<span class="tag st-{_e(p.status)}">{_e(p.label)}</span>' for p in part_at.get(s.index, []))
            sub = walk(s.index) if s.index in children else ""
            items.append(f'<li><a class="ln" href="#{_e(anchor)}-L{s.line}">{s.line}</a>{_e(s.marker)}'
                         f"{_e(_short(s.title, 60))}{tags}{sub}</li>")
        return "<ul>" + "".join(items) + "</ul>"

    return '<ul class="tree">' + walk(None)[4:]


def _finding_list(findings: Sequence[Finding], anchor: str) -> str:
    if not findings:
        return "<p>none</p>"
    items = []
    for f in findings:
        kind = f" [{_e(f.kind)}]" if f.kind else ""
        items.append(
            f'<li><a href="#{_e(anchor)}-L{f.line}">{f.line}:{f.col}</a> '
            f'<code class="sev-{_e(f.severity)}">{_e(f.code)}</code> ({_e(f.slug)}) {_e(f.message)}{kind}'
            f" — <q>{_e(_short(f.context or f.match, 60))}</q></li>"
        )
    return '<ul class="findings">' + "".join(items) + "</ul>"


def _document_html(r: Review, anchor: str) -> str:
    """The original text, line by line, with placeholders, faults and part starts marked."""
    text = r.document.text
    marks: list[tuple[int, int, str, str]] = []  # start, end, css class, title
    for f in r.placeholders:
        if f.end_char > f.start_char:
            marks.append((f.start_char, f.end_char, "ph", f"{f.code} {f.message}"))
    for f in r.findings:
        if f.end_char > f.start_char and not f.code.startswith("GT4"):
            marks.append((f.start_char, f.end_char, f"f-{f.severity}", f"{f.code} {f.message}"))
    inserts: dict[int, list[str]] = {}
    for p in r.completeness.parts:
        if p.start_char is not None:
            cls = "part-start weak" if p.status == "weak" else "part-start"
            inserts.setdefault(p.start_char, []).append(
                f'<span class="{cls}" title="{_e(p.reason)}">{_e(p.label)}</span>')
    for f in r.completeness.findings:
        if f.code == "GT401":
            inserts.setdefault(f.start_char, []).append(f'<span class="gap" title="{_e(f.message)}">缺少：'
                                                        f"{_e(f.message)}</span>")
    lines = r.document.lines.starts
    line_starts = set(lines)
    for para in r.document.paragraphs:  # flattened texts join paragraphs on one line: break them apart
        if para.start not in line_starts and text[para.start - 1] not in "\r\n":
            inserts.setdefault(para.start, []).insert(0, '<span class="pbr"></span>')
    out = ['<div class="doc">']
    for i, ls in enumerate(lines):
        le = lines[i + 1] if i + 1 < len(lines) else len(text)
        body = text[ls:le].rstrip("\r\n")
        end = ls + len(body)
        out.append(f'<div class="row" id="{_e(anchor)}-L{i + 1}"><a class="lno" href="#{_e(anchor)}-L{i + 1}">{i + 1}</a>'
                   f'<div class="txt">{_marked(text, ls, end, marks, inserts)}</div></div>')
    out.append("</div>")
    return "".join(out)


def _marked(text: str, start: int, end: int, marks: list[tuple[int, int, str, str]], inserts: dict[int, list[str]]) -> str:
    """Escaped ``text[start:end]`` with ``<mark>`` around marked spans (cut at the line's ends)."""
    active = [m for m in marks if m[0] < end and m[1] > start]
    points = {start, end}
    for a, b, _, _ in active:
        points.update((max(a, start), min(b, end)))
    points.update(k for k in inserts if start <= k < end or (k == end == start))
    cuts = sorted(points)
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:] + [None], strict=True):
        for ins in inserts.get(a, []) if a < end or a == start else []:
            out.append(ins)
        if b is None or b <= a:
            continue
        seg = _e(text[a:b]).replace("\t", '<span class="tab">\t</span>')
        on = [m for m in active if m[0] <= a and m[1] >= b]
        if on:
            classes = " ".join(sorted({m[2] for m in on}))
            tip = "; ".join(m[3] for m in on)
            seg = f'<mark class="{_e(classes)}" title="{_e(tip)}">{seg}</mark>'
        out.append(seg)
    return "".join(out)


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)
