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


DOC_PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_docs_pip_install_extras_exist() -> None:
    """`pip install 'govtext[...]'` in any page names extras that pyproject.toml defines."""
    import re
    import tomllib

    extras = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"])
    named = []
    for page in DOC_PAGES:
        for m in re.finditer(r"govtext\[([^\]]*)\]", page.read_text(encoding="utf-8")):
            named += [(page.name, e.strip()) for e in m.group(1).split(",") if e.strip() not in ("…", "...")]
    assert {"web", "corpus", "dask", "all"} <= {e for _, e in named}
    unknown = [(page, e) for page, e in named if e not in extras]
    assert not unknown, f"extras that pyproject.toml does not define: {unknown}"


def _all_options(group: click.Group) -> set[str]:
    names: set[str] = set()
    for cmd in group.commands.values():
        for p in cmd.params:
            names.update(o for o in [*p.opts, *p.secondary_opts] if o.startswith("--"))
        if isinstance(cmd, click.Group):
            names |= _all_options(cmd)
    return names


def test_docs_govtext_command_lines_use_existing_options() -> None:
    """Every `--option` on a documented `govtext …` command line is an option of some govtext command."""
    import re

    known = _all_options(cli) | {"--help", "--version"}
    lines = []
    for page in DOC_PAGES:
        text = page.read_text(encoding="utf-8")
        lines += [(page.name, m.group(0)) for m in re.finditer(r"(?m)(?<![\w/.-])govtext (?:[a-z]+)\b[^`\n]*", text)]
    assert len(lines) > 50
    unknown = sorted(
        {(page, opt) for page, line in lines for opt in re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", line)} - {
            (page, opt) for page, line in lines for opt in known
        }
    )
    assert not unknown, f"options no govtext command has: {unknown}"
