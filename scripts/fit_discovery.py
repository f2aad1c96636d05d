"""Refit the discovery models (TF-IDF + NMF) from the shipped reports and save them to models/fitted.

    python scripts/fit_discovery.py [CORPUS_DIR] [--out DIR]

Uses only the public API (``govtext.discovery``); the same as ``govtext themes fit``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(ROOT / "corpora" / "gwr"))
    ap.add_argument("--out", default=None, help="output directory (default: models/fitted)")
    args = ap.parse_args(argv)
    from govtext.discovery import fit_corpus_dir, fitted_dir

    model = fit_corpus_dir(args.corpus)
    out = Path(args.out) if args.out else fitted_dir()
    model.save(out)
    m = model.metadata
    print(
        f"fitted on {len(m['documents'])} documents, {m['paragraphs']} paragraphs; "
        f"vocabulary {m['vocabulary_size']}; saved to {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
