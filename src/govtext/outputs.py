"""Writing outputs safely: never onto an input, never half-written.

``guard_output`` refuses a target that is one of the inputs — the same path, a symlink to it, or a
hard link to it (compared by resolved real path and, where both exist, device and inode).
``write_output`` guards, then writes through a temporary file in the target's folder renamed into
place with ``os.replace``: an interrupted write leaves the old file whole, and a file reached through
another hard link is never truncated. Writers that produce their own files (DuckDB, Parquet folders,
matplotlib) call ``guard_output`` before they start.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputError, UsageError


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when ``a`` and ``b`` name the same file: equal real paths, or equal device and inode."""
    a, b = os.fspath(a), os.fspath(b)
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    sa, sb = _stat(a), _stat(b)
    return sa is not None and sb is not None and (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def guard_output(path: str | Path, inputs: Iterable[str | Path | None] = (), *, option: str = "") -> None:
    """Refuse (one-line ``UsageError``) an output ``path`` that is one of ``inputs``.

    ``inputs`` may hold ``"-"`` (stdin) and ``None``, both skipped. ``option`` names the flag in the
    message (``-o``, ``--db``…). An existing target is compared by device and inode (one ``stat`` per
    input, so a corpus of many files is cheap); one that cannot be looked at, by real path; one that
    does not exist (a dangling link included) cannot be any existing input.
    """
    target = os.fspath(path)
    try:
        here: os.stat_result | None = os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        return  # nothing there (through any links): no input can be that file
    except (OSError, ValueError):
        here = None  # cannot look at it: compare real paths
    real = None if here is not None else os.path.realpath(target)
    for inp in inputs:
        if inp is None:
            continue
        src = os.fspath(inp)
        if src == "-":
            continue
        if here is not None:
            st = _stat(src)
            same = st is not None and (st.st_dev, st.st_ino) == (here.st_dev, here.st_ino)
        else:
            same = os.path.realpath(src) == real
        if same:
            flag = f"{option} " if option else ""
            also = "" if os.path.abspath(src) == os.path.abspath(target) else f" (a link to {src})"
            raise UsageError(f"{flag}{target} is one of the inputs{also}; govtext never overwrites its input")


def write_output(
    path: str | Path, data: str | bytes, *, inputs: Iterable[str | Path | None] = (), option: str = "",
) -> None:
    """Write ``data`` (str as UTF-8) to ``path`` safely, after ``guard_output(path, inputs)``.

    A symlink target is followed (the file it points to is replaced, the link kept). The new file keeps
    the mode of the file it replaces (else the umask's default). A target that is not a regular file
    (``/dev/stdout``, ``/dev/null``, a FIFO) is opened and written, never replaced. Errors:
    ``OutputError`` (one line).
    """
    guard_output(path, inputs, option=option)
    name = os.fspath(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    old = _stat(name)
    if old is not None and stat.S_ISDIR(old.st_mode):
        raise OutputError(name, "cannot write: is a directory")
    if old is not None and not stat.S_ISREG(old.st_mode):
        _write_stream(name, payload)  # /dev/stdout, /dev/null, a FIFO: written to, never replaced
        return
    target = os.path.realpath(name)
    folder = os.path.dirname(target) or "."
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(os.fspath(path), f"cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        if old is not None:
            mode = old.st_mode & 0o7777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(os.fspath(path), f"cannot write: {exc.strerror or exc}") from None
        raise


def _write_stream(name: str, payload: bytes) -> None:
    try:
        with open(name, "wb") as fh:
            fh.write(payload)
    except OSError as exc:
        raise OutputError(name, f"cannot write: {exc.strerror or exc}") from None


__all__ = ["guard_output", "same_file", "write_output"]
