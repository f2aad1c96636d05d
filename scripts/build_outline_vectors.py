"""Build the shipped phrase vectors of the built-in reference outlines (models/outlines/vectors/).

Each built-in outline's parts' phrasings (their heading wordings expanded into literal phrasings, their
lead and run-in phrasings, their examples) are counted once into character 2- and 3-gram vectors,
``models/outlines/vectors/<kind>.json``, recording the SHA-256 of the outline file they were built from.
``govtext check`` reads them instead of counting the phrasings again; an outline edited without
rebuilding its vectors is counted afresh at run time, and tests/test_outline_vectors.py fails until
this script is run again.

    .venv/bin/python scripts/build_outline_vectors.py           # (re)write the files
    .venv/bin/python scripts/build_outline_vectors.py --check   # exit 1 when a file is missing or stale
"""

from __future__ import annotations

import argparse
import sys

from govtext.completeness import OutlineVectors, builtin_outlines, outline_sha256, outline_vectors_path


def expected() -> dict[str, str]:
    """The text each vectors file should hold, by built-in outline id."""
    return {
        kind: OutlineVectors.of(ref).to_json(outline_sha256(kind), ref.version)
        for kind, ref in sorted(builtin_outlines().items())
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only check that the shipped files are current")
    args = ap.parse_args(argv)
    stale = []
    for kind, text in expected().items():
        path = outline_vectors_path(kind)
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(kind)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if args.check and stale:
        print(f"stale outline vectors: {', '.join(stale)}; run scripts/build_outline_vectors.py", file=sys.stderr)
        return 1
    if not stale:
        print("outline vectors are current")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
