"""Locates and loads the versioned data assets under ``models/`` (shipped inside the wheel)."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from .errors import DataFileError


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


def read_data_text(path: str | Path) -> str:
    """The text of a UTF-8 data file (lexicon, dictionary, word list); problems name the file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataFileError(str(path), f"cannot read: {exc.strerror or exc}") from None
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
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        msg = getattr(exc, "msg", None) or str(exc)
        m = re.search(r"\s*\(at (?:line (\d+), column \d+|end of document)\)$", msg)
        if m:
            if line is None:
                line = int(m.group(1)) if m.group(1) else text.count("\n") + 1  # as 3.14 counts it
            msg = msg[: m.start()]
        raise DataFileError(name, f"invalid TOML: {msg.strip()}", line) from None


def read_toml(path: str | Path) -> tuple[dict, str]:
    """(data, raw text) of a TOML data file; any problem raises ``DataFileError`` with the file and line."""
    text = read_data_text(path)
    return parse_toml(text, str(path)), text


def load_toml(path: str | Path) -> dict:
    """Read a TOML data file; a syntax error names the file and line."""
    return read_toml(path)[0]
