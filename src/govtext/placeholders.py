"""Unfilled template placeholders (GT2xx): every X run and other template residue, typed by context.

Regular expressions over the *original* characters (jieba splits ``第/X/巡察/组``), with the forms,
context words and look-alikes read from ``models/placeholders/rules.toml``. Importing this module
imports neither spaCy nor jieba, so the linter starts fast; the spaCy component lives in
``govtext.placeholders_component``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .codes import KIND_CODE, KINDS  # noqa: F401 (defined once, in the code catalogue)
from .errors import DataFileError
from .model import Document, Finding, as_document
from .resources import model_path
from .text import mark_context  # noqa: F401 (public here since the linter had it)

if TYPE_CHECKING:
    from .lint_config import LintConfig

HANDLERS = ("fixed", "context", "run", "instruction", "variable", "masked")
SEVERITIES = ("error", "warning", "info")

# A Latin "word" character: an X touching one is part of a word or number (SpaceX, XXL, 0xFF, 3×4).
_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
# Chinese characters (ideographs) and CJK punctuation, tested one character at a time: ranges, not
# regexes (a class spanning the ideographs costs ~2 ms to compile, at every cold start).
_HAN_RANGES = (("\u3400", "\u4dbf"), ("\u4e00", "\u9fff"), ("\uf900", "\ufaff"))
_CJK_RANGES = (("\u3000", "\u303f"), *_HAN_RANGES, ("\uff01", "\uff0f"), ("\uff1a", "\uff20"))
_CJK_MARKS = frozenset("“”‘’《》")


def _is_han(ch: str) -> bool:
    return any(a <= ch <= b for a, b in _HAN_RANGES)


def _has_cjk(s: str) -> bool:
    return any(c in _CJK_MARKS or any(a <= c <= b for a, b in _CJK_RANGES) for c in s)
_SPACES = " \t\u3000\u00a0"
_RULE_LINE = set("*＊_＿-—=~ \t\u3000")
_ELLIPSIS = re.compile(r"[ \t\u3000]*(?:…+|\.{3,}|。{3,}|·{3,})[ \t\u3000]*")


@dataclass(frozen=True)
class Form:
    """One placeholder form: a pattern and how its matches become findings."""

    name: str
    handler: str
    kind: str
    regex: re.Pattern[str]
    single: str = "warning"  # run handler: severity of a lone character without a strong context
    latin_guard: bool = False
    guard_operators: bool = True
    lookalikes: bool = False
    skip_rule_lines: bool = False
    not_after: str = ""
    not_before: str = ""
    requires: str = ""


@dataclass(frozen=True)
class ContextGroup:
    """Words next to a placeholder that tell its kind (``名`` → count, ``第`` → ordinal)."""

    kind: str
    what: str
    strong: bool
    first: bool


@dataclass(frozen=True)
class Rules:
    """The compiled placeholder rules."""

    path: str
    version: int
    forms: tuple[Form, ...]
    excludes: tuple[re.Pattern[str], ...]
    after: dict[str, ContextGroup]
    before: dict[str, ContextGroup]
    first_before: dict[str, ContextGroup]
    enclosures: dict[tuple[str, str], str]
    kind_what: dict[str, str]
    x_after: tuple[str, ...]
    operators: frozenset[str]
    instruction_verbs: tuple[str, ...]
    instruction_verb: re.Pattern[str]  # finds any of ``instruction_verbs``
    instruction_fields: dict[str, str]
    instruction_shape: re.Pattern[str]
    instruction_strict: frozenset[str]
    variable_kinds: tuple[tuple[str, str], ...]
    date_templates: tuple[re.Pattern[str], ...]  # the patterns of the ``date-template`` forms


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    kind: str
    severity: str
    what: str


# --- rules ---------------------------------------------------------------------------------------------


def load_rules(path: str | Path | None = None) -> Rules:
    """The placeholder rules: the shipped ``models/placeholders/rules.toml`` or the file at ``path``.

    A malformed file raises ``DataFileError`` naming the file and, where known, the line.
    """
    return _load_rules(str(Path(path).resolve()) if path else str(model_path("placeholders", "rules.toml")))


@cache
def _load_rules(path: str) -> Rules:
    from .lint_config import read_toml

    data, raw_text = read_toml(path)

    def fail(problem: str, needle: str | None = None) -> DataFileError:
        return DataFileError(path, problem, _line_of(raw_text, needle) if needle else None)

    def str_list(table: dict, key: str, where: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise fail(f"{where}.{key} must be a list of non-empty strings", key)
        return tuple(value)

    def compile_pattern(pattern: object, name: str) -> re.Pattern[str]:
        if not isinstance(pattern, str) or not pattern:
            raise fail(f"{name}: pattern must be a non-empty string", name)
        try:
            return re.compile(pattern)
        except re.error as exc:
            raise fail(f"{name}: bad pattern: {exc}", name) from None

    kind_what = data.get("kind_what", {})
    for kind in KINDS:
        if not isinstance(kind_what.get(kind), str):
            raise fail(f"[kind_what] needs a string for kind {kind!r}", "kind_what")

    def check_kind(kind: object, where: str) -> str:
        if kind not in KIND_CODE:
            raise fail(f"{where}: unknown kind {kind!r} (expected one of {', '.join(KINDS)})", str(kind))
        return kind  # type: ignore[return-value]

    forms = []
    for entry in data.get("form", []):
        name = entry.get("name")
        if not isinstance(name, str):
            raise fail("every [[form]] needs a name", "[[form]]")
        handler = entry.get("handler")
        if handler not in HANDLERS:
            raise fail(f"form {name}: handler must be one of {', '.join(HANDLERS)}", name)
        if entry.get("latin_guard", False) not in (True, False, "words"):
            raise fail(f'form {name}: latin_guard must be true, false or "words"', name)
        single = entry.get("single", "warning")
        if single not in (*SEVERITIES, "none"):
            raise fail(f"form {name}: single must be warning, info or none", name)
        forms.append(
            Form(
                name=name,
                handler=handler,
                kind=check_kind(entry.get("kind", "text"), f"form {name}"),
                regex=compile_pattern(entry.get("pattern"), name),
                single=single,
                latin_guard=bool(entry.get("latin_guard", False)),
                guard_operators=entry.get("latin_guard") != "words",
                lookalikes=bool(entry.get("lookalikes", False)),
                skip_rule_lines=bool(entry.get("skip_rule_lines", False)),
                not_after=str(entry.get("not_after", "")),
                not_before=str(entry.get("not_before", "")),
                requires=str(entry.get("requires", "")),
            )
        )
    if not forms:
        raise fail("no [[form]] entries")
    excludes = tuple(
        compile_pattern(e.get("pattern"), e.get("name", "exclude")) for e in data.get("exclude", [])
    )

    after: dict[str, ContextGroup] = {}
    before: dict[str, ContextGroup] = {}
    first_before: dict[str, ContextGroup] = {}
    for entry in data.get("context", []):
        kind = check_kind(entry.get("kind"), "[[context]]")
        strength = entry.get("strength", "strong")
        if strength not in ("strong", "weak"):
            raise fail(f"[[context]] {kind}: strength must be strong or weak", "strength")
        group = ContextGroup(
            kind, str(entry.get("what", kind_what[kind])), strength == "strong", bool(entry.get("first"))
        )
        for word in str_list(entry, "after", "[[context]]"):
            after.setdefault(word, group)
        for word in str_list(entry, "before", "[[context]]"):
            (first_before if group.first else before).setdefault(word, group)

    enclosures: dict[tuple[str, str], str] = {}
    for kind, pairs in data.get("enclosure", {}).items():
        check_kind(kind, "[enclosure]")
        for pair in pairs:
            if not (
                isinstance(pair, list)
                and len(pair) == 2
                and all(isinstance(c, str) and len(c) == 1 for c in pair)
            ):
                raise fail(f"[enclosure] {kind}: each entry must be a pair of single characters", kind)
            enclosures[(pair[0], pair[1])] = kind

    look = data.get("lookalike", {})
    ins = data.get("instruction", {})
    fields = ins.get("fields", {})
    for word, kind in fields.items():
        check_kind(kind, f"[instruction.fields] {word}")
    alt = lambda words: "|".join(map(re.escape, sorted(words, key=len, reverse=True)))  # noqa: E731
    shape = re.compile(
        f"(?P<prefix>{alt(str_list(ins, 'prefixes', '[instruction]'))})?"
        f"(?P<entity>{alt(str_list(ins, 'entities', '[instruction]'))})?"
        f"(?P<field>{alt(fields) or '(?!)'})"
    )
    variable_kinds = []
    for pair in data.get("variable", {}).get("kinds", []):
        if not (isinstance(pair, list) and len(pair) == 2):
            raise fail("[variable] kinds: each entry must be [keyword, kind]", "kinds")
        variable_kinds.append((pair[0].lower(), check_kind(pair[1], "[variable] kinds")))

    return Rules(
        path=path,
        version=int(data.get("version", 0)),
        forms=tuple(forms),
        excludes=excludes,
        after=after,
        before=before,
        first_before=first_before,
        enclosures=enclosures,
        kind_what=dict(kind_what),
        x_after=str_list(look, "x_after", "[lookalike]"),
        operators=frozenset(look.get("operators", "")),
        instruction_verbs=str_list(ins, "verbs", "[instruction]"),
        instruction_verb=re.compile(alt(str_list(ins, "verbs", "[instruction]")) or "(?!)"),
        instruction_fields=dict(fields),
        instruction_shape=shape,
        instruction_strict=frozenset(str_list(ins, "strict", "[instruction]")),
        variable_kinds=tuple(variable_kinds),
        date_templates=tuple(f.regex for f in forms if f.name == "date-template"),
    )


def _line_of(text: str, needle: str) -> int | None:
    i = text.find(needle)
    return text.count("\n", 0, i) + 1 if i >= 0 else None


# --- fast scanning: where a match can start ---------------------------------------------------------
#
# Most forms cannot match without one of a few rare characters at a fixed distance from the match's
# start (``某{2,}``: 某 at 0; ``[王李…]某某``: 某 at 1; the date template: X/x/×/Y/M … at 0 or 2). Python's
# regex engine finds a literal fast but tries a pattern that starts with a repeat, a group or a large
# character class at every position. ``_anchor`` reads such a set of (offset, characters) from the
# parsed pattern; ``_occurrences`` finds every pattern's characters in one scan of the text, and
# ``_finditer`` tries a pattern only where a match could start: the same matches as ``regex.finditer``,
# in the same order.

_ANCHOR_CHARS = 16  # more candidate characters than this: let the regex engine scan
_ANCHOR_MIN_TEXT = 2_000  # shorter texts are scanned plainly (reading the anchors costs ~2 ms once)


def _char_score(chars: frozenset[str]) -> int:
    """How often ``chars`` may be expected in Chinese text: ideographs and digits count 10, others 1."""
    return sum(10 if c.isdigit() or "\u3400" <= c <= "\u9fff" else 1 for c in chars)


def _one_char(op, av) -> tuple[bool, frozenset[str] | None]:
    """(consumes exactly one character?, the characters it accepts when they can be listed)."""
    from re import _constants as C

    if op is C.LITERAL:
        return True, frozenset(chr(av))
    if op in (C.NOT_LITERAL, C.ANY):
        return True, None
    if op is C.IN:
        chars: set[str] = set()
        for iop, iav in av:
            if iop is C.LITERAL:
                chars.add(chr(iav))
            elif iop is C.RANGE and iav[1] - iav[0] < _ANCHOR_CHARS:
                chars.update(chr(i) for i in range(iav[0], iav[1] + 1))
            else:  # NEGATE, CATEGORY, a wide RANGE
                return True, None
        return True, frozenset(chars)
    return False, None


Anchor = tuple[tuple[int, frozenset[str]], ...]


def _best(a: Anchor | None, b: Anchor | None) -> Anchor | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if sum(_char_score(s) for _, s in a) <= sum(_char_score(s) for _, s in b) else b


def _seq_anchor(items, flags: int) -> tuple[Anchor | None, int | None]:
    """The best anchor of a sequence of parsed items (offsets from its start) and its fixed width."""
    import re as _re
    from re import _constants as C

    best: Anchor | None = None
    k = 0
    for op, av in items:
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):  # zero width
            continue
        single, chars = _one_char(op, av)
        if single:
            if chars is not None and not flags & _re.IGNORECASE:
                best = _best(best, ((k, chars),))
            k += 1
            continue
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            inner, width = _seq_anchor(sub, flags)
            if lo >= 1 and inner is not None:
                best = _best(best, tuple((k + o, s) for o, s in inner))
            if width is None or lo != hi:
                return best, None
            k += lo * width
            continue
        if op is C.SUBPATTERN:
            _group, add, _del, sub = av
            inner, width = _seq_anchor(sub, flags | add)
        elif op is C.ATOMIC_GROUP:
            inner, width = _seq_anchor(av, flags)
        elif op is C.BRANCH:
            inner, width = _branch_anchor(av[1], flags)
        else:
            return best, None
        if inner is not None:
            best = _best(best, tuple((k + o, s) for o, s in inner))
        if width is None:
            return best, None
        k += width
    return best, k


def _branch_anchor(alternatives, flags: int) -> tuple[Anchor | None, int | None]:
    """Every alternative's anchor together (a match satisfies one of them), and the common width."""
    out: list[tuple[int, frozenset[str]]] = []
    widths = set()
    for alt in alternatives:
        inner, width = _seq_anchor(alt, flags)
        widths.add(width)
        if inner is None:
            return None, None
        out.extend(inner)
    return tuple(out), (widths.pop() if len(widths) == 1 else None)


def _required(items, flags: int) -> frozenset[str] | None:
    """Characters of which every match of the parsed sequence holds at least one (the rarest such set)."""
    import re as _re
    from re import _constants as C

    best: frozenset[str] | None = None

    def better(chars: frozenset[str] | None) -> None:
        nonlocal best
        if chars is not None and (best is None or _char_score(chars) < _char_score(best)):
            best = chars

    for op, av in items:
        single, chars = _one_char(op, av)
        if single:
            better(None if flags & _re.IGNORECASE else chars)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1:
            better(_required(av[2], flags))
        elif op is C.SUBPATTERN:
            better(_required(av[3], flags | av[1]))
        elif op is C.ATOMIC_GROUP:
            better(_required(av, flags))
        elif op is C.BRANCH:
            alts = [_required(alt, flags) for alt in av[1]]
            if all(a is not None for a in alts):
                better(frozenset().union(*alts))  # type: ignore[arg-type]
    return best


@cache
def _anchor(regex: re.Pattern[str]) -> tuple[Anchor | None, frozenset[str] | None]:
    """How to find ``regex``'s matches fast: ``(anchor, required)``.

    ``anchor``: (offset, characters) pairs such that every match at ``p`` has ``text[p + offset]`` in
    one pair's characters (None when none is small enough to search for, or when the pattern starts
    with a literal the regex engine finds fast itself); ``required``: characters of which every match
    holds one (a text holding none has no match).
    """
    try:
        return _read_anchor(regex)
    except Exception:  # noqa: BLE001 (the private regex parser changed or reads a pattern otherwise: scan plainly)
        return None, None


def _read_anchor(regex: re.Pattern[str]) -> tuple[Anchor | None, frozenset[str] | None]:
    from re import _constants as C
    from re import _parser

    parsed = _parser.parse(regex.pattern, regex.flags)
    items = list(parsed)
    flags = parsed.state.flags
    required = _required(items, flags)
    if required is not None and len(required) > _ANCHOR_CHARS:
        required = None
    if len(items) >= 2 and items[0][0] is C.LITERAL and items[1][0] is C.LITERAL:
        return None, required
    anchor, _width = _seq_anchor(items, flags)
    if anchor is None:
        return None, required
    pairs = sorted({(k, c) for k, chars in anchor for c in chars})
    if len({c for _, c in pairs}) > _ANCHOR_CHARS:
        return None, required
    return tuple((k, frozenset(c)) for k, c in pairs), required


@cache
def _search_class(patterns: tuple[re.Pattern[str], ...], requires: tuple[str, ...]) -> re.Pattern[str]:
    """A character class of every character ``_finditer`` may look for (the ``patterns``' anchors and
    required characters) and every form's ``requires``."""
    chars: set[str] = set().union(*requires)
    for regex in patterns:
        anchor, required = _anchor(regex)
        chars.update(required or ())
        for _k, cs in anchor or ():
            chars.update(cs)
    return re.compile(f"[{''.join(map(re.escape, sorted(chars)))}]" if chars else "(?!)")


Occurrences = dict[str, list[int]]


def _occurrences(text: str, rules: Rules) -> Occurrences:
    """Where each character the rules' patterns are found by (``_search_class``) stands in ``text``.

    One scan of the text for all of them: asking the text for each character, once per pattern, cost
    a scan per character (an ASCII letter is slow to find in CJK text).
    """
    patterns = (*rules.excludes, *(f.regex for f in rules.forms))
    search = _search_class(patterns, tuple(f.requires for f in rules.forms))
    found: Occurrences = {}
    for m in search.finditer(text):
        found.setdefault(m.group(), []).append(m.start())
    return found


def _finditer(regex: re.Pattern[str], text: str, where: Occurrences | None):
    """``regex.finditer(text)``, faster when the pattern has an ``_anchor``: tried only where one of
    its characters stands (``where``: ``_occurrences(text)``; None scans plainly, as for a short text).
    """
    if where is None:
        yield from regex.finditer(text)
        return
    anchor, required = _anchor(regex)
    if required is not None and not any(c in where for c in required):
        return
    if anchor is None:
        yield from regex.finditer(text)
        return
    starts = {i - k for k, chars in anchor for c in chars for i in where.get(c, ()) if i >= k}
    pos = 0
    match = regex.match
    for p in sorted(starts):
        if p < pos:
            continue
        m = match(text, p)
        if m is not None:
            yield m
            pos = m.end()


# --- scanning ------------------------------------------------------------------------------------------


def find_placeholders(document: Document | str, *, config: LintConfig | None = None) -> list[Finding]:
    """Every unfilled placeholder in ``document`` as a ``Finding``, sorted by position.

    Each finding has ``kind`` (count, money, date, ordinal, person, organisation, slogan, text,
    masked-name), ``context`` (the clause with the match marked ``[X]``) and a severity graded by
    certainty. ``config`` (a ``LintConfig``) selects/ignores codes or kinds and honours inline
    ``govtext: ignore`` comments; without it every finding is returned except inline-ignored ones.
    """
    doc = as_document(document)
    cfg = config or _default_config()
    rules = load_rules(cfg.rules)
    text = doc.text
    findings = []
    for hit in scan_text(text, rules):
        findings.append(
            Finding.at(
                doc, KIND_CODE[hit.kind], hit.start, hit.end, severity=hit.severity, kind=hit.kind, what=hit.what
            )
        )
    return cfg.apply(findings, doc)


@cache
def _default_config() -> LintConfig:
    """The configuration without ``govtext.toml`` (frozen: one is shared)."""
    from .lint_config import LintConfig

    return LintConfig()


def scan_text(text: str, rules: Rules | None = None) -> list[_Hit]:
    """The raw placeholder hits in ``text`` (no configuration applied), sorted by position."""
    rules = rules or load_rules()
    where = _occurrences(text, rules) if len(text) >= _ANCHOR_MIN_TEXT else None
    taken = _Spans()
    for rx in rules.excludes:
        for m in _finditer(rx, text, where):
            for g in range(1, rx.groups + 1) if rx.groups else (0,):
                if m.group(g) is not None:
                    taken.add(m.start(g), m.end(g))
    hits: list[_Hit] = []
    for form in rules.forms:
        if form.requires and not any(c in (text if where is None else where) for c in form.requires):
            continue
        handle = _HANDLERS[form.handler]
        for m in _finditer(form.regex, text, where):
            start, end = m.span()
            if start == end or taken.overlaps(start, end):
                continue
            if form.not_after and start > 0 and text[start - 1] in form.not_after:
                continue
            if form.not_before and end < len(text) and text[end] in form.not_before:
                continue
            if form.latin_guard and _in_latin(text, start, end, rules, form.guard_operators):
                continue
            if form.skip_rule_lines and _is_rule_line(text, start, end):
                continue
            hit = handle(text, m, form, rules)
            if hit is not None:
                taken.add(start, end)
                hits.append(hit)
    hits.sort(key=lambda h: (h.start, h.end))
    return hits


class _Spans:
    """Disjoint, sorted [start, end) intervals already reported or excluded (overlaps are merged)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)
        return i > 0 and self.ends[i - 1] > start

    def add(self, start: int, end: int) -> None:
        lo = bisect.bisect_left(self.ends, start)  # first interval ending at or after start
        hi = bisect.bisect_right(self.starts, end)  # intervals starting at or before end
        if lo < hi:
            start, end = min(start, self.starts[lo]), max(end, self.ends[hi - 1])
        self.starts[lo:hi] = [start]
        self.ends[lo:hi] = [end]


def _fixed(text: str, m: re.Match[str], form: Form, rules: Rules) -> _Hit:
    return _Hit(m.start(), m.end(), form.kind, "error", rules.kind_what[form.kind])


def _context(text: str, m: re.Match[str], form: Form, rules: Rules) -> _Hit:
    kind, what, _strong = _type_by_context(text, m.start(), m.end(), form.kind, rules)
    return _Hit(m.start(), m.end(), kind, "error", what)


def _run(text: str, m: re.Match[str], form: Form, rules: Rules) -> _Hit | None:
    start, end = m.span()
    size = sum(1 for c in m.group() if c not in _SPACES)
    if form.lookalikes and size == 1 and text.startswith(rules.x_after, end):
        return None
    kind, what, strong = _type_by_context(text, start, end, form.kind, rules)
    if size >= 2 or strong:
        severity = "error"
    else:
        severity = form.single
        if severity == "none":
            return None
        touching = text[start - 1 : start] + text[end : end + 1]
        if severity == "warning" and not _has_cjk(touching):
            severity = "info"
    return _Hit(start, end, kind, severity, what)


def _instruction(text: str, m: re.Match[str], form: Form, rules: Rules) -> _Hit | None:
    """A bracketed instruction (（单位名称）, （此处填写…）, 【……】), reported with its brackets."""
    content = m.group(1).strip(_SPACES + "…. ")
    if not content:
        if not _ELLIPSIS.fullmatch(m.group(1)):
            return None  # （ ） is the empty-brackets form's
        return _Hit(m.start(), m.end(), form.kind, "warning", rules.kind_what[form.kind])
    dates = rules.date_templates
    if any(rx.fullmatch(content) for rx in dates):  # （××××年××月××日）: the slot, brackets and all
        return _Hit(m.start(), m.end(), "date", "error", rules.kind_what["date"])
    if rules.instruction_verb.search(content):
        kind = next((k for w, k in rules.instruction_fields.items() if w in content), None)
        if kind is None:
            kind = "date" if any(rx.search(content) for rx in dates) else form.kind
    else:
        shape = rules.instruction_shape.fullmatch(content)
        if not shape:
            return None
        if not (shape["prefix"] or shape["entity"] or shape["field"] in rules.instruction_strict):
            return None
        kind = rules.instruction_fields[shape["field"]]
    return _Hit(m.start(), m.end(), kind, "error", rules.kind_what[kind])


def _variable(text: str, m: re.Match[str], form: Form, rules: Rules) -> _Hit:
    name = m.group().strip("{}$ ").lower()
    kind = next((k for word, k in rules.variable_kinds if word in name), form.kind)
    return _Hit(m.start(), m.end(), kind, "error", rules.kind_what[kind])


def _masked(text: str, m: re.Match[str], form: Form, rules: Rules) -> _Hit:
    return _Hit(m.start(), m.end(), form.kind, "info", rules.kind_what[form.kind])


_HANDLERS = {
    "fixed": _fixed,
    "context": _context,
    "run": _run,
    "instruction": _instruction,
    "variable": _variable,
    "masked": _masked,
}


def _type_by_context(text: str, start: int, end: int, default: str, rules: Rules) -> tuple[str, str, bool]:
    """(kind, what is missing, strong?) from the words around ``text[start:end]``."""
    before = text[max(0, start - 8) : start].rstrip(_SPACES)
    after = text[end : end + 8].lstrip(_SPACES)
    group = _longest_suffix(before, rules.first_before)
    if group:
        return group.kind, group.what, True
    pair = (text[start - 1 : start], text[end : end + 1])
    if pair in rules.enclosures:
        kind = rules.enclosures[pair]
        return kind, rules.kind_what[kind], True
    group = _longest_prefix(after, rules.after) or _longest_suffix(before, rules.before)
    if group:
        return group.kind, group.what, group.strong
    return default, rules.kind_what[default], False


def _longest_prefix(s: str, words: dict[str, ContextGroup]) -> ContextGroup | None:
    for n in range(min(len(s), 8), 0, -1):
        if s[:n] in words:
            return words[s[:n]]
    return None


def _longest_suffix(s: str, words: dict[str, ContextGroup]) -> ContextGroup | None:
    for n in range(min(len(s), 8), 0, -1):
        if s[-n:] in words:
            return words[s[-n:]]
    return None


def _neighbour(text: str, i: int, step: int) -> int:
    """Index of the nearest non-space character from ``i`` in direction ``step`` (-1 or len at the edge)."""
    j = i + step
    while 0 <= j < len(text) and text[j] in _SPACES:
        j += step
    return j


def _in_latin(text: str, start: int, end: int, rules: Rules, operators: bool = True) -> bool:
    """Is ``text[start:end]`` part of a Latin word, number or formula (SpaceX, 3×4, 1+N+X)?

    A side where the match ends in a Chinese character (``20XX年``) is not checked.
    """
    left = not _is_han(text[start]) and _latin(text, start, -1, rules, operators)
    return left or (not _is_han(text[end - 1]) and _latin(text, end - 1, +1, rules, operators))


def _latin(text: str, i: int, step: int, rules: Rules, operators: bool = True) -> bool:
    """Does the run ending at ``i`` touch a Latin word, number or formula in direction ``step``?"""
    j = _neighbour(text, i, step)
    if not 0 <= j < len(text):
        return False
    ch = text[j]
    if _WORD.match(ch) or (operators and ch in rules.operators):
        return True
    if ch in ".:":  # x.com, a:X
        k = _neighbour(text, j, step)
        return 0 <= k < len(text) and bool(_WORD.match(text[k]))
    return False


def _is_rule_line(text: str, start: int, end: int) -> bool:
    a = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    b = min((i for i in (text.find("\n", end), text.find("\r", end)) if i >= 0), default=len(text))
    return all(c in _RULE_LINE for c in text[a:b])


