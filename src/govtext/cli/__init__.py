"""The ``govtext`` command line: a thin click group over the library API.

Exit codes (like ruff): 0 nothing at or above ``--fail-on``; 1 findings; 2 bad input, bad data file,
usage or internal error. Each command lives in its own module in this package.
"""

from __future__ import annotations

import os
import sys

import click

from .. import __version__
from ..errors import GovtextError

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


# Each command module registers itself on ``cli`` when imported; keep imports cheap (no spaCy here).
from . import (  # noqa: E402,F401
    check,
    corpus,
    info,
    outline,
    placeholders,
    segment,
    serve,
    themes,
)


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the group, turning govtext errors into one line and exit code 2."""
    try:
        rv = cli.main(args=argv, prog_name="govtext", standalone_mode=False)
    except GovtextError as exc:
        click.echo(f"govtext: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("govtext: aborted", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code in (1, 2) else exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except KeyboardInterrupt:
        click.echo("govtext: interrupted", err=True)
        sys.exit(2)
    except Exception as exc:  # an internal error still gets one line and exit 2
        if os.environ.get("GOVTEXT_DEBUG"):
            raise
        click.echo(f"govtext: internal error: {type(exc).__name__}: {exc} (set GOVTEXT_DEBUG=1 for details)", err=True)
        sys.exit(2)
    sys.exit(rv if isinstance(rv, int) else 0)
