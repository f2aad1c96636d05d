"""The names of govtext's word segmenters and which one each use takes by default.

Kept apart from :mod:`govtext.segment` so that command-line options and settings can name them
without importing the segmentation code.
"""

from __future__ import annotations

#: Both load govtext's domain dictionary: ``jieba`` (Python) and ``rjieba`` (its Rust port).
SEGMENTERS: tuple[str, ...] = ("jieba", "rjieba")

#: The spaCy tokenizer and ``govtext segment``: jieba, the reference segmentation.
DEFAULT_SEGMENTER = "jieba"

#: Counting terms (the corpus ``terms`` table, theme discovery): rjieba, which agrees with jieba on
#: 99.98% of the bundled corpus's tokens and is about 15× faster.
TERMS_SEGMENTER = "rjieba"
