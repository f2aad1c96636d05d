"""The ``govtext`` command line: a thin click group over the library API.

Exit codes (like ruff): 0 nothing at or above ``--fail-on``; 1 findings; 2 bad input, bad data file,
usage or internal error. Each command lives in its own module in this package.
"""

from __future__ import annotations

import os
import sys

import click

from ..errors import GovtextError

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
from .group import FORMATS, cli, format_option  # noqa: E402, F401 (the group and shared options)


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
