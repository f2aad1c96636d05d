"""``govtext placeholders``: the placeholder linter for scripts, editors and CI."""

from __future__ import annotations

import glob
import os
from pathlib import Path

import click

from . import cli, format_option

LINT_FORMATS = ("text", "json", "jsonl", "csv", "sarif", "github")
_GLOB_CHARS = set("*?[")
_SKIP_DIRS = {"node_modules", "__pycache__", "site-packages"}


@cli.command("placeholders")
@click.argument("paths", nargs=-1, required=True)
@format_option(LINT_FORMATS)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default=None,
    help="Lowest severity that makes the exit code 1  [default: warning, or the config's fail-on].",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even with findings (bad input still exits 2).")
@click.option(
    "--select", multiple=True, metavar="CODES", help="Only these codes, prefixes or kinds (comma list)."
)
@click.option(
    "--ignore", multiple=True, metavar="CODES", help="Skip these codes, prefixes or kinds (comma list)."
)
@click.option("--stats", is_flag=True, help="Print per-kind counts instead of the findings.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="Config file (default: nearest govtext.toml or pyproject.toml [tool.govtext] upward from here).",
)
@click.option("--no-config", is_flag=True, help="Ignore config files.")
@click.option(
    "--rules", "rules_file", type=click.Path(dir_okay=False), help="Own placeholder rules TOML file."
)
def placeholders_command(
    paths: tuple[str, ...],
    fmt: str,
    fail_on: str | None,
    exit_zero: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    stats: bool,
    config_file: str | None,
    no_config: bool,
    rules_file: str | None,
) -> int:
    """Flag unfilled template placeholders (X名, 市X局, XX等, 某某, （单位名称）…) in PATHS.

    PATHS are files, directories (searched for .txt/.md/.docx), globs, or - for stdin.
    Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 bad input or config.
    """
    from .. import lint_formats as lf
    from ..errors import GovtextError, InputError, UsageError
    from ..lint_config import LintConfig, find_config, load_config
    from ..placeholders import KIND_CODE, find_placeholders, load_rules
    from ..readers import read_document
    from ..render import emit, render, to_json

    if stats and fmt in ("sarif", "github"):
        raise UsageError(f"--stats cannot be combined with --format {fmt}")
    config = LintConfig()
    if config_file:
        config = load_config(config_file)
    elif not no_config:
        found = find_config()
        config = load_config(found) if found else config
    changes: dict[str, object] = {}
    if select:
        changes["select"] = list(select)
    if ignore:
        changes["ignore"] = list(config.ignore) + list(ignore)
    if fail_on:
        changes["fail_on"] = fail_on
    if rules_file:
        changes["rules"] = str(Path(rules_file).resolve())
    config = config.replace(**changes)
    load_rules(config.rules)  # a bad rules file is exit 2 before any output

    files, problems = expand_paths(paths, config)
    findings = []
    linted = 0
    for path in files:
        try:
            doc = read_document(path)
        except InputError as exc:
            problems.append((path, exc.problem))
            continue
        except GovtextError as exc:
            problems.append((path, getattr(exc, "problem", exc.message)))
            continue
        linted += 1
        findings.extend(find_placeholders(doc, config=config))
    for path, problem in problems:
        emit(f"govtext: {path}: {problem}", err=True)

    if stats:
        s = lf.stats(findings, linted)
        rows = lambda d: d["kinds"]  # noqa: E731
        emit(render(s, fmt, text=lf.stats_text, rows=rows, columns=["kind", "code", "slug", "count"]))
    elif fmt == "sarif":
        rule_codes = sorted(set(KIND_CODE.values()))
        emit(to_json(lf.to_sarif(findings, rule_codes=rule_codes, problems=problems)) + "\n")
    elif fmt == "github":
        if findings or problems:
            emit(lf.to_github(findings, problems=problems))
    elif fmt == "text":
        if findings:
            emit(lf.to_text(findings))
        emit(_summary(findings, linted), err=True)
    else:
        records = lf.to_rows(findings)
        emit(render(records, fmt, rows=lambda r: r, columns=lf.COLUMNS))

    if problems:
        return 2
    if not exit_zero and any(config.fails(f) for f in findings):
        return 1
    return 0


def _summary(findings: list, files: int) -> str:
    files_word = "file" if files == 1 else "files"
    if not findings:
        return f"No placeholders found in {files} {files_word}."
    n = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    parts = ", ".join(f"{v} {k}{'s' if v != 1 and k != 'info' else ''}" for k, v in n.items() if v)
    return f"Found {len(findings)} placeholder{'s' if len(findings) != 1 else ''} ({parts}) in {files} {files_word}."


def expand_paths(paths: tuple[str, ...], config) -> tuple[list[str], list[tuple[str, str]]]:
    """Files to lint from files, directories, globs and ``-``; plus (path, problem) for bad arguments.

    Directories are searched recursively for .txt/.md/.docx files, skipping hidden directories and
    the config's ``exclude`` globs; a file named explicitly is always linted.
    """
    from ..readers import SUFFIXES

    files: list[str] = []
    problems: list[tuple[str, str]] = []

    def walk(directory: str) -> int:
        found = 0
        for dirpath, dirnames, filenames in os.walk(directory):
            dirnames[:] = sorted(
                d
                for d in dirnames
                if not d.startswith(".")
                and d not in _SKIP_DIRS
                and not config.is_excluded(os.path.join(dirpath, d))
            )
            for name in sorted(filenames):
                full = os.path.normpath(os.path.join(dirpath, name))
                if Path(name).suffix.lower() in SUFFIXES and not name.startswith((".", "~$")):
                    if not config.is_excluded(full):
                        files.append(full)
                        found += 1
        return found

    for arg in paths:
        if arg == "-" or os.path.isfile(arg):
            files.append(arg)
        elif os.path.isdir(arg):
            if not walk(arg):
                click.echo(f"govtext: {arg}: no .txt, .md or .docx files found", err=True)
        elif _GLOB_CHARS & set(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                problems.append((arg, "no files match this pattern"))
            for m in matches:
                if os.path.isdir(m):
                    walk(m)
                elif Path(m).suffix.lower() in SUFFIXES and not config.is_excluded(m):
                    files.append(m)
        else:
            files.append(arg)  # read_document reports what is wrong with it
    seen: set[str] = set()
    unique = []
    for f in files:
        key = f if f == "-" else os.path.normpath(f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, problems
