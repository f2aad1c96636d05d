"""Linter output formats beyond json/jsonl/csv: text lines, SARIF 2.1.0 and GitHub workflow annotations.

Columns are 1-based characters (code points); ``end_col`` is the column just after the match, as in
SARIF's ``endColumn`` (the run declares ``columnKind: unicodeCodePoints``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import quote

from . import __version__, codes
from .model import Finding

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
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


def stats(findings: list[Finding], files: int) -> dict:
    """Per-kind (and per-severity) counts."""
    kinds = Counter(f.kind for f in findings)
    by_code = {f.kind: (f.code, f.slug) for f in findings}
    return {
        "total": len(findings),
        "files": files,
        "files_with_findings": len({f.path for f in findings}),
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
                "properties": {"tags": ["placeholder", c.slug]},
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
