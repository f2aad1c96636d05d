#!/usr/bin/env python3
"""Scaling: time and peak memory of ``govtext check``, ``outline`` and ``placeholders`` on one document
of 10 k, 100 k, 1 M and 10 M characters, on a 19 MB text with no line break at all, and (``check`` and
``outline``) on hard-wrapped texts of 1 M and 10 M characters (every paragraph cut into lines of
``WRAP_CHARS`` characters, as a PDF's text is: ``text_layout`` joins the lines back).

Called by ``scripts/bench.py`` (``run(texts, jieba_seconds)``) or alone:
``python scripts/bench_scaling.py [--markdown]`` (``--markdown`` prints the table for docs/performance.md).
Each document is the 93 reports (paragraphs kept) repeated and cut to size; every command runs in a
fresh process (wall time, peak resident memory from getrusage), with ``GOVTEXT_MAX_BYTES`` raised so the
10 M-character file (about 30 MB of UTF-8) is read. Targets (reported, not asserted): cost linear in
the size — from 1 M to 10 M characters time and memory grow at most 1.5× faster than the size (≤ 15×) —
on the single-line file ``check`` uses at most 3× the memory of ``outline``; the same linear growth on
the hard-wrapped texts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SIZES = (10_000, 100_000, 1_000_000, 10_000_000)
COMMANDS = (("check", ["check", "--format", "json", "--no-config"]),
            ("outline", ["outline", "--format", "json"]),
            ("placeholders", ["placeholders", "--format", "json", "--no-config"]))
ONE_LINE_BYTES = 19 * 1024 * 1024
WRAPPED_SIZES = (1_000_000, 10_000_000)
WRAPPED_COMMANDS = ("check", "outline")
WRAP_CHARS = 36
_CHILD = """
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
print(json.dumps({"rc": r.returncode, "seconds": time.perf_counter() - t0,
                  "mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "stderr": r.stderr.decode("utf-8", "replace")[-300:]}))
"""


def _cli() -> list[str]:
    exe = Path(sys.executable).parent / "govtext"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "govtext"]


def measure(args: list[str], path: Path) -> dict:
    """Wall seconds and peak MiB of one fresh ``govtext`` process on ``path`` (exit 0 or 1 expected)."""
    env = dict(os.environ, GOVTEXT_MAX_BYTES=str(64 * 1024 * 1024))
    out = subprocess.run([sys.executable, "-c", _CHILD, *_cli(), args[0], str(path), *args[1:]],
                         capture_output=True, text=True, check=True, env=env)
    m = json.loads(out.stdout.strip().splitlines()[-1])
    if m["rc"] not in (0, 1):
        raise RuntimeError(f"govtext {args[0]} on {path.name} exited {m['rc']}: {m['stderr'].strip()}")
    return m


def build(texts: dict[str, str], chars: int) -> str:
    """The reports one after another (a blank line between), repeated and cut at ``chars`` characters."""
    whole = "\n\n".join(texts.values())
    return (whole * (chars // len(whole) + 1))[:chars]


def one_line(texts: dict[str, str], nbytes: int) -> str:
    """The reports with every line break removed, repeated to about ``nbytes`` of UTF-8."""
    flat = "".join("".join(t.split()) for t in texts.values())
    per_char = len(flat.encode("utf-8")) / len(flat)
    n = int(nbytes / per_char)
    return (flat * (n // len(flat) + 1))[:n]


def wrapped(texts: dict[str, str], chars: int) -> str:
    """``build(texts, chars)`` hard-wrapped: each paragraph indented by two U+3000 and cut every
    ``WRAP_CHARS`` characters (about ``chars`` characters in all)."""
    lines = []
    for para in build(texts, chars).split("\n"):
        para = para.strip()
        if para:
            para = "\u3000\u3000" + para
            lines += [para[i : i + WRAP_CHARS] for i in range(0, len(para), WRAP_CHARS)]
    return "\n".join(lines)


def _label(n: int) -> str:
    return f"{n // 1000:,} k chars" if n < 1_000_000 else f"{n // 1_000_000} M chars"


def table(texts: dict[str, str]) -> list[dict]:
    """One record per (document, command): chars, seconds, MiB."""
    out = []
    with tempfile.TemporaryDirectory(prefix="govtext-bench-scaling-") as tmp:
        every = [n for n, _ in COMMANDS]
        docs = [(_label(n), build(texts, n), every) for n in SIZES]
        docs.append(("19 MB, one line", one_line(texts, ONE_LINE_BYTES), every))
        docs += [(f"{_label(n)}, wrapped", wrapped(texts, n), list(WRAPPED_COMMANDS)) for n in WRAPPED_SIZES]
        for label, text, names in docs:
            path = Path(tmp) / "doc.txt"
            path.write_text(text, encoding="utf-8")
            for name, args in COMMANDS:
                if name not in names:
                    continue
                m = measure(args, path)
                out.append({"doc": label, "chars": len(text), "command": name,
                            "seconds": m["seconds"], "mib": m["mib"]})
                print(f"  {label:<16} {name:<13} {m['seconds']:7.2f} s {m['mib']:8.0f} MiB", file=sys.stderr)
    return out


def run(texts: dict[str, str], jieba_seconds: float) -> list[dict]:
    texts = {k: v for k, v in texts.items() if k.startswith("gwr_")} or texts
    recs = table(texts)
    rows = [{"metric": f"{r['command']} {r['doc']}", "value": r["seconds"], "unit": "s",
             "note": f"{r['mib']:.0f} MiB peak, {r['chars']:,} chars"} for r in recs]
    by = {(r["command"], r["doc"]): r for r in recs}
    growth = [(name, "") for name, _ in COMMANDS] + [(name, ", wrapped") for name in WRAPPED_COMMANDS]
    for name, kind in growth:
        a, b = by[(name, f"1 M chars{kind}")], by[(name, f"10 M chars{kind}")]
        size = b["chars"] / a["chars"]
        t, m = b["seconds"] / a["seconds"], b["mib"] / a["mib"]
        rows.append({"metric": f"{name} growth 1 M → 10 M chars{kind}", "value": t, "unit": "× time",
                     "note": f"size ×{size:.0f}; memory ×{m:.1f}",
                     "target": "time and memory ≤ 15× (linear)", "ok": t <= 1.5 * size and m <= 1.5 * size})
    c, o = by[("check", "19 MB, one line")], by[("outline", "19 MB, one line")]
    rows.append({"metric": "check / outline memory, 19 MB one line", "value": c["mib"] / o["mib"], "unit": "×",
                 "note": f"check {c['mib']:.0f} MiB {c['seconds']:.1f} s, outline {o['mib']:.0f} MiB {o['seconds']:.1f} s",
                 "target": "≤ 3×", "ok": c["mib"] <= 3 * o["mib"]})
    return rows


def markdown(recs: list[dict]) -> str:
    """The table for docs/performance.md: one row per document, time and memory per command."""
    docs = list(dict.fromkeys(r["doc"] for r in recs))
    names = [n for n, _ in COMMANDS]
    head = "| document | characters | " + " | ".join(f"{n} s | {n} MiB" for n in names) + " |"
    lines = [head, "|" + "---|" * (2 + 2 * len(names))]
    by = {(r["command"], r["doc"]): r for r in recs}
    for d in docs:
        cells = [f"{by[(n, d)]['seconds']:.2f} | {by[(n, d)]['mib']:.0f}" if (n, d) in by else "– | –" for n in names]
        lines.append(f"| {d} | {by[(names[0], d)]['chars']:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bench import load_texts

    texts = {k: v for k, v in load_texts().items() if k.startswith("gwr_")}
    if "--markdown" in sys.argv[1:]:
        print(markdown(table(texts)))
    else:
        for r in run(texts, float("nan")):
            print(f"{r['metric']:<42} {r['value']:8.2f} {r['unit']:<7} {r['note']}  {r.get('target', '')}")
