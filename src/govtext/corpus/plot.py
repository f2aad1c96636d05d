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


def plot_trends(trends: pd.DataFrame, path: str | Path, *, font: Path, top: int = 8,
                themes: Iterable[str] | None = None):
    """Line chart of ``themes`` (default: the ``top`` themes by total count) per year, per 10,000
    characters, all text set in the CJK ``font``; saved as PNG at ``path``. Returns the Figure."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    font_manager.fontManager.addfont(str(font))
    fp = font_manager.FontProperties(fname=str(font))
    fig = Figure(figsize=(11, 6), dpi=110)
    ax = fig.subplots()
    if not trends.empty:
        totals = trends.groupby("theme")["count"].sum().sort_values(ascending=False, kind="stable")
        chosen = list(themes) if themes else [t for t in totals.index if totals[t] > 0][:top]
        for theme in chosen:
            sub = trends[trends["theme"] == theme].sort_values("year")
            ax.plot(sub["year"], sub["per_10k_chars"], marker="o", markersize=3, linewidth=1.4,
                    label=str(sub["label"].iloc[0] or theme))
    ax.set_title("主题随年份的变化（每万字出现次数）", fontproperties=fp, fontsize=14)
    ax.set_xlabel("年份", fontproperties=fp)
    ax.set_ylabel("每万字出现次数", fontproperties=fp)
    ax.grid(True, alpha=0.3)
    if ax.lines:
        small = fp.copy()
        small.set_size(9)
        ax.legend(prop=small, loc="upper left", ncols=2)
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontproperties(fp)
    fig.tight_layout()
    fig.savefig(str(path), format="png")
    return fig
