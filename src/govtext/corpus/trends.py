"""Trends: theme by year, as a table — pooled, or one series per issuer or issuer level — and the
default choice of themes to chart (the strongest risers and fallers)."""

from __future__ import annotations

import pandas as pd

from .tables import CorpusTables, dedupe, issuer_levels, level_label

TREND_COLUMNS = ["year", "theme", "label", "category", "documents", "documents_with_theme", "share",
                 "count", "chars", "per_10k_chars", "mean_weight"]
SERIES_COLUMNS = ["series", *TREND_COLUMNS]  # the table of theme_trends(by=…)
BY = ("issuer", "level")
AUTO_ISSUERS = 6  # by="auto": one series per issuer up to this many issuers, else per level


def resolve_by(tables: CorpusTables, by: str | None) -> str | None:
    """``auto`` → ``issuer`` when the documents have at most :data:`AUTO_ISSUERS` issuers, else ``level``."""
    if by != "auto":
        return by
    docs = tables.documents[tables.documents["error"].isna()]
    return "issuer" if docs["issuer"].fillna("").nunique() <= AUTO_ISSUERS else "level"


def document_series(documents: pd.DataFrame, by: str) -> pd.Series:
    """Each document's series name: its issuer (``未注明`` when unknown) or its level's label."""
    if by == "issuer":
        return documents["issuer"].astype(object).where(documents["issuer"].notna(), "未注明").astype(str)
    return issuer_levels(documents).map(level_label)


def theme_trends(tables: CorpusTables, *, by: str | None = None, keep_duplicates: bool = False) -> pd.DataFrame:
    """Theme-by-year table (one row per year × theme, zeros included): how many documents of the year
    mention the theme, its total count per 10,000 characters, and its mean weight.

    ``by="issuer"`` or ``"level"`` (``"auto"``: see :func:`resolve_by`) makes one series per issuer or
    issuer level (a leading ``series`` column; a series has rows only for the years it has documents).
    Each duplicate group counts once (its first document) unless ``keep_duplicates``.
    """
    by = resolve_by(tables, by)
    if not keep_duplicates:
        tables = dedupe(tables)
    cols = SERIES_COLUMNS if by else TREND_COLUMNS
    docs = tables.documents[tables.documents["error"].isna() & tables.documents["year"].notna()]
    if docs.empty or tables.themes.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    docs = docs.assign(series=document_series(docs, by) if by else "")
    keys = ["series", "year"]
    years = docs.groupby(keys).agg(documents=("doc_id", "nunique"), chars=("chars", "sum"))
    th = tables.themes.merge(docs[["doc_id", *keys]], on="doc_id")
    th = th[th["count"] > 0]
    themes = tables.themes.groupby("theme", sort=True).agg(label=("label", "first"), category=("category", "first"))
    grid = pd.MultiIndex.from_tuples([(s, y, t) for s, y in years.index for t in themes.index],
                                     names=[*keys, "theme"])
    agg = th.groupby([*keys, "theme"]).agg(documents_with_theme=("doc_id", "nunique"),
                                           count=("count", "sum"), weight=("weight", "sum"))
    out = agg.reindex(grid).fillna(0).reset_index()
    out = out.merge(themes, left_on="theme", right_index=True).merge(years, left_on=keys, right_index=True)
    out["share"] = (out["documents_with_theme"] / out["documents"]).round(6)
    out["per_10k_chars"] = (out["count"] / out["chars"] * 10000).round(4)
    out["mean_weight"] = (out["weight"] / out["documents"]).round(6)
    out = out.astype({"year": "int64", "documents": "int64", "documents_with_theme": "int64",
                      "count": "int64", "chars": "int64"})
    return out[cols].sort_values([c for c in ("series", "year", "theme") if c in cols]).reset_index(drop=True)


def theme_slopes(trends: pd.DataFrame) -> pd.Series:
    """Per theme: the within-series least-squares slope of ``per_10k_chars`` on the year (each series
    centred on its own means, so a level difference between series is not a trend), per decade."""
    t = trends if "series" in trends else trends.assign(series="")
    t = t[["series", "year", "theme", "per_10k_chars"]].copy()
    g = t.groupby(["series", "theme"])
    t["x"] = t["year"] - g["year"].transform("mean")
    t["y"] = t["per_10k_chars"] - g["per_10k_chars"].transform("mean")
    t["xy"], t["xx"] = t["x"] * t["y"], t["x"] * t["x"]
    s = t.groupby("theme")[["xy", "xx"]].sum()
    return (s["xy"] / s["xx"].where(s["xx"] > 0) * 10).fillna(0.0).sort_index()


def choose_themes(trends: pd.DataFrame, n: int = 6) -> list[str]:
    """The default themes of a chart: the ``n // 2`` strongest risers and the ``n - n // 2`` strongest
    fallers (:func:`theme_slopes`); with fewer years than two in every series, the most frequent."""
    slopes = theme_slopes(trends)
    totals = trends.groupby("theme")["count"].sum()
    slopes = slopes[totals.reindex(slopes.index).fillna(0) > 0]
    if slopes.abs().max() if len(slopes) else 0:
        up = [t for t, v in sorted(slopes.items(), key=lambda kv: (-kv[1], kv[0])) if v > 0][: n // 2]
        down = [t for t, v in sorted(slopes.items(), key=lambda kv: (kv[1], kv[0])) if v < 0][: n - len(up)]
        chosen = up + down
        if len(chosen) < n:  # fill with the strongest risers left
            chosen += [t for t, v in sorted(slopes.items(), key=lambda kv: (-kv[1], kv[0])) if t not in chosen][
                : n - len(chosen)]
        return chosen
    ordered = totals[totals > 0].sort_values(ascending=False, kind="stable")
    return list(ordered.index[:n])
