"""``govtext placeholders``: the placeholder linter for scripts, editors and CI."""

from __future__ import annotations

import glob
import os
from pathlib import Path

import click

from .group import cli, format_option

LINT_FORMATS = ("text", "json", "jsonl", "csv", "sarif", "github", "gitlab", "junit")
_NO_STATS = ("sarif", "github", "gitlab", "junit")
_GLOB_CHARS = set("*?[")


@cli.command("placeholders")
@click.argument("paths", nargs=-1, required=True)
@format_option(LINT_FORMATS, output_format_first=True, envvar="GOVTEXT_OUTPUT_FORMAT")
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the findings (or statistics) to this file instead of stdout.",
)
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
@click.option("--statistics", "--stats", "stats", is_flag=True, help="Print per-kind counts instead of the findings.")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings only: no summary or notes on stderr.")
@click.option(
    "--stdin-filename",
    metavar="PATH",
    default=None,
    help="The name of the file read from stdin (-): findings, config per-file-ignores and the reader use it.",
)
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
    output_file: str | None,
    fail_on: str | None,
    exit_zero: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    stats: bool,
    quiet: bool,
    stdin_filename: str | None,
    config_file: str | None,
    no_config: bool,
    rules_file: str | None,
) -> int:
    """Flag unfilled template placeholders (X名, 市X局, XX等, 某某, （单位名称）…) in PATHS.

    PATHS are files, directories (searched for .txt/.md/.docx), globs, or - for stdin.
    Output formats: text, json, jsonl, csv, sarif, github (workflow annotations), gitlab (Code Quality
    JSON), junit (XML). A file marked `govtext: template` is skipped and reported as skipped.
    Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 bad input or config.
    """
    from .. import lint_formats as lf
    from ..errors import GovtextError, InputError, UsageError
    from ..lint_config import LintConfig, find_config, is_template, load_config
    from ..outputs import guard_output
    from ..placeholders import KIND_CODE, find_placeholders, load_rules
    from ..render import emit, render, to_json

    if stats and fmt in _NO_STATS:
        raise UsageError(f"--statistics cannot be combined with --output-format {fmt}")
    if stdin_filename is not None and not stdin_filename.strip():
        raise UsageError("--stdin-filename needs a file name")
    if output_file is not None and not Path(output_file).resolve().parent.is_dir():
        raise UsageError(f"--output-file {output_file}: its directory does not exist")
    if output_file is not None:
        guard_output(output_file, (*_named_files(paths), config_file, rules_file), option="--output-file")
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
        changes["rules"] = os.path.abspath(rules_file)  # a link is named as given, not resolved
    config = config.replace(**changes)
    load_rules(config.rules)  # a bad rules file is exit 2 before any output

    note = (lambda message: None) if quiet else (lambda message: emit(message, err=True))  # noqa: E731
    files, problems = expand_paths(paths, config, note=note)
    if output_file is not None:  # the files a directory or glob expanded to are inputs too
        guard_output(output_file, (*files, config.source, config.rules), option="--output-file")
    findings = []
    linted: list[str] = []
    skipped: list[str] = []
    for path in files:
        try:
            doc = _read_stdin(stdin_filename) if path == "-" and stdin_filename else _read(path)
        except InputError as exc:
            problems.append(((stdin_filename or path) if path == "-" else path, exc.problem))
            continue
        except GovtextError as exc:
            problems.append((path, getattr(exc, "problem", exc.message)))
            continue
        shown = doc.path if doc.path is not None else path
        linted.append(shown)
        if config.inline and is_template(doc):
            skipped.append(shown)
            note(f"govtext: {shown}: skipped as a template (govtext: template)")
        findings.extend(find_placeholders(doc, config=config))
    for path, problem in problems:
        emit(f"govtext: {path}: {problem}", err=True)

    out = ""
    if stats:
        s = lf.stats(findings, len(linted), skipped)
        rows = lambda d: d["kinds"]  # noqa: E731
        out = render(s, fmt, text=lf.stats_text, rows=rows, columns=["kind", "code", "slug", "count"])
    elif fmt == "sarif":
        rule_codes = sorted(set(KIND_CODE.values()))
        out = to_json(lf.to_sarif(findings, rule_codes=rule_codes, problems=problems)) + "\n"
    elif fmt == "github":
        out = lf.to_github(findings, problems=problems)
    elif fmt == "gitlab":
        out = to_json(lf.to_gitlab(findings, problems=problems)) + "\n"
    elif fmt == "junit":
        out = lf.to_junit(findings, files=linted, skipped=skipped, problems=problems)
    elif fmt == "text":
        out = lf.to_text(findings)
    else:
        out = render(lf.to_rows(findings), fmt, rows=lambda r: r, columns=lf.COLUMNS)
    _write(out, output_file, emit)
    if fmt == "text" and not stats and not quiet and (linted or not problems):
        emit(_summary(findings, len(linted), len(skipped)), err=True)  # after input errors alone: none

    if problems:
        return 2
    if not exit_zero and any(config.fails(f) for f in findings):
        return 1
    return 0


def _read(path: str):
    from ..readers import read_document

    return read_document(path, require_cjk=False)  # a file without Chinese simply has no placeholders


def _read_stdin(name: str):
    """stdin read as the file ``name`` would be (its suffix picks the reader), named ``name``."""
    import sys

    from ..errors import InputError
    from ..model import Document
    from ..readers import SUFFIXES, decode_bytes, default_max_bytes, document_from_bytes

    limit = default_max_bytes()
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise InputError(name, f"input is larger than the limit of {limit} bytes")
    if not data:
        raise InputError(name, "input is empty")
    if Path(name).suffix.lower() in SUFFIXES:
        return document_from_bytes(data, name, require_cjk=False)
    text, enc = decode_bytes(data, name)
    return Document.from_text(text, path=name, encoding=enc, source_format="stdin")


def _write(out: str, output_file: str | None, emit) -> None:
    """The report to stdout, or to ``--output-file`` (written even when empty, as CI expects a file)."""
    from ..errors import UsageError

    if output_file is None:
        if out:
            emit(out)
        return
    from ..errors import OutputError
    from ..outputs import write_output

    try:
        write_output(output_file, out)  # guarded against the inputs before they were read
    except OutputError as exc:
        raise UsageError(f"--output-file {output_file}: {exc.problem}") from None


def _named_files(paths: tuple[str, ...]) -> list[str]:
    """The arguments that name files (not globs, directories or ``-``): checked before reading."""
    return [p for p in paths if p != "-" and not os.path.isdir(p)]


def _summary(findings: list, files: int, skipped: int = 0) -> str:
    files_word = "file" if files == 1 else "files"
    where = f"{files} {files_word}"
    if skipped:
        where += f", {skipped} skipped as {'a template' if skipped == 1 else 'templates'}"
    if not findings:
        return f"No placeholders found in {where}."
    n = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    parts = ", ".join(f"{v} {k}{'s' if v != 1 and k != 'info' else ''}" for k, v in n.items() if v)
    return f"Found {len(findings)} placeholder{'s' if len(findings) != 1 else ''} ({parts}) in {where}."


def expand_paths(paths: tuple[str, ...], config, note=None) -> tuple[list[str], list[tuple[str, str]]]:
    """Files to lint from files, directories, globs and ``-``; plus (path, problem) for bad arguments.

    Directories are searched recursively for .txt/.md/.docx files, skipping hidden directories and
    the config's ``exclude`` globs; a file named explicitly is always linted. A directory that holds
    nothing to lint, or cannot be read, is a problem (exit 2). ``note`` is kept for callers' notes.
    """
    from ..errors import InputError
    from ..readers import SUFFIXES
    from ..sources import expand_paths as list_files

    files: list[str] = []
    problems: list[tuple[str, str]] = []

    def walk(directory: str) -> int | None:
        """Add the files below ``directory``; their number, or None (a problem noted) if unreadable."""
        try:
            found = [
                os.path.normpath(f)
                for f in list_files([directory], exclude=lambda p: config.is_excluded(os.path.normpath(p)))
            ]
        except InputError as exc:
            problems.append((exc.path, exc.problem))
            return None
        files.extend(found)
        return len(found)

    for arg in paths:
        if arg == "-" or os.path.isfile(arg):
            files.append(arg)
        elif os.path.isdir(arg):
            if walk(arg) == 0:
                problems.append((arg, "no .txt, .md or .docx files found"))
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
