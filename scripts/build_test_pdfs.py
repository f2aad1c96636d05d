"""Print real corpus texts to PDF with the system Chromium, for the PDF reader's tests.

Each text becomes an HTML page (one ``<p>`` per paragraph of the source, as ``split_paragraphs`` sees
them, so a flattened report gets its paragraphs back) printed by headless Chromium on A4: the PDF has
real hard wraps, page-number footers from CSS ``@page`` margin boxes (``- N -``, ``— N —``,
``第 N 页 共 M 页``) and, for one text, a running header. An ``.html`` source (a report with real
statistics tables) is printed as it is. ``--scanned`` prints a page that holds only a
PNG image (no text layer). The PDFs in ``tests/data/pdf/`` were made with::

    .venv/bin/python scripts/build_test_pdfs.py tests/data/pdf

Needs Debian's ``chromium`` and ``fonts-noto-cjk`` (``make system-deps``).
"""

from __future__ import annotations

import argparse
import base64
import html
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from govtext.text import split_paragraphs  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)


@dataclass(frozen=True)
class Spec:
    """One test PDF: its source text, footer form (CSS ``content``) and optional running header."""

    name: str
    source: str
    footer: str
    header: str = ""


SPECS = (
    Spec("seed_party_building.pdf", "corpora/seeds/2019_party_building_summary.txt", '"- " counter(page) " -"'),
    Spec(
        "hailar_2013.pdf",
        "corpora/gwr/gwr_2013_hailar_district.txt",
        '"— " counter(page) " —"',
        header="海拉尔区人民政府工作报告",
    ),
    Spec(
        "national_2020.pdf",
        "corpora/gwr/gwr_2020_national.txt",
        '"第 " counter(page) " 页 共 " counter(pages) " 页"',
    ),
    # a 政府信息公开工作年度报告 with real HTML tables (its own @page footer and CSS)
    Spec("disclosure_tables.pdf", "tests/data/tables_disclosure.html", ""),
)

_CSS = """
@page {{ size: A4; margin: 22mm 24mm 22mm 24mm;
  @bottom-center {{ content: {footer}; font-size: 10pt; }}
  {header} }}
body {{ font-family: "Noto Sans CJK SC", sans-serif; font-size: 15pt; line-height: 1.5; }}
p {{ margin: 0; text-indent: 2em; text-align: justify; }}
"""


def page_html(text: str, footer: str, header: str = "") -> str:
    """The HTML page for ``text``: one paragraph per ``<p>``, footer and header as ``@page`` boxes."""
    top = f'@top-center {{ content: "{header}"; font-size: 10pt; }}' if header else ""
    css = _CSS.format(footer=footer, header=top)
    body = "\n".join(f"<p>{html.escape(p.text)}</p>" for p in split_paragraphs(text))
    return f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>{css}</style></head><body>{body}</body></html>'


def _png(width: int, height: int) -> bytes:
    """A grey-striped RGB PNG (a stand-in for a scanned page image)."""
    rows = b"".join(
        b"\x00" + bytes((200 if (y // 8) % 2 else 90,) * 3 * width) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def scanned_html() -> str:
    """A page holding only an image: what a scanner's PDF looks like to a text extractor."""
    data = base64.b64encode(_png(400, 560)).decode()
    return (
        '<!doctype html><html><head><style>@page { size: A4; margin: 10mm; } body { margin: 0; }</style>'
        f'</head><body><img src="data:image/png;base64,{data}" style="width:180mm"></body></html>'
    )


def print_pdf(page: str, out: Path, *, chromium: str = CHROMIUM, timeout: float = 180) -> Path:
    """Print the HTML ``page`` to ``out`` with headless Chromium; raise if no PDF comes out."""
    if not shutil.which(chromium):
        raise RuntimeError(f"{chromium} not found: run `make system-deps`")
    with tempfile.TemporaryDirectory(prefix="govtext-pdf-") as tmp:
        src = Path(tmp) / "page.html"
        src.write_text(page, encoding="utf-8")
        target = Path(tmp) / "out.pdf"
        cmd = [chromium, *CHROMIUM_ARGS, f"--user-data-dir={tmp}/profile", f"--print-to-pdf={target}", src.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if not target.is_file() or target.stat().st_size == 0:
            raise RuntimeError(f"chromium printed no PDF (exit {proc.returncode}): {proc.stderr.strip()[-300:]}")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, out)
    return out


def build(spec: Spec, out_dir: Path) -> Path:
    """Print one ``Spec``'s source into ``out_dir`` (a text through ``page_html``, an .html as it is)."""
    source = (ROOT / spec.source).read_text(encoding="utf-8")
    page = source if spec.source.endswith(".html") else page_html(source, spec.footer, spec.header)
    return print_pdf(page, out_dir / spec.name)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--only", help="build only the PDF with this file name")
    args = ap.parse_args(argv)
    for spec in SPECS:
        if args.only and spec.name != args.only:
            continue
        print(build(spec, args.out_dir))
    if not args.only or args.only == "scanned.pdf":
        print(print_pdf(scanned_html(), args.out_dir / "scanned.pdf"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
