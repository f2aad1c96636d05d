"""The tidy tables of a corpus (pandas): the record, typing rows into fixed columns, assembling
per-document rows, and selecting groups of documents (``year=2021``, ``issuer=国务院,year=2015..2018``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UsageError
from .duplicates import DuplicateFinder
from .schema import BOOL, DERIVED, FLOAT, INT, SCHEMAS, STR, TABLES, ColumnRows


@dataclass(frozen=True)
class CorpusTables:
    """The tidy tables of a corpus analysis (pandas DataFrames, ``doc_id`` first, sorted by doc_id).

    ``documents`` has one row per document (an unreadable one carries its ``error``); ``sections``,
    ``placeholders``, ``themes``, ``parts`` (completeness), ``findings`` (structure/completeness
    findings) and ``terms`` (word counts, for TF-IDF comparisons) have one row per item. ``info``
    holds run statistics (engine, analysed/reused/error counts, seconds) and is not compared.
    """

    documents: pd.DataFrame
    sections: pd.DataFrame
    placeholders: pd.DataFrame
    themes: pd.DataFrame
    parts: pd.DataFrame
    findings: pd.DataFrame
    terms: pd.DataFrame
    theme_hits: pd.DataFrame
    signatures: pd.DataFrame
    duplicates: pd.DataFrame
    info: dict = field(default_factory=dict, compare=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Table name → DataFrame, in the fixed order."""
        return {name: getattr(self, name) for name in TABLES}

    def select(self, doc_ids: Iterable[str]) -> CorpusTables:
        """The same tables restricted to ``doc_ids``."""
        keep = set(doc_ids)
        return CorpusTables(
            **{n: df[df["doc_id"].isin(keep)].reset_index(drop=True) for n, df in self.tables().items()}
        )


def assemble(results: Iterable[Mapping[str, Sequence[dict]]], *, reused: CorpusTables | None = None,
             duplicates: DuplicateFinder | None = None) -> CorpusTables:
    """Row lists from :func:`analyze_source` (plus reused tables) → sorted, typed DataFrames.

    The ``duplicates`` table is derived here from the signatures, in doc_id order, by ``duplicates``
    (a :class:`DuplicateFinder` kept across the batches of one run; default: a new one, for tables
    that hold the whole corpus); stored duplicate rows of reused documents are never reused.
    """
    # each document's rows are moved into columns as it comes (a dict per row costs several times
    # the memory of its values); the stable sort by doc_id below gives the doc_id order
    columns = {name: _Columns(name) for name in TABLES if name not in DERIVED}
    for r in results:
        for name, cols in columns.items():
            cols.add(r.get(name, ()))
    frames = {}
    for name in TABLES:
        if name in DERIVED:
            continue
        df = columns.pop(name).frame()
        if reused is not None:
            old = getattr(reused, name)
            df = pd.concat([conform(old, name), conform(df, name)], ignore_index=True) if len(old) else df
        frames[name] = _sort(conform(df, name), name)
    finder = duplicates if duplicates is not None else DuplicateFinder()
    sigs = frames["signatures"]
    dups = [d.to_dict() for d in finder.feed(zip(sigs["doc_id"], sigs["minhash"].astype(object).where(
        sigs["minhash"].notna(), None), strict=True))]
    frames["duplicates"] = conform(pd.DataFrame.from_records(dups) if dups else pd.DataFrame(), "duplicates")
    _release_arrow_memory()
    return CorpusTables(**frames)


def _release_arrow_memory() -> None:
    """Give the memory of the chunks, sorts and conversions above back to the system: Arrow's pool
    keeps freed buffers for reuse (~10 MiB for the 93 reports) and the frames are written next."""
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pandas without pyarrow holds its text as Python objects
        return
    pa.default_memory_pool().release_unused()


# rows gathered as Python objects before they become a typed chunk: fewer long-lived objects among
# the next documents' temporaries (20,000 left ~3 MiB more of the heap in use for the 94 bench texts)
_FLUSH_ROWS = 5_000


class _Columns:
    """Rows of one table gathered column by column, in the order they come (a key a row lacks is
    None), turned into conformed chunks every ``_FLUSH_ROWS`` rows so that no more than that many
    rows are held as Python objects (the columns' text lives in Arrow buffers)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.cols: dict[str, list] = {}
        self.n = 0
        self.chunks: list[pd.DataFrame] = []

    def add(self, rows: Sequence[dict]) -> None:
        """Append one document's rows."""
        if not rows:
            return
        got = rows.columns if isinstance(rows, ColumnRows) else _same_keys(rows)
        if got is not None:  # the usual case: every row has the same keys
            keys = dict.fromkeys(got)
            for k, values in got.items():
                self.cols.setdefault(k, [None] * self.n).extend(values)
        else:
            keys = dict.fromkeys(k for row in rows for k in row)
            for k in keys:
                self.cols.setdefault(k, [None] * self.n).extend([row.get(k) for row in rows])
        for k, col in self.cols.items():
            if k not in keys:
                col.extend([None] * len(rows))
        self.n += len(rows)
        if self.n >= _FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.n:
            chunk = _typed_frame(self.cols, self.n, self.name)
            self.chunks.append(chunk if chunk is not None else conform(pd.DataFrame(self.cols), self.name))
            self.cols, self.n = {}, 0

    def frame(self) -> pd.DataFrame:
        """The rows as one DataFrame (no columns when there are no rows)."""
        self._flush()
        if len(self.chunks) > 1:
            return pd.concat(self.chunks, ignore_index=True)
        return self.chunks[0] if self.chunks else pd.DataFrame()


# the Python types whose values a column of each dtype takes as they are (None aside)
_PLAIN_TYPES = {STR: {str}, INT: {int}, FLOAT: {float, int}, BOOL: {bool}}


def _typed_frame(cols: dict[str, list], n: int, name: str) -> pd.DataFrame | None:
    """``conform(pd.DataFrame(cols), name)`` built column by column in its dtype at once, when every
    column is one of the table's and holds only values of its type or None (the usual case); else None.
    Saves inferring each column's type and converting it a second time."""
    schema = SCHEMAS[name]
    if not cols.keys() <= schema.keys():
        return None
    out = {}
    for col, dtype in schema.items():
        values = cols.get(col)
        if values is None:
            out[col] = pd.array([None] * n, dtype=dtype)
            continue
        types = set(map(type, values))
        if not types - {type(None)} <= _PLAIN_TYPES[dtype]:
            return None
        if dtype == INT and types == {int}:  # no None: numpy converts, no mask to find
            out[col] = pd.arrays.IntegerArray(np.array(values, dtype=np.int64), np.zeros(n, dtype=bool))
        elif dtype == STR and _arrow_strings():
            out[col] = _text_array(values)
        else:
            out[col] = pd.array(values, dtype=dtype)
    return pd.DataFrame(out)


@cache
def _arrow_strings() -> bool:
    """Whether the ``string`` dtype keeps its text in Arrow (pyarrow installed: pandas' default)."""
    return pd.api.types.pandas_dtype(STR).storage == "pyarrow"


def _text_array(values: list):
    """``pd.array(values, dtype="string")`` with its buffers from the system allocator: they live until
    the tables are written, then go at once; Arrow's default pool (mimalloc) would keep ~15 MiB of
    partly used segments for the 93 reports, as much again as their text, up to the write's peak."""
    import pyarrow as pa

    return pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string(), memory_pool=pa.system_memory_pool()))


def _same_keys(rows: Sequence[dict]) -> dict[str, list] | None:
    """Key → its values in ``rows`` when every row has the keys of the first (rows of one size that
    all hold each of its keys), else None."""
    first = rows[0]
    if len(set(map(len, rows))) != 1:
        return None
    try:
        return {k: list(map(itemgetter(k), rows)) for k in first}
    except KeyError:
        return None


def _sort(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Stable row order: by doc_id, keeping each document's own row order."""
    if df.empty or _in_doc_order(df["doc_id"]):
        return df.reset_index(drop=True)
    return df.sort_values("doc_id", kind="stable").reset_index(drop=True)


def _in_doc_order(ids: pd.Series) -> bool:
    """Whether ``ids`` (no missing value) never decrease, as the engines deliver documents: then the
    stable sort would keep every row where it is, and its copy of the table is skipped (checked by
    Arrow's compute; pandas' ``is_monotonic_increasing`` goes through Python objects)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    a = pa.array(ids.array)
    if a.null_count:
        return False
    return len(a) < 2 or bool(pc.all(pc.less_equal(a[:-1], a[1:])).as_py())


def conform(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Give ``df`` the fixed columns and dtypes of table ``name`` (extra document metadata kept,
    as strings, after the fixed columns)."""
    schema = SCHEMAS[name]
    out = pd.DataFrame(index=df.index)
    for col, dtype in schema.items():
        if col in df:
            s = df[col]
            if str(s.dtype) == dtype:  # conformed already (e.g. tables read back or written again)
                pass
            elif dtype == STR and isinstance(s.dtype, pd.StringDtype):  # text already: no Python objects
                s = s.astype(STR)
            elif dtype == INT:
                s = pd.to_numeric(s, errors="coerce").round().astype(INT)
            elif dtype == FLOAT:
                s = pd.to_numeric(s, errors="coerce").astype(FLOAT)
            elif dtype == BOOL:
                s = s.astype("object").where(s.notna(), None)
                if pd.api.types.infer_dtype(s, skipna=True) not in ("boolean", "empty"):
                    s = s.map(lambda v: None if v is None else bool(v))
                s = s.astype(BOOL)
            else:
                s = s.astype("object").where(s.notna(), None)
                if pd.api.types.infer_dtype(s, skipna=True) not in ("string", "empty"):  # else: str already
                    s = s.map(lambda v: None if v is None else str(v))
                s = s.astype(STR)
            out[col] = s
        else:
            out[col] = pd.Series([None] * len(df), index=df.index, dtype=dtype)
    if name == "documents":
        for col in sorted(c for c in df.columns if c not in schema):
            out[col] = df[col].astype("object").where(df[col].notna(), None).astype(STR)
    return out.reset_index(drop=True)


def empty_tables() -> CorpusTables:
    """Tables with their columns and no rows."""
    return CorpusTables(**{n: conform(pd.DataFrame(), n) for n in TABLES})


def documents_columns(df: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
    """``documents`` with exactly the fixed columns then ``extra`` (missing ones as empty text)."""
    cols = list(SCHEMAS["documents"]) + list(extra)
    for col in extra:
        if col not in df:
            df = df.assign(**{col: pd.Series([None] * len(df), index=df.index, dtype=STR)})
    return df[cols]


def empty_with_extra(extra: list[str]) -> CorpusTables:
    """Tables with no rows, ``documents`` with the metadata columns ``extra`` after the fixed ones."""
    t = empty_tables()
    return replace(t, documents=documents_columns(t.documents, extra))


def plain(v: Any) -> Any:
    """A plain Python value for JSON (pandas' NA → None)."""
    return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v


def select_documents(tables: CorpusTables, selector: str) -> CorpusTables:
    """The documents matching ``selector`` (comma-separated ``column=value`` or ``column=lo..hi``
    conditions, all of which must hold), with their rows in every table."""
    docs = tables.documents
    mask = pd.Series(True, index=docs.index)
    conditions = [c.strip() for c in selector.split(",") if c.strip()]
    if not conditions:
        raise UsageError(f"empty selector {selector!r}; expected e.g. year=2021")
    for cond in conditions:
        col, sep, value = cond.partition("=")
        col, value = col.strip(), value.strip()
        if not sep or not col:
            raise UsageError(f"bad selector {cond!r}; expected column=value, e.g. year=2021")
        if col not in docs.columns:
            raise UsageError(f"unknown column {col!r} in selector; documents has: {', '.join(docs.columns)}")
        series = docs[col]
        lo, rng, hi = value.partition("..")
        if rng:
            if SCHEMAS["documents"].get(col) not in (INT, FLOAT):
                raise UsageError(f"a range ({value}) needs a numeric column, not {col!r}")
            try:
                m = pd.Series(True, index=docs.index)
                if lo:
                    m &= series >= float(lo)
                if hi:
                    m &= series <= float(hi)
            except ValueError:
                raise UsageError(f"bad range {value!r} in selector; expected e.g. 2015..2018") from None
            mask &= m.fillna(False).astype(bool)
        elif SCHEMAS["documents"].get(col) in (INT, FLOAT):
            try:
                num = float(value)
            except ValueError:
                raise UsageError(f"{col} must be a number in selector {cond!r}") from None
            mask &= (series == num).fillna(False).astype(bool)
        else:
            mask &= (series == value).fillna(False).astype(bool)
    ids = docs.loc[mask & docs["error"].isna(), "doc_id"]
    if ids.empty:
        raise UsageError(f"no analysed document matches {selector!r}")
    return tables.select(ids)


def dedupe(tables: CorpusTables) -> CorpusTables:
    """The tables without the documents that copy another document of the same tables (each
    duplicate group counted once, by its first document); the ``duplicates`` rows are kept."""
    dropped = duplicate_ids(tables)
    if not dropped:
        return tables
    keep = [d for d in tables.documents["doc_id"] if d not in dropped]
    return replace(tables.select(keep), duplicates=tables.duplicates)


def duplicate_ids(tables: CorpusTables) -> dict[str, str]:
    """doc_id → the document it copies, for the duplicates whose original is among these documents."""
    present = set(tables.documents["doc_id"])
    d = tables.duplicates
    return {a: b for a, b in zip(d["doc_id"], d["duplicate_of"], strict=True) if a in present and b in present}


@cache
def _level_rules() -> tuple[tuple[str, ...], dict[str, str], tuple[tuple[str, re.Pattern], ...]]:
    """(levels in order, level → Chinese label, (level, pattern) rules) of models/corpus/issuer_levels.toml."""
    from ..errors import DataFileError
    from ..resources import load_toml, model_path

    path = model_path("corpus", "issuer_levels.toml")
    data = load_toml(path)
    levels = tuple(data.get("levels", ()))
    rules = []
    for i, r in enumerate(data.get("rule", [])):
        if r.get("level") not in levels:
            raise DataFileError(str(path), f"rule {i + 1}: level {r.get('level')!r} is not one of {', '.join(levels)}")
        try:
            rules.append((r["level"], re.compile(r["pattern"])))
        except (KeyError, re.error) as exc:
            raise DataFileError(str(path), f"rule {i + 1}: bad pattern ({exc})") from None
    return levels, dict(data.get("labels", {})), tuple(rules)


_NOTE = re.compile(r"[（(][^（）()]*[）)]\s*$")


def issuer_level(issuer: str | None) -> str:
    """The administrative level of ``issuer`` (national, provincial, municipal, district or other) by
    the rules of ``models/corpus/issuer_levels.toml``."""
    if not issuer:
        return "other"
    name = _NOTE.sub("", issuer.strip()).strip()
    for level, pattern in _level_rules()[2]:
        if pattern.search(name):
            return level
    return "other"


def level_label(level: str) -> str:
    """The Chinese label of a level (国家, 省级, 市级, 区县级, 其他)."""
    return _level_rules()[1].get(level, level)


def issuer_levels(documents: pd.DataFrame) -> pd.Series:
    """Each document's issuer level: a manifest column ``level`` or ``issuer_level`` when it holds a
    known level, else :func:`issuer_level` of the issuer."""
    levels = set(_level_rules()[0])
    out = documents["issuer"].astype(object).map(lambda v: issuer_level(None if pd.isna(v) else str(v)))
    for col in ("issuer_level", "level"):
        if col in documents:
            given = documents[col].astype(object)
            ok = given.map(lambda v: v in levels)
            out = out.where(~ok, given)
    return out.astype(str)
