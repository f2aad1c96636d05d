"""The review path stays light (issue 16): ``govtext check`` and the placeholders linter import none of the
heavy libraries — the modules a fresh process holds after the command are listed and checked."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, SEED

#: What the review path must never import (segmentation, NLP, dataframes, stores, charts, fitting).
FORBIDDEN = ("spacy", "jieba", "rjieba", "sklearn", "scipy", "pandas", "duckdb", "matplotlib", "pyarrow", "dask")

_RUN = """
import json, sys
from govtext.cli import main
try:
    main(sys.argv[2:])
except SystemExit as exc:
    code = exc.code
with open(sys.argv[1], "w", encoding="utf-8") as fh:
    json.dump({"exit": code, "modules": sorted(sys.modules)}, fh)
"""

_API = """
import json, sys
from govtext.readers import read_document
from govtext.review import check_document
review = check_document(read_document(sys.argv[2]))
with open(sys.argv[1], "w", encoding="utf-8") as fh:
    json.dump({"exit": review.exit_code, "score": review.completeness.score, "modules": sorted(sys.modules)}, fh)
"""


def _modules(tmp_path, code: str, *args: str) -> dict:
    out = tmp_path / "modules.json"
    proc = subprocess.run(
        [sys.executable, "-c", code, str(out), *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.exists(), proc.stderr
    return json.loads(out.read_text(encoding="utf-8")) | {"stdout": proc.stdout}


def _heavy(modules: list[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in FORBIDDEN)


@pytest.mark.parametrize(
    "args",
    [
        ("check", str(SEED), "--no-config"),
        ("check", str(SEED), "--no-config", "--format", "json"),
        ("placeholders", str(SEED), "--no-config"),
    ],
    ids=["check-text", "check-json", "placeholders"],
)
def test_review_commands_import_no_heavy_library(tmp_path, args) -> None:
    got = _modules(tmp_path, _RUN, *args)
    assert got["exit"] in (0, 1)  # the command ran to its end (the seed has unfilled placeholders: 1)
    assert got["stdout"].strip()  # and printed its review
    assert "govtext.placeholders" in got["modules"]
    assert _heavy(got["modules"]) == []


def test_check_document_api_imports_no_heavy_library(tmp_path) -> None:
    got = _modules(tmp_path, _API, str(SEED))
    assert 0 <= got["score"] <= 100
    assert {"govtext.sections", "govtext.themes", "govtext.completeness"} <= set(got["modules"])
    assert _heavy(got["modules"]) == []
