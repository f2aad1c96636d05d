"""Where users meet govtext outside Python: `make test`'s system-deps step (dry run), the extras and the
missing-extra hint, the lock, the pre-commit hook (`pre-commit try-repo`) and the GitHub Action."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from importlib import metadata
from pathlib import Path

import jsonschema
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT, SEED

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
MAKE = shutil.which("make")


# --- make test: the system-deps step ---------------------------------------------------------------------


def _fake_bin(tmp_path: Path, *, uid: int, sudo: bool, chromium: bool, cjk_font: bool) -> Path:
    """A PATH holding only what the recipe may look for; apt-get/sudo leave a trace if ever run."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(shutil.which("grep"), bin_dir / "grep")
    trace = tmp_path / "ran"

    def script(name: str, body: str) -> None:
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        (bin_dir / name).chmod(0o755)

    script("id", f"echo {uid}")
    script("apt-get", f"echo apt-get >> {trace}")
    if sudo:
        script("sudo", f"echo sudo >> {trace}")
    if chromium:
        script("chromium", "exit 0")
    if cjk_font:
        script("fc-list", "echo 'Noto Sans CJK SC,Noto Sans CJK SC Regular'")
    return bin_dir


def _system_deps(tmp_path: Path, **fake) -> subprocess.CompletedProcess:
    bin_dir = _fake_bin(tmp_path, **fake)
    env = {"PATH": str(bin_dir), "GOVTEXT_SYSDEPS_DRY_RUN": "1"}
    return subprocess.run(
        [MAKE, "-s", "-C", str(ROOT), "system-deps"], env=env, capture_output=True, text=True, timeout=60
    )


def test_make_system_deps_dry_run_installs_what_is_absent_with_sudo(tmp_path) -> None:
    r = _system_deps(tmp_path, uid=1000, sudo=True, chromium=False, cjk_font=False)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == (
        "system-deps: installing chromium fonts-noto-cjk fontconfig with sudo apt-get "
        "(for the browser test and CJK charts)"
    )
    assert lines[1:] == [
        "+ sudo apt-get update -qq",
        "+ sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "
        "chromium fonts-noto-cjk fontconfig",
    ]
    assert not (tmp_path / "ran").exists()  # a dry run runs nothing


def test_make_system_deps_dry_run_as_root_only_the_missing_fonts(tmp_path) -> None:
    r = _system_deps(tmp_path, uid=0, sudo=False, chromium=True, cjk_font=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0].startswith("system-deps: installing fonts-noto-cjk fontconfig with apt-get")
    assert "+ env DEBIAN_FRONTEND=noninteractive apt-get install" in r.stdout
    assert "chromium" not in r.stdout.split("\n", 1)[1] and "sudo" not in r.stdout
    assert not (tmp_path / "ran").exists()


def test_make_system_deps_skips_what_is_present(tmp_path) -> None:
    r = _system_deps(tmp_path, uid=1000, sudo=True, chromium=True, cjk_font=True)
    assert (r.returncode, r.stdout) == (0, "system-deps: chromium and fonts-noto-cjk already installed\n")


def test_make_system_deps_without_root_or_sudo_is_one_line_exit_2(tmp_path) -> None:
    r = _system_deps(tmp_path, uid=1000, sudo=False, chromium=False, cjk_font=True)
    assert r.returncode != 0
    assert "system-deps: cannot install chromium: run as root or install sudo" in r.stderr


def test_make_test_runs_system_deps_then_the_locked_install_then_ruff_and_pytest() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"(?m)^test: system-deps \$\(STAMP\) lint$", makefile)
    assert "-c constraints.txt -e '.[all,test]'" in makefile
    assert re.search(r"(?m)^lint: .*\n\t\$\(BIN\)/ruff check src tests scripts$", makefile)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [ln for ln in ci.splitlines() if ln.startswith("make")]
    assert commands == ["make test"]


# --- extras ----------------------------------------------------------------------------------------------


def test_extras_by_audience_all_with_version_bounds() -> None:
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert {"web", "corpus", "dask", "all", "test"} <= set(extras)
    names = {e: {canonicalize_name(Requirement(r).name) for r in reqs} for e, reqs in extras.items()}
    assert names["web"] == {"fastapi", "uvicorn", "python-multipart", "jinja2", "openpyxl"}  # openpyxl: batch XLSX
    assert names["corpus"] == {"duckdb", "pyarrow", "matplotlib", "datasketch"}
    assert names["dask"] == {"dask"}
    assert [Requirement(r).extras for r in extras["all"]] == [{"web", "corpus", "dask"}]
    base = {canonicalize_name(Requirement(r).name) for r in PYPROJECT["project"]["dependencies"]}
    assert {"jieba", "rjieba", "spacy", "scikit-learn", "pandas", "click"} <= base
    assert not base & (names["web"] | names["corpus"] | names["dask"])
    for req in [*PYPROJECT["project"]["dependencies"], *(r for e in extras.values() for r in e)]:
        r = Requirement(req)
        if r.name == "govtext":
            continue
        ops = {s.operator for s in r.specifier}
        assert ops & {">=", "=="} and ops & {"<", "=="}, f"{req}: needs a lower and an upper bound"


def _closure(name: str, extras: frozenset[str]) -> dict[str, str]:
    """{distribution: installed version} for everything ``name[extras]`` installs here."""
    seen: dict[str, frozenset[str]] = {}
    todo = [(name, extras)]
    while todo:
        dist, wanted = todo.pop()
        key = canonicalize_name(dist)
        if key in seen and wanted <= seen[key]:
            continue
        seen[key] = seen.get(key, frozenset()) | wanted
        for raw in metadata.distribution(dist).requires or []:
            req = Requirement(raw)
            if req.marker and not any(req.marker.evaluate({"extra": e}) for e in {"", *seen[key]}):
                continue
            todo.append((req.name, frozenset(req.extras)))
    return {k: metadata.version(k) for k in seen if k != "govtext"}


def test_constraints_pin_everything_that_all_and_test_install() -> None:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version.strip()
    installed = _closure("govtext", frozenset({"all", "test"}))
    assert len(installed) > 80
    unpinned = sorted(set(installed) - set(pins))
    assert not unpinned, f"not in constraints.txt: {unpinned}"
    different = {k: (v, pins[k]) for k, v in installed.items() if pins[k] != v}
    assert not different, f"installed ≠ pinned: {different}"


_BLOCKER = textwrap.dedent(
    """
    import sys

    BLOCKED = {"fastapi", "starlette", "uvicorn", "duckdb", "pyarrow", "matplotlib", "dask",
               "distributed", "datasketch"}

    class NotInstalled:
        '''A base install: the modules of the web, corpus and dask extras cannot be imported.'''

        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NotInstalled())
    from govtext.cli import main

    main(sys.argv[1:])
    """
)


@pytest.fixture(scope="module")
def base_only(tmp_path_factory):
    """Run ``govtext ARGS`` in a subprocess where the extras' modules are not installed."""
    script = tmp_path_factory.mktemp("base") / "base_only.py"
    script.write_text(_BLOCKER, encoding="utf-8")

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(script), *args], capture_output=True, text=True, timeout=300, cwd=cwd
        )

    return run


@pytest.mark.parametrize("command", ["placeholders", "outline", "check"])
def test_base_install_runs_the_linter_outline_and_check(base_only, command, tmp_path) -> None:
    r = base_only(command, str(SEED), "--format", "json", cwd=tmp_path)
    assert r.returncode == 1, r.stderr  # the seed has findings: a real run, not an import error
    assert r.stdout.lstrip().startswith(("[", "{")) and "internal error" not in r.stderr


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (("serve",), "govtext serve needs the 'web' extra (fastapi, uvicorn not installed): "
                     "pip install 'govtext[web]'"),
        (("corpus", "trends", "--db", "x.duckdb", "--out", "trends"),
         "govtext corpus trends needs the 'corpus' extra (duckdb, pyarrow, matplotlib not installed): "
         "pip install 'govtext[corpus]'"),
        (("corpus", "analyze", str(SEED), "--db", "x.duckdb"), "pip install 'govtext[corpus]'"),
    ],
)
def test_base_install_commands_needing_an_extra_exit_2_with_the_hint(base_only, args, hint, tmp_path) -> None:
    r = base_only(*args, cwd=tmp_path)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and hint in lines[0] and lines[0].startswith("govtext: ")
    assert list(tmp_path.iterdir()) == []  # nothing written before the hint


def test_dask_engine_without_the_dask_extra(monkeypatch, capsys) -> None:
    from govtext import extras
    from govtext.cli import main

    real = extras.missing_modules
    monkeypatch.setattr(
        extras, "missing_modules", lambda extra, modules=None: ["dask"] if extra == "dask" else real(extra, modules)
    )
    with pytest.raises(SystemExit) as exc:
        main(["corpus", "analyze", str(SEED), "--engine", "dask", "--db", "unused.duckdb"])
    assert exc.value.code == 2
    assert capsys.readouterr().err == (
        "govtext: govtext corpus analyze --engine dask needs the 'dask' extra (dask not installed): "
        "pip install 'govtext[dask]'\n"
    )


# --- pre-commit ------------------------------------------------------------------------------------------


def test_pre_commit_hook_definition() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "govtext-placeholders"
    assert hook["entry"] == "govtext placeholders" and hook["language"] == "python"
    files = re.compile(hook["files"])
    assert all(files.search(n) for n in ("a.txt", "docs/b.md", "c.DOCX"))
    assert not any(files.search(n) for n in ("a.py", "b.mdx", "txt", "c.docx.bak"))


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=govtext", "-c", "user.email=govtext@example.invalid", *args],
        cwd=cwd, check=True, capture_output=True,
    )


def test_pre_commit_try_repo_runs_the_hook(tmp_path) -> None:
    """`pre-commit try-repo` installs govtext from a git copy of this project (through pip's configured
    registries, no other network) and lints the staged .txt/.md files of another repository."""
    hook_repo = tmp_path / "govtext"
    hook_repo.mkdir()
    for name in ("pyproject.toml", "hatch_build.py", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, hook_repo / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "models", hook_repo / "models", ignore=ignore)
    shutil.copytree(ROOT / "src", hook_repo / "src", ignore=ignore)
    _git("init", "-q", cwd=hook_repo)
    _git("add", "-A", cwd=hook_repo)
    _git("commit", "-q", "-m", "hook", cwd=hook_repo)

    project = tmp_path / "project"
    project.mkdir()
    (project / "report.md").write_text("# 工作总结\n今年共培养发展了X名预备党员\n", encoding="utf-8")
    (project / "clean.txt").write_text("全年完成既定任务。\n", encoding="utf-8")
    (project / "template.md").write_text("<!-- govtext: template -->\n市X局X名\n", encoding="utf-8")
    (project / "notes.py").write_text("X = 1  # not a document\n", encoding="utf-8")
    _git("init", "-q", cwd=project)
    _git("add", "-A", cwd=project)

    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PRE_COMMIT_COLOR": "never"}
    pre_commit = Path(sys.executable).with_name("pre-commit")
    r = subprocess.run(
        [str(pre_commit), "try-repo", str(hook_repo), "govtext-placeholders", "--all-files"],
        cwd=project, env=env, capture_output=True, text=True, timeout=600,
    )
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    assert "govtext placeholders" in out and "Failed" in out
    findings = [ln for ln in out.splitlines() if re.match(r"^\S+:\d+:\d+: GT2\d\d ", ln)]
    assert findings == ["report.md:2:9: GT201 (unfilled-count) 今年共培养发展了[X]名预备党员 — number of people missing"]
    assert "in 3 files, 1 skipped as a template" in out  # notes.py is not passed to the hook

    (project / "report.md").write_text("# 工作总结\n今年共培养发展了12名预备党员\n", encoding="utf-8")
    _git("add", "-A", cwd=project)
    r = subprocess.run(
        [str(pre_commit), "try-repo", str(hook_repo), "govtext-placeholders", "--all-files"],
        cwd=project, env=env, capture_output=True, text=True, timeout=600,
    )
    assert r.returncode == 0 and "Passed" in r.stdout, r.stdout + r.stderr


# --- GitHub Action ---------------------------------------------------------------------------------------

_STEP = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "id": {"type": "string"},
        "if": {"type": "string"},
        "run": {"type": "string"},
        "shell": {"enum": ["bash", "sh", "pwsh", "python", "cmd", "powershell"]},
        "uses": {"type": "string", "pattern": r"^[\w.-]+/[\w./-]+@[\w.-]+$"},
        "with": {"type": "object"},
        "env": {"type": "object", "additionalProperties": {"type": "string"}},
        "working-directory": {"type": "string"},
        "continue-on-error": {"type": ["boolean", "string"]},
    },
    "oneOf": [{"required": ["run", "shell"]}, {"required": ["uses"]}],
    "additionalProperties": False,
}
# The metadata syntax of a composite action, as GitHub documents it (written out here: tests are offline).
ACTION_SCHEMA = {
    "type": "object",
    "required": ["name", "description", "runs"],
    "properties": {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "author": {"type": "string"},
        "branding": {
            "type": "object",
            "properties": {
                "icon": {"type": "string"},
                "color": {"enum": ["white", "black", "yellow", "blue", "green", "orange", "red", "purple",
                                   "gray-dark"]},
            },
            "additionalProperties": False,
        },
        "inputs": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["description"],
                "properties": {
                    "description": {"type": "string"},
                    "required": {"type": "boolean"},
                    "default": {"type": "string"},
                    "deprecationMessage": {"type": "string"},
                },
                "additionalProperties": False,
            },
        },
        "outputs": {"type": "object"},
        "runs": {
            "type": "object",
            "required": ["using", "steps"],
            "properties": {"using": {"const": "composite"}, "steps": {"type": "array", "minItems": 1, "items": _STEP}},
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}


@pytest.fixture(scope="module")
def action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def test_action_yml_is_a_valid_composite_action(action) -> None:
    jsonschema.validate(action, ACTION_SCHEMA)
    raw = (ROOT / "action.yml").read_text(encoding="utf-8")
    for name in re.findall(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", raw):
        assert name in action["inputs"], f"undeclared input {name}"
    for step in action["runs"]["steps"]:
        # inputs reach the shell through env, never pasted into the script (no injection)
        assert "${{" not in step.get("run", "")
    lint = action["runs"]["steps"][-1]
    assert lint["run"].startswith("govtext placeholders --output-format github ")


def test_action_lint_step_annotates_findings(action, tmp_path) -> None:
    """Run the action's own lint step (as GitHub would, with bash and the inputs in env)."""
    docs = tmp_path / "reports"
    docs.mkdir()
    (docs / "summary.md").write_text("今年共培养发展了X名预备党员\n", encoding="utf-8")
    (docs / "done.txt").write_text("全年完成既定任务。\n", encoding="utf-8")
    step = action["runs"]["steps"][-1]
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GOVTEXT_PATHS": "reports",
        "GOVTEXT_ARGS": "--fail-on error",
    }
    env.pop("GOVTEXT_OUTPUT_FORMAT", None)
    r = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 1
    assert r.stdout == (
        "::error file=reports/summary.md,line=1,col=9,endLine=1,endColumn=10,title=GT201 (unfilled-count)"
        "::今年共培养发展了[X]名预备党员 — number of people missing\n"
    )
    (docs / "summary.md").write_text("今年共培养发展了12名预备党员\n", encoding="utf-8")
    r = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert (r.returncode, r.stdout) == (0, "")
