"""Listing a corpus: directories (with an optional ``manifest.csv``), manifest CSVs, single files or
in-memory texts become :class:`Source` records (id, path, content hash, metadata), bytes read lazily."""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import DataFileError, InputError, UsageError
from ..model import Document
from ..readers import DEFAULT_MAX_BYTES, SUFFIXES, decode_bytes, default_max_bytes
from ..sources import expand_paths


@dataclass(frozen=True)
class Source:
    """One document to analyse: its id, where it came from, its content hash and its metadata.

    A file's bytes are not kept while the corpus is listed (a million files would not fit in
    memory): ``data`` is None until :meth:`loaded` reads them — in the worker for local engines,
    in the client just before submitting for Dask, so remote workers need no shared disk.
    ``content_hash`` (sha256 of the raw bytes) is known from the start; ``error`` is set when the
    file cannot be read; ``meta`` holds manifest metadata (strings; the rest comes from the document).
    """

    doc_id: str
    path: str
    data: bytes | None = None
    meta: tuple[tuple[str, str], ...] = ()
    error: str | None = None
    content_hash: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES

    @classmethod
    def from_bytes(cls, doc_id: str, path: str, data: bytes, meta: tuple[tuple[str, str], ...] = ()) -> Source:
        """An in-memory document."""
        return cls(doc_id, path, data, meta, None, hashlib.sha256(data).hexdigest())

    def loaded(self) -> Source:
        """This source with its bytes read (or ``error`` set if the file can no longer be read)."""
        if self.data is not None or self.error is not None:
            return self
        try:
            data = _read_file(Path(self.path), self.max_bytes)
        except InputError as exc:
            return replace(self, error=exc.problem, content_hash=None)
        return replace(self, data=data, content_hash=hashlib.sha256(data).hexdigest())


def load_corpus(
    paths: str | Path | Iterable[str | Path] | Mapping[str, str | Document],
    *,
    path_column: str | None = None,
    max_bytes: int | None = None,
) -> list[Source]:
    """The documents of a corpus as :class:`Source` records, sorted by ``doc_id``.

    ``paths`` may be a directory (every readable file below it, as :func:`govtext.sources.expand_paths`
    lists them; a ``manifest.csv`` in it supplies metadata for the files it names), a manifest CSV (a ``path`` or ``file`` column —
    or ``path_column`` — relative to the CSV, other columns are metadata), a single document, a list
    of these, or a mapping doc_id → text/``Document`` (in-memory corpus). A file that cannot be read
    becomes a Source with ``error`` set; a missing path argument or a bad manifest is an error.
    ``max_bytes`` defaults to ``$GOVTEXT_MAX_BYTES`` or 20 MB, as for ``read_document``.
    """
    if max_bytes is None:
        max_bytes = default_max_bytes()
    if isinstance(paths, Mapping):
        out = []
        for doc_id, item in paths.items():
            if isinstance(item, Document):
                meta = tuple((k, str(v)) for k in ("title", "year") if (v := getattr(item, k)) is not None)
                out.append(Source.from_bytes(str(doc_id), item.path or str(doc_id), item.text.encode("utf-8"), meta))
            else:
                out.append(Source.from_bytes(str(doc_id), str(doc_id), str(item).encode("utf-8")))
        return _check_ids(out)
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if not items:
        raise UsageError("no corpus given: pass a directory, a manifest CSV or documents")
    out: list[Source] = []
    prefix = len(items) > 1
    for item in items:
        p = Path(item)
        if not p.exists():
            raise InputError(str(item), "no such file or directory")
        if p.is_dir():
            out.extend(_load_directory(p, prefix=p.name if prefix else "", path_column=path_column,
                                       max_bytes=max_bytes))
        elif p.suffix.lower() == ".csv":
            out.extend(_load_manifest(p, path_column, max_bytes=max_bytes))
        else:
            out.append(_read_source(p.as_posix(), p, (), max_bytes))
    return _check_ids(out)


def _check_ids(sources: list[Source]) -> list[Source]:
    seen: dict[str, str] = {}
    for s in sources:
        if s.doc_id in seen:
            raise UsageError(f"two documents share the id {s.doc_id!r} ({seen[s.doc_id]} and {s.path}); "
                             "analyse their folders separately or use a manifest")
        seen[s.doc_id] = s.path
    return sorted(sources, key=lambda s: s.doc_id)


def _load_directory(root: Path, *, prefix: str, path_column: str | None, max_bytes: int) -> list[Source]:
    manifest = root / "manifest.csv"
    meta_by_rel: dict[str, tuple[tuple[str, str], ...]] = {}
    if manifest.is_file():
        for src in _load_manifest(manifest, path_column, max_bytes=max_bytes, read=False):
            meta_by_rel[src.doc_id] = src.meta
    out = []
    for p in expand_paths(root):
        rel_id = p.relative_to(root).as_posix()
        doc_id = f"{prefix}/{rel_id}" if prefix else rel_id
        out.append(_read_source(doc_id, p, meta_by_rel.get(rel_id, ()), max_bytes))
    return out


def _load_manifest(csv_path: Path, path_column: str | None, *, max_bytes: int, read: bool = True) -> list[Source]:
    """Sources named by a manifest CSV; ``path_column`` (default ``path``, else ``file``) is relative to it."""
    import io

    try:
        text, _enc = decode_bytes(csv_path.read_bytes(), str(csv_path))  # UTF-8, GB18030, UTF-16 …
        reader = csv.DictReader(io.StringIO(text, newline=""))
        columns = [c.strip() for c in (reader.fieldnames or [])]
        rows = [(i + 2, row) for i, row in enumerate(reader)]
    except InputError as exc:
        raise DataFileError(str(csv_path), f"cannot read manifest: {exc.problem}") from None
    except (OSError, csv.Error) as exc:
        raise DataFileError(str(csv_path), f"cannot read manifest: {exc}") from None
    col = path_column or next((c for c in ("path", "file") if c in columns), None)
    if col is None or col not in columns:
        raise DataFileError(str(csv_path), f"manifest has no {path_column or 'path'!r} column "
                            f"(columns: {', '.join(columns) or 'none'}); name it with --path-column", 1)
    out = []
    for line, row in rows:
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        rel = row.get(col, "")
        if not rel:
            raise DataFileError(str(csv_path), f"empty {col!r} value", line)
        year = row.get("year", "")
        if year and not re.fullmatch(r"\d{4}", year):
            raise DataFileError(str(csv_path), f"year {year!r} is not a four-digit year", line)
        meta = tuple((k, v) for k, v in row.items() if k != col and k and v)
        doc_id = Path(rel).as_posix()
        if read:
            out.append(_read_source(doc_id, csv_path.parent / rel, meta, max_bytes))
        else:
            out.append(Source(doc_id, rel, None, meta))
    return out


def _read_source(doc_id: str, p: Path, meta: tuple[tuple[str, str], ...], max_bytes: int) -> Source:
    """A Source for file ``p`` with its content hash (the bytes are read again when analysed)."""
    name = str(p)
    try:
        digest = hashlib.sha256(_read_file(p, max_bytes)).hexdigest()
    except InputError as exc:
        return Source(doc_id, name, None, meta, exc.problem, max_bytes=max_bytes)
    return Source(doc_id, name, None, meta, None, digest, max_bytes)


def _read_file(p: Path, max_bytes: int) -> bytes:
    name = str(p)
    if p.suffix.lower() not in SUFFIXES:
        raise InputError(name, f"unsupported file type {p.suffix or '(none)'!r}; expected .txt, .md or .docx")
    if not p.is_file():
        raise InputError(name, "no such file")
    if p.stat().st_size > max_bytes:
        raise InputError(name, f"file is over the {max_bytes / 1024 / 1024:.1f} MB limit")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
