"""The reviewer page in a real browser: ``govtext serve`` on a free loopback port, headless Debian Chromium
driven by Playwright (never a downloaded browser). Paste the seed, press review, and check what a
reviewer sees: 50 placeholders, six top-level sections, the outline scrolling the document, Chinese
glyphs (not boxes) in the screenshot saved to ``test-artifacts/web-review.png``.

Needs the system packages installed by ``make system-deps``; without them the tests fail and say so.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, SEED

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOT = ARTIFACTS / "web-review.png"
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 120_000


def _require_system_deps() -> None:
    """Fail (never skip) with the make target that installs what is missing."""
    missing = []
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"Debian's chromium ({CHROMIUM})")
    fc_list = shutil.which("fc-list")
    families = ""
    if fc_list:
        families = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True).stdout
    if "CJK" not in families:
        missing.append("a CJK font (fonts-noto-cjk; fc-list :lang=zh finds none)")
    if missing:
        pytest.fail(f"browser test needs {' and '.join(missing)}: run `make system-deps`", pytrace=False)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``govtext serve`` in a subprocess on a free loopback port; stopped after the module."""
    _require_system_deps()
    port = _free_port()
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    log = open(log_path, "w", encoding="utf-8")  # closed in the finally below
    env = {k: v for k, v in os.environ.items() if k != "GOVTEXT_LANG"}  # the page chooses by Accept-Language
    proc = subprocess.Popen(
        [sys.executable, "-m", "govtext", "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                log.flush()
                pytest.fail(f"govtext serve exited with {proc.returncode}: {log_path.read_text()}", pytrace=False)
            try:
                if httpx.get(base + "/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("govtext serve did not answer within 60 s", pytrace=False)
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def page(server):
    """A Chromium page that has pasted the seed and pressed review."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            pg = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
            pg.set_default_timeout(TIMEOUT_MS)
            pg.goto(server + "/")
            pg.fill("#text", SEED.read_text(encoding="utf-8"))
            with pg.expect_navigation():
                pg.click("#review")
            pg.wait_for_selector("#document")
            ARTIFACTS.mkdir(exist_ok=True)
            pg.screenshot(path=str(SCREENSHOT))
            yield pg
        finally:
            browser.close()


def test_web_browser_lists_the_50_placeholders(page):
    assert page.locator("#placeholders > li").count() == 50
    assert page.locator("#placeholder-count").inner_text() == "50"
    # each listed placeholder is highlighted in the document, with its kind
    assert page.locator("#document .ph[id^='ph-']").count() == 50
    kinds = page.locator("#placeholders > li").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert all(kinds)


def test_web_browser_shows_the_six_top_level_sections(page):
    top = page.locator("nav#outline > ul > li > a")
    labels = top.all_inner_texts()
    assert len(labels) == 6
    assert [label[:2] for label in labels] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    assert page.locator("#score").inner_text().strip()
    assert page.locator("#parts tbody tr").count() >= 4


def test_web_browser_clicking_a_section_scrolls_to_it(page):
    page.evaluate("window.scrollTo(0, 0)")
    link = page.locator("nav#outline > ul > li > a").nth(5)
    link.scroll_into_view_if_needed()
    target = link.get_attribute("href")
    assert target and target.startswith("#sec-")
    rect = "id => { const r = document.getElementById(id).getBoundingClientRect(); return [r.top, r.bottom, innerHeight]; }"
    top, _, height = page.evaluate(rect, target[1:])
    assert top > height, "the sixth section should start below the fold before the click"
    before = page.evaluate("window.scrollY")
    link.click()
    page.wait_for_function(
        "id => { const r = document.getElementById(id).getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }",
        arg=target[1:],
    )
    assert page.evaluate("location.hash") == target
    assert page.evaluate("window.scrollY") > before
    assert page.locator(target).inner_text().startswith("六、")


def test_web_browser_downloads_the_json_and_the_report(page):
    with page.expect_download() as info:
        page.click("#download-json")
    download = info.value
    assert download.suggested_filename == "2019年党建工作总结.审阅.json"  # named from the title and year
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["kind"] == "party-building-summary" and len(data["placeholders"]) == 50
    with page.expect_download() as info:
        page.click("#download-html")
    report = Path(info.value.path()).read_text(encoding="utf-8")
    assert report.lstrip().lower().startswith("<!doctype html") and "2019年党建工作总结" in report


def assert_cjk_glyphs(page, selectors: tuple[str, ...], min_glyphs: int = 1000) -> None:
    """Chinese on ``page`` is drawn as glyphs: the fonts Chromium used for the text under ``selectors`` are
    CJK faces, and in the page's own font different Chinese strings draw different ink (unlike boxes)."""
    # 1. the fonts Chromium actually used for the text are CJK faces (no fallback boxes)
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    used: dict[str, int] = {}
    for selector in selectors:
        for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]:
            for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
                used[font["familyName"]] = used.get(font["familyName"], 0) + font["glyphCount"]
    total = sum(used.values())
    cjk = sum(n for name, n in used.items() if "CJK" in name)
    assert total > min_glyphs and cjk >= 0.9 * total, f"fonts used: {used}"
    # 2. in the page's own font, different Chinese strings draw different ink, unlike .notdef boxes
    ink = page.evaluate(
        """font => {
            const c = document.createElement('canvas'); c.width = 360; c.height = 48;
            const g = c.getContext('2d');
            const draw = s => {
                g.clearRect(0, 0, c.width, c.height); g.font = font; g.textBaseline = 'top'; g.fillStyle = '#000';
                g.fillText(s, 2, 4);
                const d = g.getImageData(0, 0, c.width, c.height).data;
                let sig = 0, n = 0;
                for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) { n++; sig = (sig * 31 + i * d[i]) % 1000000007; } }
                return [n, sig];
            };
            return {a: draw('党建工作总结'), b: draw('述职政府报告'), tofu: draw('\\uE000\\uE001\\uE002\\uE003\\uE004\\uE005')};
        }""",
        page.evaluate(f"getComputedStyle(document.querySelector({json.dumps(selectors[0])})).font"),
    )
    assert ink["a"][0] > 100 and ink["b"][0] > 100, ink
    assert ink["a"] != ink["b"], "two different Chinese strings render the same pixels (boxes?)"
    assert ink["a"] != ink["tofu"], "Chinese renders like unassigned characters (boxes)"


def test_web_browser_screenshot_shows_chinese_glyphs(page):
    assert SCREENSHOT.is_file() and SCREENSHOT.stat().st_size > 10_000
    assert_cjk_glyphs(page, ("#document .lt", "h1#doc-title"))


def test_web_browser_review_with_an_uploaded_outline(page, server):
    """A reviewer's own outline chosen in the page's file input: the review follows it; a malformed one
    brings the form back with ``file:line: problem`` and the pasted text kept."""
    data = ROOT / "tests" / "data"
    report = (data / "web_inspection_report.txt").read_text(encoding="utf-8")
    context = page.context.browser.new_context(viewport=VIEWPORT, locale="zh-CN")  # ``page`` keeps the seed's review
    pg = context.new_page()
    try:
        pg.set_default_timeout(TIMEOUT_MS)
        pg.goto(server + "/")
        pg.fill("#text", report)
        pg.select_option("#kind", "work-summary")  # an outline wins over the kind menu
        pg.set_input_files("#outline", str(data / "web_outline.toml"))
        with pg.expect_navigation():
            pg.click("#review")
        assert pg.locator("#kind").inner_text() == "督查报告"
        rows = pg.locator("#parts tbody tr").evaluate_all("els => els.map(e => e.dataset.part)")
        assert rows == ["overview", "findings", "remedies"]
        pg.goto(server + "/")
        pg.fill("#text", report)
        pg.set_input_files("#outline", str(data / "web_outline_broken.toml"))
        with pg.expect_navigation():
            pg.click("#review")
        assert pg.locator("#error").inner_text() == (
            "web_outline_broken.toml:20: part 'findings': weight must be a non-negative number")
        assert pg.input_value("#text") == report
    finally:
        context.close()


# --------------------------------------------------------------------------- Chinese first, English on request

# A work summary without 存在问题, its lines indented with U+3000, ASCII spaces and NBSP (issue 13).
NO_PROBLEMS = (
    "市X局2020年工作总结\n"
    "\n"
    "\u3000\u30002020年，市X局在市委、市政府的坚强领导下，认真履行职能职责，现将全年工作总结如下：\n"
    "一、主要工作及成效\n"
    "\u3000\u3000（一）强化理论武装。全年组织中心组学习12次，开展专题研讨4次，理论学习走深走实。\n"
    "  （二）抓好基层党建。规范“三会一课”，发展党员X名，基层组织建设全面加强。\n"
    "\u00a0\u00a0（三）推进重点项目。完成投资X万元，同比增长8.5%，重点项目按期推进。\n"
    "二、下一步工作打算\n"
    "\u3000\u3000一是持续加强政治建设。二是扎实推进重点项目。三是从严管理干部队伍。\n"
)
INDENTED_LINES = (3, 5, 6, 7, 9)


def _new_page(browser, **context):
    ctx = browser.new_context(viewport=VIEWPORT, **context)
    pg = ctx.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    return ctx, pg


def _review(pg, server: str, text: str, path: str = "/") -> None:
    pg.goto(server + path)
    pg.fill("#text", text)
    with pg.expect_navigation():
        pg.click("#review")
    pg.wait_for_selector("#document")


def test_web_browser_page_is_chinese_by_default(page, server):
    from govtext.i18n import gettext

    ctx, pg = _new_page(page.context.browser, locale="zh-CN")
    try:
        pg.goto(server + "/")
        assert pg.evaluate("document.documentElement.lang") == "zh-CN"
        assert pg.locator("h1").inner_text() == gettext("Submit a summary for review", "zh") != "Submit a summary for review"
        assert pg.locator("#review").inner_text() == "审阅"
        assert pg.locator("label[for=text]").inner_text() == gettext("Paste the whole text", "zh")
        pg.screenshot(path=str(ARTIFACTS / "web-index-zh.png"))
        assert_cjk_glyphs(pg, ("h1", "label", "header.top", "footer"), min_glyphs=40)
        # the review page of the seed is Chinese too: headline, parts' statuses, headings
        assert page.locator("#headline").inner_text().startswith("结构 81/100")
        assert page.locator("#parts-heading").inner_text() == gettext("Parts", "zh")
        statuses = {gettext(s, "zh") for s in ("present", "weak", "missing")}
        assert set(page.locator("#parts td.status").all_inner_texts()) <= statuses and "present" not in statuses
    finally:
        ctx.close()


def test_web_browser_page_is_english_with_accept_language_en(page, server):
    ctx, pg = _new_page(page.context.browser, locale="en-US", extra_http_headers={"Accept-Language": "en"})
    try:
        pg.goto(server + "/")
        assert pg.evaluate("document.documentElement.lang") == "en"
        assert pg.locator("h1").inner_text() == "Submit a summary for review"
        assert pg.locator("#review").inner_text() == "Review"
        pg.screenshot(path=str(ARTIFACTS / "web-index-en.png"))
        _review(pg, server, SEED.read_text(encoding="utf-8"))
        assert pg.locator("#headline").inner_text().startswith("structure 81/100")
        assert pg.locator("#parts-heading").inner_text() == "Parts"
        assert set(pg.locator("#parts td.status").all_inner_texts()) <= {"present", "weak", "missing"}
        assert pg.locator("#document .ph").count() == 50  # the document itself stays as written
        # and ?lang=zh switches back, whatever the browser says
        pg.click("#lang-switch")
        assert pg.locator("#review").inner_text() == "审阅"
    finally:
        ctx.close()


# --------------------------------------------------------------------------- the document view and the report


def test_web_browser_missing_part_marker_is_visible(page, server):
    """A summary without 存在问题: the page and the downloaded HTML report both show where it is missing."""
    from govtext.i18n import gettext

    ctx, pg = _new_page(page.context.browser, locale="zh-CN")
    try:
        _review(pg, server, NO_PROBLEMS)
        assert pg.locator("#parts tr[data-part=problems] td.status").inner_text() == gettext("missing", "zh")
        gap = pg.locator("#document .gap")
        assert gap.count() == 1
        gap.scroll_into_view_if_needed()
        box = gap.bounding_box()
        assert box and box["width"] > 40 and box["height"] > 8  # drawn from its label
        drawn = gap.evaluate("e => getComputedStyle(e, '::after').content")
        assert "存在问题" in drawn
        # the HTML report, as downloaded, in the browser
        with pg.expect_download() as info:
            pg.click("#download-html")
        report = Path(info.value.path()).read_text(encoding="utf-8")
        pg.set_content(report)
        marker = pg.locator(".doc .gap", has_text="存在问题")
        assert marker.count() >= 1
        marker.first.scroll_into_view_if_needed()
        assert marker.first.is_visible()
        box = marker.first.bounding_box()
        assert box and box["width"] > 20 and box["height"] > 8
    finally:
        ctx.close()


def _row_offsets(pg, row_selector: str, number_selector: str, text_selector: str) -> dict[int, float]:
    """Line number → vertical distance between its number's box and its text's first line."""
    found = pg.evaluate(
        """([rows, num, txt]) => {
            const out = {};
            document.querySelectorAll(rows).forEach((row, i) => {
                const n = row.querySelector(num), t = row.querySelector(txt);
                if (!n || !t) return;
                const rn = n.getBoundingClientRect();
                const range = document.createRange(); range.selectNodeContents(t);
                const first = range.getClientRects()[0] || t.getBoundingClientRect();
                out[i + 1] = Math.abs((rn.top + rn.bottom) / 2 - (first.top + first.bottom) / 2);
            });
            return out;
        }""",
        [row_selector, number_selector, text_selector],
    )
    return {int(k): v for k, v in found.items()}


def test_web_browser_indented_lines_keep_number_and_text_on_one_row(page, server):
    ctx, pg = _new_page(page.context.browser, locale="zh-CN")
    try:
        _review(pg, server, NO_PROBLEMS)
        offsets = _row_offsets(pg, "#document .line", ".ln", ".lt")
        assert len(offsets) == NO_PROBLEMS.count("\n")
        for n in INDENTED_LINES:
            assert offsets[n] < 6, (n, offsets)
        with pg.expect_download() as info:
            pg.click("#download-html")
        pg.set_content(Path(info.value.path()).read_text(encoding="utf-8"))
        offsets = _row_offsets(pg, ".doc .row", ".lno", ".txt")
        for n in INDENTED_LINES:
            assert offsets[n] < 6, ("HTML report", n, offsets)
    finally:
        ctx.close()


def test_web_browser_print_puts_the_score_on_page_1_without_the_sidebar(page):
    from pypdf import PdfReader

    try:
        page.emulate_media(media="print")
        assert not page.locator("nav#outline").is_visible()
        assert not page.locator(".downloads").is_visible()
        assert not page.locator("#recheck").is_visible()
        box = page.locator("#score").bounding_box()
        a4_printable = (297 - 2 * 15) / 25.4 * 96  # CSS px of an A4 page inside 15 mm margins
        assert box and box["y"] + box["height"] < a4_printable
        pdf = page.pdf(format="A4", print_background=True)
    finally:
        page.emulate_media(media="screen")
    pages = PdfReader(io.BytesIO(pdf)).pages
    first = pages[0].extract_text()
    assert "81" in first and "/ 100" in first, first[:400]
    assert "结构 81/100" in first  # the headline too
    everything = "".join(p.extract_text() for p in pages)
    assert "36 个标题" not in everything  # the outline sidebar is not printed
    assert "下载" not in everything  # nor the download links


# --------------------------------------------------------------------------- batch


def test_web_browser_batch_upload_of_three_files_gives_the_table(page, server, tmp_path):
    import csv

    data = ROOT / "tests" / "data"
    (tmp_path / "no_problems.txt").write_text(NO_PROBLEMS, encoding="utf-8")
    files = [SEED, tmp_path / "no_problems.txt", data / "web_inspection_report.txt"]
    ctx, pg = _new_page(page.context.browser, locale="zh-CN")
    try:
        pg.goto(server + "/")
        pg.set_input_files("#file", [str(f) for f in files])
        with pg.expect_navigation():
            pg.click("#review")
        rows = pg.locator("#batch tbody tr")
        assert rows.count() == 3
        names = rows.evaluate_all("els => els.map(e => e.dataset.file)")
        assert names == [f.name for f in files]
        scores = [int(s) for s in pg.locator("#batch td.score-cell").all_inner_texts()]
        assert scores[0] == 81 and all(0 <= s <= 100 for s in scores)
        assert "存在问题" in pg.locator("#batch td.missing-cell").nth(1).inner_text()
        assert pg.locator(".review-of").count() == 3
        pg.screenshot(path=str(ARTIFACTS / "web-batch.png"))
        assert_cjk_glyphs(pg, ("#batch td", "#batch th"), min_glyphs=60)
        # each row links to its review further down the page
        link = rows.nth(2).locator("a")
        link.click()
        pg.wait_for_function("() => { const r = document.getElementById('d3-review').getBoundingClientRect();"
                             " return r.top >= -1 && r.top < innerHeight; }")
        assert pg.locator("#d3-kind").inner_text()
        with pg.expect_download() as info:
            pg.click("#download-csv")
        table = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
        assert len(table) == 4 and table[1][0] == SEED.name and table[1][3] == "81"
    finally:
        ctx.close()
