"""The wheel carries the data in models/, so `pip install` works anywhere; the CLI entry points run."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import ROOT


def test_packaging_wheel_ships_models(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("govtext-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {n.removeprefix("govtext/models/") for n in names if n.startswith("govtext/models/")}
    expected = {
        p.relative_to(ROOT / "models").as_posix()
        for p in (ROOT / "models").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert expected, "models/ is empty"
    assert expected <= shipped, f"missing from wheel: {sorted(expected - shipped)[:5]}"
    assert "govtext/cli/__init__.py" in names


def test_packaging_python_m_govtext_version():
    r = subprocess.run([sys.executable, "-m", "govtext", "--version"], capture_output=True, text=True)
    assert r.returncode == 0
    assert r.stdout.startswith("govtext, version ")


def test_packaging_import_is_light():
    """`import govtext` must not pull in spaCy, jieba, pandas or sklearn (fast CLI start)."""
    code = (
        "import sys, govtext, govtext.cli; "
        "heavy = [m for m in ('spacy', 'jieba', 'pandas', 'sklearn', 'fastapi', 'dask') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == ""
