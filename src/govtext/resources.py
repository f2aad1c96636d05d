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


def load_toml(path: str | Path) -> dict:
    """Read a TOML data file; a syntax error names the file and line."""
    text = read_data_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)  # Python ≥ 3.14
        msg = getattr(exc, "msg", None) or str(exc)
        if line is None:  # Python 3.11–3.13 put it in the message: "… (at line 3, column 7)"
            m = re.search(r"\(at line (\d+), column \d+\)", msg)
            if m:
                line = int(m.group(1))
                msg = msg[: m.start()].rstrip()
        raise DataFileError(str(path), f"invalid TOML: {msg}", line) from None
