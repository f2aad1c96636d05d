"""The ``govtext`` click group and the options every command shares.

Apart from the package ``__init__`` (which imports every command module so they register) so that the
command modules import this, not their own package: no import cycle.
"""

from __future__ import annotations

import click

from .. import __version__

FORMATS = ("text", "json", "jsonl", "csv")


def format_option(
    choices: tuple[str, ...] = FORMATS,
    default: str = "text",
    *,
    output_format_first: bool = False,
    envvar: str | None = None,
):
    """The shared output format option: ``--format`` and its alias ``--output-format`` (ruff's name).

    The linter lists ``--output-format`` first and reads ``envvar`` when the option is not given.
    """
    names = ("--output-format", "--format") if output_format_first else ("--format", "--output-format")
    return click.option(
        *names,
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        envvar=envvar,
        show_envvar=envvar is not None,
        help="Output format.",
    )


class OneLineUsageError(click.UsageError):
    """A click usage error shown as one line, ``govtext: --format: 'bogus' is not one of …``."""

    def show(self, file=None) -> None:
        click.echo(f"govtext: {self.message}", file=file, err=file is None)


def one_line(exc: click.UsageError, where: str | None = None) -> str:
    """The one-line text of a click usage error: the option or argument, what is wrong, where help is."""
    if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter) and exc.param:
        param = exc.param
        hint = param.opts[0] if isinstance(param, click.Option) and param.opts else param.human_readable_name
        text = f"{hint}: {exc.message}"
    else:
        text = exc.format_message()
        text = text[:1].lower() + text[1:]
    text = " ".join(text.split()).rstrip(".")
    where = exc.ctx.command_path if exc.ctx is not None else where or "govtext"
    return f"{text} (see '{where} --help')"


class GovtextGroup(click.Group):
    """The click group of ``govtext``: usage errors become one line (``--help`` is unchanged), and
    Ctrl-C inside a command is click's ``Abort`` (``govtext: aborted``), without click's blank line."""

    group_class = type  # subgroups (``govtext corpus``) are GovtextGroups too

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            where = f"{parent.command_path} {info_name}" if parent is not None else info_name
            raise _converted(exc, where) from None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            sub = ctx.invoked_subcommand
            raise _converted(exc, f"{ctx.command_path} {sub}" if sub else ctx.command_path) from None
        except KeyboardInterrupt:
            raise click.exceptions.Abort() from None


def _converted(exc: click.UsageError, where: str | None = None) -> click.UsageError:
    """``exc`` as a one-line error, unless it already is one or is "no arguments: show the help"."""
    if isinstance(exc, OneLineUsageError) or type(exc).__name__ == "NoArgsIsHelpError":
        return exc
    return OneLineUsageError(one_line(exc, where), ctx=exc.ctx)


@click.group(cls=GovtextGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="govtext")
def cli() -> None:
    """Read Chinese official work summaries the way a reviewer does.

    Exit codes: 0 clean, 1 findings (at or above --fail-on), 2 bad input or error.
    """
