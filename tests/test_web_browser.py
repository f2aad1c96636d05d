"""The reviewer page in a real browser: ``govtext serve`` on a free loopback port, headless Debian Chromium
driven by Playwright (never a downloaded browser). Paste the seed, press review, and check what a
reviewer sees: 50 placeholders, six top-level sections, the outline scrolling the document, Chinese
glyphs (not boxes) in the screenshot saved to ``test-artifacts/web-review.png``.

Needs the system packages installed by ``make system-deps``; without them the tests fail and say so.
"""

from __future__ import annotations

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
    proc = subprocess.Popen(
        [sys.executable, "-m", "govtext", "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
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
    assert download.suggested_filename == "govtext.review.json"
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["kind"] == "party-building-summary" and len(data["placeholders"]) == 50
    with page.expect_download() as info:
        page.click("#download-html")
    report = Path(info.value.path()).read_text(encoding="utf-8")
    assert report.lstrip().lower().startswith("<!doctype html") and "2019年党建工作总结" in report


def test_web_browser_screenshot_shows_chinese_glyphs(page):
    assert SCREENSHOT.is_file() and SCREENSHOT.stat().st_size > 10_000
    # 1. the fonts Chromium actually used for the document's text are CJK faces (no fallback boxes)
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    used = {}
    for selector in ("#document", "h1#doc-title"):
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
            used[font["familyName"]] = used.get(font["familyName"], 0) + font["glyphCount"]
    total = sum(used.values())
    cjk = sum(n for name, n in used.items() if "CJK" in name)
    assert total > 1000 and cjk >= 0.9 * total, f"fonts used: {used}"
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
        page.evaluate("getComputedStyle(document.getElementById('document')).font"),
    )
    assert ink["a"][0] > 100 and ink["b"][0] > 100, ink
    assert ink["a"] != ink["b"], "two different Chinese strings render the same pixels (boxes?)"
    assert ink["a"] != ink["tofu"], "Chinese renders like unassigned characters (boxes)"


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
