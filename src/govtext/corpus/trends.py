"""Trends: theme by year, as a table."""

from __future__ import annotations

import pandas as pd

from .tables import CorpusTables

TREND_COLUMNS = ["year", "theme", "label", "category", "documents", "documents_with_theme", "share",
                 "count", "chars", "per_10k_chars", "mean_weight"]


def theme_trends(tables: CorpusTables) -> pd.DataFrame:
    """Theme-by-year table (one row per year × theme, zeros included): how many documents of the year
    mention the theme, its total count per 10,000 characters, and its mean weight."""
    docs = tables.documents[tables.documents["error"].isna() & tables.documents["year"].notna()]
    if docs.empty or tables.themes.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in TREND_COLUMNS})
    years = docs.groupby("year").agg(documents=("doc_id", "nunique"), chars=("chars", "sum"))
    th = tables.themes.merge(docs[["doc_id", "year"]], on="doc_id")
    th = th[th["count"] > 0]
    themes = tables.themes.groupby("theme", sort=True).agg(label=("label", "first"), category=("category", "first"))
    grid = pd.MultiIndex.from_product([years.index, themes.index], names=["year", "theme"])
    agg = th.groupby(["year", "theme"]).agg(documents_with_theme=("doc_id", "nunique"),
                                            count=("count", "sum"), weight=("weight", "sum"))
    out = agg.reindex(grid).fillna(0).reset_index()
    out = out.merge(themes, left_on="theme", right_index=True).merge(years, left_on="year", right_index=True)
    out["share"] = (out["documents_with_theme"] / out["documents"]).round(6)
    out["per_10k_chars"] = (out["count"] / out["chars"] * 10000).round(4)
    out["mean_weight"] = (out["weight"] / out["documents"]).round(6)
    out = out.astype({"year": "int64", "documents": "int64", "documents_with_theme": "int64",
                      "count": "int64", "chars": "int64"})
    return out[TREND_COLUMNS].sort_values(["year", "theme"]).reset_index(drop=True)
