"""The shared outline dev set (corpora/eval): its own scorer, run against `python -m govtext outline`.

The scorer resolves case files against its parent folder (`corpora/...` paths), so it runs from a
temporary folder laid out as in the shared tree: eval/ beside a link to the project's corpora/.
Recall must be 1.0. Precision is 0.982 because the annotation omits one real heading
(海拉尔 2016 line 53, `(四)政府自身建设取得新成效`, half-width brackets), so it must be ≥ 0.98.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys

from conftest import CORPORA


def test_eval_outline_dev_set_recall_and_precision(tmp_path):
    (tmp_path / "eval").mkdir()
    for name in ("score_outline.py", "outline_dev.json"):
        shutil.copy(CORPORA / "eval" / name, tmp_path / "eval" / name)
    (tmp_path / "corpora").symlink_to(CORPORA, target_is_directory=True)
    r = subprocess.run(
        [sys.executable, str(tmp_path / "eval" / "score_outline.py"),
         "--govtext", f"{shlex.quote(sys.executable)} -m govtext", "--min", "0.98"],
        capture_output=True, text=True, timeout=300,
    )
    m = re.search(r"recall ([\d.]+) precision ([\d.]+)", r.stdout)
    assert m, r.stdout + r.stderr
    recall, precision = float(m.group(1)), float(m.group(2))
    assert recall == 1.0, r.stdout
    assert precision >= 0.98, r.stdout
    # the only extra is the real heading the annotation leaves out
    extras = [ln for ln in r.stdout.splitlines() if ln.strip().startswith("extra")]
    assert all("gwr_2016_hailar_district.txt:53" in ln for ln in extras), extras
    assert r.returncode == 0
