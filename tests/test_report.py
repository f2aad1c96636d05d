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
