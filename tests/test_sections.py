"""govtext.sections: the seed's outline, annotated trap cases, offsets on every corpus file."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib

import pytest

from conftest import DATA, GWR, ROOT, SEED
from govtext import Document, codes, read_document
from govtext.sections import extract_sections, find_parts, parse_cn_number

CASES = tomllib.loads((DATA / "sections_cases.toml").read_text(encoding="utf-8"))["case"]
_SEP = re.compile(r"[\s\u3000\u00a0，,]*")


@pytest.fixture(scope="module")
def outlines(gwr_docs, seed_doc):
    docs = {**gwr_docs, SEED.name: seed_doc}
    return {name: (doc, extract_sections(doc)) for name, doc in docs.items()}


def test_sections_seed_outline_exact(seed_doc):
    outline = extract_sections(seed_doc)
    levels = [s.level for s in outline.sections]
    assert (levels.count(1), levels.count(2), levels.count(3), len(levels)) == (6, 15, 15, 36)
    got = [(s.level, s.style, s.number, s.title[:6]) for s in outline.sections]
    expected = (
        [(1, "cn-comma", 1, "强化思想引领")]
        + [(2, "cn-shi", n, t) for n, t in ((1, "强化思想武装"), (2, "以巡视巡察为"), (3, "准确把握主题"))]
        + [(1, "cn-comma", 2, "抓牢主体责任")]
        + [(2, "cn-shi", n, t) for n, t in ((1, "压实党建工作"), (2, "加强基层党组"), (3, "抓好党员队伍"))]
        + [
            (3, "arabic-dot", n, t)
            for n, t in ((1, "强化学习，继"), (2, "规范管理，继"), (3, "在组织发展中"), (4, "坚强民兵队伍"))
        ]
        + [(2, "cn-shi", 4, "及时完成了党"), (2, "cn-shi", 5, "结合实际积极")]
        + [
            (3, "arabic-dot", n, t)
            for n, t in ((1, "按照市委统一"), (2, "组织党员干部"), (3, "按照市文明办"))
        ]
        + [(1, "cn-comma", 3, "深化从严治党")]
        + [(2, "cn-shi", n, t) for n, t in ((1, "认真落实党风"), (2, "积极开展反腐"), (3, "正风肃纪，加"))]
        + [
            (1, "cn-comma", 4, "以党建为引领"),
            (1, "cn-comma", 5, "加强共建帮扶"),
            (1, "cn-comma", 6, "凸显行业特色"),
        ]
        + [(2, "cn-paren", 1, "坚守初心强党")]
        + [(3, "arabic-dot", 1, "以支部为单位"), (3, "arabic-dot", 2, "以专题组织生")]
        + [(2, "cn-paren", 2, "夯实基础补短")]
        + [(3, "arabic-dot", n, t) for n, t in ((1, "组织“党建+"), (2, "组织党建工作"), (3, "组织党建工作"))]
        + [(2, "cn-paren", 3, "勇担使命作表"), (2, "cn-paren", 4, "共建帮扶聚党")]
        + [(3, "arabic-dot", n, t) for n, t in ((1, "组织赠书活动"), (2, "擦亮“党建+"), (3, "开展党内关怀"))]
    )
    assert got == expected
    # 三、's three items run inline in one paragraph
    third = next(s for s in outline.sections if s.level == 1 and s.number == 3)
    assert [outline.sections[i].inline for i in third.children] == [True, True, True]
    assert len({outline.sections[i].line for i in third.children}) == 1
    assert outline.sections[7].marker == "三是是"
    assert [(f.code, f.match) for f in outline.findings] == [("GT108", "市委市委"), ("GT103", "三是是")]


def test_sections_seed_tree_links(seed_doc):
    secs = extract_sections(seed_doc).sections
    for s in secs:
        assert s.index == secs.index(s)
        if s.parent is not None:
            assert secs[s.parent].level == s.level - 1 and s.index in secs[s.parent].children
        assert s.start_char < s.end_char <= s.body_end
    assert secs[0].body_end == secs[4].start_char  # 一、 ends where 二、 begins


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_sections_annotated_cases(case):
    doc = Document.from_text(case["text"])
    outline = extract_sections(doc)
    got = [[s.level, s.style, "none" if s.number is None else s.number, s.title] for s in outline.sections]
    assert got == case["sections"], case["trap"]
    assert [f.code for f in outline.findings] == case["findings"], case["trap"]
    _check_offsets(doc, outline)


def _check_offsets(doc, outline):
    text = doc.text
    for s in outline.sections:
        heading = text[s.start_char : s.end_char]
        assert heading.startswith(s.marker), (s, heading)
        rest = heading[len(s.marker) :]
        assert _SEP.fullmatch(rest[: len(rest) - len(s.title)]) and rest.endswith(s.title), (s, heading)
        assert doc.line_col(s.start_char) == (s.line, s.col)
    for f in outline.findings:
        assert text[f.start_char : f.end_char] == f.match
        assert doc.line_col(f.start_char) == (f.line, f.col)
        assert doc.line_col(f.end_char) == (f.end_line, f.end_col)
        assert codes.get(f.code).slug == f.slug


def test_sections_offsets_on_every_corpus_file(outlines):
    assert len(outlines) == 94
    for name, (doc, outline) in outlines.items():
        assert outline.sections or name in (
            "gwr_1954_national.txt",
            "gwr_1964_national.txt",
            "gwr_1975_national.txt",
            "gwr_1978_national.txt",
        ), name
        _check_offsets(doc, outline)


def test_sections_flattened_and_lined_2022_agree(outlines):
    def shape(name):
        return [
            (s.level, s.style, s.number, re.sub(r"\s+", "", s.title), s.parent)
            for s in outlines[name][1].sections
        ]

    flat, lined = shape("gwr_2022_national.txt"), shape("gwr_2022_national_lines.txt")
    assert flat == lined
    assert [t[:3] for t in flat if t[0] == 1] == [(1, "cn-comma", 1), (1, "cn-comma", 2), (1, "cn-comma", 3)]
    assert sum(1 for t in flat if t[1] == "cn-paren") == 9


def test_sections_district_and_provincial_top_level_in_order(outlines):
    names = [n for n in outlines if "hailar" in n or n.startswith("gwr_2026_")]
    assert len(names) == 39
    for name in names:
        doc, outline = outlines[name]
        body = [s for s in outline.sections if s.parent is None and s.style != "appendix" and not s.inline]
        if body[0].style == "unnumbered":
            # parts titled without numbers (Gansu, Inner Mongolia): the numbered headings of each part,
            # in order within their part
            groups = [[outline.sections[i] for i in part.children] for part in body]
            groups = [[k for k in kids if not k.inline] for kids in groups]
        else:
            groups = [body]
        checked = 0
        for kids in groups:
            numbers = [s.number for s in kids if s.style == kids[0].style] if kids else []
            assert numbers == list(range(1, len(numbers) + 1)), (name, numbers)
            checked += len(numbers) >= 2
        assert checked, name
        gaps = [f for f in outline.findings if f.code in ("GT101", "GT104")]
        assert gaps == [], (name, gaps)


def _parts(outline):
    return [s for s in outline.sections if s.style == "unnumbered"]


def test_sections_unnumbered_parts_gansu(outlines):
    doc, outline = outlines["gwr_2026_gansu.txt"]
    top = [s for s in outline.sections if s.parent is None]
    assert [(s.style, s.line, s.title) for s in top] == [
        ("unnumbered", 18, "“十四五”时期工作回顾"),
        ("unnumbered", 38, "“十五五”时期的主要目标任务"),
        ("unnumbered", 50, "2026年重点工作"),
    ]
    for s in top:
        assert (s.level, s.number, s.marker, s.inline) == (1, None, "", False)
        assert doc.text[s.start_char : s.end_char] == s.title
    goals = [outline.sections[i] for i in top[1].children]
    assert [(k.level, k.style, k.number, k.line) for k in goals] == [
        (2, "cn-shi", n, 40 + n) for n in range(1, 9)
    ]
    tasks = [outline.sections[i] for i in top[2].children]
    assert [(k.level, k.style, k.number) for k in tasks] == [(2, "cn-paren", n) for n in range(1, 9)]
    assert top[0].body_end == top[1].start_char and top[1].body_end == top[2].start_char


def test_sections_unnumbered_parts_neimenggu(outlines):
    _, outline = outlines["gwr_2026_neimenggu.txt"]
    top = [s for s in outline.sections if s.parent is None]
    assert [(s.style, s.line) for s in top] == [("unnumbered", 18), ("unnumbered", 29), ("appendix", 61)]
    review = [outline.sections[i] for i in top[0].children]
    # 一是…五是 (line 26, achievements) and 一是…八是 (line 28, problems) run inline under the review part
    assert [(k.level, k.number, k.line, k.inline) for k in review] == [
        (2, n, 26, True) for n in range(1, 6)
    ] + [(2, n, 28, True) for n in range(1, 9)]
    tasks = [outline.sections[i] for i in top[1].children]
    assert [(k.level, k.style, k.number, k.line) for k in tasks] == [
        (2, "cn-comma", 1, 35),
        (2, "cn-comma", 2, 40),
        (2, "cn-comma", 3, 47),
        (2, "cn-comma", 4, 58),
    ]
    assert {outline.sections[i].level for k in tasks for i in k.children} == {3}


def test_sections_unnumbered_parts_announced_1978(outlines):
    doc, outline = outlines["gwr_1978_national.txt"]
    announced = re.search(r"报告分六个部分：(.+?)。", doc.text).group(1)
    expected = [re.sub(r"^[一二三四五六]、", "", item) for item in announced.split("；")]
    parts = _parts(outline)
    assert [s.title for s in parts] == expected and all(s.parent is None for s in parts)
    economy = [outline.sections[i] for i in parts[2].children]
    assert [(k.level, k.style, k.number) for k in economy] == [(2, "di-ordinal", n) for n in range(1, 7)]


def test_sections_unnumbered_parts_only_where_the_document_shows_them(outlines):
    """Precision pin: every corpus file with unnumbered part titles, read by eye (see docs/sections.md)."""
    got = {name: [s.title for s in _parts(o)] for name, (_, o) in outlines.items() if _parts(o)}
    assert got == {
        "gwr_1964_national.txt": ["国民经济的成就和今后的建设任务", "国际形势和我国对外工作"],
        "gwr_1978_national.txt": [
            "三年来的斗争和新时期的总任务",
            "把揭批“四人帮”的斗争进行到底",
            "加快社会主义经济建设",
            "繁荣社会主义科学教育文化事业",
            "加强政权建设，加强各族人民的大团结",
            "国际形势和我国对外政策",
        ],
        "gwr_1982_national.txt": [
            "第六个五年计划的基本任务",
            "六五计划前两年的执行情况",
            "全面实现六五计划的主要措施",
        ],
        "gwr_1983_national.txt": ["过去五年的回顾", "今后五年的主要任务"],
        "gwr_1984_national.txt": ["关于国内建设", "关于外交工作"],
        "gwr_1988_national.txt": [
            "过去五年国内工作的基本总结",
            "今后五年建设和改革的目标、方针和任务",
            "关于外交工作",
        ],
        "gwr_2026_gansu.txt": ["“十四五”时期工作回顾", "“十五五”时期的主要目标任务", "2026年重点工作"],
        "gwr_2026_neimenggu.txt": [
            "“十四五”时期发展成就和2025年工作回顾",
            "“十五五”时期主要目标和2026年重点工作",
        ],
    }


def test_sections_cli_text_tree_shows_unnumbered_parts():
    out = _run(str(GWR / "gwr_2026_gansu.txt")).stdout
    assert "\n18  “十四五”时期工作回顾\n" in out and "\n54    （一）放大促消费扩投资政策效应\n" in out


def test_sections_guangdong_appendix_not_report_sections(outlines):
    doc, outline = outlines["gwr_2026_guangdong.txt"]
    top = [s for s in outline.sections if s.parent is None]
    body = [s for s in top if s.style != "appendix"]
    assert [s.number for s in body] == [1, 2, 3]
    appendices = [s for s in top if s.style == "appendix"]
    assert [s.marker for s in appendices] == ["附件1", "附件2"]
    kids = [outline.sections[i] for i in appendices[0].children]
    assert [(k.style, k.number) for k in kids] == [("cn-comma", n) for n in range(1, 11)]
    assert len(appendices[1].children) == 13


def test_sections_web_residue_is_boilerplate(outlines):
    doc, _ = outlines["gwr_2026_anhui.txt"]
    parts = find_parts(doc)
    assert parts[0].kind == "boilerplate" and parts[0].start_char == 0
    assert parts[-1].kind == "boilerplate" and doc.text[parts[-1].start_char :].startswith("相关报道")
    caption = find_parts(outlines["gwr_2026_guizhou.txt"][0])[0]
    assert caption.kind == "boilerplate" and "记者" in caption.label
    ending = find_parts(outlines["gwr_2022_national.txt"][0])[-1]
    assert ending.kind == "boilerplate" and ending.label.startswith("（新华社")
    seed_parts = find_parts(outlines[SEED.name][0])
    assert doc.text is not None and seed_parts[0].label.startswith("本文系作者原创投稿")


def test_sections_2008_repeated_heading_reported(outlines):
    _, outline = outlines["gwr_2008_national.txt"]
    repeated = [f.match.strip() for f in outline.findings if f.code == "GT107"]
    assert "二、 2008年主要任务" in repeated
    assert [s.number for s in outline.sections if s.level == 1] == [1, 2]


def test_sections_doubled_words_silent_on_reports(outlines):
    flagged = [(n, f.match) for n, (_, o) in outlines.items() for f in o.findings if f.code == "GT108"]
    assert flagged == [(SEED.name, "市委市委")]


def test_sections_parse_cn_number():
    assert [parse_cn_number(s) for s in ("一", "十", "十一", "二十", "二十三", "五一", "七一", "一十")] == [
        1,
        10,
        11,
        20,
        23,
        None,
        None,
        None,
    ]


def test_sections_codes_documented():
    for code in ("GT101", "GT102", "GT103", "GT104", "GT105", "GT106", "GT107", "GT108"):
        entry = codes.get(code)
        assert entry.what and entry.why and entry.example and entry.severity in ("info", "warning", "error")


def test_sections_accepts_plain_string():
    outline = extract_sections("一、总体情况\n二、存在问题\n")
    assert [s.title for s in outline.sections] == ["总体情况", "存在问题"]


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", "govtext", "outline", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_sections_cli_json_and_exit_codes(tmp_path):
    r = _run(str(SEED), "--format", "json")
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    assert set(data) >= {"path", "sections", "findings"} and len(data["sections"]) == 36
    assert set(data["sections"][0]) >= {
        "index",
        "parent",
        "level",
        "style",
        "marker",
        "number",
        "title",
        "inline",
        "line",
        "col",
        "start_char",
        "end_char",
    }
    assert _run(str(SEED), "--fail-on", "never").returncode == 0
    clean = _run(str(GWR / "gwr_2026_beijing.txt"))
    assert clean.returncode == 0 and "2025年工作回顾" in clean.stdout
    text = _run(str(SEED)).stdout
    assert f"{SEED}:12:5: GT103 (doubled-marker)" in text
    bad = _run(str(tmp_path / "missing.txt"))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_sections_no_spacy_or_jieba_needed():
    code = (
        "import sys; from govtext.sections import extract_sections; extract_sections('一、甲\\n'); "
        "assert 'spacy' not in sys.modules and 'jieba' not in sys.modules"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_sections_read_document_roundtrip():
    assert extract_sections(read_document(SEED)).sections[0].title == "强化思想引领，加强政治建设"


def test_sections_cli_several_files_jsonl_and_csv():
    files = [str(SEED), str(GWR / "gwr_2026_beijing.txt")]
    lines = _run(*files, "--format", "jsonl", "--fail-on", "never").stdout.splitlines()
    assert [json.loads(line)["path"] for line in lines] == files
    as_list = json.loads(_run(*files, "--format", "json", "--fail-on", "never").stdout)
    assert len(as_list[0]["sections"]) == 36
    assert [s["number"] for s in as_list[1]["sections"] if s["level"] == 1] == [1, 2, 3]
    csv_out = _run(str(SEED), "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("path,index,parent,level,style,marker,number,title") and len(csv_out) == 37


def test_sections_paragraphs_start_from_document_paragraphs(gwr_docs):
    """Sections splits no paragraph of its own except at a heading standing mid-line (lost breaks):
    each paragraph it reads lies inside one ``Document.paragraphs`` paragraph, and where no heading was
    found mid-line (the 2013 national report) the two are the same list."""
    from govtext.sections import _paragraphs

    for name, doc in gwr_docs.items():
        outer = [(p.start, p.end) for p in doc.paragraphs]
        k = 0
        for p in _paragraphs(doc):
            while k < len(outer) and outer[k][1] < p.end:
                k += 1
            assert k < len(outer) and outer[k][0] <= p.start and p.end <= outer[k][1], (name, p.start)
    doc = gwr_docs["gwr_2013_national.txt"]
    assert _paragraphs(doc) == doc.paragraphs


# --- the fast searches (issue 16) find what the plain patterns find ----------------------------------

# The plain forms of the lost-break patterns, as first written: the fast forms in sections.py start with
# one character class instead of a look-behind, and must match exactly the same spans.
_PLAIN_CN = "一二三四五六七八九十"
_PLAIN_LOST_HEAD = re.compile(
    rf"(?<![0-9{_PLAIN_CN}第])(?:\([ \u3000\u00a0]*(?:[{_PLAIN_CN}]{{1,3}}|\d{{1,2}})[ \u3000\u00a0]*\)"
    rf"|[{_PLAIN_CN}]{{1,3}}、|(?<!\.)\d{{1,2}}[.、])"
)
_PLAIN_LOST_CHAIN = re.compile(rf"(?<![之统唯第{_PLAIN_CN}])(?:一(?P<word>是|要)|其一(?=[，,、：:]))")
_PLAIN_LOST_APPENDIX = re.compile(
    rf"(?<=[。！!？?])[ \u3000\u00a0]*"
    rf"(?:附件(?:[ \u3000]*(?:[0-9{_PLAIN_CN}](?![0-9])|[0-9](?=(?:19|20)[0-9]{{2}}年)))?"
    r"|名词解释|名词注释|注释|附注)(?![中里所的是为和与及，,、。])"
)
_MARKER_ALPHABET = list(
    "()0123456789.、一二三四五六七八九十第之统唯其是要，,：:。！!？?  \u3000\u00a0附件名词解释注中年a“”\"１"
) + ["\u0661"]  # ١: \d matches other scripts' digits too


def _random_texts(alphabet: list[str], n: int, seed: int) -> list[str]:
    import random

    rnd = random.Random(seed)
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 50))) for _ in range(n)]


def _spans(rx: re.Pattern[str], s: str, pos: int, group: int | str = 0) -> list[tuple[int, int]]:
    return [m.span(group) for m in rx.finditer(s, pos)]


def test_sections_lost_break_patterns_match_their_plain_forms():
    from govtext.sections import _LOST_APPENDIX, _LOST_CHAIN, _LOST_HEAD

    for s in [*_random_texts(_MARKER_ALPHABET, 4000, 16), "。附件1。附注", "五一、1.5、2.1.3、(十二)", "统一是，其一，"]:
        for pos in range(1, len(s) + 1, 3):  # as searched: from just after a paragraph start
            assert _spans(_LOST_HEAD, s, pos) == _spans(_PLAIN_LOST_HEAD, s, pos), (s, pos)
            assert [(m.span(), m["word"]) for m in _LOST_CHAIN.finditer(s, pos)] == [
                (m.span(), m["word"]) for m in _PLAIN_LOST_CHAIN.finditer(s, pos)
            ], (s, pos)
            # the fast form takes in the sentence end before the opener
            opener = _spans(_LOST_APPENDIX, s, pos - 1, "opener")
            assert opener == _spans(_PLAIN_LOST_APPENDIX, s, pos), (s, pos)


def test_sections_inline_items_found_where_finditer_finds_them():
    """``_matches_from`` with the ``_INLINE_START`` offsets is ``_INLINE.finditer``: also where a match runs
    over the start of another possible one (``。第一，，二是``: the commas belong to the first)."""
    from govtext.sections import _INLINE, _INLINE_START, _matches_from

    for s in [*_random_texts(_MARKER_ALPHABET, 4000, 17), "。第一，，二是", "V2.其一，一是", "中.一是；二要求，三要"]:
        starts = [m.start() for m in _INLINE_START.finditer(s)]
        for pos in range(len(s)):
            got = [(m.span(), m.groupdict()) for m in _matches_from(_INLINE, s, starts, pos, len(s))]
            assert got == [(m.span(), m.groupdict()) for m in _INLINE.finditer(s, pos)], (s, pos)


@pytest.mark.parametrize("chunk", [1 << 20, 1, 3, 7])
def test_sections_doubled_word_starts_cover_every_match(monkeypatch, chunk):
    """Every ``市委市委`` match starts at an offset ``_doubled_starts`` gives, however the text is chunked
    (astral characters, NUL and characters sharing a low byte: 一 U+4E00, 巾 U+5E00, Ā U+0100)."""
    from govtext import sections
    from govtext.sections import _DOUBLED, _doubled_starts, _matches_from

    monkeypatch.setattr(sections, "_CHUNK", chunk)
    alphabet = list("市委创业产一很好 。巾上Ā\x00") + ["\U00020000"]
    for s in [*_random_texts(alphabet, 3000, 18), "市委市委", "创业创业创业", "好好学习学习"]:
        for lo, hi in ((0, len(s)), (1, len(s) - 1), (len(s) // 2, len(s))):
            starts = _doubled_starts(s, lo, hi)
            assert all(lo <= k < hi for k in starts)
            assert [m.span() for m in _matches_from(_DOUBLED, s, starts, lo, hi)] == [
                m.span() for m in _DOUBLED.finditer(s, lo, hi)
            ], (s, lo, hi)
