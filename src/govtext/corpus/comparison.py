"""Comparing two documents or two groups: sections aligned by title, themes gained and lost,
distinctive terms by TF-IDF."""

from __future__ import annotations

import re

import pandas as pd

from .tables import CorpusTables, dedupe, duplicate_ids, plain

_NUM = re.compile(r"[0-9０-９]+")
_TRIM = re.compile(r"^[\s\u3000]+|[\s\u3000。；;：:，,、]+$")


def _title_key(title: str) -> str:
    """Title as compared: folded, spaces and final punctuation removed, digits masked (so that
    ``2021年工作回顾`` and ``2022年工作回顾`` are the same section)."""
    from ..text import fold

    t = _TRIM.sub("", fold(title or "")).replace(" ", "")
    return _NUM.sub("#", t)


def title_similarity(a: str, b: str) -> float:
    """Similarity of two section titles in [0, 1] (difflib ratio on the compared form)."""
    import difflib

    return difflib.SequenceMatcher(None, _title_key(a), _title_key(b), autojunk=False).ratio()


def _side_sections(t: CorpusTables, max_level: int | None) -> list[dict]:
    """Distinct sections of one side, in first-seen order, with how many documents have them."""
    secs = t.sections
    heads = {(r.doc_id, int(r.index)): (plain(r.parent), f"{plain(r.marker) or ''}{r.title}")
             for r in secs.itertuples(index=False)}
    if max_level is not None:
        secs = secs[secs["level"] <= max_level]
    seen: dict[str, dict] = {}
    for row in secs.itertuples(index=False):
        key = _title_key(row.title)
        if not key:
            continue
        item = seen.get(key)
        if item is None:
            seen[key] = {"title": row.title, "level": int(row.level), "marker": plain(row.marker),
                         "path": _path(heads, row.doc_id, plain(row.parent)), "docs": {row.doc_id}}
        else:
            item["docs"].add(row.doc_id)
    out = []
    for key, item in seen.items():
        docs = item.pop("docs")
        out.append({**item, "documents": len(docs), "_key": key})
    return out


def _path(heads: dict, doc_id: str, parent) -> list[str]:
    """The headings (marker + title) above a section, outermost first."""
    out: list[str] = []
    while parent is not None and len(out) < 12:
        parent, head = heads.get((doc_id, int(parent)), (None, None))
        if head is None:
            break
        out.append(head)
    return out[::-1]


def align_sections(a: list[dict], b: list[dict], *, threshold: float = 0.5) -> tuple[list, list, list]:
    """(removed, added, renamed) between two section lists: equal titles match; the rest are paired
    greedily by title similarity (at least ``threshold``; a level change costs 0.15)."""
    b_keys = {s["_key"] for s in b}
    a_keys = {s["_key"] for s in a}
    rest_a = [s for s in a if s["_key"] not in b_keys]
    rest_b = [s for s in b if s["_key"] not in a_keys]
    pairs = []
    for i, sa in enumerate(rest_a):
        for j, sb in enumerate(rest_b):
            sim = title_similarity(sa["title"], sb["title"])
            score = sim - 0.15 * abs(sa["level"] - sb["level"])
            if score >= threshold:
                pairs.append((-score, i, j, sim))
    pairs.sort()
    used_a, used_b, renamed = set(), set(), []
    for _neg, i, j, sim in pairs:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        renamed.append((i, j, sim))
    renamed.sort(key=lambda x: (x[0], x[1]))
    public = lambda s: {k: v for k, v in s.items() if k != "_key"}  # noqa: E731
    removed = [public(s) for i, s in enumerate(rest_a) if i not in used_a]
    added = [public(s) for j, s in enumerate(rest_b) if j not in used_b]
    renamed_out = [{"from": rest_a[i]["title"], "to": rest_b[j]["title"], "similarity": round(sim, 3),
                    "level_from": rest_a[i]["level"], "level_to": rest_b[j]["level"],
                    "marker_from": rest_a[i].get("marker"), "marker_to": rest_b[j].get("marker"),
                    "path_from": rest_a[i].get("path", []), "path_to": rest_b[j].get("path", [])}
                   for i, j, sim in renamed]
    return removed, added, renamed_out


def _side_themes(t: CorpusTables) -> pd.DataFrame:
    """Per theme: mean weight over the side's documents (0 where absent), total count, document share."""
    n = max(len(t.documents[t.documents["error"].isna()]), 1)
    th = t.themes[t.themes["count"] > 0]
    if th.empty:
        return pd.DataFrame(columns=["theme", "label", "category", "weight", "count", "documents"]).set_index("theme")
    g = th.groupby("theme", sort=True)
    return pd.DataFrame({
        "label": g["label"].first(), "category": g["category"].first(),
        "weight": g["weight"].sum() / n, "count": g["count"].sum(), "documents": g["doc_id"].nunique(),
    })


def distinctive_terms(a: CorpusTables, b: CorpusTables, *, top: int = 20) -> dict[str, list[dict]]:
    """The terms most characteristic of each side: TF-IDF (sublinear tf, smoothed idf, l2-normalised
    per document, over every document of both sides) averaged per side; a term is distinctive of A by
    how much its mean TF-IDF in A exceeds that in B. Identical sides have none."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import TfidfTransformer

    terms = pd.concat([a.terms.assign(_side=0), b.terms.assign(_side=1)], ignore_index=True)
    if terms.empty:
        return {"a": [], "b": []}
    terms["_doc"] = terms["_side"].astype(str) + "\0" + terms["doc_id"].astype(str)
    doc_codes, doc_index = pd.factorize(terms["_doc"], sort=True)
    term_codes, vocab = pd.factorize(terms["term"], sort=True)
    counts = csr_matrix((terms["count"].astype(float).to_numpy(), (doc_codes, term_codes)),
                        shape=(len(doc_index), len(vocab)))
    tfidf = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    in_b = pd.Series(doc_index).str.startswith("1\0").to_numpy()
    zeros = np.zeros(len(vocab))
    mean_a = np.asarray(tfidf[~in_b].mean(axis=0)).ravel() if (~in_b).any() else zeros
    mean_b = np.asarray(tfidf[in_b].mean(axis=0)).ravel() if in_b.any() else zeros
    count_a = a.terms.groupby("term")["count"].sum()
    count_b = b.terms.groupby("term")["count"].sum()
    out = {}
    for side, diff in (("a", mean_a - mean_b), ("b", mean_b - mean_a)):
        order = sorted((i for i in range(len(vocab)) if diff[i] > 1e-12), key=lambda i: (-diff[i], vocab[i]))
        out[side] = [{"term": vocab[i], "score": round(float(diff[i]), 6),
                      "count_a": int(count_a.get(vocab[i], 0)), "count_b": int(count_b.get(vocab[i], 0))}
                     for i in order[:top]]
    return out


def theme_rates(a: CorpusTables, b: CorpusTables) -> list[dict]:
    """Every theme of either side with its rate on each side (hits per 10,000 characters of the
    side's documents, pooled) and counts, the largest change of rate first."""
    rows = []
    sides = []
    for t in (a, b):
        docs = t.documents[t.documents["error"].isna()]
        chars = max(int(docs["chars"].fillna(0).sum()), 1)
        th = t.themes[t.themes["doc_id"].isin(set(docs["doc_id"]))]
        g = th.groupby("theme").agg(count=("count", "sum"), label=("label", "first"))
        sides.append((g, chars))
    (ga, ca), (gb, cb) = sides
    labels = {**gb["label"].to_dict(), **ga["label"].to_dict()}
    for theme in sorted(set(ga.index) | set(gb.index)):
        na = int(ga["count"].get(theme, 0))
        nb = int(gb["count"].get(theme, 0))
        rows.append({"theme": theme, "label": plain(labels.get(theme)), "rate_a": round(na * 1e4 / ca, 3),
                     "rate_b": round(nb * 1e4 / cb, 3), "count_a": na, "count_b": nb})
    rows.sort(key=lambda r: (-abs(r["rate_b"] - r["rate_a"]), r["theme"]))
    return rows


def compare(a: CorpusTables, b: CorpusTables, *, max_level: int | None = 2, top: int = 20,
            threshold: float = 0.5, keep_duplicates: bool = False) -> dict:
    """Compare side A with side B (two documents or two groups of documents).

    Sections (up to ``max_level``) are aligned by title: equal titles (digits masked) are unchanged,
    the others are paired by similarity into renames, the rest are added or removed. Themes gained
    and lost are those present on one side only (count > 0), with weights; ``themes_changed`` lists
    the shared themes whose mean weight moved; ``themes_by_change`` every theme with its rate per
    10,000 characters on each side (:func:`theme_rates`). Distinctive terms by TF-IDF
    (:func:`distinctive_terms`). Each side counts a duplicate group once (its first document) unless
    ``keep_duplicates``; ``duplicates_left_out`` names the copies left out.
    """
    left_out = []
    if not keep_duplicates:
        for t in (a, b):
            left_out += [{"doc_id": k, "duplicate_of": v} for k, v in sorted(duplicate_ids(t).items())]
        a, b = dedupe(a), dedupe(b)
    removed, added, renamed = align_sections(_side_sections(a, max_level), _side_sections(b, max_level),
                                             threshold=threshold)
    ta, tb = _side_themes(a), _side_themes(b)

    def theme_item(theme: str, src: pd.DataFrame) -> dict:
        r = src.loc[theme]
        return {"theme": theme, "label": plain(r["label"]), "category": plain(r["category"]),
                "weight_a": round(float(ta.loc[theme, "weight"]), 6) if theme in ta.index else 0.0,
                "weight_b": round(float(tb.loc[theme, "weight"]), 6) if theme in tb.index else 0.0,
                "count_a": int(ta.loc[theme, "count"]) if theme in ta.index else 0,
                "count_b": int(tb.loc[theme, "count"]) if theme in tb.index else 0}

    gained = [theme_item(t, tb) for t in tb.index if t not in ta.index]
    lost = [theme_item(t, ta) for t in ta.index if t not in tb.index]
    gained.sort(key=lambda d: (-d["weight_b"], d["theme"]))
    lost.sort(key=lambda d: (-d["weight_a"], d["theme"]))
    changed = [theme_item(t, ta) for t in ta.index if t in tb.index]
    changed = [c for c in changed if abs(c["weight_b"] - c["weight_a"]) > 1e-9]
    changed.sort(key=lambda d: (-abs(d["weight_b"] - d["weight_a"]), d["theme"]))
    return {
        "a": _side_summary(a), "b": _side_summary(b),
        "sections_added": added, "sections_removed": removed, "sections_renamed": renamed,
        "themes_gained": gained, "themes_lost": lost, "themes_changed": changed,
        "themes_by_change": theme_rates(a, b),
        "distinctive_terms": distinctive_terms(a, b, top=top),
        "duplicates_left_out": left_out,
    }


def _side_summary(t: CorpusTables) -> dict:
    docs = t.documents
    return {"documents": int(len(docs)), "doc_ids": docs["doc_id"].tolist()[:20]}
