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
from ..text import surrogate_problem


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
    manifest: str | None = None  # the manifest CSV that named it (an input too: never written over)

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
    allow_outside: bool = False,
) -> list[Source]:
    """The documents of a corpus as :class:`Source` records, sorted by ``doc_id``.

    ``paths`` may be a directory (every readable file below it, as :func:`govtext.sources.expand_paths`
    lists them; a ``manifest.csv`` in it supplies metadata for the files it names), a manifest CSV (a ``path`` or ``file`` column —
    or ``path_column`` — relative to the CSV, other columns are metadata), a single document, a list
    of these, or a mapping doc_id → text/``Document`` (in-memory corpus). A file that cannot be read
    becomes a Source with ``error`` set; a missing path argument, a folder without documents or a bad
    or empty manifest is an error, and so is a manifest path that leaves the manifest's folder unless
    ``allow_outside`` (a shared manifest must not read arbitrary files into a database).
    ``max_bytes`` defaults to ``$GOVTEXT_MAX_BYTES`` or 20 MB, as for ``read_document``.
    """
    if max_bytes is None:
        max_bytes = default_max_bytes()
    if isinstance(paths, Mapping):
        out = []
        for doc_id, item in paths.items():
            if isinstance(item, Document):
                meta = tuple((k, str(v)) for k in ("title", "year") if (v := getattr(item, k)) is not None)
                path, text = item.path or str(doc_id), item.text
            else:
                meta, path, text = (), str(doc_id), str(item)
            problem = surrogate_problem(text)
            if problem is not None:  # not Unicode text: its row says so, the others are analysed
                out.append(Source(str(doc_id), path, None, meta, problem))
            else:
                out.append(Source.from_bytes(str(doc_id), path, text.encode("utf-8"), meta))
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
            found = _load_directory(p, prefix=p.name if prefix else "", path_column=path_column,
                                    max_bytes=max_bytes)
            if not found:
                raise InputError(str(item), "no .txt, .md or .docx documents found")
            out.extend(found)
        elif p.suffix.lower() == ".csv":
            out.extend(_load_manifest(p, path_column, max_bytes=max_bytes, allow_outside=allow_outside))
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
        for src in _load_manifest(manifest, path_column, max_bytes=max_bytes, read=False, allow_outside=True):
            meta_by_rel[src.doc_id] = src.meta
    out = []
    for p in expand_paths(root):
        rel_id = p.relative_to(root).as_posix()
        doc_id = f"{prefix}/{rel_id}" if prefix else rel_id
        src = _read_source(doc_id, p, meta_by_rel.get(rel_id, ()), max_bytes)
        out.append(replace(src, manifest=str(manifest)) if meta_by_rel else src)
    return out


def _load_manifest(csv_path: Path, path_column: str | None, *, max_bytes: int, read: bool = True,
                   allow_outside: bool = False) -> list[Source]:
    """Sources named by a manifest CSV; ``path_column`` (default ``path``, else ``file``) is relative to it.

    Errors name the file and the line its row starts on: an unterminated quote (or other malformed
    quoting), a row without a path, a path holding a line break, and — unless ``allow_outside`` — a
    path that leaves the manifest's folder (absolute, or through ``..``). Paths are never echoed.
    """
    try:
        text, _enc = decode_bytes(_read_manifest(csv_path), str(csv_path))  # UTF-8, GB18030, UTF-16 …
    except InputError as exc:
        raise DataFileError(str(csv_path), f"cannot read manifest: {exc.problem}") from None
    table = _manifest_rows(text, str(csv_path))
    columns = [c.strip() for c in table[0][1]] if table else []
    col = path_column or next((c for c in ("path", "file") if c in columns), None)
    if col is None or col not in columns:
        raise DataFileError(str(csv_path), f"manifest has no {path_column or 'path'!r} column "
                            f"(columns: {', '.join(columns) or 'none'}); name it with --path-column", 1)
    at = columns.index(col)
    if read and len(table) == 1:
        raise DataFileError(str(csv_path), "manifest names no documents", 1)
    out = []
    for line, cells in table[1:]:
        row = {name: cells[i].strip() for i, name in enumerate(columns) if name and i < len(cells)}
        rel = cells[at].strip() if at < len(cells) else ""
        if not rel:
            raise DataFileError(str(csv_path), f"row has no {col!r} value", line)
        if "\n" in rel or "\r" in rel:
            raise DataFileError(str(csv_path), f"the {col!r} value holds a line break (a stray quote?)", line)
        if not allow_outside and _leaves_folder(rel):
            raise DataFileError(str(csv_path), f"the {col!r} value leaves the manifest's folder (absolute or "
                                "through ..); give --allow-outside to read it", line)
        year = row.get("year", "")
        if year and not re.fullmatch(r"\d{4}", year):
            raise DataFileError(str(csv_path), f"year {year!r} is not a four-digit year", line)
        meta = tuple((k, v) for k, v in row.items() if k != col and k and v)
        doc_id = Path(rel).as_posix()
        if read:
            src = _read_source(doc_id, csv_path.parent / rel, meta, max_bytes)
            out.append(replace(src, manifest=str(csv_path)))
        else:
            out.append(Source(doc_id, rel, None, meta))
    return out


def _read_manifest(csv_path: Path) -> bytes:
    """The manifest's bytes; a folder, FIFO or unreadable file is a one-line error naming it."""
    import stat

    try:
        st = csv_path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise DataFileError(str(csv_path), "is a directory, not a manifest CSV")
        if not stat.S_ISREG(st.st_mode):
            raise DataFileError(str(csv_path), "is not a regular file (a FIFO or device?), not a manifest CSV")
        with open(csv_path, "rb") as fh:
            data = fh.read(MAX_MANIFEST_BYTES + 1)
    except OSError as exc:
        raise DataFileError(str(csv_path), f"cannot read manifest: {exc.strerror or exc}") from None
    if len(data) > MAX_MANIFEST_BYTES:
        raise DataFileError(str(csv_path), f"manifest is over the {MAX_MANIFEST_BYTES // 1024 // 1024} MB limit")
    return data


#: Largest manifest read (a million rows of paths and metadata fit in it).
MAX_MANIFEST_BYTES = 256 * 1024 * 1024


def _manifest_rows(text: str, name: str) -> list[tuple[int, list[str]]]:
    """(line the row starts on, cells) of every non-blank CSV row; malformed quoting names its row."""
    import io

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        problem = "unterminated quote" if "end of data" in str(exc) else f"malformed CSV ({exc})"
        raise DataFileError(name, f"{problem} in the row starting here", start) from None
    return rows


def _leaves_folder(rel: str) -> bool:
    """True for an absolute path (also ``C:\\…``, ``\\\\server``) or one whose ``..`` climb out of its folder."""
    import posixpath

    norm = rel.replace("\\", "/")
    if norm.startswith("/") or re.match(r"[A-Za-z]:", norm):
        return True
    return posixpath.normpath(norm).split("/")[0] == ".."


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
        from ..resources import file_kind

        try:
            kind = file_kind(p)
        except OSError:
            raise InputError(name, "no such file") from None
        raise InputError(name, f"is {kind}, not a document")
    if p.stat().st_size > max_bytes:
        raise InputError(name, f"file is over the {max_bytes / 1024 / 1024:.1f} MB limit")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
