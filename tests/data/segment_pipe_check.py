"""Run by tests/test_pipeline.py in a fresh interpreter: ``nlp.pipe(n_process=2)`` under a start method.

Usage: python segment_pipe_check.py START_METHOD FILE… ; prints JSON {"same": bool, "docs": n,
"tokens": n, "start_method": ...}. Exits 1 if the multi-process tokens differ from single-process.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
from pathlib import Path


def main() -> int:
    method, files = sys.argv[1], sys.argv[2:]
    multiprocessing.set_start_method(method, force=True)
    from govtext import pipeline

    nlp = pipeline.load()
    texts = [Path(f).read_text(encoding="utf-8-sig") for f in files]
    single = [[t.text for t in doc] for doc in nlp.pipe(texts)]
    multi_docs = list(nlp.pipe(texts, n_process=2, batch_size=2))
    multi = [[t.text for t in doc] for doc in multi_docs]
    same = single == multi and all(d.text == t for d, t in zip(multi_docs, texts, strict=True))
    print(json.dumps({"same": same, "docs": len(multi), "tokens": sum(map(len, multi)),
                      "start_method": multiprocessing.get_start_method()}))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
