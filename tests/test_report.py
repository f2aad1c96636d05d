"""Reports: the rich text form and the self-contained HTML page (user text always escaped)."""

from __future__ import annotations

from html.parser import HTMLParser

from conftest import DATA, GWR
from govtext import Document, read_document
from govtext.report import html_fragment, render_html, render_text
from govtext.review import check_document

EVIL = (
    "市<script>alert('x')</script>局2023年工作总结\n\n"
    "今年以来，我们认真落实<img src=x onerror=alert(1)>各项部署，现将工作总结如下：\n"
    "一、主要工作\n" + "全年完成X个项目，举办培训X期，服务群众三千人次，成效明显。" * 8 + "\n"
    "二、存在的问题\n<b>一是</b>学习不够深入。二是创新不够，办法不多。三是“</td></tr></table><script>”队伍建设有待加强。\n"
    "三、下一步打算\n下一步，我们将进一步加强学习，推动工作创新，加强队伍建设，确保各项工作落到实处。继续抓好落实。\n"
)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


def _parse(page: str) -> _Collect:
    p = _Collect()
    p.feed(page)
    p.close()
    return p


def test_report_html_escapes_user_text():
    page = render_html(check_document(Document.from_text(EVIL, path="evil<script>.txt")))
    parsed = _parse(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert not any(name.startswith("on") for name, _ in parsed.attrs)
    text = "".join(parsed.text)
    assert "<script>alert('x')</script>" in text  # shown as text, not run
    assert "<img src=x onerror=alert(1)>" in text
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert "b" not in parsed.tags  # the summary's <b> stays text


def test_report_html_is_self_contained(seed_doc):
    page = render_html(check_document(seed_doc))
    parsed = _parse(page)
    assert "link" not in parsed.tags and "script" not in parsed.tags and "iframe" not in parsed.tags
    for name, value in parsed.attrs:
        if name in ("src", "href"):
            assert value is None or value.startswith("#"), (name, value)
    assert "<style>" in page and "url(" not in page and "@import" not in page
    assert "Noto Sans CJK SC" in page  # a CJK font stack


def test_report_html_highlights_placeholders_faults_and_parts(seed_doc):
    r = check_document(seed_doc)
    page = render_html(r)
    assert len(r.placeholders) >= 20 and page.count('<mark class="ph"') >= 20
    assert 'class="f-error"' in page  # 三是是 / 市委市委
    assert "存在问题" in page and "下一步打算" in page and "part-start" in page
    assert f">{r.completeness.score}<small>/100" in page
    # every line of the document is there, with an anchor
    for n in range(1, len(r.document.lines.starts) + 1):
        assert f'id="d0-L{n}"' in page


def test_report_html_shows_a_missing_part():
    doc = read_document(DATA / "completeness_work_summary_annual.txt")
    cut = doc.text[: doc.text.index("三、2024年工作打算")]
    page = render_html(check_document(cut, kind="work-summary"))
    assert 'class="gap"' in page and "下一步打算" in page


def test_report_html_several_documents_one_page():
    docs = [read_document(DATA / "completeness_debrief.txt"), read_document(GWR / "gwr_2019_national.txt")]
    page = render_html([check_document(d) for d in docs])
    assert page.count("<article") == 2 and 'id="d1-L1"' in page
    assert page.count("<html") == 1


def test_report_fragment_embeds_without_page_chrome(seed_doc):
    frag = html_fragment(check_document(seed_doc), anchor="x")
    assert frag.startswith("<article") and "<html" not in frag and 'id="x-L1"' in frag


def test_report_text_plain_and_colored(seed_doc):
    r = check_document(seed_doc)
    plain = render_text(r, width=100, lang="en")
    assert "\x1b[" not in plain
    for needle in ("党建工作总结", "主要工作及成效", "存在问题", "下一步打算", "GT103", "placeholders", f"score {r.completeness.score}/100"):
        assert needle in plain, needle
    assert "一、强化思想引领，加强政治建设" in plain  # the outline tree
    colored = render_text(r, color=True, width=100, lang="en")
    assert "\x1b[" in colored
    boxed = [line for line in plain.splitlines() if any(c in line for c in "│┃┏└├")]
    assert boxed and max(len(line) for line in boxed) <= 100  # tree and table fit the width
    assert f"{r.path}:12:5: GT103 (doubled-marker)" in plain  # findings stay on one line each


# --- issue 13: markers wherever they fall, indented lines, print, placeholders, titles, file names -------


def _rows(page: str) -> dict[int, str]:
    """Line number → the inner HTML of its row in the document view."""
    import re

    return {int(n): body for n, body in re.findall(r'<div class="row" id="d0-L(\d+)">(.*?)</div></div>', page)}


def test_report_html_missing_part_marker_at_a_line_end():
    """A part missing after the last line's text is shown there (it was lost at line ends)."""
    doc = read_document(DATA / "completeness_work_summary_annual.txt")
    cut = doc.text[: doc.text.index("二、存在的问题")].rstrip("\n") + "\n"
    r = check_document(cut, kind="work-summary")
    gaps = [f for f in r.completeness.findings if f.code == "GT401"]
    assert gaps and all(r.document.text[f.start_char - 1:f.start_char + 1].endswith("\n") for f in gaps)
    page = render_html(r, lang="zh")
    rows = _rows(page)
    for f in gaps:
        label = f.message.split("required part ", 1)[1].split(" is missing", 1)[0]
        assert f'<span class="gap" title="缺少必需部分：{label}">' in rows[f.line], (f.line, label)


def test_report_html_indented_lines_start_on_their_number_row():
    """NBSP, spaces or U+3000 at a line's start: no paragraph break is drawn before the text."""
    text = ("某局2023年工作总结\n\u3000\u3000今年以来，我们认真落实各项部署，现将工作总结如下：\n\u00a0\u00a0一、主要工作\n"
            "    全年完成项目十个，培训干部三十人次。\n\u3000\u3000二、存在问题\n\u3000\u3000学习不够深入。\n"
            "\u3000\u3000三、下一步打算\n\u3000\u3000继续加强学习。二是抓落实。\n")
    page = render_html(check_document(text), lang="zh")
    rows = _rows(page)
    assert len(rows) >= len(text.splitlines())
    for n, line in enumerate(text.splitlines(), 1):
        body = rows[n].split('<div class="txt">', 1)[1]
        lead = body[: body.index(html_escape(line.strip()[:2]))]
        assert "pbr" not in lead, (n, lead)  # no block break between the indent and the text
    assert ".doc .row { display:flex; align-items: baseline; }" in page


def html_escape(s: str) -> str:
    import html

    return html.escape(s, quote=True)


def test_report_html_flattened_paragraphs_still_break():
    """Text crawled with its paragraph breaks lost still shows each paragraph on its own band."""
    flat = ("2019年工作总结\n今年以来，我们认真落实各项部署。\u3000\u3000一、主要工作。全年完成项目十个。"
            "\u3000\u3000二、存在问题。学习不够深入。\n")
    page = render_html(check_document(flat), lang="zh")
    row = _rows(page)[2]
    assert row.count('<span class="pbr"></span>') == 2  # before 一、 and 二、, on the one line


def test_report_html_print_stylesheet(seed_doc):
    page = render_html(check_document(seed_doc))
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    printing = style.split("@media print", 1)[1]
    assert "size: A4" in printing and "nav, aside, .sidebar, .downloads" in printing and "display: none" in printing
    assert "text-decoration: none" in printing  # links print as plain text
    # the headline and the score come first in the article: page 1
    article = page.split("<article", 1)[1]
    assert article.index('class="headline"') < article.index('class="score"') < article.index("<h2>")


def test_report_html_lists_every_placeholder_with_context_and_counts(seed_doc):
    r = check_document(seed_doc)
    page = render_html(r, lang="zh")
    section = page.split(f"<h2>未填占位符（{len(r.placeholders)}）</h2>", 1)[1].split("<h2>", 1)[0]
    assert '<p class="kinds">按类型：单位 23、数量 17、文字 3、金额 2、提法 2、日期 1、序号 1、人名 1</p>' in section
    assert section.count("<li>") == len(r.placeholders) == 50
    assert "<q>市[X]局按照市委的统一部署</q>" in section and "单位或地名未填 [单位]" in section


def test_report_html_page_titled_by_the_detected_title():
    r = check_document(Document.from_text("2023年某某局工作总结\n\n今年以来，我们认真工作。\n", path="-"))
    assert "<title>审阅：2023年某某局工作总结</title>" in render_html(r, lang="zh")
    assert "<title>Review: 2023年某某局工作总结</title>" in render_html(r, lang="en")


def test_report_text_placeholders_all_or_n_with_context(seed_doc):
    r = check_document(seed_doc)
    full = render_text(r, width=200, lang="zh", placeholders=None)
    lines = [x for x in full.splitlines() if x.startswith("  ") and "GT2" in x and "“" in x]
    assert len(lines) == 50 and "另有" not in full
    assert "4:6    “X”  单位  GT206 单位或地名未填  市[X]局按照市委的统一部署" in full
    assert "未填占位符（50）：单位 23、数量 17、文字 3" in full
    some = render_text(r, width=200, lang="zh", placeholders=3)
    assert "……另有 47 处（全部列出：--placeholders all）" in some


def test_report_filename_from_title_and_year(seed_doc):
    from govtext.report import report_filename

    r = check_document(seed_doc)
    assert report_filename(r, "html", "zh") == "2019年党建工作总结.审阅.html"
    assert report_filename(r, ".docx", "en") == "2019年党建工作总结.review.docx"
    odd = check_document(Document.from_text('关于"A/B"专项<整治>工作总结\n\n2021年以来，我们认真工作。\n', path="x.txt"))
    name = report_filename(odd, "html", "zh")
    assert name == "关于_A_B_专项_整治_工作总结.审阅.html", name
    untitled = check_document(Document.from_text("认真工作。\n", path="/tmp/某单位 小结.txt"))
    assert report_filename(untitled, "html", "zh").endswith(".审阅.html")
    assert "/" not in report_filename(untitled, "html", "zh")


def test_report_html_in_chromium_rows_markers_and_print(tmp_path):
    """In a real browser: an indented line's number and text share one row, a missing part's marker at a
    line end is visible, and printed on A4 the headline and score are on page 1."""
    import io

    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    from test_web_browser import CHROMIUM, CHROMIUM_ARGS, _require_system_deps

    _require_system_deps()
    doc = read_document(DATA / "completeness_work_summary_annual.txt")
    cut = doc.text[: doc.text.index("二、存在的问题")].rstrip("\n") + "\n"
    indents = ("\u3000\u3000", "\u00a0\u00a0", "    ")  # as Word exports and web pages indent
    cut = "".join(indents[i % 3] + line if line.strip() and i else line
                  for i, line in enumerate(cut.splitlines(keepends=True)))
    r = check_document(cut, kind="work-summary")
    page_html = render_html(r, lang="zh")
    indented = [n for n, line in enumerate(cut.splitlines(), 1) if line[:1].isspace() and line.strip()]
    assert len(indented) >= 5
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            pg = browser.new_page(viewport={"width": 1100, "height": 900}, locale="zh-CN")
            pg.set_content(page_html)
            for n in indented:
                lno, first = pg.evaluate(
                    """(id) => {
                        const row = document.getElementById(id);
                        const walker = document.createTreeWalker(row.querySelector('.txt'), NodeFilter.SHOW_TEXT);
                        let node = walker.nextNode();
                        while (node && !node.textContent.trim()) node = walker.nextNode();
                        const i = node.textContent.search(/\\S/);
                        const range = document.createRange();
                        range.setStart(node, i); range.setEnd(node, i + 1);
                        const a = row.querySelector('.lno').getBoundingClientRect();
                        const b = range.getBoundingClientRect();
                        return [[a.top, a.bottom], [b.top, b.bottom]];
                    }""", f"d0-L{n}")
                assert abs((lno[0] + lno[1]) / 2 - (first[0] + first[1]) / 2) < 8, (n, lno, first)
            gaps = pg.locator(".doc .gap")
            assert gaps.count() >= 1 and all(gaps.nth(i).is_visible() for i in range(gaps.count()))
            box = gaps.first.bounding_box()
            assert box and box["width"] > 20 and box["height"] > 8
            pdf = pg.pdf(format="A4", print_background=True)
        finally:
            browser.close()
    (tmp_path / "report.pdf").write_bytes(pdf)
    first_page = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    squeezed = "".join(first_page.split())
    assert f"{r.completeness.score}/100" in squeezed and "结构" in squeezed, first_page[:300]
