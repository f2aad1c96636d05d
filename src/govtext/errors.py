"""Errors govtext raises. Every one carries a one-line message and an exit code (2: bad input/data)."""

from __future__ import annotations


class GovtextError(Exception):
    """Base class: a clear one-line problem the CLI prints as ``govtext: <message>`` and exits with."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(GovtextError):
    """A document the user gave cannot be read (missing, empty, binary, undecodable, too large, …)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class DataFileError(GovtextError):
    """A data file (lexicon, outline, rules, config) is malformed; names the file and line."""

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem}")
        self.path = str(path)
        self.line = line
        self.problem = problem


class UsageError(GovtextError):
    """An option or argument that makes no sense (unknown kind, unknown segmenter, …)."""


def human_size(n: int) -> str:
    """A size as error messages give it: ``500 bytes``, ``1.5 KB``, ``20.0 MB``."""
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} bytes"


class OutputError(GovtextError):
    """An output file cannot be written (no such folder, no permission, a directory, …)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
