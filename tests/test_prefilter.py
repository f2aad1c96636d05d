"""The regex prefilter (govtext.prefilter): a regex it leaves out has no match in the text, on the
built-in outlines' wordings over real report text and on generated patterns and strings."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from govtext.completeness import builtin_outlines
from govtext.prefilter import Prefilter, required_literals

ROLES = ("lead", "inline", "heading", "title")


def _wordings() -> tuple[str, ...]:
    return tuple(dict.fromkeys(w for o in builtin_outlines().values() for p in o.parts
                               for role in ROLES for w in getattr(p, role)))


def _agrees(pf: Prefilter, text: str, windows=(None,)) -> None:
    """Every regex with a match in ``text[:n]`` is reported, its required text ending by ``n``."""
    found = pf.ends(text)
    for k, pattern in enumerate(pf.patterns):
        rx = re.compile(pattern)
        for n in windows:
            if rx.search(text[:n]) is not None:
                assert k in found, (pattern, text[:n])
                assert n is None or found[k] <= n, (pattern, text[:n], found[k])


def test_required_literals_of_real_wordings():
    # fixed runs expand their optional and alternative pieces; the most telling requirement is kept
    assert required_literals("下(一)?步.{0,6}(工作)?(计划|打算)?") == {"下步", "下一步"}
    assert required_literals("^(以上|特此)(述职)?(报告|汇报)") == {
        a + b + c for a in ("以上", "特此") for b in ("", "述职") for c in ("报告", "汇报")}
    assert required_literals("^各位代表[：:！!，,]") == {"各位代表" + c for c in "：:！!，,"}
    # look-behinds need nothing; the alternation's branches each name theirs
    assert required_literals("^.{0,30}((?<!解决)存在的?问题|不足之处)") == {"存在问题", "存在的问题", "不足之处"}
    assert required_literals("(德|能|勤|绩|廉)") == set("德能勤绩廉")


def test_required_literals_none_where_nothing_is_required():
    for pattern in ("a*", "(?:一|二)?", ".{2,}", "[^。]+", r"\d+年", "(?i)abc", "(?i:abc)d*", "(a)|b*",
                    "[一二三四五六七八九十]、", "(", r"(a)\1"):
        need = required_literals(pattern)
        assert need is None or all(re.compile(pattern).search(s) is None for s in ("", "xyz")), pattern
    assert required_literals("(?i)abc") is None and required_literals("(?i:ab)") is None
    assert required_literals("a*") is None and required_literals("(") is None
    assert required_literals(r"\d+年") == {"年"}  # the class is left out, the literal kept


def test_prefilter_misses_no_match_of_the_outlines_on_real_reports():
    pf = Prefilter(_wordings())
    assert len(pf.always) < len(pf.patterns) / 10  # nearly every wording names the text it needs
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora" / "gwr").glob("*.txt"))[::8]]
    texts.append((ROOT / "corpora" / "seeds" / "2019_party_building_summary.txt").read_text(encoding="utf-8"))
    # sentences and lines (most crawled reports are one line): the texts the matcher looks at
    lines = [x.strip() for t in texts for line in t.splitlines() for x in re.split(r"(?<=[。！？；])", line) if x.strip()]
    assert len(lines) > 3000
    hits = 0
    for line in lines:
        squashed = "".join(line.split())
        _agrees(pf, squashed, windows=(None, 8, 20, 40))
        hits += any(re.compile(w).search(squashed) for w in pf.patterns[:40])
    assert hits > 50  # the wordings do match real text: the agreement above is not vacuous
    # all at once, as completeness asks for a document's paragraphs: the same answer for each
    chunk = ["".join(line.split()) for line in lines[:2000]]
    assert pf.ends_each(chunk) == [pf.ends(t) for t in chunk]


_PIECES = st.sampled_from(["问题", "存在", "下", "一", "步", "的", "a", "b", "ab", "。", "，"])
_ATOMS = st.one_of(
    _PIECES,
    _PIECES.map(lambda s: f"({s})?"),
    st.lists(_PIECES, min_size=2, max_size=3).map(lambda xs: "(" + "|".join(xs) + ")"),
    st.sampled_from([".{0,3}", "[ab]", "[^a]", r"\d", "(?<!a)", "(?=b)", "^", "$", "a*", "(ab)+", "b{2}"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_ATOMS, min_size=1, max_size=5).map("".join), min_size=1, max_size=6),
       st.lists(_PIECES, max_size=12).map("".join), st.integers(0, 12))
def test_prefilter_agrees_with_the_regexes_on_generated_patterns(patterns, text, window):
    pf = Prefilter(patterns)
    _agrees(pf, text, windows=(None, window))
    # several texts at once (line breaks inside them included): each answered as alone
    texts = [text, text[window:], "", text[:window] + "\n" + text]
    assert pf.ends_each(texts) == [pf.ends(t) for t in texts]


def test_prefilter_ends_each_with_a_required_line_break():
    pf = Prefilter(["a\nb", "下一步"])
    assert pf.ends_each(["a", "b下一步", "a\nb"]) == [{}, {1: 4}, {0: 3}]
