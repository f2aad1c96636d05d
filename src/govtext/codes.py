"""The finding-code catalogue: code → slug, severity, message, and its documentation.

The catalogue is data: ``models/codes/GT1.toml`` (structure), ``GT2.toml`` (placeholders),
``GT3.toml`` (themes), ``GT4.toml`` (completeness). Each entry::

    [GT101]
    slug = "numbering-gap"
    severity = "warning"
    message = "numbering jumps from {prev} to {number}"
    what = "…"   why = "…"   example = "…"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .errors import UsageError
from .resources import Key, data_file, models_dir

#: Placeholder kind → its finding code (GT2xx): the one list of kinds, for the linter, its config and
#: every output.
KIND_CODE = {
    "count": "GT201",
    "money": "GT202",
    "date": "GT203",
    "ordinal": "GT204",
    "person": "GT205",
    "organisation": "GT206",
    "slogan": "GT207",
    "text": "GT208",
    "masked-name": "GT209",
}
KINDS = tuple(KIND_CODE)
#: Code family (``GT1`` …) → the stage that reports it.
FAMILIES = {"GT1": "structure", "GT2": "placeholder", "GT3": "theme", "GT4": "completeness"}


@dataclass(frozen=True)
class Code:
    """One catalogue entry."""

    code: str
    slug: str
    severity: str
    message: str
    what: str
    why: str
    example: str


#: What each catalogue entry holds (``models/codes/GT*.toml``).
CODE_SCHEMA = {
    "slug": Key(pattern=r"[a-z]+(?:-[a-z0-9]+)*"),
    "severity": Key(choices=("error", "warning", "info")),
    "message": Key(required=False, default=""),
    "what": Key(),
    "why": Key(),
    "example": Key(),
}
_CODE_ID = re.compile(r"GT[1-9]\d\d\Z")


@cache
def catalogue() -> dict[str, Code]:
    """All codes, keyed by code (``GT101``); a malformed entry is a ``DataFileError`` naming file and line."""
    out: dict[str, Code] = {}
    for path in sorted((models_dir() / "codes").glob("GT*.toml")):
        f = data_file(path)
        for code, entry in f.data.items():
            line = f.line_of_table(code)
            if not _CODE_ID.match(code):
                raise f.fail(f"{code!r} is not a finding code (GT followed by three digits)", line)
            if code in out:
                raise f.fail(f"{code} is defined twice", line)
            out[code] = Code(code=code, **f.table(entry, CODE_SCHEMA, what=code, line=line))
    return out


def get(code: str) -> Code:
    """The catalogue entry for ``code``; an unknown code is a programming error made loud."""
    try:
        return catalogue()[code]
    except KeyError:
        raise UsageError(f"unknown finding code {code!r}") from None


def family(code: str) -> str:
    """The stage a code belongs to (``structure``, ``placeholder``, ``theme``, ``completeness``)."""
    return FAMILIES.get(code[:3], "govtext")


def by_slug(slug: str) -> Code:
    """The entry whose slug is ``slug``."""
    for c in catalogue().values():
        if c.slug == slug:
            return c
    raise UsageError(f"unknown finding slug {slug!r}")
