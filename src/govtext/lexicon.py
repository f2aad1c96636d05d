"""The theme lexicon (``models/themes/lexicon.toml`` and researchers' own files): themes and their terms.

Parsed and validated here, apart from tagging (:mod:`govtext.themes`) and topic discovery
(:mod:`govtext.discovery`), which both read it; any problem raises ``DataFileError`` naming file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .errors import DataFileError, UsageError
from .resources import model_path, parse_toml, read_data_text

CATEGORIES = (
    "party",
    "economy",
    "reform",
    "rural",
    "livelihood",
    "ecology",
    "safety",
    "governance",
    "culture",
    "defence",
    "external",
)
_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
_THEME_HEADER = re.compile(r"^\s*\[\[\s*theme\s*\]\]")
_KEYS = {"id", "label", "category", "terms", "exclude", "since", "until"}


@dataclass(frozen=True)
class Theme:
    """One lexicon entry. ``source``/``line`` tell where it was defined (for error messages)."""

    id: str
    label: str
    category: str
    terms: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    since: int | None = None
    until: int | None = None
    source: str = field(default="", compare=False)
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Lexicon:
    """An ordered set of themes; ``version`` and ``sources`` say where it came from."""

    version: str
    themes: tuple[Theme, ...]
    sources: tuple[str, ...] = ()

    def get(self, theme_id: str) -> Theme:
        """The theme with ``theme_id`` (KeyError if absent)."""
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise KeyError(theme_id)

    @property
    def ids(self) -> tuple[str, ...]:
        """Theme ids in lexicon order."""
        return tuple(t.id for t in self.themes)

    def extended(self, other: Lexicon) -> Lexicon:
        """This lexicon with ``other``'s themes added; a theme with an existing id replaces it."""
        replaced = {t.id: t for t in other.themes}
        kept = [replaced.pop(t.id, t) for t in self.themes]
        kept.extend(t for t in other.themes if t.id in replaced)
        version = f"{self.version}+{'+'.join(Path(s).name for s in other.sources) or 'user'}"
        return Lexicon(version, tuple(kept), self.sources + other.sources)


def default_lexicon_path() -> Path:
    """The shipped lexicon."""
    return model_path("themes", "lexicon.toml")


def parse_lexicon(path: str | Path, *, require_version: bool = True) -> Lexicon:
    """Read and validate a lexicon TOML file; any problem raises ``DataFileError`` naming file and line."""
    return parse_lexicon_text(read_data_text(path), str(path), require_version=require_version)


def parse_lexicon_text(raw: str, name: str, *, require_version: bool = True) -> Lexicon:
    """Validate lexicon TOML ``raw`` read from ``name`` (errors name it and the line), as :func:`parse_lexicon`."""
    path = name
    data = parse_toml(raw, name)
    headers = [i + 1 for i, line in enumerate(raw.splitlines()) if _THEME_HEADER.match(line)]
    entries = data.get("theme")
    if not isinstance(entries, list) or not entries:
        raise DataFileError(str(path), "no [[theme]] tables found")
    if len(headers) != len(entries):  # inline-array form: no per-table header to point at
        headers = [None] * len(entries)
    version = data.get("version")
    if version is None and require_version:
        raise DataFileError(str(path), "missing top-level 'version'", 1)
    unknown_top = set(data) - {"version", "theme"}
    if unknown_top:
        raise DataFileError(str(path), f"unknown top-level key(s): {', '.join(sorted(unknown_top))}", 1)
    themes: list[Theme] = []
    seen: set[str] = set()
    for entry, line in zip(entries, headers, strict=True):
        theme = _parse_theme(entry, str(path), line)
        if theme.id in seen:
            raise DataFileError(str(path), f"duplicate theme id {theme.id!r}", line)
        seen.add(theme.id)
        themes.append(theme)
    return Lexicon(str(version or "user"), tuple(themes), (str(path),))


def _parse_theme(entry: object, path: str, line: int | None) -> Theme:
    def bad(problem: str) -> DataFileError:
        return DataFileError(path, problem, line)

    if not isinstance(entry, dict):
        raise bad("a [[theme]] entry must be a table")
    unknown = set(entry) - _KEYS
    if unknown:
        raise bad(f"unknown key(s) in theme: {', '.join(sorted(unknown))}")
    tid = entry.get("id")
    if not isinstance(tid, str) or not _ID.match(tid):
        raise bad("theme needs an 'id' of lower-case letters, digits and '_' (e.g. \"river_chief\")")
    for key in ("label", "category"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise bad(f"theme {tid!r} needs a non-empty string '{key}'")
    if entry["category"] not in CATEGORIES:
        raise bad(f"theme {tid!r}: unknown category {entry['category']!r} (one of: {', '.join(CATEGORIES)})")
    terms = _string_list(entry.get("terms"), f"theme {tid!r} 'terms'", bad, required=True)
    exclude = _string_list(entry.get("exclude", []), f"theme {tid!r} 'exclude'", bad, required=False)
    for phrase in exclude:
        if not any(t in phrase for t in terms):
            raise bad(f"theme {tid!r}: exclude phrase {phrase!r} contains none of its terms")
    years = []
    for key in ("since", "until"):
        value = entry.get(key)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or not 1900 <= value <= 2100
        ):
            raise bad(f"theme {tid!r}: '{key}' must be a year")
        years.append(value)
    return Theme(
        tid, entry["label"].strip(), entry["category"], terms, exclude, years[0], years[1], path, line
    )


def _string_list(value: object, what: str, bad, *, required: bool) -> tuple[str, ...]:
    if value is None or (required and value == []):
        raise bad(f"{what} missing or empty: list the terms that signal this theme")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad(f"{what} must be a list of strings")
    out = []
    for v in value:
        if not v or v != v.strip() or any(ch.isspace() for ch in v):
            raise bad(f"{what}: {v!r} is empty or contains whitespace")
        if v not in out:
            out.append(v)
    return tuple(out)


@cache
def default_lexicon() -> Lexicon:
    """The shipped lexicon, parsed once."""
    return parse_lexicon(default_lexicon_path())


_default_lexicon = default_lexicon  # the name older callers use


def load_lexicon(*extra: str | Path, replace: bool = False) -> Lexicon:
    """The shipped lexicon extended by ``extra`` files (or only the files if ``replace``)."""
    return _combined([parse_lexicon(p, require_version=False) for p in extra], replace)


def load_lexicon_texts(texts: Iterable[tuple[str, str]], *, replace: bool = False) -> Lexicon:
    """As :func:`load_lexicon`, from ``(name, TOML text)`` pairs (a corpus run carries lexicons by value)."""
    return _combined([parse_lexicon_text(raw, name, require_version=False) for name, raw in texts], replace)


def _combined(extra: list[Lexicon], replace: bool) -> Lexicon:
    if replace and not extra:
        raise UsageError("--only-lexicon needs at least one --lexicon FILE")
    lex = extra[0] if replace else default_lexicon()
    for more in extra[1:] if replace else extra:
        lex = lex.extended(more)
    return lex
