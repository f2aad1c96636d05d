"""A saved govtext pipeline loads with ``spacy.load`` in a fresh interpreter that never imports govtext.

The factories are found through the ``spacy_factories`` entry points (``pyproject.toml``; they register
on ``pip install -e .``), results come back on ``Doc._``, and an extra lexicon travels with the saved
pipeline (``to_disk``/``from_disk``), not as a path to a file that may be gone.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conftest import DATA, ROOT, SEED
from govtext import pipeline
from govtext.analysis import analyze
from govtext.model import Document

spacy = pytest.importorskip("spacy")

FRESH = r"""
import json, sys
import spacy
before = sorted(m for m in sys.modules if m.split(".")[0] == "govtext")
nlp = spacy.load(sys.argv[1])
doc = nlp(open(sys.argv[2], encoding="utf-8").read())
print(json.dumps({
    "govtext_before_load": before,
    "pipe_names": nlp.pipe_names,
    "outline": doc._.govtext_outline.to_dict(),
    "placeholders": [f.to_dict() for f in doc._.govtext_placeholders or ()],
    "themes": doc._.govtext_themes.to_dict(),
    "findings": [f.code for f in doc._.govtext_findings],
    "spans": {k: len(v) for k, v in doc.spans.items()},
}, ensure_ascii=False))
"""


def _fresh(model_dir, text_file, cwd) -> dict:
    proc = subprocess.run([sys.executable, "-c", FRESH, str(model_dir), str(text_file)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _expected(text: str, lexicon=None) -> dict:
    a = analyze(Document.from_text(text, source_format="string"), stages=("sections", "placeholders", "themes"),
                lexicon=lexicon)
    return json.loads(json.dumps({  # as the fresh process prints it (tuples become lists)
        "outline": a.outline.to_dict(),
        "placeholders": [f.to_dict() for f in a.placeholders],
        "themes": a.themes.to_dict(),
        "findings": [f.code for f in a.findings],
    }, ensure_ascii=False))


def test_every_component_is_a_registered_spacy_factory_entry_point():
    import tomllib
    from importlib.metadata import entry_points

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["entry-points"]
    assert set(declared["spacy_factories"]) == set(pipeline.COMPONENTS)
    installed = {e.name: e.value for e in entry_points(group="spacy_factories")}
    missing = {k: v for k, v in declared["spacy_factories"].items() if installed.get(k) != v}
    assert not missing, f"re-install govtext (pip install -e .) to register {missing}"


def test_saved_pipeline_loads_in_a_fresh_process_with_the_same_results(tmp_path):
    nlp = pipeline.build()
    nlp.to_disk(tmp_path / "model")
    got = _fresh(tmp_path / "model", SEED, tmp_path)
    assert got["govtext_before_load"] == []
    assert got["pipe_names"] == pipeline.COMPONENTS
    text = SEED.read_text(encoding="utf-8")
    expected = _expected(text)
    for key in ("outline", "placeholders", "themes", "findings"):
        assert got[key] == expected[key], key
    # the Doc's year (2019, detected from the text) reaches the themes stage: GT301 fires in the pipeline
    assert [f["code"] for f in got["themes"]["findings"]] == ["GT301"]
    assert "GT301" in got["findings"] and "GT103" in got["findings"] and "GT201" in got["findings"]
    assert len(got["outline"]["sections"]) == 36 and len(got["placeholders"]) == 50
    # and the same in this process
    doc = nlp(text)
    assert doc._.govtext_outline == analyze(Document.from_text(text, source_format="string"),
                                            stages=("sections",)).outline
    assert [f.code for f in doc._.govtext_findings] == expected["findings"]
    assert got["spans"] == {k: len(v) for k, v in doc.spans.items()}


def test_saved_pipeline_carries_its_extra_lexicon(tmp_path):
    from govtext.themes import load_lexicon

    lexicon = tmp_path / "water.toml"
    shutil.copy(DATA / "corpus_lexicon.toml", lexicon)
    nlp = pipeline.build(components=["govtext_sections", "govtext_themes"])
    nlp.replace_pipe("govtext_themes", "govtext_themes", config={"lexicon": str(lexicon)})
    nlp.to_disk(tmp_path / "model")
    lexicon.unlink()  # the saved pipeline must not depend on the original file
    sample = tmp_path / "sample.txt"
    text = "2022年工作总结\n一、民生工作\n实施农村供水保障工程，巩固提升饮水安全水平，推进乡村振兴。\n"
    sample.write_text(text, encoding="utf-8")
    got = _fresh(tmp_path / "model", sample, tmp_path)
    themes = {t["theme"]: t["count"] for t in got["themes"]["document"]}
    assert themes["water_supply"] == 2
    expected = _expected(text, lexicon=load_lexicon(DATA / "corpus_lexicon.toml"))
    assert got["themes"] == expected["themes"]


def test_doc_year_and_title_set_on_the_doc_reach_the_stages():
    nlp = pipeline.build(components=["govtext_themes"])
    text = "要认真学习贯彻党的十八大精神。"
    assert nlp(text)._.govtext_themes.findings == ()  # no year in the text: GT301 cannot be judged
    doc = nlp.make_doc(text)
    doc._.govtext_year = 2019
    doc = nlp(doc)
    (f,) = doc._.govtext_themes.findings
    assert f.code == "GT301" and f.match == "学习贯彻党的十八大精神" and "2019" in f.message
