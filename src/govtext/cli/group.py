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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="govtext")
def cli() -> None:
    """Read Chinese official work summaries the way a reviewer does.

    Exit codes: 0 clean, 1 findings (at or above --fail-on), 2 bad input or error.
    """
