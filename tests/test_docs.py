"""Every command is documented in the README, and every docs page is linked from it."""

from __future__ import annotations

import click
import pytest

from conftest import ROOT
from govtext.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "govtext") -> list[str]:
    out = []
    for name, cmd in sorted(group.commands.items()):
        full = f"{prefix} {name}"
        out.append(full)
        if isinstance(cmd, click.Group) and prefix == "govtext" and name == "corpus":
            out.extend(_commands(cmd, full))
    return out


@pytest.mark.parametrize("command", _commands(cli))
def test_docs_readme_mentions_every_command(command):
    assert command in README, f"README.md does not document `{command}`"


@pytest.mark.parametrize("page", sorted(p.name for p in (ROOT / "docs").glob("*.md")))
def test_docs_readme_links_every_docs_page(page):
    assert f"(docs/{page})" in README


def test_docs_readme_opens_with_the_two_setup_commands():
    first_block = README.split("```", 2)[1]
    commands = [ln.split("#")[0].strip() for ln in first_block.splitlines() if ln.strip()][1:]
    assert commands[:2] == ["make demo", "make test"]
