"""Many files in: the one path expansion and the one document iterator every many-file command uses.

:func:`expand_paths` turns what a user typed (files and directories) into the list of files to read;
:func:`iter_documents` reads them one at a time with :func:`govtext.readers.read_document`. Imports
nothing heavy (no spaCy, jieba, pandas), so fast commands can use it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path

from .errors import InputError
from .model import Document

__all__ = ["SKIP_DIRS", "expand_paths", "is_hidden_name", "iter_documents"]

# Directories never searched (besides hidden ones): tool and package folders, not documents.
SKIP_DIRS = frozenset({"node_modules", "__pycache__", "site-packages"})


def is_hidden_name(name: str) -> bool:
    """A hidden file or folder (``.git``, ``.DS_Store``) or a Word lock file (``~$report.docx``)."""
    return name.startswith((".", "~$"))


def expand_paths(
    paths: str | Path | Iterable[str | Path],
    *,
    suffixes: Collection[str] | None = None,
    exclude: Callable[[Path], bool] | None = None,
) -> list[Path]:
    """The files named by ``paths``: files as given, directories walked recursively.

    A file named explicitly is kept whatever its suffix (reading it reports an unsupported type).
    A directory contributes, sorted, every file below it whose suffix (case-insensitive) is in
    ``suffixes`` (default: what :mod:`govtext.readers` can read), skipping hidden files and folders,
    Word lock files (``~$…``), :data:`SKIP_DIRS`, and whatever ``exclude(path)`` rejects; symbolic
    links to folders are not followed. A path seen twice is listed once (first place kept). A path
    that does not exist raises :class:`InputError` (``<path>: no such file or directory``, or a broken
    link, or a folder on the way that cannot be searched), and so does a folder that cannot be read.
    """
    if suffixes is None:
        from .readers import SUFFIXES

        suffixes = SUFFIXES
    wanted = {s.lower() for s in suffixes}
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    out: list[Path] = []
    seen: set[str] = set()

    def add(p: Path) -> None:
        key = os.path.normpath(p)
        if key not in seen:
            seen.add(key)
            out.append(p)

    for item in items:
        p = Path(item)
        if p.is_dir():
            for f in _walk(p, wanted, exclude):
                add(f)
        elif p.exists():
            add(p)  # a FIFO or device too: reading it names what it is
        elif os.path.islink(p):
            raise InputError(str(item), "broken symbolic link")
        else:
            raise InputError(str(item), _missing(p))
    return out


def _missing(p: Path) -> str:
    """Why ``p`` is not there: no such file, or a folder on the way that cannot be searched."""
    try:
        os.stat(p)
    except PermissionError:
        return "cannot read: permission denied"
    except NotADirectoryError:
        return "no such file or directory (a part of the path is a file)"
    except OSError:
        pass
    return "no such file or directory"


def _walk(root: Path, suffixes: set[str], exclude: Callable[[Path], bool] | None) -> list[Path]:
    """Readable files below ``root``, sorted by path (component by component)."""
    found: list[Path] = []

    def unreadable(exc: OSError) -> None:
        raise InputError(exc.filename or str(root), f"cannot read directory: {exc.strerror or exc}")

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        here = Path(dirpath)
        dirnames[:] = [
            d for d in dirnames
            if not is_hidden_name(d) and d not in SKIP_DIRS and not (exclude and exclude(here / d))
        ]
        for name in filenames:
            f = here / name
            if (
                not is_hidden_name(name)
                and Path(name).suffix.lower() in suffixes
                and f.is_file()
                and not (exclude and exclude(f))
            ):
                found.append(f)
    return sorted(found)


def iter_documents(
    paths: str | Path | Iterable[str | Path],
    *,
    suffixes: Collection[str] | None = None,
    exclude: Callable[[Path], bool] | None = None,
    max_bytes: int | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> Iterator[Document]:
    """The documents named by ``paths`` (see :func:`expand_paths`), read one at a time.

    Each file is read with :func:`govtext.readers.read_document` only when the iterator reaches it,
    so memory holds one document. A file that cannot be read raises its :class:`InputError`, unless
    ``on_error`` is given: then it is called with the error and the file is skipped.
    """
    from .readers import read_document

    for p in expand_paths(paths, suffixes=suffixes, exclude=exclude):
        try:
            doc = read_document(p, max_bytes=max_bytes)
        except InputError as exc:
            if on_error is None:
                raise
            on_error(exc)
            continue
        yield doc
