"""Generate models/jieba/themes.txt (jieba user-dictionary lines) from the theme lexicon.

    python scripts/build_theme_dict.py [--check]

Every lexicon term that jieba can hold as one word (two or more characters of its word class: Han
characters, Latin letters, digits, ``+#&._%-``) becomes a line ``term nz``. No frequency is written:
the segmenter then gives each term just enough weight to stay whole (jieba's suggest_freq idea).
``--check`` exits 1 if the committed file is out of date.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "models" / "jieba" / "themes.txt"
_JIEBA_WORD = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]{2,}\Z")


def dictionary_lines(lexicon_path: Path | None = None) -> list[str]:
    """The jieba userdict lines for the lexicon's terms, sorted and unique."""
    from govtext.themes import default_lexicon_path, parse_lexicon

    lex = parse_lexicon(lexicon_path or default_lexicon_path())
    terms = {t for theme in lex.themes for t in theme.terms if _JIEBA_WORD.match(t)}
    return [f"{t} nz" for t in sorted(terms)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check the committed file is current")
    args = ap.parse_args(argv)
    text = "\n".join(dictionary_lines()) + "\n"
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is out of date: run python scripts/build_theme_dict.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {text.count(chr(10))} terms to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
