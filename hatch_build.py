"""Hatchling build hook: compile the message catalogues (``.po`` → ``.mo``) with Babel.

Runs for every wheel build, editable included. The ``.mo`` files are written next to their ``.po``
in ``src/govtext/locale`` (so an editable install reads them in place) and, for a regular wheel,
force-included (they are build outputs, ignored by git and so by hatchling's file selection).
"""

from __future__ import annotations

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogueBuildHook(BuildHookInterface):
    """Compile ``src/govtext/locale/*/LC_MESSAGES/*.po`` to ``.mo`` and ship them."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        src = Path(self.root) / "src"
        pos = sorted((src / "govtext" / "locale").glob("*/LC_MESSAGES/*.po"))
        if not pos:
            raise RuntimeError("no message catalogues under src/govtext/locale (*.po)")
        for po in pos:
            mo = po.with_suffix(".mo")
            with po.open("rb") as fh:
                catalog = read_po(fh)
            with mo.open("wb") as fh:
                write_mo(fh, catalog)
            if version != "editable":
                build_data["force_include"][str(mo)] = mo.relative_to(src).as_posix()
