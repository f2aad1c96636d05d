"""The one path expansion and document iterator (govtext.sources)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govtext.errors import InputError
from govtext.sources import expand_paths, iter_documents

SEED = Path(__file__).resolve().parents[1] / "corpora" / "seeds" / "2019_party_building_summary.txt"


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    (root / "b" / "deep").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "node_modules").mkdir()
    for rel, text in {
        "a.txt": "一、甲", "b/z.md": "二、乙", "b/deep/c.TXT": "三、丙", "b/notes.csv": "x,y",
        ".hidden/h.txt": "隐藏", "node_modules/n.txt": "包", "b/.dot.txt": "点", "b/~$lock.docx": "锁",
        "m.txt": "四、丁",
    }.items():
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_directory_walked_recursively_sorted_readable_only(tmp_path):
    root = _tree(tmp_path)
    got = [p.relative_to(root).as_posix() for p in expand_paths(root)]
    assert got == ["a.txt", "b/deep/c.TXT", "b/z.md", "m.txt"]


def test_files_as_given_and_duplicates_once(tmp_path):
    root = _tree(tmp_path)
    csv = root / "b" / "notes.csv"
    got = expand_paths([csv, root / "m.txt", root])
    assert got[:2] == [csv, root / "m.txt"]  # explicit files kept in order, whatever their suffix
    assert got.count(root / "m.txt") == 1
    assert len(got) == 5


def test_suffixes_and_exclude(tmp_path):
    root = _tree(tmp_path)
    assert [p.name for p in expand_paths(root, suffixes=[".md"])] == ["z.md"]
    got = expand_paths(root, exclude=lambda p: p.name == "b")
    assert [p.name for p in got] == ["a.txt", "m.txt"]


def test_missing_path_is_one_line_input_error(tmp_path):
    with pytest.raises(InputError) as info:
        expand_paths([tmp_path, tmp_path / "nope"])
    assert str(info.value) == f"{tmp_path / 'nope'}: no such file or directory"
    assert "\n" not in str(info.value)


def test_iter_documents_reads_real_seed():
    docs = list(iter_documents([SEED]))
    assert len(docs) == 1
    assert docs[0].path == str(SEED)
    assert docs[0].text == SEED.read_text(encoding="utf-8")
    assert docs[0].year == 2019


def test_iter_documents_errors_raise_or_report(tmp_path):
    root = _tree(tmp_path)
    (root / "empty.txt").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        list(iter_documents(root))
    errors: list[InputError] = []
    docs = list(iter_documents(root, on_error=errors.append))
    assert [Path(d.path).name for d in docs] == ["a.txt", "c.TXT", "z.md", "m.txt"]
    assert [d.text for d in docs] == ["一、甲", "三、丙", "二、乙", "四、丁"]
    assert [Path(e.path).name for e in errors] == ["empty.txt"]
