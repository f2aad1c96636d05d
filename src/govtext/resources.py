"""Locates, loads and validates the data files: the versioned assets under ``models/`` (shipped inside
the wheel) and researchers' own files. ``parse_toml`` is the one place a TOML syntax error becomes a
``DataFileError`` naming file and line; ``data_file(...).table(entry, schema, ...)`` checks a table
against a declarative schema (``Key``) and names the table's line."""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from .errors import DataFileError, human_size


@cache
def models_dir() -> Path:
    """The ``models/`` directory: inside the installed package, or the source checkout's."""
    packaged = Path(__file__).resolve().parent / "models"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "models"
    if checkout.is_dir():
        return checkout
    raise DataFileError(str(packaged), "govtext's data directory is missing; reinstall the package")


def model_path(*parts: str) -> Path:
    """Path of a data file under ``models/``."""
    return models_dir().joinpath(*parts)


#: Largest data file read (the shipped ones are below 1 MB).
MAX_DATA_BYTES = 16 * 1024 * 1024


def file_kind(path: str | Path) -> str:
    """What ``path`` is, as messages name it: ``file`` (a regular file, through links), ``a directory``,
    ``a FIFO (named pipe)``, ``a socket``, ``a device``, ``a broken symbolic link``. A path that
    does not exist (or cannot be looked at) raises the ``OSError`` of ``os.stat``."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            return "a broken symbolic link"
        raise
    return "file" if stat.S_ISREG(mode) else mode_kind(mode)


def mode_kind(mode: int) -> str:
    """What a path that is not a regular file is (its ``st_mode``), as messages name it."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_data_text(path: str | Path) -> str:
    """The text of a UTF-8 data file (lexicon, dictionary, word list); problems name the file."""
    path = Path(path)
    try:
        kind = file_kind(path)
        if kind != "file":
            raise DataFileError(str(path), f"is {kind}, not a data file")
        with open(path, "rb") as fh:
            raw = fh.read(MAX_DATA_BYTES + 1)
    except OSError as exc:
        raise DataFileError(str(path), f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_DATA_BYTES:
        raise DataFileError(str(path), f"larger than the limit of {human_size(MAX_DATA_BYTES)} for a data file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataFileError(str(path), "not UTF-8 text") from None


def read_word_list(path: str | Path) -> frozenset[str]:
    """A one-word-a-line list; ``#`` starts a comment, blank lines are skipped."""
    lines = read_data_text(path).splitlines()
    return frozenset(w for line in lines if (w := line.split("#", 1)[0].strip()))


def parse_toml(text: str, name: str) -> dict:
    """Parse TOML ``text`` read from ``name``: the one place a syntax error becomes a ``DataFileError``
    naming the file and line (Python ≥ 3.14 gives ``lineno``; 3.11–3.13 only put it in the message,
    "(at line 3, column 7)" or "(at end of document)": the line the text ends on)."""
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise DataFileError(name, f"nested deeper than {MAX_TOML_DEPTH} levels", _deep_line(text)) from None
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        msg = getattr(exc, "msg", None) or str(exc)
        m = re.search(r"\s*\(at (?:line (\d+), column \d+|end of document)\)$", msg)
        if m:
            if line is None:
                line = int(m.group(1)) if m.group(1) else text.count("\n") + 1  # as 3.14 counts it
            msg = msg[: m.start()]
        raise DataFileError(name, f"invalid TOML: {msg.strip()}", line) from None
    if _too_deep(data):
        raise DataFileError(name, f"nested deeper than {MAX_TOML_DEPTH} levels", _deep_line(text))
    return data


#: Deepest nesting of arrays and tables a data file may have (ours use fewer than 10 levels); deeper
#: data would exhaust the stack of the code that walks it.
MAX_TOML_DEPTH = 100


def _too_deep(data: dict) -> bool:
    """True when arrays and tables nest more than ``MAX_TOML_DEPTH`` levels below the document's own
    table (``a.b.c = 1`` is two: the tables a and b), found without recursion."""
    stack: list[tuple[object, int]] = [(v, 1) for v in data.values()]
    while stack:
        obj, depth = stack.pop()
        if isinstance(obj, dict):
            obj = list(obj.values())
        elif not isinstance(obj, list):
            continue
        if depth > MAX_TOML_DEPTH:
            return True
        stack.extend((v, depth + 1) for v in obj)
    return False


def _deep_line(text: str) -> int | None:
    """1-based line where brackets/braces outside strings and comments (or a line's dotted key parts)
    first nest deeper than ``MAX_TOML_DEPTH``: where a too-deep TOML file goes wrong."""
    depth, line, quote, i, n = 0, 1, "", 0, len(text)
    dots = 0
    while i < n:
        c = text[i]
        if c == "\n":
            line, dots = line + 1, 0
        elif quote:
            if text.startswith(quote, i):
                i += len(quote)
                quote = ""
                continue
            if c == "\\" and quote in ('"', '"""') and text[i + 1 : i + 2] != "\n":
                i += 2
                continue
        elif c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            i += len(quote)
            continue
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
        elif c == ".":
            dots += 1
        if depth > MAX_TOML_DEPTH or dots > MAX_TOML_DEPTH:
            return line
        i += 1
    return None


def read_toml(path: str | Path) -> tuple[dict, str]:
    """(data, raw text) of a TOML data file; any problem raises ``DataFileError`` with the file and line."""
    text = read_data_text(path)
    return parse_toml(text, str(path)), text


def load_toml(path: str | Path) -> dict:
    """Read a TOML data file; a syntax error names the file and line."""
    return read_toml(path)[0]


# --- declarative validation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One key of a data table: its type(s), whether it must be there, allowed values, a pattern."""

    types: tuple[type, ...] = (str,)
    required: bool = True
    choices: tuple[object, ...] = ()
    pattern: str | None = None  # a full match for strings (e.g. slugs)
    default: object = None


_TABLE_HEADER = re.compile(r"^[ \t]*\[\[?[ \t]*([^\]\n]*?)[ \t]*\]", re.M)  # [header] / [[header]]


@dataclass(frozen=True)
class DataFile:
    """A validated data file: its parsed ``data``, the ``raw`` text and its ``name`` (path or label)."""

    name: str
    data: dict
    raw: str

    def line_of_table(self, header: str, occurrence: int = 0) -> int | None:
        """1-based line of the ``occurrence``-th ``[header]`` / ``[[header]]`` table header."""
        found = self._table_lines.get(header, ())
        return found[occurrence] if occurrence < len(found) else None

    @cached_property
    def _table_lines(self) -> dict[str, list[int]]:
        """Header → 1-based lines of its ``[header]`` / ``[[header]]`` lines, read in one pass (the
        catalogue asks for some hundred headers: one regex each cost ~20 ms of every cold start)."""
        out: dict[str, list[int]] = {}
        line, pos = 1, 0
        for m in _TABLE_HEADER.finditer(self.raw):
            line += self.raw.count("\n", pos, m.start())
            pos = m.start()
            out.setdefault(m.group(1), []).append(line)
        return out

    def fail(self, problem: str, line: int | None = None) -> DataFileError:
        """The error for ``problem`` in this file (at ``line``)."""
        return DataFileError(self.name, problem, line)

    def table(self, entry: object, schema: dict[str, Key], *, what: str, line: int | None) -> dict:
        """``entry`` checked against ``schema`` (unknown keys, missing keys, types, choices, patterns);
        returns it with defaults filled in. Errors name the file and ``line`` (the table's header)."""
        if not isinstance(entry, dict):
            raise self.fail(f"{what} must be a table", line)
        unknown = sorted(set(entry) - set(schema))
        if unknown:
            raise self.fail(f"{what}: unknown key(s) {', '.join(unknown)} (known: {', '.join(schema)})", line)
        out = {}
        for key, spec in schema.items():
            if key not in entry:
                if spec.required:
                    raise self.fail(f"{what}: missing '{key}'", line)
                out[key] = spec.default
                continue
            value = entry[key]
            if not isinstance(value, spec.types) or (isinstance(value, bool) and bool not in spec.types):
                names = " or ".join(t.__name__ for t in spec.types)
                raise self.fail(f"{what}: '{key}' must be {names}, not {type(value).__name__}", line)
            if spec.choices and value not in spec.choices:
                raise self.fail(f"{what}: '{key}' must be one of {', '.join(map(str, spec.choices))}, "
                                f"not {value!r}", line)
            if spec.pattern and isinstance(value, str) and not re.fullmatch(spec.pattern, value):
                raise self.fail(f"{what}: '{key}' = {value!r} is not of the form {spec.pattern}", line)
            out[key] = value
        return out


def data_file(source: str | Path, *, text: str | None = None) -> DataFile:
    """A TOML data file given by path, or by ``text`` named ``source`` (an upload): parsed, with its
    raw text kept so that validation errors can name the line."""
    raw = read_data_text(source) if text is None else text
    return DataFile(str(source), parse_toml(raw, str(source)), raw)
