"""Heading similarity without scikit-learn: the outlines' phrasings counted once (shipped in
models/outlines/vectors/), the document side weighted per document, the same numbers as before."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import DATA, ROOT, SEED
from govtext import completeness as C
from govtext.completeness import (
    BUILTIN_KINDS,
    OutlineVectors,
    Similarities,
    builtin_outlines,
    get_outline,
    outline_sha256,
    outline_vectors,
    outline_vectors_path,
    parse_outline,
    score_completeness,
)
from govtext.text import squash


def test_outline_vectors_shipped_files_are_current():
    """Every built-in outline has its vectors file, and it is what the build script writes today (an
    outline edited without ``scripts/build_outline_vectors.py`` fails here)."""
    for kind, ref in builtin_outlines().items():
        path = outline_vectors_path(kind)
        assert path.is_file(), f"{path} missing: run scripts/build_outline_vectors.py"
        want = OutlineVectors.of(ref).to_json(outline_sha256(kind), ref.version)
        assert path.read_text(encoding="utf-8") == want, f"{path} is stale: run scripts/build_outline_vectors.py"
        data = json.loads(want)
        assert data["outline"] == kind and data["version"] == ref.version and data["ngram_range"] == [2, 3]
        assert len(data["heading"]) == len(data["paragraph"]) == len(ref.parts)
    assert set(BUILTIN_KINDS) <= {p.stem for p in outline_vectors_path("x").parent.glob("*.json")}
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_outline_vectors.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_outline_vectors_builtin_ones_are_read_from_the_shipped_file():
    ref = get_outline("government-work-report")
    v = outline_vectors(ref)
    assert v is C._shipped_vectors(ref.id) and v == OutlineVectors.of(ref)
    # each phrase's counts are its character 2- and 3-grams
    text, counts = v.heading_texts[1][0], dict(v.heading[1][0])
    assert counts == {text[i : i + n]: text.count(text[i : i + n]) for n in (2, 3) for i in range(len(text) - n + 1)}


def test_outline_vectors_stale_file_is_not_used(monkeypatch):
    """Vectors built from another version of the outline file are ignored: the phrasings are counted afresh."""
    monkeypatch.setattr(C, "outline_sha256", lambda kind: "0" * 64)
    C._shipped_vectors.cache_clear()
    C.outline_vectors.cache_clear()
    try:
        ref = get_outline("debrief-report")
        assert C._shipped_vectors(ref.id) is None
        assert outline_vectors(ref) == OutlineVectors.of(ref)
    finally:
        C._shipped_vectors.cache_clear()
        C.outline_vectors.cache_clear()


def test_outline_vectors_user_outline_counted_on_load_and_cached(seed_doc):
    """A user's outline (not shipped) gets its vectors when first used, once; a copy of a built-in outline
    under another name gives the same review as the built-in one."""
    text = (ROOT / "models" / "outlines" / "party-building-summary.toml").read_text(encoding="utf-8")
    mine = parse_outline(text.replace('id = "party-building-summary"', 'id = "my-party"'), "my-party.toml")
    assert mine.id == "my-party" and mine.id not in builtin_outlines()
    v = outline_vectors(mine)
    assert outline_vectors(mine) is v and v.outline == "my-party"
    ours, theirs = score_completeness(seed_doc, mine), score_completeness(seed_doc, "party-building-summary")
    assert ours.score == theirs.score == 81
    assert [(p.id, p.status, p.role, p.similarity, p.start_char) for p in ours.parts] == [
        (p.id, p.status, p.role, p.similarity, p.start_char) for p in theirs.parts
    ]


@pytest.mark.parametrize("path, kind", [(SEED, "party-building-summary"),
                                        (DATA / "completeness_debrief.txt", "debrief-report"),
                                        (ROOT / "corpora" / "gwr" / "gwr_2019_national.txt", "government-work-report")])
def test_outline_vectors_same_cosines_as_scikit_learn_on_real_documents(path, kind):
    """The similarities are scikit-learn's TfidfVectorizer fitted per document (the oracle, imported
    only by the tests), to 1e-12, for every heading and paragraph of real documents."""
    from govtext import read_document
    from govtext.sections import extract_sections

    doc = read_document(path)
    units = C._Units(doc, extract_sections(doc))
    ref = get_outline(kind)
    headings = [h.title for h in units.headings]
    paragraphs = [squash(p.text) for p in units.paragraphs]
    hcos, pcos = _oracle(headings, paragraphs, ref)
    sim = Similarities(headings, paragraphs, outline_vectors(ref))
    nh, npar = len(headings), len(paragraphs)
    assert nh > 5 and npar > 10
    for i in range(nh):
        assert sim.heading(i) == pytest.approx(hcos[i], abs=1e-12)
    for i in range(npar):
        assert sim.paragraph(i) == pytest.approx(pcos[i], abs=1e-12)
    assert max(max(sim.paragraph(i)) for i in range(npar)) > 0.2  # not a comparison of zeros


def test_outline_vectors_review_imports_no_scikit_learn():
    """``import govtext.completeness`` imports no numpy (nor scikit-learn or SciPy); a whole review of the
    seed imports numpy for the document-side n-gram counts, and never scikit-learn or SciPy."""
    numeric = ("sklearn", "scipy", "numpy")
    code = (
        "import sys; import govtext.completeness;"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {numeric!r}));"
        "from govtext.review import check_document; from govtext import read_document;"
        f"r = check_document(read_document({str(SEED)!r})); print(r.completeness.score);"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({numeric!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:3] == ["[]", "81", "['numpy']"]


@pytest.mark.parametrize("text", ["", "X", "问题", "存在的问题", "下一步  我们\t\t将\n\n继续", "a b  c", "  各位代表：  ", "２０２５年"])
def test_outline_vectors_char_ngrams_are_scikit_learns(text):
    """The n-grams (and their counts) scikit-learn's char analyzer makes: 2- and 3-grams, runs of white
    space folded to one space, nothing else normalised."""
    from collections import Counter

    from sklearn.feature_extraction.text import TfidfVectorizer

    analyzer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), lowercase=False).build_analyzer()
    assert C.char_ngrams(text) == Counter(analyzer(text))


def test_outline_vectors_broken_shipped_file_is_a_data_error(tmp_path, monkeypatch):
    """A damaged vectors file is reported as a data-file problem naming it (exit 2), not a traceback."""
    from govtext import DataFileError

    bad = tmp_path / "work-summary.json"
    bad.write_text('{"schema": 1, "outline": "work-summary", "heading": [', encoding="utf-8")
    monkeypatch.setattr(C, "outline_vectors_path", lambda kind: bad)
    C._shipped_vectors.cache_clear()
    try:
        with pytest.raises(DataFileError, match="work-summary.json.*not a valid outline vectors file"):
            C._shipped_vectors("work-summary")
    finally:
        C._shipped_vectors.cache_clear()


def _oracle(headings, paragraphs, ref):
    """scikit-learn's per-document TF-IDF cosines (best phrase per part) of ``headings`` and ``paragraphs``."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    hph = [C.heading_phrases(p) for p in ref.parts]
    pph = [C.paragraph_phrases(p) for p in ref.parts]
    flat_h, flat_p = [x for g in hph for x in g], [x for g in pph for x in g]
    x = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, lowercase=False).fit_transform(
        [*headings, *paragraphs, *flat_h, *flat_p])
    nh, npar = len(headings), len(paragraphs)
    hcos = (x[:nh] @ x[nh + npar : nh + npar + len(flat_h)].T).toarray()
    pcos = (x[nh : nh + npar] @ x[nh + npar + len(flat_h) :].T).toarray()

    def best(row, groups):
        out, k = [], 0
        for g in groups:
            out.append(max(row[k : k + len(g)], default=0.0))
            k += len(g)
        return out

    return [best(r, hph) for r in hcos], [best(r, pph) for r in pcos]


@pytest.mark.parametrize("chunk, block, keys", [
    (chunk, block, "int32") for chunk in (1, 2, 3, 40, 1 << 20) for block in (1, 7, 1 << 21)
] + [(c, b, k) for c, b in ((1, 7), (40, 1 << 21), (1 << 20, 1 << 21)) for k in ("int64", "two")])
def test_outline_vectors_counted_in_pieces_and_blocks_keep_scikit_learns_cosines(monkeypatch, seed_doc, chunk, block,
                                                                                  keys):
    """Counted a few characters at a time (every piece boundary inside a text or between two), the dot
    products taken a few entries at a time, pairs sorted by one packed key (2-grams' as 32-bit numbers,
    or as 64-bit ones as in a long text) or by two (as for a hostile alphabet), with repeated headings
    (each still one text of the collection), white-space runs and astral characters: scikit-learn's
    cosines still, to 1e-12."""
    from govtext import tfidf
    from govtext.sections import extract_sections

    units = C._Units(seed_doc, extract_sections(seed_doc))
    ref = get_outline("party-building-summary")
    headings = [h.title for h in units.headings]
    headings += headings[:3] + ["", "X", "下一步  工作\t\t打算𠀀𠀁"]
    paragraphs = [squash(p.text) for p in units.paragraphs] + ["", "a b  c 存在问题"]
    monkeypatch.setattr(tfidf, "CHUNK", chunk)
    monkeypatch.setattr(tfidf, "BLOCK", block)
    if keys != "int32":
        monkeypatch.setattr(tfidf, "INT32_KEYS", 0)
    if keys == "two":
        monkeypatch.setattr(tfidf, "PACK_LIMIT", 0)
    sim = Similarities(headings, paragraphs, outline_vectors(ref))
    hcos, pcos = _oracle(headings, paragraphs, ref)
    for i, want in enumerate(hcos):
        assert sim.heading(i) == pytest.approx(want, abs=1e-12)
    for i, want in enumerate(pcos):
        assert sim.paragraph(i) == pytest.approx(want, abs=1e-12)
    assert max(max(sim.paragraph(i)) for i in range(len(paragraphs))) > 0.2  # not a comparison of zeros
    assert max(sim.heading(len(headings) - 1)) > 0.3  # the astral, white-space-run heading still matches


