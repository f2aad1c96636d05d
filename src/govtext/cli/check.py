"""``govtext check FILE…``: the reviewer's command — one review per file (outline, faults, placeholders,
completeness against the reference outline, main themes) as text, JSON, a self-contained HTML page or
a Word file with comments; the reports in Chinese (default) or English (``--lang``, ``GOVTEXT_LANG``)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from ..i18n import LANGS, N_, gettext
from ..model import FAIL_ON
from .group import cli, format_option

#: Whole reviews (text, json, html, docx) or one record per finding of every stage (the linter's emitters).
CHECK_FORMATS = ("text", "json", "html", "docx", "jsonl", "csv", "sarif", "github", "gitlab", "junit")


@cli.command("check")
@click.argument("files", nargs=-1, required=True)
@click.option("--kind", help="Kind of document (outline id), e.g. work-summary, party-building-summary, "
              "government-work-report, debrief-report. Default: detected.")
@click.option("--outline", "outline_file", type=click.Path(dir_okay=False),
              help="Your own reference outline (TOML, same format as models/outlines/*.toml).")
@format_option(CHECK_FORMATS)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the output to this file instead of standard output.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="error", show_default=True,
              help="Exit 1 when a finding of this severity or higher is reported.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="Config file (default: nearest govtext.toml or pyproject.toml [tool.govtext] upward from here).")
@click.option("--no-config", is_flag=True, help="Ignore config files.")
@click.option("--lang", metavar="|".join(LANGS),
              help="Language of the report (text, html, docx, the JSON headline). Default: $GOVTEXT_LANG, else zh.")
@click.option("--placeholders", "placeholders", metavar="N|all", default="40", show_default=True,
              help="How many placeholders the text report lists one by one, with their context (all are counted).")
@click.pass_context
def check_command(
    ctx: click.Context, files: tuple[str, ...], kind: str | None, outline_file: str | None, fmt: str,
    output: str | None, fail_on: str, config_file: str | None, no_config: bool, lang: str | None,
    placeholders: str,
) -> None:
    """Review each FILE (.txt, .md, .docx, .pdf; a folder: those files in it, PDFs included; "-" for stdin) as a reviewer does.

    Detects the kind of document (or takes --kind/--outline), finds the expected parts by role and
    scores completeness 0-100, and lists structural faults, unfilled placeholders and the main themes.
    json: for one file one object {"path", "headline", "kind", "kind_label", "kind_confidence", "outline",
    "score", "parts", "sections", "findings", "placeholders", "themes"}; for several, a list. html: one
    self-contained page. docx: the review as a Word file with a comment at each finding (one FILE;
    needs -o FILE.docx unless standard output is not a terminal). jsonl, csv, sarif, github, gitlab, junit: every finding of every stage (placeholders included),
    one record each, as ``govtext placeholders`` prints them. The placeholders honour govtext.toml
    (select/ignore, per-file-ignores, rules, inline ``govtext: ignore``) as ``govtext placeholders``
    does. Exit codes: 0 ok; 1 a required part is missing or a finding reaches
    --fail-on; 2 bad input, unknown kind or bad outline file.
    """
    from ..completeness import get_outline, load_outline
    from ..errors import UsageError
    from ..i18n import resolve_lang
    from ..readers import READ_SUFFIXES
    from ..render import emit, to_json
    from ..report import render_html, render_text
    from ..review import check_document
    from ..sources import expand_paths

    lang = resolve_lang(lang)
    limit = _placeholder_limit(placeholders, lang)
    render_docx = _docx_renderer(lang) if fmt == "docx" else None
    if fmt == "docx" and not output and sys.stdout.isatty():
        raise UsageError(gettext(N_("--format docx writes a Word file: give -o FILE.docx"), lang))
    named = files
    # a reviewer's folder of submissions: PDFs too (the linter's walk keeps to text and Word files)
    with _localized(lang):
        files = tuple(f for arg in files
                      for f in (["-"] if arg == "-" else map(str, expand_paths([arg], suffixes=READ_SUFFIXES))))
    if not files:
        from ..errors import InputError

        raise InputError(named[0], gettext(N_("no .txt, .md, .docx or .pdf files found"), lang))
    inputs = (*files, outline_file, config_file)
    if output:
        from ..outputs import guard_output

        guard_output(output, inputs, option="-o")
    ref = load_outline(outline_file) if outline_file else None
    if kind is not None:
        known = get_outline(kind) if ref is None or kind != ref.id else ref
        if ref is not None and known.id != ref.id:
            raise UsageError(gettext(N_("--kind {kind} and --outline {outline} (id {id}) disagree; give one of them"),
                                     lang).format(kind=kind, outline=outline_file, id=ref.id))
    if fmt == "docx" and len(files) != 1:
        raise UsageError(gettext(N_("--format docx reviews one file at a time, not {n}"), lang).format(n=len(files)))
    config = _config(config_file, no_config)
    reviews = [check_document(_read(f, lang), kind=kind if ref is None else None, outline=ref, fail_on=fail_on,
                              config=config)
               for f in files]
    out: str | bytes
    if fmt == "json":
        data = [r.to_dict(lang) for r in reviews]
        out = to_json(data[0] if len(data) == 1 else data) + "\n"
    elif render_docx is not None:
        out = render_docx(reviews[0], lang=lang)
    elif fmt not in ("text", "html"):
        out = _findings_output([f for r in reviews for f in r.all_findings], fmt, [r.path for r in reviews])
    elif fmt == "html":
        out = render_html(reviews, lang=lang)
    else:
        tty = output is None and sys.stdout.isatty()
        color = tty and "NO_COLOR" not in os.environ
        width = shutil.get_terminal_size().columns if tty else 100
        out = render_text(reviews, color=color, width=max(60, min(width, 160)), lang=lang, placeholders=limit)
    if output:
        from ..outputs import write_output

        write_output(output, out, inputs=inputs, option="-o")
    elif isinstance(out, bytes):
        sys.stdout.buffer.write(out)
        sys.stdout.buffer.flush()
    else:
        emit(out)
    ctx.exit(max(r.exit_code for r in reviews))


def _placeholder_limit(value: str, lang: str) -> int | None:
    """``--placeholders``: a count (≥ 0) or ``all`` (None)."""
    from ..errors import UsageError

    if value.strip().lower() == "all":
        return None
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise UsageError(gettext(N_("--placeholders must be a number or all, not {value!r}"), lang).format(value=value))
    return n


def _docx_renderer(lang: str):
    """``govtext.review_docx.render_docx``, or a one-line error when this install lacks it."""
    from ..errors import UsageError

    try:
        from ..review_docx import render_docx
    except ImportError as exc:
        raise UsageError(gettext(N_("--format docx is not available in this install ({error})"), lang)
                         .format(error=exc)) from None
    return render_docx


@contextmanager
def _localized(lang: str) -> Iterator[None]:
    """Input problems raised inside, in the reviewer's language (``i18n.localize_problem``)."""
    from ..errors import InputError
    from ..i18n import localize_problem

    try:
        yield
    except InputError as exc:
        raise InputError(exc.path, localize_problem(exc.problem, lang)) from None


def _read(path: str, lang: str):
    """The document at ``path``; a reading problem in the reviewer's language."""
    from ..readers import read_document

    with _localized(lang):
        return read_document(path)


def _config(config_file: str | None, no_config: bool):
    """The linter configuration ``govtext placeholders`` would use here (``LintConfig``)."""
    from ..lint_config import LintConfig, find_config, load_config

    if config_file:
        return load_config(config_file)
    found = None if no_config else find_config()
    return load_config(found) if found else LintConfig()


def _findings_output(findings: list, fmt: str, files: list[str]) -> str:
    """Every finding of every stage in one of the linter's formats (``govtext.lint_formats``)."""
    from .. import lint_formats as lf
    from ..render import render, to_json

    if fmt == "sarif":
        return to_json(lf.to_sarif(findings, rule_codes=sorted({f.code for f in findings}))) + "\n"
    if fmt == "github":
        return lf.to_github(findings)
    if fmt == "gitlab":
        return to_json(lf.to_gitlab(findings)) + "\n"
    if fmt == "junit":
        return lf.to_junit(findings, files=files)
    return render(lf.to_rows(findings), fmt, rows=lambda r: r, columns=lf.COLUMNS)
