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
    # the message catalogues, compiled at build time (the .mo files are not in git)
    mo = "govtext/locale/zh_CN/LC_MESSAGES/govtext.mo"
    assert mo in names
    import gettext
    import io

    catalogue = gettext.GNUTranslations(io.BytesIO(zipfile.ZipFile(wheel).read(mo)))
    assert catalogue.gettext("structure {score}/100") == "结构 {score}/100"


def test_packaging_editable_build_compiles_the_catalogues(tmp_path):
    """`pip install -e .` from a fresh clone: the build hook, run for an editable wheel, writes the .mo
    next to the .po in src/ (where the editable install imports from) and ships nothing itself."""
    import shutil

    shutil.copy(ROOT / "hatch_build.py", tmp_path / "hatch_build.py")
    shutil.copytree(ROOT / "src" / "govtext" / "locale", tmp_path / "src" / "govtext" / "locale",
                    ignore=shutil.ignore_patterns("*.mo"))
    mo = tmp_path / "src" / "govtext" / "locale" / "zh_CN" / "LC_MESSAGES" / "govtext.mo"
    code = (
        "import sys; sys.path.insert(0, '.'); from hatch_build import CatalogueBuildHook as H; "
        "h = H('.', {}, None, None, 'dist', 'wheel'); data = {'force_include': {}}; "
        "h.initialize(sys.argv[1], data); print(len(data['force_include']))"
    )
    for version, shipped in (("editable", "0"), ("standard", "1")):
        mo.unlink(missing_ok=True)
        r = subprocess.run([sys.executable, "-c", code, version], cwd=tmp_path, check=True, capture_output=True,
                           text=True)
        assert r.stdout.strip() == shipped and mo.is_file() and mo.stat().st_size > 1000


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
