"""Renderers for a ``Review``: rich terminal text and a self-contained HTML page, in Chinese or English.

``render_text(review)`` draws the headline, the outline tree, the parts table, the score and its
explanation, the findings and the placeholders with their context (colours only when asked for).
``render_html(review)`` returns one HTML page (inline CSS, a print stylesheet, no scripts, no external
resources) with the same, and the document text with placeholders, faults, part starts and missing parts
marked. Every piece of user text is escaped. The web app embeds the same page (``html_fragment``).
Every reviewer-facing string goes through the message catalogue (``govtext.i18n``): ``lang`` is ``zh``
(the default, or ``$GOVTEXT_LANG``) or ``en``; finding messages come from the code catalogue
(``codes.localize``). ``headline`` is the one-line summary a reviewer acts on;
``report_filename`` names a downloaded report after the document.
"""

from __future__ import annotations

import html
import io
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING

from . import codes
from .i18n import LANGS, N_, gettext, resolve_lang, translator
from .model import Finding, PartResult

if TYPE_CHECKING:  # Review.headline calls back into this module
    from .review import Review

STATUS_MARK = {"present": "✓", "weak": "△", "missing": "✗"}
STATUS_STYLE = {"present": "green", "weak": "yellow", "missing": "bold red"}
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
STATUS_LABEL = {"present": N_("present"), "weak": N_("weak"), "missing": N_("missing")}
SEVERITY_LABEL = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}
#: By default this many placeholders are listed one by one in the text form (all are counted).
TEXT_PLACEHOLDERS = 40
#: Punctuation of each language: list items, clauses, colon, "and more", brackets.
PUNCT = {
    "zh": {"list": "、", "comma": "，", "clause": "；", "colon": "：", "more": "……", "open": "（", "close": "）"},
    "en": {"list": ", ", "comma": ", ", "clause": "; ", "colon": ": ", "more": "…", "open": " (", "close": ")"},
}
#: Finding codes the headline counts as slips in the writing, stale wordings, and numbering faults.
TYPO_CODES = ("GT103", "GT108")
STALE_CODES = ("GT301",)
NUMBERING_CODES = ("GT101", "GT102", "GT104", "GT105", "GT106", "GT107")
ORDER_CODES = ("GT403", "GT404")
#: How many examples the headline quotes per clause.
HEADLINE_EXAMPLES = 3


def _reviews(review: Review | Sequence[Review]) -> list[Review]:
    """One review or several, as a list."""
    return list(review) if isinstance(review, (list, tuple)) else [review]  # type: ignore[list-item]


def _lang(lang: str | None) -> str:
    """``lang`` checked, or the resolved default (``$GOVTEXT_LANG``, else ``zh``)."""
    if lang is None:
        return resolve_lang()
    if lang not in LANGS:
        return resolve_lang(lang)
    return lang


# --------------------------------------------------------------------------------------------------
# Pieces shared by the text and HTML forms


def _value(v: object, lang: str) -> object:
    """A reason's field value in ``lang``: a string of ``, ``-joined catalogue words is translated."""
    if not isinstance(v, str) or lang == "en" or not v:
        return v
    pieces = v.split(", ")
    done = [gettext(p, lang) for p in pieces]
    if all(d != p for d, p in zip(done, pieces, strict=True)):
        return PUNCT[lang]["list"].join(done)
    return v


def reason_text(items: Sequence[tuple[str, tuple[tuple[str, object], ...]]], fallback: str, lang: str) -> str:
    """Reason pieces (``(template, params)``: completeness's ``reason_items``) rendered in ``lang``;
    ``fallback`` (the English ``reason``) when there are none or one cannot be filled."""
    if not items:
        return fallback
    out = []
    for template, params in items:
        try:
            out.append(gettext(template, lang).format(**{k: _value(v, lang) for k, v in params}))
        except (KeyError, IndexError, ValueError):
            return fallback
    return PUNCT[lang]["clause"].join(out)


def part_reason(p: PartResult, lang: str) -> str:
    """Why a part has its status, in ``lang``."""
    return reason_text(getattr(p, "reason_items", ()), p.reason, lang)


def kind_reasons(r: Review, lang: str) -> str:
    """Why the document was taken for its kind, in ``lang``."""
    k = r.completeness.kind
    return reason_text(getattr(k, "reason_items", ()), "; ".join(k.reasons), lang)


def kind_name(kind: str | None, lang: str) -> str:
    """A placeholder kind's name in ``lang`` (``organisation`` → 单位)."""
    return gettext(codes.KIND_LABELS.get(kind or "", kind or "text"), lang)


def kind_counts(placeholders: Sequence[Finding]) -> list[tuple[str, int]]:
    """Placeholder counts by kind, most frequent first (ties in catalogue order)."""
    n = Counter(f.kind or "text" for f in placeholders)
    order = {k: i for i, k in enumerate(codes.KINDS)}
    return sorted(n.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order)), kv[0]))


def kind_counts_text(placeholders: Sequence[Finding], lang: str, limit: int | None = None) -> str:
    """``单位 23、数量 17、文字 3`` (with ``……`` when ``limit`` cuts the list)."""
    counts = kind_counts(placeholders)
    shown = counts if limit is None else counts[:limit]
    text = PUNCT[lang]["list"].join(f"{kind_name(k, lang)} {n}" for k, n in shown)
    return text + (PUNCT[lang]["more"] if len(shown) < len(counts) else "")


def _part_labels(r: Review) -> dict[str, str]:
    c = r.completeness
    return {q.id: q.label for p in c.parts for q in (p, *p.subparts)}


def _weak_why(p: PartResult, lang: str) -> str:
    return PUNCT[lang]["list"].join(gettext(w, lang) for w in p.weak_because)


def breakdown_item(r: Review, item: str, lang: str) -> str:
    """What a score item stands for, in ``lang``: a part's label or an ordering fault."""
    labels = _part_labels(r)
    if item.startswith("order:") and "<" in item:
        a, b = item[len("order:"):].split("<", 1)
        return gettext(N_("{first} after {second}"), lang).format(first=labels.get(a, a), second=labels.get(b, b))
    if item.startswith("near-end:"):
        pid = item[len("near-end:"):]
        return gettext(N_("{label} not near the end"), lang).format(label=labels.get(pid, pid))
    return labels.get(item, item)


def breakdown_reason(r: Review, item: str, lang: str) -> str:
    """Why a score item costs points, in ``lang``."""
    for p in r.completeness.parts:
        if p.id == item:
            if p.status == "missing":
                return gettext(N_("{label} missing (weight {weight:g})"), lang).format(label=p.label, weight=p.weight)
            return gettext(N_("{label} weak: {why} (weight {weight:g})"), lang).format(
                label=p.label, why=_weak_why(p, lang), weight=p.weight)
    return breakdown_item(r, item, lang)


def verdict(r: Review, lang: str) -> tuple[str, str]:
    """``("fail"|"pass", text)``: the review's result in one line."""
    c = r.completeness
    p = PUNCT[lang]
    if c.missing_required:
        return "fail", gettext(N_("missing required parts: {parts}"), lang).format(
            parts=p["list"].join(x.label for x in c.missing_required))
    if r.failed:
        return "fail", gettext(N_("findings at or above {level}"), lang).format(
            level=gettext(SEVERITY_LABEL[r.fail_on], lang))
    return "pass", gettext(N_("no problems at or above {level}"), lang).format(
        level=gettext(SEVERITY_LABEL[r.fail_on], lang))


def _examples(items: Sequence[str], lang: str) -> str:
    p = PUNCT[lang]
    uniq = list(dict.fromkeys(i for i in items if i))
    text = p["list"].join(uniq[:HEADLINE_EXAMPLES]) + (p["more"] if len(uniq) > HEADLINE_EXAMPLES else "")
    return f"{p['open']}{text}{p['close']}" if text else ""


def headline(r: Review, lang: str | None = None) -> str:
    """The one line a reviewer acts on, from the review's facts: score and the parts missing or weak,
    unfilled placeholders by kind, writing slips, stale wordings, numbering and ordering faults.

    ``结构 81/100：存在问题、下一步打算薄弱（未单列标题）；未填占位符 50 处（单位 23、数量 17、文字 3……）；…``
    """
    lang = _lang(lang)
    p = PUNCT[lang]
    c = r.completeness
    parts: list[str] = []
    missing = [x.label for x in c.parts if x.status == "missing" and x.required]
    if missing:
        parts.append(gettext(N_("missing {parts}"), lang).format(parts=p["list"].join(missing)))
    weak = [x for x in c.parts if x.status == "weak"]
    if weak:
        shared = [w for w in weak[0].weak_because if all(w in x.weak_because for x in weak)]
        groups: list[tuple[list[str], tuple[str, ...]]] = []
        if shared or len(weak) == 1:
            groups.append(([x.label for x in weak], tuple(shared or weak[0].weak_because)))
        else:
            for x in weak:
                groups.append(([x.label], x.weak_because))
        for labels, why in groups:
            because = p["list"].join(gettext(w, lang) for w in why)
            parts.append(gettext(N_("{parts} weak"), lang).format(parts=p["list"].join(labels))
                         + (f"{p['open']}{because}{p['close']}" if because else ""))
    structure = gettext(N_("structure {score}/100"), lang).format(score=c.score)
    if parts:
        structure += p["colon"] + p["comma"].join(parts)
    clauses = [structure]
    ph = r.placeholders
    if ph:
        clauses.append(gettext(N_("unfilled placeholders: {n}"), lang).format(n=len(ph))
                       + f"{p['open']}{kind_counts_text(ph, lang, HEADLINE_EXAMPLES)}{p['close']}")
    found = r.findings
    typos = [f for f in found if f.code in TYPO_CODES]
    if typos:
        clauses.append(gettext(N_("writing slips: {n}"), lang).format(n=len(typos))
                       + _examples([f.match for f in typos], lang))
    stale = [f for f in found if f.code in STALE_CODES]
    if stale:
        olds = []
        for f in stale:
            got = codes.parse_message(codes.get(f.code).message, f.message) or {}
            olds.append(got.get("congress", f.match))
        clauses.append(gettext(N_("stale references: {n}"), lang).format(n=len(stale)) + _examples(olds, lang))
    numbering = [f for f in found if f.code in NUMBERING_CODES]
    if numbering:
        clauses.append(gettext(N_("numbering faults: {n}"), lang).format(n=len(numbering))
                       + _examples([_short(f.match, 12) for f in numbering], lang))
    order = [f for f in found if f.code in ORDER_CODES]
    if order:
        clauses.append(gettext(N_("order: {faults}"), lang).format(
            faults=p["list"].join(codes.localize(f, lang) for f in order)))
    return p["clause"].join(clauses)


_UNSAFE = re.compile(r'[\x00-\x1f\x7f\\/:*?"<>|\s]+')


def report_filename(r: Review, ext: str, lang: str | None = None) -> str:
    """A download name for the review of ``r``: the document's title (with its year when the title
    lacks it), ``.审阅`` / ``.review``, ``.ext`` — e.g. ``2019年党建工作总结.审阅.html``. Characters
    unsafe in file names become ``_``."""
    lang = _lang(lang)
    doc = r.document
    base = (doc.title or "").strip()
    if not base:
        stem = PurePath(r.path).stem if r.path not in ("", "-", "<stdin>", "<string>") else ""
        base = stem or "govtext"
    if doc.year and str(doc.year) not in base:
        base = (f"{doc.year}年{base}" if lang == "zh" else f"{base} {doc.year}")
    base = _UNSAFE.sub("_", base).strip("._ ")[:80] or "govtext"
    word = gettext(N_("review"), lang)
    return f"{base}.{word}.{ext.lstrip('.')}"


# --------------------------------------------------------------------------------------------------
# Terminal text (rich)


def render_text(
    review: Review | Sequence[Review], *, color: bool = False, width: int = 100, lang: str | None = None,
    placeholders: int | None = TEXT_PLACEHOLDERS,
) -> str:
    """The review(s) as terminal text in ``lang``; ``color=False`` gives plain text with no escape codes.

    ``placeholders`` is how many placeholders are listed one by one (None: all); all are counted.
    """
    from rich.console import Console

    lang = _lang(lang)
    reviews = _reviews(review)
    buf = io.StringIO()
    console = Console(
        file=buf, width=width, force_terminal=color, color_system="standard" if color else None,
        no_color=not color, highlight=False, emoji=False, soft_wrap=False,
    )
    for i, r in enumerate(reviews):
        if i:
            console.rule()
        _text_one(console, r, lang, placeholders)
    return buf.getvalue()


def _text_one(console, r: Review, lang: str, limit: int | None) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table
    from rich.text import Text
    from rich.tree import Tree

    _ = translator(lang)
    p = PUNCT[lang]
    c = r.completeness
    console.print(Text(headline(r, lang), style="bold"), soft_wrap=True)
    head = Text()
    head.append(r.path, style="bold")
    how = _("given") if c.kind.explicit else _("confidence {confidence:.2f}").format(confidence=c.kind.confidence)
    head.append(f"  {c.kind.label}{p['open']}{c.kind.kind}{p['comma']}{how}{p['close']}")
    head.append("  " + _("outline {id} v{version}").format(id=c.outline.id, version=c.outline.version))
    console.print(head)
    score = Text(_("score") + " ")
    score.append(f"{c.score}/100", style="bold " + _score_style(c.score))
    if c.breakdown:
        score.append("  = 100 " + " ".join(f"{b.points:+g}{p['open']}{breakdown_item(r, b.item, lang)}{p['close']}"
                                           for b in c.breakdown))
    console.print(score)
    for b in c.breakdown:
        console.print(Text(f"  {b.points:+g}  {breakdown_reason(r, b.item, lang)}", style="dim"))
    if not c.kind.explicit and (c.kind.reasons or getattr(c.kind, "reason_items", ())):
        console.print(Text(_("kind") + p["colon"] + kind_reasons(r, lang), style="dim"))

    # outline tree, annotated with the parts each section realises
    tree = Tree(Text(_("outline ({n} sections)").format(n=len(r.outline.sections)), style="bold"))
    part_at = _parts_by_section(c.parts)
    nodes: dict[int, object] = {}
    for s in r.outline.sections:
        parent = nodes.get(s.parent) if s.parent is not None else tree
        if parent is None:
            parent = tree
        label = Text(f"{s.line:>4}  ", style="dim")
        label.append(f"{s.marker}{_short(s.title, 40)}")
        for q in part_at.get(s.index, []):
            label.append(f"  [{q.label}]", style=STATUS_STYLE.get(q.status, ""))
        nodes[s.index] = parent.add(label)  # type: ignore[attr-defined]
    console.print(tree)

    table = Table(title=_("parts"), title_justify="left", show_lines=False, expand=False)
    for col, kw in ((_("part"), {}), (_("required"), {"justify": "center"}), (_("status"), {}),
                    (_("weight"), {"justify": "right"}), (_("cost"), {"justify": "right"}),
                    (_("line"), {"justify": "right"}), (_("reason"), {"overflow": "fold"})):
        table.add_column(col, **kw)
    for part in c.parts:
        line = str(r.document.line_col(part.start_char)[0]) if part.start_char is not None else ""
        table.add_row(
            _bare(part.label), "●" if part.required else "",
            Text(f"{STATUS_MARK[part.status]} {_(STATUS_LABEL[part.status])}", style=STATUS_STYLE[part.status]),
            f"{part.weight:g}", f"{part.cost:g}" if part.cost else "", line, part_reason(part, lang),
        )
        for s in part.subparts:
            sline = str(r.document.line_col(s.start_char)[0]) if s.start_char is not None else ""
            table.add_row(f"  · {_bare(s.label)}", "",
                          Text(f"{STATUS_MARK[s.status]} {_(STATUS_LABEL[s.status])}", style=STATUS_STYLE[s.status]),
                          "", "", sline, part_reason(s, lang))
    console.print(table)

    findings = r.findings
    console.print(Text(_("findings ({n})").format(n=len(findings)), style="bold"))
    for f in findings:  # one line each, never wrapped: grep-able like a linter's output
        console.print(_finding_line(r.path, f, lang), soft_wrap=True)
    ph = r.placeholders
    title = Text(_("placeholders ({n})").format(n=len(ph)), style="bold")
    if ph:
        title.append(p["colon"] + kind_counts_text(ph, lang))
    console.print(title, soft_wrap=True)
    shown = ph if limit is None else ph[:limit]
    for f in shown:
        line = Text(f"  {f.line:>4}:{f.col:<4} ", style="dim")
        line.append(f"“{_short(f.match, 20)}”", style="bold")
        line.append(f"  {kind_name(f.kind, lang)}  {f.code} {codes.localize(f, lang)}")
        if f.context:
            line.append(f"  {f.context}", style="dim")
        console.print(line, soft_wrap=True)
    if len(shown) < len(ph):
        console.print(Text(_("… and {n} more (all: --placeholders all)").format(n=len(ph) - len(shown)), style="dim"))
    themes = r.main_themes
    if themes:
        console.print(Text(_("themes") + p["colon"], style="bold")
                      + Text("，".join(f"{t.label} {t.count}" for t in themes)))
    state, words = verdict(r, lang)
    v = Text(_("result") + p["colon"])
    v.append(words, style=("bold red" if r.completeness.missing_required else "yellow") if state == "fail" else "green")
    console.print(v)


def _finding_line(path: str, f: Finding, lang: str):  # -> rich Text
    from rich.text import Text

    t = Text(f"{path}:{f.line}:{f.col}: ")
    t.append(f.code, style=SEVERITY_STYLE.get(f.severity, ""))
    if lang == "en":
        t.append(f" ({f.slug})")
    t.append(f" {codes.localize(f, lang)}")
    if f.kind:
        t.append(f" [{kind_name(f.kind, lang)}]", style="dim")
    return t


def _bare(label: str) -> str:
    """A label without its parenthesised gloss: 结束语（特此报告，请予评议） → 结束语."""
    return re.sub(r"（[^）]*）$", "", label) or label


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
# CSS

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
.doc .row { display:flex; align-items: baseline; } .doc .lno { flex: 0 0 3.5em; text-align:right; padding-right: 10px;
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
.headline { font-weight: 600; margin: 6px 0 10px; padding: 6px 10px; background: #fff; border-left: 4px solid var(--weak); }
.kinds { color: var(--muted); margin: 4px 0; }
"""


# --------------------------------------------------------------------------------------------------
# HTML

PRINT_CSS = """
@media print {
  @page { size: A4; margin: 16mm 14mm; }
  body { background: #fff; font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav, aside, .sidebar, .downloads, .no-print, form, button { display: none !important; }
  a, a:visited { color: inherit; text-decoration: none; }
  .score { margin: 8px 0; break-inside: avoid; } .headline { break-inside: avoid; }
  h1, h2 { break-after: avoid; } tr, li, .doc .row { break-inside: avoid; }
  .doc { border: none; } mark.ph { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .part-start, .gap, mark { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def render_html(review: Review | Sequence[Review], *, title: str | None = None, lang: str | None = None) -> str:
    """A complete, self-contained HTML page for one review or several (no scripts, no external files),
    in ``lang``, titled by the document's detected title (or ``title``)."""
    lang = _lang(lang)
    _ = translator(lang)
    reviews = _reviews(review)
    if title is None:
        if len(reviews) == 1:
            title = _("Review: {title}").format(title=reviews[0].document.title or reviews[0].path)
        else:
            title = _("Review of {n} documents").format(n=len(reviews))
    body = "\n".join(html_fragment(r, anchor=f"d{i}", lang=lang) for i, r in enumerate(reviews))
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f"<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{_e(title)}</title>\n<style>{CSS}{PRINT_CSS}</style>\n</head>\n<body>\n<main>\n{body}\n"
        "</main>\n</body>\n</html>\n"
    )


def html_fragment(r: Review, *, anchor: str = "d0", lang: str | None = None) -> str:
    """The review as an ``<article>`` (no ``<html>``/``<style>``): for embedding next to ``CSS``."""
    lang = _lang(lang)
    _ = translator(lang)
    p = PUNCT[lang]
    c = r.completeness
    out: list[str] = [f'<article class="review" id="{_e(anchor)}">']
    out.append(f"<h1>{_e(r.document.title or r.path)}</h1>")
    out.append(f'<p class="headline">{_e(headline(r, lang))}</p>')
    kind_how = _("given") if c.kind.explicit else _("confidence {confidence:.2f}").format(confidence=c.kind.confidence)
    out.append(
        f'<div class="meta">{_e(r.path)} · {_e(c.kind.label)}{_e(p["open"])}{_e(c.kind.kind)}{_e(p["comma"])}'
        f'{_e(kind_how)}{_e(p["close"])} · '
        + _e(_("outline {id} v{version}").format(id=c.outline.id, version=c.outline.version)) + "</div>"
    )
    grade = "good" if c.score >= 85 else "fair" if c.score >= 60 else "poor"
    state, words = verdict(r, lang)
    out.append('<div class="score">')
    out.append(f'<div class="num {grade}">{c.score}<small>/100</small></div><div>')
    out.append(f'<div class="verdict {state}">{_e(words)}</div>')
    if c.breakdown:
        out.append("<div>100 " + " ".join(
            f"{b.points:+g} <span title=\"{_e(breakdown_reason(r, b.item, lang))}\">"
            f"{_e(p['open'])}{_e(breakdown_item(r, b.item, lang))}{_e(p['close'])}</span>"
            for b in c.breakdown) + f" = {c.score}</div>")
        out.append("<ul>" + "".join(f"<li>{_e(breakdown_reason(r, b.item, lang))}{_e(p['colon'])}{b.points:+g}</li>"
                                    for b in c.breakdown) + "</ul>")
    if not c.kind.explicit and (c.kind.reasons or getattr(c.kind, "reason_items", ())):
        out.append('<div class="meta">' + _e(_("kind") + p["colon"] + kind_reasons(r, lang)) + "</div>")
    out.append("</div></div>")

    out.append(_h2(_("Parts")))
    out.append(_parts_table(r, anchor, lang))
    out.append(_h2(_("Outline")))
    out.append(_outline_tree(r, anchor, lang))
    out.append(_h2(_("Findings ({n})").format(n=len(r.findings))))
    out.append(_finding_list(r.findings, anchor, lang))
    out.append(_h2(_("Unfilled placeholders ({n})").format(n=len(r.placeholders))))
    if r.placeholders:
        out.append('<p class="kinds">' + _e(_("by kind") + p["colon"] + kind_counts_text(r.placeholders, lang)) + "</p>")
    out.append(_finding_list(r.placeholders, anchor, lang))
    if r.main_themes:
        out.append(_h2(_("Themes")) + "<p>" + "，".join(f"{_e(t.label)} {t.count}" for t in r.main_themes) + "</p>")
    out.append(_h2(_("Document")))
    legend = {"ph": _("placeholder"), "error": _(SEVERITY_LABEL["error"]), "warning": _(SEVERITY_LABEL["warning"]),
              "part": _("part"), "missing": _(STATUS_LABEL["missing"])}
    out.append(f'<div class="legend"><span><mark class="ph">{_e(legend["ph"])}</mark></span>'
               f'<span><mark class="f-error">{_e(legend["error"])}</mark></span>'
               f'<span><mark class="f-warning">{_e(legend["warning"])}</mark></span>'
               f'<span><span class="part-start">{_e(legend["part"])}</span></span>'
               f'<span class="gap">{_e(legend["missing"])}</span></div>')
    out.append(_document_html(r, anchor, lang))
    out.append("</article>")
    return "\n".join(out)


def _parts_table(r: Review, anchor: str, lang: str) -> str:
    _ = translator(lang)
    heads = "".join(f"<th>{_e(_(h))}</th>" for h in (N_("part"), N_("required"), N_("status"), N_("weight"),
                                                     N_("cost"), N_("line"), N_("reason")))
    rows = [f"<table><thead><tr>{heads}</tr></thead><tbody>"]
    for p in r.completeness.parts:
        rows.append(_part_row(r, p, anchor, lang, sub=False))
        rows.extend(_part_row(r, s, anchor, lang, sub=True) for s in p.subparts)
    rows.append("</tbody></table>")
    return "".join(rows)


def _part_row(r: Review, p: PartResult, anchor: str, lang: str, *, sub: bool) -> str:
    line = r.document.line_col(p.start_char)[0] if p.start_char is not None else None
    where = f'<a href="#{_e(anchor)}-L{line}">{line}</a>' if line else ""
    return (
        f'<tr class="{"sub" if sub else ""}"><td>{_e(p.label)}</td><td>{"●" if p.required else ""}</td>'
        f'<td class="st-{_e(p.status)}">{STATUS_MARK[p.status]} {_e(gettext(STATUS_LABEL[p.status], lang))}</td>'
        f'<td class="num">{"" if sub else f"{p.weight:g}"}</td><td class="num">{f"{p.cost:g}" if p.cost else ""}</td>'
        f'<td class="num">{where}</td><td>{_e(part_reason(p, lang))}</td></tr>'
    )


def _outline_tree(r: Review, anchor: str, lang: str) -> str:
    secs = r.outline.sections
    if not secs:
        return "<p>" + _e(gettext(N_("no numbered headings"), lang)) + "</p>"
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


def _finding_list(findings: Sequence[Finding], anchor: str, lang: str) -> str:
    if not findings:
        return "<p>" + _e(gettext(N_("none"), lang)) + "</p>"
    items = []
    for f in findings:
        kind = f" [{_e(kind_name(f.kind, lang))}]" if f.kind else ""
        items.append(
            f'<li><a href="#{_e(anchor)}-L{f.line}">{f.line}:{f.col}</a> '
            f'<code class="sev-{_e(f.severity)}">{_e(f.code)}</code> {_e(codes.localize(f, lang))}{kind}'
            f" — <q>{_e(_short(f.context or f.match, 60))}</q></li>"
        )
    return '<ul class="findings">' + "".join(items) + "</ul>"


def _document_html(r: Review, anchor: str, lang: str) -> str:
    """The original text, line by line, with placeholders, faults, part starts and missing parts marked.

    A mark placed at a line's end (or inside its line break) is shown at the end of that line.
    """
    text = r.document.text
    marks: list[tuple[int, int, str, str]] = []  # start, end, css class, title
    for f in r.placeholders:
        if f.end_char > f.start_char:
            marks.append((f.start_char, f.end_char, "ph", f"{f.code} {codes.localize(f, lang)}"))
    for f in r.findings:
        if f.end_char > f.start_char and not f.code.startswith("GT4"):
            marks.append((f.start_char, f.end_char, f"f-{f.severity}", f"{f.code} {codes.localize(f, lang)}"))
    inserts: dict[int, list[str]] = {}
    for p in r.completeness.parts:
        if p.start_char is not None:
            cls = "part-start weak" if p.status == "weak" else "part-start"
            inserts.setdefault(p.start_char, []).append(
                f'<span class="{cls}" title="{_e(part_reason(p, lang))}">{_e(p.label)}</span>')
    for f in r.completeness.findings:
        if f.code == "GT401":
            msg = codes.localize(f, lang)
            inserts.setdefault(f.start_char, []).append(f'<span class="gap" title="{_e(msg)}">{_e(msg)}</span>')
    lines = r.document.lines.starts
    line_starts = set(lines)
    for para in r.document.paragraphs:  # flattened texts join paragraphs on one line: break them apart
        if para.start in line_starts or text[para.start - 1] in "\r\n":
            continue
        ls = max(x for x in lines if x <= para.start) if lines else 0
        if text[ls:para.start].strip():  # only after text on the same line, not after an indent
            inserts.setdefault(para.start, []).insert(0, '<span class="pbr"></span>')
    out = ['<div class="doc">']
    for i, ls in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else len(text) + 1
        body = text[ls:nxt].rstrip("\r\n") if i + 1 < len(lines) else text[ls:].rstrip("\r\n")
        end = ls + len(body)
        here: dict[int, list[str]] = {}
        for k, v in inserts.items():
            if ls <= k < nxt:
                here.setdefault(min(k, end), []).extend(v)
        out.append(f'<div class="row" id="{_e(anchor)}-L{i + 1}"><a class="lno" href="#{_e(anchor)}-L{i + 1}">{i + 1}</a>'
                   f'<div class="txt">{_marked(text, ls, end, marks, here)}</div></div>')
    out.append("</div>")
    return "".join(out)


def _marked(text: str, start: int, end: int, marks: list[tuple[int, int, str, str]], inserts: dict[int, list[str]]) -> str:
    """Escaped ``text[start:end]`` with ``<mark>`` around marked spans (cut at the line's ends) and the
    ``inserts`` (all within ``start..end``, line end included) at their places."""
    active = [m for m in marks if m[0] < end and m[1] > start]
    points = {start, end}
    for a, b, _, _ in active:
        points.update((max(a, start), min(b, end)))
    points.update(k for k in inserts if start <= k <= end)
    cuts = sorted(points)
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:] + [None], strict=True):
        out.extend(inserts.get(a, []))
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


def _h2(s: str) -> str:
    return f"<h2>{_e(s)}</h2>"


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)
