"""Text reuse between two documents (年年岁岁文相似): how much of B's text repeats A, sentence by
sentence, and the paragraph pairs that carry the reuse, with offsets into both original texts.

A sentence of B *repeats* A when A has the same sentence (compared without blanks, full-width forms
folded: ``exact``) or one at least :data:`NEAR` similar (difflib ratio on the compared forms, among
the A sentences sharing most character trigrams with it: ``near``). B's reused characters are all the characters of its
exact sentences plus the characters of its near sentences that difflib finds in the A sentence;
``share`` = reused characters / B's characters (blanks not counted). Identical texts share 100%.
"""

from __future__ import annotations

import difflib
import html
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from ..model import Document
from .evidence import sentence_spans

NEAR = 0.8  # least difflib ratio of two sentences that are "near-exact"
PAIR_MIN = 0.3  # least share of a B paragraph repeating one A paragraph for the two to be paired
_GRAM = 3
_CANDIDATES = 8  # A sentences (most shared trigrams) compared with each B sentence
_BLANKS = frozenset(" \t\r\n\u3000\u00a0\ufeff\u200b")


@dataclass(frozen=True)
class SentenceMatch:
    """A sentence of B (``b_start:b_end``) repeating one of A (``a_start:a_end``)."""

    b_start: int
    b_end: int
    a_start: int
    a_end: int
    kind: str  # exact | near
    similarity: float
    chars: int  # B's characters counted as reused

    def to_dict(self) -> dict:
        """Plain dict for JSON output."""
        return asdict(self)


@dataclass(frozen=True)
class ParagraphPair:
    """Paragraph ``b_index`` of B aligned with paragraph ``a_index`` of A (offsets into each text);
    ``reused_share``: share of the B paragraph's characters repeating that A paragraph."""

    a_index: int
    a_start: int
    a_end: int
    b_index: int
    b_start: int
    b_end: int
    similarity: float
    reused_share: float

    def to_dict(self) -> dict:
        """Plain dict for JSON output."""
        return asdict(self)


@dataclass(frozen=True)
class Reuse:
    """How much of B repeats A: character counts and shares, matched sentences, paragraph pairs."""

    chars: int  # B's characters, blanks not counted
    reused_chars: int
    exact_chars: int
    near_chars: int
    sentences: int  # B's sentences
    matches: tuple[SentenceMatch, ...]
    pairs: tuple[ParagraphPair, ...]

    @property
    def share(self) -> float:
        """Reused characters / characters of B (0 for an empty B)."""
        return self.reused_chars / self.chars if self.chars else 0.0

    def to_dict(self) -> dict:
        """Plain dict for JSON output (shares rounded to 4 places)."""
        return {
            "share": round(self.share, 4), "exact_share": round(self.exact_chars / self.chars, 4) if self.chars else 0.0,
            "near_share": round(self.near_chars / self.chars, 4) if self.chars else 0.0,
            "chars": self.chars, "reused_chars": self.reused_chars, "exact_chars": self.exact_chars,
            "near_chars": self.near_chars, "sentences": self.sentences,
            "sentences_exact": sum(m.kind == "exact" for m in self.matches),
            "sentences_near": sum(m.kind == "near" for m in self.matches),
            "matches": [m.to_dict() for m in self.matches], "pairs": [p.to_dict() for p in self.pairs],
        }


def _key(s: str) -> str:
    """A sentence as compared: blanks removed, full-width forms folded (NFKC on ASCII-range forms)."""
    out = []
    for c in s:
        if c in _BLANKS:
            continue
        if "\uff01" <= c <= "\uff5e":  # full-width ASCII forms only (never ① or ⑴)
            c = unicodedata.normalize("NFKC", c)
        out.append(c)
    return "".join(out)


def _grams(k: str) -> set[str]:
    return {k[i:i + _GRAM] for i in range(len(k) - _GRAM + 1)}


def _sentences(doc: Document) -> list[tuple[int, int, int, str]]:
    """(start, end, paragraph index, compared form) of every sentence, paragraph by paragraph."""
    out = []
    for pi, p in enumerate(doc.paragraphs):
        for s, e in sentence_spans(doc.text, p.start, p.end):
            k = _key(doc.text[s:e])
            if k:
                out.append((s, e, pi, k))
    return out


def text_reuse(a: Document | str, b: Document | str) -> Reuse:
    """How much of ``b`` repeats ``a`` (see the module docstring)."""
    da = a if isinstance(a, Document) else Document(a)
    db = b if isinstance(b, Document) else Document(b)
    sa, sb = _sentences(da), _sentences(db)
    exact: dict[str, int] = {}
    index: dict[str, list[int]] = {}
    grams_a = []
    for i, (_s, _e, _p, k) in enumerate(sa):
        exact.setdefault(k, i)
        g = _grams(k)
        grams_a.append(g)
        for x in g:
            index.setdefault(x, []).append(i)
    matches: list[tuple[SentenceMatch, int]] = []  # with the A sentence's paragraph
    for s, e, _p, k in sb:
        i = exact.get(k)
        if i is not None:
            matches.append((SentenceMatch(s, e, sa[i][0], sa[i][1], "exact", 1.0, len(k)), sa[i][2]))
            continue
        g = _grams(k)
        if not g:
            continue
        tally = Counter(j for x in g for j in index.get(x, ()))
        best = None
        for j, _shared in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))[:_CANDIDATES]:
            sm = difflib.SequenceMatcher(None, sa[j][3], k, autojunk=False)
            if sm.real_quick_ratio() < NEAR or sm.quick_ratio() < NEAR:  # upper bounds of ratio()
                continue
            ratio = sm.ratio()
            if ratio >= NEAR and (best is None or ratio > best[0]):
                best = (ratio, j, sum(blk.size for blk in sm.get_matching_blocks()))
        if best is not None:
            ratio, j, same = best
            matches.append((SentenceMatch(s, e, sa[j][0], sa[j][1], "near", round(ratio, 4), same), sa[j][2]))
    chars = sum(len(k) for *_x, k in sb)
    exact_chars = sum(m.chars for m, _ in matches if m.kind == "exact")
    near_chars = sum(m.chars for m, _ in matches if m.kind == "near")
    pairs = _pairs(da, db, [(m, pa) for m, pa in matches])
    return Reuse(chars, exact_chars + near_chars, exact_chars, near_chars, len(sb),
                 tuple(m for m, _ in matches), tuple(pairs))


def _pairs(da: Document, db: Document, matches: Sequence[tuple[SentenceMatch, int]]) -> list[ParagraphPair]:
    """Each B paragraph with the A paragraph it repeats most (at least :data:`PAIR_MIN` of it)."""
    pb_starts = [p.start for p in db.paragraphs]
    import bisect

    tally: dict[int, Counter] = {}
    for m, pa in matches:
        pb = bisect.bisect_right(pb_starts, m.b_start) - 1
        tally.setdefault(pb, Counter())[pa] += m.chars
    out = []
    for pb in sorted(tally):
        pa, reused = sorted(tally[pb].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        P, Q = da.paragraphs[pa], db.paragraphs[pb]
        size = len(_key(Q.text)) or 1
        if reused / size < PAIR_MIN:
            continue
        ratio = difflib.SequenceMatcher(None, _key(P.text), _key(Q.text), autojunk=False).ratio()
        out.append(ParagraphPair(pa, P.start, P.end, pb, Q.start, Q.end, round(ratio, 4), round(min(reused / size, 1.0), 4)))
    return out


def diff_marks(a: str, b: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """``a`` and ``b`` as runs of (text, changed): characters of ``a`` not in ``b`` and of ``b`` not
    in ``a`` (difflib opcodes, no junk heuristics) are the changed runs."""
    ra: list[tuple[str, bool]] = []
    rb: list[tuple[str, bool]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            ra.append((a[i1:i2], False))
            rb.append((b[j1:j2], False))
        else:
            if i2 > i1:
                ra.append((a[i1:i2], True))
            if j2 > j1:
                rb.append((b[j1:j2], True))
    return ra, rb


def _width(c: str) -> int:
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1


def _wrap(runs: list[tuple[str, bool]], open_: str, close: str, width: int) -> list[str]:
    """Runs as lines of at most ``width`` display cells, changed runs between ``open_``/``close``."""
    tokens: list[str] = []
    for text, changed in runs:
        chars = list(text.replace("\r", "").replace("\n", "⏎").replace("\t", " "))
        if changed and chars:  # the marks stick to the run's first and last characters (never wrapped apart)
            chars[0] = open_ + chars[0]
            chars[-1] = chars[-1] + close
        tokens.extend(chars)
    lines, cur, w = [], "", 0
    for t in tokens:
        tw = sum(_width(c) for c in t)
        if w + tw > width and cur:
            lines.append(cur + " " * (width - w))
            cur, w = "", 0
        cur += t
        w += tw
    lines.append(cur + " " * (width - w))
    return lines


def side_by_side(a: str, b: str, *, width: int = 40) -> str:
    """``a`` and ``b`` in two columns of ``width`` cells, changed characters marked ``[-…-]`` in A
    and ``{+…+}`` in B."""
    ra, rb = diff_marks(a, b)
    la, lb = _wrap(ra, "[-", "-]", width), _wrap(rb, "{+", "+}", width)
    n = max(len(la), len(lb))
    la += [" " * width] * (n - len(la))
    lb += [" " * width] * (n - len(lb))
    return "\n".join(f"{x} │ {y}".rstrip() for x, y in zip(la, lb, strict=True))


def html_runs(runs: list[tuple[str, bool]], tag: str) -> str:
    """Runs as HTML, changed runs inside ``<tag>``."""
    return "".join(f"<{tag}>{html.escape(t)}</{tag}>" if ch else html.escape(t) for t, ch in runs)


def reuse_report(a: Document, b: Document, *, label_a: str, label_b: str, pairs: int | None = None) -> dict:
    """The JSON object of ``govtext corpus reuse``: ``a``/``b`` (label, characters), the shares and
    counts of :meth:`Reuse.to_dict`, and each pair with both paragraphs' text."""
    r = text_reuse(a, b)
    d = r.to_dict()
    items = []
    for p in r.pairs[:pairs] if pairs is not None else r.pairs:
        items.append({**p.to_dict(), "a_text": a.text[p.a_start:p.a_end], "b_text": b.text[p.b_start:p.b_end]})
    d["pairs"] = items
    return {"a": {"document": label_a, "chars": len(a.text)}, "b": {"document": label_b, "chars": len(b.text)}, **d}


def reuse_text(report: dict, *, width: int = 40, pairs: int = 10) -> str:
    """Text output: the shares, then the first ``pairs`` aligned paragraphs side by side."""
    r = report
    out = [f"A: {r['a']['document']}   B: {r['b']['document']}",
           f"B 中重复 A 的字符：{r['share']:.1%}（{r['reused_chars']}/{r['chars']}；完全相同的句子 "
           f"{r['sentences_exact']} 句 {r['exact_share']:.1%}，近似的句子 {r['sentences_near']} 句 "
           f"{r['near_share']:.1%}；B 共 {r['sentences']} 句）",
           f"{r['share']:.1%} of B's characters repeat A ({r['sentences_exact']} exact and "
           f"{r['sentences_near']} near-exact sentences); {len(r['pairs'])} aligned paragraph pairs"]
    for p in r["pairs"][:pairs]:
        out.append(f"\n¶A{p['a_index']} [{p['a_start']}:{p['a_end']}] ↔ ¶B{p['b_index']} [{p['b_start']}:{p['b_end']}]"
                   f"  similarity {p['similarity']:.2f}, reused {p['reused_share']:.0%}")
        out.append(side_by_side(p["a_text"], p["b_text"], width=width))
    if len(r["pairs"]) > pairs:
        out.append(f"\n… {len(r['pairs']) - pairs} more pairs (--pairs N, or --format json/html for all)")
    return "\n".join(out) + "\n"


def reuse_html(report: dict) -> str:
    """A self-contained HTML page: the shares and every aligned pair side by side, changes marked."""
    r = report
    rows = []
    for p in r["pairs"]:
        ra, rb = diff_marks(p["a_text"], p["b_text"])
        rows.append(f"<tr><td class=n>¶{p['a_index']}<br>{p['a_start']}–{p['a_end']}</td><td>{html_runs(ra, 'del')}</td>"
                    f"<td>{html_runs(rb, 'ins')}</td><td class=n>¶{p['b_index']}<br>{p['b_start']}–{p['b_end']}"
                    f"<br>{p['similarity']:.2f}</td></tr>")
    esc = html.escape
    return (
        "<!doctype html><html lang=zh-CN><meta charset=utf-8>"
        f"<title>文本重复：{esc(r['b']['document'])} ← {esc(r['a']['document'])}</title>"
        "<style>body{font-family:'Noto Sans CJK SC',sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
        "td{border:1px solid #ccc;padding:.4em;vertical-align:top}td.n{font-size:.8em;color:#555;white-space:nowrap}"
        "del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}</style>"
        f"<h1>B 中重复 A 的字符：{r['share']:.1%}</h1>"
        f"<p>A：{esc(r['a']['document'])}（{r['a']['chars']} 字）<br>B：{esc(r['b']['document'])}（{r['b']['chars']} 字）"
        f"<br>完全相同的句子 {r['sentences_exact']} 句（{r['exact_share']:.1%}），近似的句子 {r['sentences_near']} 句"
        f"（{r['near_share']:.1%}），B 共 {r['sentences']} 句；{len(r['pairs'])} 对段落。"
        "<del>删去</del> 为 A 中有而 B 中无的字，<ins>新增</ins> 为 B 中新写的字。</p>"
        "<table><tr><th></th><th>A</th><th>B</th><th></th></tr>" + "".join(rows) + "</table></html>\n"
    )


REUSE_COLUMNS = ["issuer", "level", "year_a", "year_b", "gap", "doc_a", "doc_b", "chars", "reused_chars",
                 "exact_chars", "near_chars", "share", "exact_share", "near_share", "pairs"]


def stored_document(row, base: Sequence[str] = (".",)) -> Document:
    """Read the document of a stored ``documents`` row again: its ``path`` as given to ``analyze``
    (an absolute path, or relative to the first folder of ``base`` where it exists), refusing a file
    whose content changed since the analysis."""
    import hashlib
    from pathlib import Path

    from ..errors import InputError
    from ..readers import SUFFIXES, document_from_bytes

    path = Path(str(row["path"]))
    if not path.is_absolute():
        path = next((Path(b) / path for b in base if (Path(b) / path).is_file()), Path(base[0]) / path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read the stored document {row['doc_id']} again ({exc.strerror or exc})") from None
    want = row.get("content_hash") if hasattr(row, "get") else None
    if want and hashlib.sha256(data).hexdigest() != want:
        raise InputError(str(path), f"changed since it was analysed as {row['doc_id']}; run `govtext corpus analyze` again")
    suffix = path.suffix.lower()
    return document_from_bytes(data, str(path), suffix=suffix if suffix in SUFFIXES else ".txt")


def reuse_table(tables, *, keep_duplicates: bool = False, base: Sequence[str] = (".",)):
    """The ``reuse`` table of a corpus: for each issuer, each document against the issuer's previous
    year with a document (``gap`` years earlier; one document per issuer and year, the first by
    doc_id, duplicates counted once unless ``keep_duplicates``), with :func:`text_reuse`'s shares.
    Documents are read again from their stored paths (see :func:`stored_document`)."""
    import pandas as pd

    from .tables import dedupe, issuer_levels

    if not keep_duplicates:
        tables = dedupe(tables)
    docs = tables.documents
    docs = docs[docs["error"].isna() & docs["year"].notna() & docs["issuer"].notna()]
    docs = docs.assign(level=issuer_levels(docs)).sort_values(["issuer", "year", "doc_id"], kind="stable")
    docs = docs.drop_duplicates(["issuer", "year"])
    rows = []
    cache: dict[str, Document] = {}

    def load(r) -> Document:
        if r["doc_id"] not in cache:
            cache.clear() if len(cache) > 4 else None
            cache[r["doc_id"]] = stored_document(r, base)
        return cache[r["doc_id"]]

    for issuer, group in docs.groupby("issuer", sort=True):
        recs = group.to_dict("records")
        for prev, cur in zip(recs, recs[1:], strict=False):
            r = text_reuse(load(prev), load(cur))
            d = r.to_dict()
            rows.append({"issuer": issuer, "level": cur["level"], "year_a": int(prev["year"]), "year_b": int(cur["year"]),
                         "gap": int(cur["year"]) - int(prev["year"]), "doc_a": prev["doc_id"], "doc_b": cur["doc_id"],
                         "chars": d["chars"], "reused_chars": d["reused_chars"], "exact_chars": d["exact_chars"],
                         "near_chars": d["near_chars"], "share": d["share"], "exact_share": d["exact_share"],
                         "near_share": d["near_share"], "pairs": len(r.pairs)})
    return pd.DataFrame.from_records(rows, columns=REUSE_COLUMNS)


def plot_reuse(table, *, font, title_filter: str | None = None):
    """Reuse over the years: share of each year's characters repeating the issuer's previous report,
    one line per issuer (no line across a gap of more than a year; a point after a gap is hollow).
    Returns the Figure (``plot.chart_bytes`` renders it); lines carry SVG ids ``reuse-<issuer index>``."""
    from matplotlib.figure import Figure

    from .plot import _apply_font, _prepare

    fp = _prepare(font)
    fig = Figure(figsize=(11, 5.5))
    ax = fig.add_axes((0.08, 0.14, 0.6, 0.76))
    issuers = sorted(set(table["issuer"]), key=lambda s: (-int((table["issuer"] == s).sum()), s))
    for i, name in enumerate(issuers):
        sub = table[table["issuer"] == name].set_index("year_b").sort_index()
        full = sub["share"].reindex(range(int(sub.index.min()), int(sub.index.max()) + 1)) * 100
        (line,) = ax.plot(full.index, full.to_numpy(dtype=float), marker="o", markersize=3.5, linewidth=1.4,
                          gid=f"reuse-{i}", label=f"{name}（{len(sub)} 对）")
        gaps = sub[sub["gap"] > 1]
        if len(gaps):
            ax.plot(gaps.index, gaps["share"] * 100, linestyle="none", marker="o", markersize=6,
                    markerfacecolor="white", color=line.get_color())
    top = float(table["share"].max() * 100) if len(table) else 0.0
    ax.set_ylim(0, max(5.0, min(100.0, top * 1.15)))
    ax.set_xlabel("年份（与该机关上一份报告相比）")
    ax.set_ylabel("重复上一份报告的字符（%）")
    ax.grid(True, alpha=0.3)
    title = "年年岁岁文相似：每份报告重复上一份报告的比例"
    ax.set_title(f"{title}｜筛选：{title_filter}" if title_filter else title, fontsize=13)
    fig.legend(loc="center left", bbox_to_anchor=(0.7, 0.5), frameon=False, fontsize=9)
    fig.text(0.01, 0.01, "完全相同与近似（≥0.8）的句子所占字符；空心点：与相隔一年以上的上一份报告相比；不跨缺失年份连线",
             fontsize=8)
    _apply_font(fig, fp)
    return fig
