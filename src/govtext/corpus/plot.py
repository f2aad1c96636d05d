"""The theme-trends chart, with every label in a CJK font found on this machine (matplotlib)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pandas as pd

_CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
                 "Noto Sans CJK", "Noto Sans CJK JP", "Noto Sans CJK TC", "WenQuanYi Zen Hei",
                 "WenQuanYi Micro Hei", "Noto Serif CJK SC", "Droid Sans Fallback")


def find_cjk_font() -> Path | None:
    """A font file with Chinese glyphs: ``$GOVTEXT_CJK_FONT``, else Noto Sans CJK (or another known
    CJK family) from matplotlib's font list, else the first ``fc-list :lang=zh`` font."""
    env = os.environ.get("GOVTEXT_CJK_FONT")
    if env:
        p = Path(env)
        return p if p.is_file() and _covers(p, "主题年份") else None
    from matplotlib import font_manager

    by_name: dict[str, str] = {}
    for f in font_manager.fontManager.ttflist:
        by_name.setdefault(f.name, f.fname)
    for fam in _CJK_FAMILIES:
        if fam in by_name and _covers(Path(by_name[fam]), "主题年份"):
            return Path(by_name[fam])
    import shutil
    import subprocess

    if shutil.which("fc-list"):
        try:
            r = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.SubprocessError):
            return None
        files = sorted({ln.split(":")[0].strip() for ln in r.stdout.splitlines() if ln.strip()})
        files.sort(key=lambda f: ("Sans" not in f, "Bold" in f, f))
        for f in files:
            if f.lower().endswith((".ttf", ".otf", ".ttc")) and _covers(Path(f), "主题年份"):
                return Path(f)
    return None


@cache
def _charmap(path: Path) -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    try:
        return frozenset(FT2Font(str(path)).get_charmap())
    except (OSError, RuntimeError, ValueError):
        return frozenset()


def _covers(path: Path, text: str) -> bool:
    cmap = _charmap(path)
    return all(ord(c) in cmap for c in text if not c.isspace())


FORMATS = ("png", "svg", "pdf")
DPI = 300  # PNG resolution


def chart_formats(spec: str) -> tuple[str, ...]:
    """``png,svg,pdf`` → the formats, checked (a UsageError names an unknown one)."""
    from ..errors import UsageError

    fmts = tuple(dict.fromkeys(f.strip().lower() for f in spec.split(",") if f.strip()))
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise UsageError(f"unknown chart format {bad[0] if bad else spec!r}; expected some of {', '.join(FORMATS)}")
    return fmts


def _prepare(font: Path):
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(font))
    return font_manager.FontProperties(fname=str(font))


def _apply_font(fig, fp) -> None:
    """Set the CJK font on every text of the figure (titles, labels, ticks, legends, captions)."""
    from matplotlib.text import Text

    for t in fig.findobj(Text):
        size = t.get_fontsize()
        t.set_fontproperties(fp)
        t.set_fontsize(size)


def _series_lines(ax, frame: pd.DataFrame, value: str, series: list[str], colors: dict, gid: str) -> None:
    """One line per series, NaN in the years a series has no document, so no line crosses a gap."""
    for si, name in enumerate(series):
        sub = frame[frame["series"] == name].set_index("year")[value].sort_index()
        if sub.empty:
            continue
        full = sub.reindex(range(int(sub.index.min()), int(sub.index.max()) + 1))
        ax.plot(full.index, full.to_numpy(dtype=float), marker="o", markersize=3, linewidth=1.4,
                color=colors[name], gid=f"{gid}-{si}")


def _documents_bars(ax, docs: pd.DataFrame, series: list[str], colors: dict) -> None:
    """Documents per year, stacked by series."""
    bottom = pd.Series(0.0, index=sorted(set(docs["year"])))
    for si, name in enumerate(series):
        sub = docs[docs["series"] == name].set_index("year")["documents"].reindex(bottom.index).fillna(0)
        bars = ax.bar(bottom.index, sub.to_numpy(), bottom=bottom.to_numpy(), width=0.8, color=colors[name])
        for patch, year in zip(bars, bottom.index, strict=True):
            patch.set_gid(f"documents-{si}-{int(year)}")
        bottom += sub
    for year, total in bottom.items():  # the years with several documents get their count written
        if total > 1:
            ax.annotate(f"{int(total)}", (year, total), ha="center", va="bottom", fontsize=7,
                        xytext=(0, 1), textcoords="offset points")
    ax.set_ylim(0, max(float(bottom.max()), 1.0) * 1.25)
    ax.set_ylabel("文件数")
    ax.grid(True, axis="y", alpha=0.3)


def plot_trends(trends: pd.DataFrame, path: str | Path | None = None, *, font: Path, top: int = 6,
                themes: Iterable[str] | None = None, title_filter: str | None = None, caption: str | None = None):
    """Small multiples of ``themes`` (default: :func:`choose_themes`, the ``top`` strongest risers and
    fallers): one panel per theme, one line per series (the ``series`` column of
    ``theme_trends(by=…)``; a pooled table is one series), broken where a series has no document,
    occurrences per 10,000 characters; below, the documents per year as stacked bars; the legend
    (series with their document counts) outside the panels, right; the title names ``title_filter``
    and ``caption`` is printed under the chart. Every text is set in the CJK ``font``. Saved to
    ``path`` (format from its suffix) when given. Returns the Figure (see :func:`chart_bytes`).

    Lines carry SVG ids ``trend-<panel>-<series>``, bars ``documents-<series>-<year>`` (series in
    legend order).
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from .trends import choose_themes

    fp = _prepare(font)
    t = trends if "series" in trends else trends.assign(series="全部")
    chosen = list(themes) if themes else choose_themes(t, top)
    docs = t.drop_duplicates(["series", "year"])[["series", "year", "documents"]]
    totals = docs.groupby("series")["documents"].sum()
    series = sorted(totals.index, key=lambda s: (-int(totals[s]), s))
    cmap = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
            "#7f7f7f", "#bcbd22"]
    colors = {name: cmap[i % len(cmap)] for i, name in enumerate(series)}
    n = max(len(chosen), 1)
    ncols = 1 if n == 1 else 2 if n <= 6 else 3
    nrows = -(-n // ncols)
    fig = Figure(figsize=(4.6 * ncols + 2.6, 2.6 * nrows + 2.4))
    gs = fig.add_gridspec(nrows + 1, ncols, height_ratios=[3] * nrows + [1.7], left=0.07,
                          right=1 - 2.5 / (4.6 * ncols + 2.6), top=0.92, bottom=0.1, hspace=0.55, wspace=0.22)
    first = None
    for i, theme in enumerate(chosen):
        ax = fig.add_subplot(gs[i // ncols, i % ncols], sharex=first)
        first = first or ax
        sub = t[t["theme"] == theme]
        label = str(sub["label"].iloc[0]) if len(sub) and sub["label"].iloc[0] is not None else theme
        _series_lines(ax, sub, "per_10k_chars", series, colors, f"trend-{i}")
        ax.set_title(label, fontsize=11)
        ax.grid(True, alpha=0.3)
        ax.set_ylim(bottom=0)
    if not chosen:
        first = fig.add_subplot(gs[0, :])
    bar_ax = fig.add_subplot(gs[nrows, :], sharex=first)
    _documents_bars(bar_ax, docs, series, colors)
    bar_ax.set_xlabel("年份")
    fig.supylabel("每万字出现次数", x=0.01, fontsize=11)
    title = "主题随年份的变化（每万字出现次数）"
    fig.suptitle(f"{title}｜筛选：{title_filter}" if title_filter else title, fontsize=14)
    handles = [Line2D([], [], color=colors[s], marker="o", markersize=4) for s in series]
    labels = [f"{s}（{int(totals[s])} 份）" for s in series]
    fig.legend(handles, labels, loc="center left", bbox_to_anchor=(1 - 2.4 / (4.6 * ncols + 2.6), 0.6),
               frameon=False, fontsize=9, title="序列（文件数）", title_fontsize=9)
    if caption:
        fig.text(0.01, 0.01, caption, fontsize=8, ha="left", va="bottom", wrap=True)
    _apply_font(fig, fp)
    if path is not None:
        from ..outputs import write_output

        fmt = Path(path).suffix.lstrip(".").lower() or "png"
        write_output(path, chart_bytes(fig, fmt))
    return fig


def chart_bytes(fig, fmt: str) -> bytes:
    """The figure as ``fmt`` (png at :data:`DPI` dpi, svg, pdf)."""
    import io

    buf = io.BytesIO()
    # a tight box keeps the legend (outside the panels) and the caption whole
    fig.savefig(buf, format=fmt, dpi=DPI, bbox_inches="tight", pad_inches=0.2)
    return buf.getvalue()
