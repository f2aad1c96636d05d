"""Optional features and the extras that install them (``pip install 'govtext[web]'``).

The base install serves the linter, ``outline``, ``check``, ``themes`` and the library API. Commands
that need an extra call ``require(extra, what)`` first: when a module of the extra cannot be found
they stop with one line naming the install command (exit 2), instead of an ImportError traceback.
"""

from __future__ import annotations

import importlib.util

from .errors import GovtextError

# extra → the top-level modules it provides (the import names, not the distribution names)
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "web": ("fastapi", "uvicorn", "jinja2"),
    "corpus": ("duckdb", "pyarrow", "matplotlib"),
    "dask": ("dask", "distributed"),
}


class MissingExtraError(GovtextError):
    """A feature needs an extra that is not installed: exit 2 with the ``pip install`` line."""

    def __init__(self, extra: str, what: str, missing: list[str]) -> None:
        self.extra = extra
        self.missing = tuple(missing)
        super().__init__(
            f"{what} needs the '{extra}' extra ({', '.join(missing)} not installed): "
            f"pip install 'govtext[{extra}]'"
        )


def missing_modules(extra: str, modules: tuple[str, ...] | None = None) -> list[str]:
    """The modules of ``extra`` (or the ``modules`` given) that cannot be imported here."""
    missing = []
    for name in modules if modules is not None else EXTRA_MODULES[extra]:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(name)
    return missing


def require(extra: str, what: str, modules: tuple[str, ...] | None = None) -> None:
    """Raise ``MissingExtraError`` unless every module of ``extra`` (or ``modules``) can be imported."""
    missing = missing_modules(extra, modules)
    if missing:
        raise MissingExtraError(extra, what, missing)


def has_extra(extra: str) -> bool:
    """Whether every module of ``extra`` can be imported."""
    return not missing_modules(extra)
