"""Fixtures shared by every test module: the project's own corpora (read once) and an in-process CLI runner."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"
GWR = CORPORA / "gwr"
SEED = CORPORA / "seeds" / "2019_party_building_summary.txt"
DATA = Path(__file__).resolve().parent / "data"


def gwr_manifest() -> list[dict[str, str]]:
    """Rows of corpora/gwr/manifest.csv (file, kind, year, issuer, …)."""
    with open(GWR / "manifest.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


GWR_FILES = sorted(GWR / row["file"] for row in gwr_manifest())


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_doc():
    from govtext import read_document

    return read_document(SEED)


@pytest.fixture(scope="session")
def gwr_docs():
    """All 93 reports as Documents, keyed by file name."""
    from govtext import read_document

    return {p.name: read_document(p) for p in GWR_FILES}


@pytest.fixture
def run(capsys, monkeypatch):
    """Run ``govtext ARGS`` in-process (arguments as ``str``; ``stdin`` text if given):
    (exit code, stdout, stderr)."""
    import io
    import sys

    from govtext.cli import main

    def _run(*args: object, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
        with pytest.raises(SystemExit) as exc:
            main([str(a) for a in args])
        out, err = capsys.readouterr()
        return exc.value.code, out, err

    return _run
