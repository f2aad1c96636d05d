"""Storage: DuckDB (default) or Parquet, written in batches into staging tables that replace the
stored corpus only when the whole run has succeeded; reading stored tables back."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from .schema import SCHEMAS, TABLES
from .tables import CorpusTables, conform, empty_with_extra


class Store:
    """A destination for :func:`analyze_to_store`: previous results, staged batches, commit/abort."""

    def previous_keys(self) -> dict[str, str]:  # doc_id → analysis_key of stored error-free results
        raise NotImplementedError

    def previous_rows(self, doc_ids: list[str]) -> CorpusTables:  # stored rows of these documents
        raise NotImplementedError

    def begin(self, extra: list[str]) -> None:
        raise NotImplementedError

    def write(self, batch: CorpusTables) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError


def _rows_of(frames: dict[str, pd.DataFrame], doc_ids: list[str]) -> CorpusTables:
    keep = set(doc_ids)
    return CorpusTables(**{n: conform(df, n).pipe(lambda d: d[d["doc_id"].isin(keep)]).reset_index(drop=True)
                           for n, df in frames.items()})


INSERT_ROWS = 10_000  # rows of a frame per INSERT into DuckDB


class DuckDBStore(Store):
    """Batches go into ``_govtext_new_<table>`` tables of the same file (committed as they come);
    :meth:`commit` swaps them for the stored tables in one transaction. Leftovers of a killed run
    are dropped when the file is next opened."""

    STAGE = "_govtext_new_"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.created = not os.path.lexists(self.path)
        self.con = _connect(self.path, read_only=False)
        try:
            # one DuckDB thread: a batch is inserted by one scan of its frames anyway, and a second
            # thread's buffers cost ~20 MiB of peak memory
            self.con.execute("SET threads = 1")
            # hand freed memory back after each statement instead of at DuckDB's default 128 MiB peak:
            # the frames of the batch stay in memory while it writes
            self.con.execute("SET allocator_flush_threshold = '1MB'")
            self.con.execute("SET allocator_bulk_deallocation_flush_threshold = '1MB'")
            have = {r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            self.have = {t for t in have if not t.startswith(self.STAGE)}
            if self.have and "documents" not in self.have:
                raise InputError(str(path), "is a DuckDB database of something else (no documents table); "
                                            "not writing into it")
            for t in sorted(have - self.have):
                self.con.execute(f'DROP TABLE "{t}"')
        except BaseException:
            self.con.close()
            self._remove_if_created()
            raise

    def previous_keys(self) -> dict[str, str]:
        if "documents" not in self.have:
            return {}
        cols = {r[0] for r in self.con.execute("DESCRIBE documents").fetchall()}
        if not {"analysis_key", "error"} <= cols:
            return {}
        return dict(self.con.execute("SELECT doc_id, analysis_key FROM documents "
                                     "WHERE error IS NULL AND analysis_key IS NOT NULL").fetchall())

    def previous_rows(self, doc_ids: list[str]) -> CorpusTables:
        # stored rows are sorted by doc_id, so a range read touches only the row groups of this batch
        lo, hi = min(doc_ids), max(doc_ids)
        frames = {n: (self.con.execute(f'SELECT * FROM "{n}" WHERE doc_id BETWEEN ? AND ?', [lo, hi]).df()
                      if n in self.have else pd.DataFrame()) for n in TABLES}
        return _rows_of(frames, doc_ids)

    def begin(self, extra: list[str]) -> None:
        for name, df in empty_with_extra(extra).tables().items():
            self.con.register("_govtext_frame", df)
            self.con.execute(f'CREATE TABLE "{self.STAGE}{name}" AS SELECT * FROM _govtext_frame')
            self.con.unregister("_govtext_frame")

    def write(self, batch: CorpusTables) -> None:
        # the largest frames first, each followed by a checkpoint: DuckDB holds a table's new rows
        # uncompressed in memory until a checkpoint writes them to the file, then reuses that memory
        # for the next table (the 94 bench texts' peak: 325 MiB in table order, 320 MiB so; a
        # checkpoint costs a few milliseconds, noticeable only with batches of a few documents)
        frames = sorted(batch.tables().items(), key=lambda item: -int(item[1].memory_usage(index=False).sum()))
        for name, df in frames:
            if not len(df):
                continue
            # in slices: a whole 200,000-row frame at once cost ~10 MiB more of peak memory
            for start in range(0, len(df), INSERT_ROWS):
                self.con.register("_govtext_frame", df.iloc[start:start + INSERT_ROWS])
                self.con.execute(f'INSERT INTO "{self.STAGE}{name}" SELECT * FROM _govtext_frame')
                self.con.unregister("_govtext_frame")
            self.con.execute("CHECKPOINT")

    def commit(self) -> None:
        con = self.con
        con.execute("BEGIN TRANSACTION")
        for name in TABLES:
            con.execute(f'DROP TABLE IF EXISTS "{name}"')
            con.execute(f'ALTER TABLE "{self.STAGE}{name}" RENAME TO "{name}"')
        con.execute("COMMIT")
        self.created = False  # committed: the file is a store now, whatever happens next
        con.execute("CHECKPOINT")
        con.close()

    def abort(self) -> None:
        try:
            for name in TABLES:
                self.con.execute(f'DROP TABLE IF EXISTS "{self.STAGE}{name}"')
        except Exception:  # noqa: BLE001 - best effort: leftovers are dropped on the next run anyway
            pass
        finally:
            self.con.close()
        self._remove_if_created()

    def _remove_if_created(self) -> None:
        if self.created:  # the run created the file: leave nothing behind
            for p in (self.path, self.path.with_name(self.path.name + ".wal")):
                p.unlink(missing_ok=True)


_RUN_KEY = b"govtext_run"


class ParquetStore(Store):
    """Batches become row groups of ``DIR/.govtext-staging/<table>.parquet`` (each file tagged with
    the run's id); :meth:`commit` moves the files into ``DIR``. :func:`read_parquet` refuses a
    directory whose tables carry different run ids (a run killed while moving them)."""

    STAGE = ".govtext-staging"

    def __init__(self, directory: str | Path) -> None:
        import shutil

        self.dir = Path(directory)
        if self.dir.exists() and not self.dir.is_dir():
            raise InputError(str(self.dir), "exists and is not a directory")
        self.created = not self.dir.exists()
        self.stage = self.dir / self.STAGE
        self.writers: dict[str, Any] = {}
        self.dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.stage, ignore_errors=True)
        try:
            self.usable = (self.dir / "documents.parquet").is_file() and len(_parquet_runs(self.dir)) == 1
        except Exception:  # noqa: BLE001 - an unreadable previous store is not reused, it is replaced
            self.usable = False

    def previous_keys(self) -> dict[str, str]:
        import pyarrow.parquet as pq

        if not self.usable:
            return {}
        path = self.dir / "documents.parquet"
        if not {"analysis_key", "error"} <= set(pq.read_schema(path).names):
            return {}
        t = pq.read_table(path, columns=["doc_id", "analysis_key", "error"]).to_pandas()
        t = t[t["error"].isna() & t["analysis_key"].notna()]
        return dict(zip(t["doc_id"], t["analysis_key"], strict=True))

    def previous_rows(self, doc_ids: list[str]) -> CorpusTables:
        return _rows_of({n: _parquet_range(self.dir / f"{n}.parquet", min(doc_ids), max(doc_ids))
                         for n in TABLES}, doc_ids)

    def begin(self, extra: list[str]) -> None:
        import uuid

        import pyarrow as pa
        import pyarrow.parquet as pq

        self.stage.mkdir()
        run = uuid.uuid4().hex.encode()
        self.schemas = {}
        for name, df in empty_with_extra(extra).tables().items():
            schema = pa.Schema.from_pandas(df, preserve_index=False)
            schema = schema.with_metadata({**(schema.metadata or {}), _RUN_KEY: run})
            self.schemas[name] = schema
            self.writers[name] = pq.ParquetWriter(self.stage / f"{name}.parquet", schema)

    def write(self, batch: CorpusTables) -> None:
        import pyarrow as pa

        for name, df in batch.tables().items():
            if len(df):
                self.writers[name].write_table(pa.Table.from_pandas(df, schema=self.schemas[name], preserve_index=False))

    def _close_writers(self) -> None:
        for w in self.writers.values():
            w.close()
        self.writers = {}

    def commit(self) -> None:
        self._close_writers()
        for name in TABLES:
            os.replace(self.stage / f"{name}.parquet", self.dir / f"{name}.parquet")
        self.stage.rmdir()

    def abort(self) -> None:
        import shutil

        try:
            self._close_writers()
        finally:
            shutil.rmtree(self.stage, ignore_errors=True)
            if self.created:
                try:
                    self.dir.rmdir()  # only if the run left it empty
                except OSError:
                    pass


def _parquet_runs(d: Path) -> set[bytes | None]:
    """The run ids of the table files in ``d`` (None for files written before runs were tagged)."""
    import pyarrow.parquet as pq

    return {(pq.read_schema(p).metadata or {}).get(_RUN_KEY) for n in TABLES if (p := d / f"{n}.parquet").is_file()}


def _parquet_range(path: Path, lo: str, hi: str) -> pd.DataFrame:
    """The rows of a Parquet table whose doc_id is in [lo, hi], reading only the row groups whose
    doc_id statistics overlap it (stored tables are sorted by doc_id), in stored order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not path.is_file():
        return pd.DataFrame()
    f = pq.ParquetFile(path)
    col = f.schema_arrow.get_field_index("doc_id")
    parts = []
    for i in range(f.metadata.num_row_groups):
        stats = f.metadata.row_group(i).column(col).statistics
        if stats is not None and stats.has_min_max and (stats.max < lo or stats.min > hi):
            continue
        parts.append(f.read_row_group(i))
    if not parts:
        return pd.DataFrame()
    df = pa.concat_tables(parts).to_pandas()
    return df[(df["doc_id"] >= lo) & (df["doc_id"] <= hi)]


def write_duckdb(tables: CorpusTables, path: str | Path) -> None:
    """Write every table into the DuckDB file ``path``, replacing the stored tables in one transaction."""
    extra = sorted(c for c in tables.documents.columns if c not in SCHEMAS["documents"])
    _write_all(DuckDBStore(path), tables, extra)


def _write_all(store: Store, tables: CorpusTables, extra: list[str]) -> None:
    try:
        store.begin(extra)
        store.write(CorpusTables(**{n: conform(df, n) for n, df in tables.tables().items()}))
        store.commit()
    except BaseException:
        store.abort()
        raise


def read_duckdb(path: str | Path) -> CorpusTables:
    """Load the tables written by :func:`write_duckdb` (conformed to the fixed schemas)."""
    p = Path(path)
    if not p.exists():
        raise InputError(str(path), "no such database; run `govtext corpus analyze … --db FILE` first")
    con = _connect(p, read_only=True)
    try:
        have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "documents" not in have:
            if not have or all(t.startswith(DuckDBStore.STAGE) for t in have):
                raise InputError(str(path), "holds only an unfinished run (stopped before it finished; no documents "
                                            "table); run `govtext corpus analyze … --db FILE` again")
            raise InputError(str(path), "not a govtext corpus database (no documents table)")
        frames = {n: (con.execute(f'SELECT * FROM "{n}"').df() if n in have else pd.DataFrame()) for n in TABLES}
    finally:
        con.close()
    return CorpusTables(**{n: conform(df, n) for n, df in frames.items()})


def write_parquet(tables: CorpusTables, directory: str | Path) -> None:
    """Write each table as ``DIR/<table>.parquet`` (staged, then moved into place)."""
    extra = sorted(c for c in tables.documents.columns if c not in SCHEMAS["documents"])
    _write_all(ParquetStore(directory), tables, extra)


def read_parquet(directory: str | Path) -> CorpusTables:
    """Load tables written by :func:`write_parquet` or ``analyze_to_store(parquet=…)``."""
    d = Path(directory)
    if not (d / "documents.parquet").is_file():
        unfinished = " (a run stopped before it finished left .govtext-staging)" if (d / ParquetStore.STAGE).is_dir() else ""
        raise InputError(str(d), f"no documents.parquet here{unfinished}; "
                                 "run `govtext corpus analyze … --parquet DIR` first")
    try:
        if len(_parquet_runs(d)) > 1:
            raise InputError(str(d), "holds tables of different runs (a run stopped while replacing them); "
                                     "run `govtext corpus analyze … --parquet DIR` again")
        frames = {n: (pd.read_parquet(d / f"{n}.parquet") if (d / f"{n}.parquet").is_file() else pd.DataFrame())
                  for n in TABLES}
    except (OSError, ValueError) as exc:  # unreadable or not Parquet (pyarrow's errors are these)
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else _first_line(exc)
        raise InputError(str(d), f"cannot read its Parquet tables: {detail}") from None
    return CorpusTables(**{n: conform(df, n) for n, df in frames.items()})


#: DuckDB never installs or loads an extension on its own for govtext: a SQLite or other foreign file
#: given as --db must not make it download code.
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
_DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


def _connect(path: Path, *, read_only: bool):
    """A DuckDB connection to ``path`` (extensions neither installed nor loaded automatically); a file
    that exists and is not a DuckDB database (SQLite, text, a folder, a FIFO) is refused with one line
    before DuckDB sees it."""
    import duckdb

    if os.path.lexists(path):
        _check_duckdb_file(path)
    try:
        return _Interruptible(duckdb.connect(str(path), read_only=read_only, config=dict(DUCKDB_CONFIG)))
    except duckdb.Error as exc:
        raise InputError(str(path), f"not a DuckDB database ({_first_line(exc)}); not opening it") from None


class _Interruptible:
    """A DuckDB connection whose calls turn DuckDB's ``RuntimeError: Query interrupted`` (Ctrl-C during
    a query) back into ``KeyboardInterrupt``, so an interrupted run ends as ``govtext: aborted``."""

    def __init__(self, con) -> None:  # a duckdb.DuckDBPyConnection
        self._con = con

    def __getattr__(self, name: str):
        attr = getattr(self._con, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            try:
                out = attr(*args, **kwargs)
            except RuntimeError as exc:
                if "interrupted" in str(exc).lower():
                    raise KeyboardInterrupt from None
                raise
            return self if out is self._con else out

        return call


def _check_duckdb_file(path: Path) -> None:
    import stat

    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise InputError(str(path), "is a directory, not a DuckDB database")
        if not stat.S_ISREG(st.st_mode):
            raise InputError(str(path), "is not a regular file (a FIFO or device?), not a DuckDB database")
        with open(path, "rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        raise InputError(str(path), "is a broken symbolic link, not a DuckDB database") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None
    if head and head[8:12] != _DUCKDB_MAGIC:
        what = "a SQLite database" if head.startswith(b"SQLite format 3\0") else "another kind of file"
        raise InputError(str(path), f"not a DuckDB database ({what}); not opening it")


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
