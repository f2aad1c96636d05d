"""The finding-code catalogue: code → slug, severity, message, and its documentation.

The catalogue is data: ``models/codes/GT1.toml`` (structure), ``GT2.toml`` (placeholders),
``GT3.toml`` (themes), ``GT4.toml`` (completeness). Each entry::

    [GT101]
    slug = "numbering-gap"
    severity = "warning"
    message = "numbering jumps from {prev} to {number}"
    message_zh = "编号从 {prev} 跳到 {number}"
    what = "…"   why = "…"   example = "…"

``message`` is the English template (the finding's ``message`` in every machine format); ``message_zh``
its Chinese wording for the reviewer's reports. ``localize(finding, lang)`` reads the values back out of
the English message and fills the template of ``lang``, translating the English values some codes
carry (what is missing, why a part is weak, a marker's style slip) through the message catalogue.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from .errors import UsageError
from .i18n import N_, gettext
from .resources import Key, data_file, models_dir

if TYPE_CHECKING:
    from .model import Finding

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
    message_zh: str
    what: str
    why: str
    example: str


#: What each catalogue entry holds (``models/codes/GT*.toml``).
CODE_SCHEMA = {
    "slug": Key(pattern=r"[a-z]+(?:-[a-z0-9]+)*"),
    "severity": Key(choices=("error", "warning", "info")),
    "message": Key(required=False, default=""),
    "message_zh": Key(required=False, default=""),
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


#: Placeholder kind → its name for a reviewer (counts by kind, the headline).
KIND_LABELS = {
    "count": N_("count"),
    "money": N_("money"),
    "date": N_("date"),
    "ordinal": N_("ordinal"),
    "person": N_("person"),
    "organisation": N_("organisation"),
    "slogan": N_("slogan"),
    "text": N_("text"),
    "masked-name": N_("masked name"),
}
#: English values that fill some messages' fields: what a placeholder leaves out
#: (``models/placeholders``: ``what`` and ``[kind_what]``) and why a part is weak (completeness).
FIELD_VALUES = (
    N_("number"), N_("number of people"), N_("amount of money"), N_("date"), N_("ordinal number"),
    N_("person's name"), N_("name of the organisation or place"), N_("name or wording"), N_("slogan"),
    N_("text"), N_("masked name"),
    N_("implied"), N_("unnumbered"), N_("thin"), N_("out-of-place"),
)
#: The style slips of GT106 (``detail``), as sections.py words them.
DETAIL_TEMPLATES = (
    N_("stray {slip} after the bracketed number"),
    N_("stray {slip} after the number's dot"),
    N_("brackets of different widths in {marker}"),
    N_("marker broken across lines"),
    N_("marker {marker} is written unlike its sibling {sibling}"),
)
_FIELD = re.compile(r"\{(\w+)(![rs])?(?::[^}]*)?\}")
_REPR = r"(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"


def message_template(code: str, lang: str) -> str:
    """The message template of ``code`` in ``lang`` (English when no translation is given)."""
    entry = get(code)
    return entry.message_zh if lang == "zh" and entry.message_zh else entry.message


@cache
def _template_regex(template: str) -> tuple[re.Pattern[str], tuple[tuple[str, bool], ...]]:
    """A regex that reads the field values back out of ``template`` filled in; fields and their ``!r``."""
    parts: list[str] = []
    fields: list[tuple[str, bool]] = []
    seen: set[str] = set()
    pos = 0
    for m in _FIELD.finditer(template):
        parts.append(re.escape(template[pos:m.start()]))
        name, is_repr = m.group(1), m.group(2) == "!r"
        if name in seen:
            parts.append(f"(?P={name})")
        else:
            parts.append(f"(?P<{name}>{_REPR if is_repr else '.+?'})")
            seen.add(name)
            fields.append((name, is_repr))
        pos = m.end()
    parts.append(re.escape(template[pos:]))
    return re.compile("".join(parts), re.S), tuple(fields)


def parse_message(template: str, message: str) -> dict[str, str] | None:
    """The field values of ``message``, an English ``template`` filled in (``!r`` values unquoted); None
    when ``message`` was not made from ``template``."""
    rx, fields = _template_regex(template)
    m = rx.fullmatch(message)
    if m is None:
        return None
    out: dict[str, str] = {}
    for name, is_repr in fields:
        value = m.group(name)
        if is_repr:
            try:
                value = str(ast.literal_eval(value))
            except (SyntaxError, ValueError):
                pass
        out[name] = value
    return out


def _field_value(name: str, value: str, lang: str) -> str:
    """A field value in ``lang``: the English words some fields carry translated, others as they are."""
    if name == "because":
        return ("、" if lang == "zh" else ", ").join(gettext(v, lang) for v in value.split(", "))
    if name == "detail":
        for tpl in DETAIL_TEMPLATES:
            got = parse_message(tpl.replace("{slip}", "{slip!r}").replace("{marker}", "{marker!r}")
                                .replace("{sibling}", "{sibling!r}"), value)
            if got is not None:
                quoted = {k: f"“{v}”" if lang == "zh" else repr(v) for k, v in got.items()}
                return gettext(tpl, lang).format(**quoted)
        return value
    if name == "what":
        return gettext(value, lang)
    return value


def localize(finding: Finding, lang: str) -> str:
    """The finding's message in ``lang``: its code's template filled with the values of the English
    ``finding.message``. A message not made from the catalogue template (a stage's own wording) falls
    back to the template with the values it can fill, else to the code's slug in words."""
    if lang == "en":
        return finding.message
    entry = get(finding.code)
    target = message_template(finding.code, lang)
    values = parse_message(entry.message, finding.message)
    if values is None:
        values = {}
    values = {k: _field_value(k, v, lang) for k, v in values.items()}
    values.setdefault("match", finding.match)
    try:
        return target.format(**values)
    except (KeyError, IndexError, ValueError):
        return _plain(target)


def _plain(template: str) -> str:
    """A template with its fields left out: the code's wording without the values it could not get."""
    return _FIELD.sub("", template).strip("：: ")
