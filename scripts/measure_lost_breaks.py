"""Measure what survives lost paragraph breaks on the real files of corpora/ (docs/sections.md,
docs/completeness.md): each text as read against the same text with every line break removed
("joined") and with line breaks replaced by one space ("space").

    .venv/bin/python scripts/measure_lost_breaks.py
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

from govtext import Document, read_document
from govtext.completeness import score_completeness
from govtext.sections import extract_sections

ROOT = Path(__file__).resolve().parent.parent
GROUPS = {
    "gwr": sorted((ROOT / "corpora" / "gwr").glob("*.txt")),
    "seed": sorted((ROOT / "corpora" / "seeds").glob("*.txt")),
    "annual": sorted((ROOT / "corpora" / "annual").glob("*.txt")),
}
_BREAK = re.compile(r"\r\n|\r|\n")


def _shape(doc: Document) -> list[tuple]:
    return [(s.level, s.number, s.style, s.title) for s in extract_sections(doc).sections]


def main() -> None:
    for group, files in GROUPS.items():
        equal = {"joined": 0, "space": 0}
        kinds_same, scores_line, scores_joined = 0, [], []
        for path in files:
            doc = read_document(path)
            ref = _shape(doc)
            lines = _BREAK.split(doc.text)
            for name, sep in (("joined", ""), ("space", " ")):
                equal[name] += _shape(Document.from_text(sep.join(lines))) == ref
            a, b = score_completeness(doc), score_completeness(Document.from_text("".join(lines)))
            kinds_same += a.kind.kind == b.kind.kind
            scores_line.append(a.score)
            scores_joined.append(b.score)
        n = len(files)
        print(
            f"{group}: {n} files; outline equal joined {equal['joined']}/{n}, space {equal['space']}/{n}; "
            f"kind kept {kinds_same}/{n}; mean score {statistics.mean(scores_line):.1f} as read, "
            f"{statistics.mean(scores_joined):.1f} joined; within 10 points "
            f"{sum(abs(x - y) <= 10 for x, y in zip(scores_line, scores_joined, strict=True))}/{n}"
        )


if __name__ == "__main__":
    main()
