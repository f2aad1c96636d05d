"""Linter output formats beyond json/jsonl/csv: text lines, SARIF 2.1.0, GitHub workflow annotations,
GitLab Code Quality JSON and JUnit XML.

Columns are 1-based characters (code points); ``end_col`` is the column just after the match, as in
SARIF's ``endColumn`` (the run declares ``columnKind: unicodeCodePoints``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from . import __version__, codes
from .model import Finding

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
GITLAB_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}
COLUMNS = [
    "path",
    "code",
    "slug",
    "severity",
    "kind",
    "match",
    "line",
    "col",
    "end_line",
    "end_col",
    "start_char",
    "end_char",
    "message",
    "context",
]


def display_path(finding: Finding) -> str:
    return finding.path if finding.path is not None else "<text>"


def to_text_line(f: Finding) -> str:
    """``summary.txt:23:52: GT201 (unfilled-count) 共培养发展了[X]名预备党员 — number of people missing``."""
    level = "" if f.severity == "error" else f" [{f.severity}]"
    return f"{display_path(f)}:{f.line}:{f.col}: {f.code} ({f.slug}) {f.context} — {f.message}{level}"


def to_text(findings: list[Finding]) -> str:
    return "".join(to_text_line(f) + "\n" for f in findings)


def to_rows(findings: list[Finding]) -> list[dict]:
    """One flat record per finding, the documented columns first."""
    rows = []
    for f in findings:
        d = f.to_dict()
        rows.append({**{c: d[c] for c in COLUMNS}, **{k: v for k, v in d.items() if k not in COLUMNS}})
    return rows


def stats(findings: list[Finding], files: int, skipped: list[str] = ()) -> dict:  # type: ignore[assignment]
    """Per-kind (and per-severity) counts; ``skipped`` names the files silenced as templates."""
    kinds = Counter(f.kind for f in findings)
    by_code = {f.kind: (f.code, f.slug) for f in findings}
    return {
        "total": len(findings),
        "files": files,
        "files_with_findings": len({f.path for f in findings}),
        "skipped_as_template": list(skipped),
        "severities": dict(Counter(f.severity for f in findings)),
        "kinds": [
            {"kind": k, "code": by_code[k][0], "slug": by_code[k][1], "count": n}
            for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], by_code[kv[0]][0]))
        ],
    }


def stats_text(s: dict) -> str:
    lines = [f"{row['count']:6d}  {row['code']}  {row['kind']:<13} ({row['slug']})" for row in s["kinds"]]
    sev = ", ".join(f"{s['severities'].get(k, 0)} {k}" for k in ("error", "warning", "info"))
    lines.append(f"{s['total']:6d}  total in {s['files_with_findings']} of {s['files']} files ({sev})")
    skipped = s.get("skipped_as_template", [])
    if skipped:
        lines.append(f"{len(skipped):6d}  skipped as template: {', '.join(skipped)}")
    return "\n".join(lines) + "\n"


# --- GitHub workflow commands ---------------------------------------------------------------------------


def _gh_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(s: str) -> str:
    return _gh_data(s).replace(":", "%3A").replace(",", "%2C")


def to_github(findings: list[Finding], problems: list[tuple[str, str]] = ()) -> str:  # type: ignore[assignment]
    """``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=GT201::…`` per finding.

    Unreadable inputs become ``::error file=…,title=govtext::problem`` so CI shows them too.
    """
    out = [
        f"::error file={_gh_prop(path)},title=govtext::{_gh_data(problem)}\n" for path, problem in problems
    ]
    for f in findings:
        props = ",".join(
            [
                f"file={_gh_prop(display_path(f))}",
                f"line={f.line}",
                f"col={f.col}",
                f"endLine={f.end_line}",
                f"endColumn={f.end_col}",
                f"title={_gh_prop(f'{f.code} ({f.slug})')}",
            ]
        )
        out.append(f"::{GITHUB_LEVEL[f.severity]} {props}::{_gh_data(f'{f.context} — {f.message}')}\n")
    return "".join(out)


# --- GitLab Code Quality ---------------------------------------------------------------------------------


def to_gitlab(findings: list[Finding], problems: list[tuple[str, str]] = ()) -> list[dict]:  # type: ignore[assignment]
    """GitLab Code Quality issues (``artifacts:reports:codequality``), one per finding and unreadable input.

    The fingerprint hashes path, code, context and the occurrence number, not the line: a finding keeps
    its fingerprint when lines are added above it, so merge requests show only new placeholders.
    """
    issues = []
    seen: Counter = Counter()
    for f in findings:
        path = display_path(f)
        key = (path, f.code, f.context, f.match)
        seen[key] += 1
        issues.append(
            {
                "type": "issue",
                "check_name": f.code,
                "description": f"{f.code} ({f.slug}) {f.context} — {f.message}",
                "categories": ["Style"],
                "severity": GITLAB_SEVERITY[f.severity],
                "fingerprint": _fingerprint(*key, str(seen[key])),
                "location": {
                    "path": path,
                    "positions": {
                        "begin": {"line": f.line, "column": f.col},
                        "end": {"line": f.end_line, "column": f.end_col},
                    },
                },
            }
        )
    for path, problem in problems:
        issues.append(
            {
                "type": "issue",
                "check_name": "govtext",
                "description": problem,
                "categories": ["Bug Risk"],
                "severity": "critical",
                "fingerprint": _fingerprint(path, "govtext", problem),
                "location": {"path": path, "lines": {"begin": 1}},
            }
        )
    return issues


def _fingerprint(*parts: str) -> str:
    import hashlib  # only the gitlab format needs it (~30 ms to import: not on the linter's start)

    return hashlib.md5("\0".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()


# --- JUnit XML ---------------------------------------------------------------------------------------------


def to_junit(
    findings: list[Finding],
    *,
    files: list[str],
    skipped: list[str] = (),  # type: ignore[assignment]
    problems: list[tuple[str, str]] = (),  # type: ignore[assignment]
) -> str:
    """JUnit XML: one test suite per file; each finding a failed test case, a clean file one passed case,
    a file silenced as a template a skipped case, an unreadable input an errored case."""
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        by_path.setdefault(display_path(f), []).append(f)
    order = list(dict.fromkeys([*files, *by_path, *(p for p, _ in problems)]))
    problem_of = dict(problems)
    root = ET.Element("testsuites", name="govtext placeholders")
    totals = Counter()
    for path in order:
        suite = ET.SubElement(root, "testsuite", name=path)
        counts = Counter()
        if path in problem_of:
            case = ET.SubElement(suite, "testcase", name="read", classname=path, file=path)
            ET.SubElement(case, "error", message=problem_of[path], type="govtext")
            counts["errors"] += 1
        elif path in skipped:
            case = ET.SubElement(suite, "testcase", name="placeholders", classname=path, file=path)
            ET.SubElement(case, "skipped", message="govtext: template")
            counts["skipped"] += 1
        elif not by_path.get(path):
            ET.SubElement(suite, "testcase", name="placeholders", classname=path, file=path)
        for f in by_path.get(path, []):
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{f.code} ({f.slug}) at line {f.line}, column {f.col}",
                classname=path,
                file=path,
                line=str(f.line),
            )
            failure = ET.SubElement(case, "failure", message=f"{f.context} — {f.message}", type=f.code)
            failure.text = to_text_line(f)
            counts["failures"] += 1
        counts["tests"] = len(suite)
        for key in ("tests", "failures", "errors", "skipped"):
            suite.set(key, str(counts[key]))
        totals.update(counts)
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(totals[key]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --- SARIF 2.1.0 -------------------------------------------------------------------------------------------


def _pascal(slug: str) -> str:
    return "".join(part.capitalize() for part in slug.split("-"))


def _artifact(path: str | None) -> dict:
    if path in (None, "-"):
        return {"uri": "stdin"}
    p = Path(path)
    if p.is_absolute():
        return {"uri": p.as_uri()}
    return {"uri": quote(p.as_posix()), "uriBaseId": "%SRCROOT%"}


def to_sarif(
    findings: list[Finding],
    *,
    rule_codes: list[str],
    problems: list[tuple[str, str]] = (),  # type: ignore[assignment]
    root: Path | None = None,
) -> dict:
    """A SARIF 2.1.0 log with one run: the GT2xx rules, the findings, and unreadable inputs as notifications."""
    rules = []
    index = {}
    for code in rule_codes:
        c = codes.get(code)
        index[code] = len(rules)
        rules.append(
            {
                "id": c.code,
                "name": _pascal(c.slug),
                "shortDescription": {"text": c.what},
                "fullDescription": {"text": c.why},
                "help": {
                    "text": f"{c.what}\n\nWhy: {c.why}\n\nExample: {c.example}",
                    "markdown": f"{c.what}\n\n**Why:** {c.why}\n\n**Example:** `{c.example}`",
                },
                "defaultConfiguration": {"level": SARIF_LEVEL[c.severity]},
                "properties": {"tags": [codes.family(c.code), c.slug]},
            }
        )
    results = []
    for f in findings:
        result = {
            "ruleId": f.code,
            "level": SARIF_LEVEL[f.severity],
            "message": {"text": f"{f.context} — {f.message}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(f.path),
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.col,
                            "endLine": f.end_line,
                            "endColumn": f.end_col,
                            "charOffset": f.start_char,
                            "charLength": f.end_char - f.start_char,
                            "snippet": {"text": f.match},
                        },
                    }
                }
            ],
            "properties": {"kind": f.kind, "slug": f.slug, "context": f.context},
        }
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        results.append(result)
    notifications = [
        {
            "level": "error",
            "message": {"text": problem},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(path)}}],
        }
        for path, problem in problems
    ]
    base = (root or Path.cwd()).resolve()
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "govtext",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": base.as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "invocations": [
                    {"executionSuccessful": not problems, "toolExecutionNotifications": notifications}
                ],
                "results": results,
            }
        ],
    }
