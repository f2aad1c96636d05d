"""Reader speed: bytes → Document (decode, title, year, paragraphs) for UTF-8, GB18030 and .docx.

Called by ``scripts/bench.py``: ``run(texts, jieba_seconds) -> list[dict]``.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _build(datas: dict[str, bytes], decode) -> float:
    from govtext.model import Document

    t0 = time.perf_counter()
    for name, data in datas.items():
        text, enc = decode(data, name)
        doc = Document.from_text(text, path=name, encoding=enc)
        doc.paragraphs  # noqa: B018 - force the split
    return time.perf_counter() - t0


def _docx_of(texts: dict[str, str]) -> bytes:
    """One .docx holding every text, one paragraph per line (plain paragraphs and list items)."""
    import docx

    d = docx.Document()
    for i, text in enumerate(texts.values()):
        for line in text.splitlines():
            if line.strip():
                d.add_paragraph(line, style="List Number" if i % 2 else None)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def run(texts: dict[str, str], jieba_seconds: float) -> list[dict]:
    from govtext.docx import read_docx_text
    from govtext.readers import decode_bytes

    chars = sum(len(t) for t in texts.values())
    rows = []
    for label, codec in (("utf-8", "utf-8"), ("gb18030", "gb18030")):
        datas = {n: t.encode(codec) for n, t in texts.items()}
        _build(datas, decode_bytes)  # warm up
        secs = min(_build(datas, decode_bytes) for _ in range(3))
        rows.append(
            {
                "metric": f"read {label} → Document",
                "value": chars / secs / 1e6,
                "unit": "M chars/s",
                "note": f"{secs:.3f} s for {len(texts)} texts; {jieba_seconds / secs:.0f}× faster than bare jieba",
            }
        )
    data = _docx_of(texts)
    t0 = time.perf_counter()
    text = read_docx_text(data, "bench.docx")
    secs = time.perf_counter() - t0
    rows.append(
        {
            "metric": "read .docx (numbering rebuilt)",
            "value": len(text) / secs / 1e6,
            "unit": "M chars/s",
            "note": f"{secs:.2f} s for one {len(data) / 1e6:.1f} MB .docx of {text.count(chr(10)) + 1:,} paragraphs",
        }
    )
    seed = ROOT / "corpora" / "seeds" / "2019_party_building_summary.txt"
    best = min(_timed([sys.executable, "-m", "govtext", "info", str(seed)]) for _ in range(3))
    rows.append({"metric": "govtext info cold start", "value": best, "unit": "s", "note": "seed, best of 3"})
    return rows


def _timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t0
