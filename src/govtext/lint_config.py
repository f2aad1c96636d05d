"""Linter configuration: selection, ``fail-on``, excludes, per-file ignores and inline ignore comments.

A project keeps its settings in ``govtext.toml`` (top-level keys) or in ``[tool.govtext]`` of
``pyproject.toml``, found by searching upward from the current directory::

    select = ["GT2"]                 # codes, code prefixes, kinds or slugs (default: all)
    ignore = ["masked-name"]
    fail-on = "warning"              # error | warning | info
    exclude = ["templates/**"]       # globs, relative to the config file's directory
    rules = "my_rules.toml"          # own placeholder rules (default: the shipped ones)

    [per-file-ignores]
    "drafts/*.md" = ["GT208"]

Inside a document, directives are honoured only where they are meant as directives, never inside a
sentence: alone on a line, in an HTML/Markdown comment (``<!-- govtext: template -->``,
``[//]: # (govtext: template)``), at the end of a line after a space (``… govtext: ignore[GT201]``), or
starting one of the first ``HEADER_LINES`` lines followed by a note. ``govtext: ignore`` (optionally
``[codes or kinds]``) silences its own line, or the next non-blank line when it stands alone;
``govtext: template`` / ``govtext: ignore-file`` silence the file — alone on a line or in a comment
anywhere, or at the start or end of one of the first lines. Directives inside backtick code spans or
fenced code blocks of Markdown are text, not directives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import DataFileError, UsageError
from .model import SEVERITY_RANK, Document, Finding

CONFIG_FILE = "govtext.toml"
KEYS = ("select", "ignore", "fail-on", "exclude", "per-file-ignores", "rules")
HEADER_LINES = 5  # a file-level directive may also start or end one of the first lines, with a note
_INLINE = re.compile(r"govtext:[ \t]*(ignore-file|template|ignore)(?:\[([^\]\n]*)\])?")
_LINE_START = re.compile(r"[ \t\ufeff]*(?:(?:#+|//|%|;|--)[ \t]*)?")  # optional comment marker
_HTML_OPEN = re.compile(r"<!--[ \t]*$")
_MD_REF_OPEN = re.compile(r"[ \t]*\[[^\]\n]*\]:[ \t]*(?:#|<>)[ \t]*[(\"']$")
_NOTE_START = re.compile(r"[ \t\u3000:：—–\-（(，,]")
_FENCE = re.compile(r"(?m)^[ \t]{0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class LintConfig:
    """What to report and when to fail. ``root`` is the directory that globs are relative to."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "warning"
    exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rules: str | None = None
    inline: bool = True
    root: str | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        if self.fail_on not in SEVERITY_RANK:
            raise UsageError(f"fail-on must be error, warning or info, not {self.fail_on!r}")
        for key in ("select", "ignore"):
            values = getattr(self, key)
            if isinstance(values, str) or check_selectors(list(values), key) != list(values):
                raise UsageError(
                    f"{key}: give a tuple of single codes or kinds (use replace() for comma lists)"
                )

    def replace(self, **changes: object) -> LintConfig:
        """A copy with ``changes`` (selectors are checked)."""
        for key in ("select", "ignore"):
            if key in changes:
                changes[key] = tuple(check_selectors(changes[key], f"--{key}"))  # type: ignore[arg-type]
        return replace(self, **changes)  # type: ignore[arg-type]

    def apply(self, findings: list[Finding], doc: Document) -> list[Finding]:
        """Keep the findings that are selected, not ignored (here, per file or inline), sorted."""
        ignore = list(self.ignore)
        if self.per_file_ignores and doc.path and doc.path != "-":  # resolving the path costs syscalls
            rel = self._relative(doc.path)
            for pattern, selectors in self.per_file_ignores:
                if glob_match(pattern, rel):
                    ignore.extend(selectors)
        file_ignores, line_ignores = inline_ignores(doc) if self.inline else (None, {})
        out = []
        for f in findings:
            if self.select and not any(selector_matches(s, f) for s in self.select):
                continue
            if any(selector_matches(s, f) for s in ignore):
                continue
            if file_ignores is not None and (
                not file_ignores or any(selector_matches(s, f) for s in file_ignores)
            ):
                continue
            sel = line_ignores.get(f.line)
            if sel is not None and (not sel or any(selector_matches(s, f) for s in sel)):
                continue
            out.append(f)
        return sorted(out, key=lambda f: (f.start_char, f.end_char))

    def fails(self, finding: Finding) -> bool:
        """Is ``finding`` at or above ``fail_on``?"""
        return SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[self.fail_on]

    def is_excluded(self, path: str | Path) -> bool:
        """Does an ``exclude`` glob match ``path`` (or one of its parent directories)?"""
        rel = self._relative(str(path))
        parts = rel.split("/")
        candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        return any(glob_match(p, c) for p in self.exclude for c in candidates)

    def _relative(self, path: str) -> str:
        p = Path(path)
        root = Path(self.root) if self.root else Path.cwd()
        try:
            return p.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return p.as_posix()


# --- selectors -----------------------------------------------------------------------------------------


def selector_matches(selector: str, finding: Finding) -> bool:
    """A selector is ``ALL``, a code or code prefix (``GT201``, ``GT2``), a kind or a slug."""
    if selector == "ALL":
        return True
    if selector[:2].upper() == "GT":
        return finding.code.startswith(selector.upper())
    return selector in (finding.kind, finding.slug)


def check_selectors(values: object, where: str) -> list[str]:
    """Split comma-separated selectors and check each names a placeholder code, kind or slug."""
    from . import codes
    from .codes import KIND_CODE, KINDS

    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
        raise UsageError(f"{where}: expected a list of codes or kinds")
    out = []
    known_codes = list(KIND_CODE.values())
    slugs = {codes.get(c).slug for c in known_codes}
    for value in values:
        for sel in (s.strip() for s in value.split(",")):
            if not sel:
                continue
            ok = (
                sel == "ALL"
                or sel in KINDS
                or sel in slugs
                or (sel[:2].upper() == "GT" and any(c.startswith(sel.upper()) for c in known_codes))
            )
            if not ok:
                raise UsageError(
                    f"{where}: unknown code or kind {sel!r} (codes GT201–GT209, kinds {', '.join(KINDS)})"
                )
            out.append(sel)
    return out


def inline_ignores(doc: Document) -> tuple[list[str] | None, dict[int, list[str]]]:
    """(file-level selectors or None, {line: selectors}); an empty list means everything.

    Only directives (see the module docstring) count: ``govtext: template`` written inside a sentence
    silences nothing.
    """
    file_level: list[str] | None = None
    lines: dict[int, list[str]] = {}
    for directive in find_directives(doc):
        if directive.kind == "ignore":
            lines[directive.target_line] = _merge(lines.get(directive.target_line), list(directive.selectors))
        else:
            file_level = _merge(file_level, list(directive.selectors))
    return file_level, lines


def is_template(doc: Document) -> bool:
    """Does a ``govtext: template`` / ``ignore-file`` directive without codes silence the whole file?"""
    return inline_ignores(doc)[0] == []


@dataclass(frozen=True)
class Directive:
    """A ``govtext:`` directive honoured in a document; ``target_line`` is the 1-based line it silences."""

    kind: str  # ignore | template | ignore-file
    selectors: tuple[str, ...]
    line: int
    target_line: int
    start_char: int
    end_char: int


def find_directives(doc: Document) -> list[Directive]:
    """The ``govtext:`` directives of ``doc`` in text order, mentions in prose and code left out."""
    text = doc.text
    if "govtext:" not in text:
        return []
    fenced = _fenced_spans(text) if _is_markdown(doc) else []
    out = []
    for m in _INLINE.finditer(text):
        if any(a <= m.start() < b for a, b in fenced):
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        before = text[line_start : m.start()]
        after = text[m.end() : line_end].rstrip("\r")
        if before.count("`") % 2:  # inside a code span
            continue
        line = doc.line_col(m.start())[0]
        form = _directive_form(before, after)
        kind = m.group(1)
        if form is None or (form in ("leading", "trailing") and line > HEADER_LINES and kind != "ignore"):
            continue
        if form == "leading" and kind == "ignore" and line > HEADER_LINES:
            continue
        target = line
        if kind == "ignore" and form == "alone":
            target = _next_content_line(doc, line_end)
        sel = tuple(s.strip() for s in (m.group(2) or "").split(",") if s.strip())
        out.append(Directive(kind, sel, line, target, m.start(), m.end()))
    return out


def _directive_form(before: str, after: str) -> str | None:
    """How a ``govtext:`` match sits on its line: alone, comment, trailing, leading (with a note) or None."""
    head = _LINE_START.fullmatch(before) is not None
    if _HTML_OPEN.search(before) and "-->" in after:
        rest_before = before[: _HTML_OPEN.search(before).start()]
        rest_after = after[after.index("-->") + 3 :]
        alone = not rest_before.strip() and not rest_after.strip()
        return "alone" if alone else "comment"
    if _MD_REF_OPEN.fullmatch(before) and re.fullmatch(r"[)\"'][ \t]*", after):
        return "alone"
    if head and not after.strip():
        return "alone"
    if not after.strip() and before[-1:] in (" ", "\t", "\u3000") and before.strip():
        return "trailing"
    if head and _NOTE_START.match(after):
        return "leading"
    return None


def _next_content_line(doc: Document, offset: int) -> int:
    """The 1-based line of the first non-blank character after ``offset`` (its own line if none)."""
    m = re.compile(r"\S").search(doc.text, offset)
    return doc.line_col(m.start())[0] if m else doc.line_col(max(offset - 1, 0))[0]


def _is_markdown(doc: Document) -> bool:
    if doc.source_format == "md":
        return True
    return bool(doc.path) and str(doc.path).lower().endswith((".md", ".markdown"))


def _fenced_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of Markdown fenced code blocks (``` or ~~~), an unclosed fence running to the end."""
    spans = []
    opened: tuple[int, str] | None = None
    for m in _FENCE.finditer(text):
        fence = m.group(1)
        if opened is None:
            opened = (m.start(), fence)
        elif fence[0] == opened[1][0] and len(fence) >= len(opened[1]):
            end = text.find("\n", m.end())
            spans.append((opened[0], len(text) if end < 0 else end))
            opened = None
    if opened is not None:
        spans.append((opened[0], len(text)))
    return spans


def _merge(current: list[str] | None, sel: list[str]) -> list[str]:
    """Combine two selector lists where an empty list means everything."""
    if current is None:
        return sel
    return [] if not current or not sel else current + sel


def glob_match(pattern: str, path: str) -> bool:
    """Match a posix ``path`` against a glob with ``**``; a pattern without ``/`` also matches a name."""
    rx = _glob_regex(pattern)
    if rx.fullmatch(path) or (pattern.endswith("/**") and _glob_regex(pattern[:-3]).fullmatch(path)):
        return True
    return "/" not in pattern.strip("/") and bool(rx.fullmatch(path.rsplit("/", 1)[-1]))


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out, i = [], 0
    pattern = pattern.strip().removeprefix("./")
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out).rstrip("/"))


# --- config files ----------------------------------------------------------------------------------------


def read_toml(path: str | Path) -> tuple[dict, str]:
    """(data, raw text) of a TOML file; any problem raises ``DataFileError`` with the file and line."""
    from .resources import read_toml as read

    return read(path)


def find_config(start: str | Path | None = None) -> Path | None:
    """The nearest ``govtext.toml``, or ``pyproject.toml`` with ``[tool.govtext]``, from ``start`` upward."""
    here = Path(start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        candidate = d / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = d / "pyproject.toml"
        if pyproject.is_file():
            try:
                raw = pyproject.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                continue
            if re.search(r"(?m)^\s*\[\s*tool\s*\.\s*govtext\s*[\].]", raw):
                return pyproject
    return None


def load_config(path: str | Path) -> LintConfig:
    """Read a config file; any problem raises ``DataFileError`` naming the file and line."""
    path = Path(path)
    data, raw = read_toml(path)
    tool = data.get("tool")
    nested = tool.get("govtext") if isinstance(tool, dict) else None
    header = re.search(r"(?m)^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*govtext[ \t]*\]", raw)
    where = raw.count("\n", 0, header.start()) + 1 if header else None
    if nested is not None and not isinstance(nested, dict):
        raise DataFileError(str(path), "[tool.govtext] must be a table of settings", where)
    if path.name == "pyproject.toml":
        data = nested or {}
    elif nested is not None:  # a pyproject-style file under another name: its [tool.govtext] is the config
        if any(key in KEYS for key in data):
            raise DataFileError(
                str(path), "settings both at the top level and in [tool.govtext]; keep one of them", where
            )
        data = nested

    def fail(problem: str, key: str) -> DataFileError:
        m = re.search(rf'(?m)^[ \t]*["\']?{re.escape(key)}["\']?[ \t]*=', raw)
        line = raw.count("\n", 0, m.start()) + 1 if m else None
        return DataFileError(str(path), problem, line)

    for key, value in data.items():
        if key not in KEYS and not isinstance(value, dict):
            raise fail(f"unknown setting {key!r} (known: {', '.join(KEYS)})", key)

    def selectors(key: str) -> tuple[str, ...]:
        try:
            return tuple(check_selectors(data.get(key, []), key))
        except UsageError as exc:
            raise fail(str(exc), key) from None

    def globs(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(f"{key} must be a list of glob strings", key)
        return tuple(value)

    fail_on = data.get("fail-on", "warning")
    if fail_on not in SEVERITY_RANK:
        raise fail(f"fail-on must be error, warning or info, not {fail_on!r}", "fail-on")
    pfi = data.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise fail("per-file-ignores must be a table of glob = [codes or kinds]", "per-file-ignores")
    per_file = []
    for pattern, value in pfi.items():
        try:
            per_file.append((pattern, tuple(check_selectors(value, f"per-file-ignores {pattern!r}"))))
        except UsageError as exc:
            raise fail(str(exc), pattern) from None
    rules = data.get("rules")
    if rules is not None:
        if not isinstance(rules, str) or not rules:
            raise fail("rules must be the path of a rules TOML file", "rules")
        rules_path = (path.parent / rules).resolve()
        if not rules_path.is_file():
            raise fail(f"rules file {rules!r} does not exist", "rules")
        rules = str(rules_path)
    return LintConfig(
        select=selectors("select"),
        ignore=selectors("ignore"),
        fail_on=fail_on,
        exclude=globs("exclude"),
        per_file_ignores=tuple(per_file),
        rules=rules,
        root=str(path.parent.resolve()),
        source=str(path),
    )
