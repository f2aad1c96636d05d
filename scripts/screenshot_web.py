"""Screenshots of the reviewer web page for docs/web.md, made by a browser, not by hand.

Starts ``govtext serve`` on a free loopback port, drives Debian's headless Chromium with Playwright
(no browser download), pastes the bundled seed and saves the Chinese review page; then uploads three
files together and saves the batch table.

    .venv/bin/python scripts/screenshot_web.py            # writes docs/img/web-review.png, web-batch.png
    .venv/bin/python scripts/screenshot_web.py -o /tmp   # elsewhere

Needs ``make system-deps`` (chromium, fonts-noto-cjk); a missing piece is one line and exit code 2.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SEED = ROOT / "corpora" / "seeds" / "2019_party_building_summary.txt"
BATCH = (SEED, ROOT / "tests" / "data" / "web_inspection_report.txt", ROOT / "corpora" / "annual" / "fz_2023_jinghai.txt")
VIEWPORT = {"width": 1280, "height": 860}


def _fail(message: str) -> None:
    print(f"screenshot_web: {message}", file=sys.stderr)
    raise SystemExit(2)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(base: str, proc: subprocess.Popen) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            _fail(f"govtext serve exited with {proc.returncode}")
        try:
            if httpx.get(base + "/", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    _fail("govtext serve did not answer within 60 s")


def shoot(out: Path) -> list[Path]:
    """Save the review page and the batch table under ``out``; returns the files written."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "GOVTEXT_LANG"}
    proc = subprocess.Popen([sys.executable, "-m", "govtext", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    written = []
    try:
        _wait(base, proc)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
            try:
                page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
                page.goto(base + "/")
                page.fill("#text", SEED.read_text(encoding="utf-8"))
                with page.expect_navigation():
                    page.click("#review")
                written.append(out / "web-review.png")
                page.screenshot(path=str(written[-1]))
                page.goto(base + "/")
                page.set_input_files("#file", [str(p) for p in BATCH])
                with page.expect_navigation():
                    page.click("#review")
                written.append(out / "web-batch.png")
                page.screenshot(path=str(written[-1]), clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": 360})
            finally:
                browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", type=Path, default=ROOT / "docs" / "img", help="folder for the PNG files")
    args = parser.parse_args()
    if not os.access(CHROMIUM, os.X_OK):
        _fail(f"needs Debian's chromium ({CHROMIUM}): run `make system-deps`")
    if not args.out.is_dir():
        _fail(f"{args.out}: no such folder")
    for path in shoot(args.out):
        print(path)


if __name__ == "__main__":
    main()
