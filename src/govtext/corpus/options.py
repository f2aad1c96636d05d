"""Analysis settings and versions: a stored result is reused only for the same content, metadata and
analysis version (govtext's code and data files, and the options)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from .. import __version__
from ..errors import DataFileError, UsageError
from ..segmenters import SEGMENTERS, TERMS_SEGMENTER
from .sources import Source


@dataclass(frozen=True)
class AnalysisOptions:
    """Settings of the per-document analysis (part of every stored result's cache key).

    ``segmenter``: the word segmenter behind the ``terms`` table (``rjieba``, the Rust port of jieba
    and the default, as in discovery — it agrees with jieba on 99.98% of the corpus's tokens and is
    about 15× faster — or ``jieba``; both load govtext's domain dictionary). ``lexicons``:
    extra theme lexicons as (file name, TOML text) pairs — carried by value, so Dask workers need
    no copy of the files — added to the shipped lexicon, or used alone with ``only_lexicon``.
    Build them from files with :meth:`with_lexicons`.
    """

    segmenter: str = TERMS_SEGMENTER
    lexicons: tuple[tuple[str, str], ...] = ()
    only_lexicon: bool = False

    def with_lexicons(self, paths: Iterable[str | Path], *, only: bool = False) -> AnalysisOptions:
        """These options with the theme lexicon files ``paths`` (read and validated here)."""
        from ..themes import load_lexicon

        paths = [Path(p) for p in paths]
        load_lexicon(*paths, replace=only)  # a bad file is a DataFileError naming file and line
        texts = []
        for p in paths:
            try:
                texts.append((p.name, p.read_text(encoding="utf-8-sig")))
            except (OSError, UnicodeDecodeError) as exc:
                raise DataFileError(str(p), f"cannot read: {exc}") from None
        return replace(self, lexicons=tuple(texts), only_lexicon=only)

    def check(self) -> AnalysisOptions:
        """Raise UsageError for an unknown setting (no silent fallback)."""

        if self.segmenter not in SEGMENTERS:
            raise UsageError(f"unknown segmenter {self.segmenter!r}; expected one of {', '.join(SEGMENTERS)}")
        return self


DEFAULT_OPTIONS = AnalysisOptions()  # the defaults (rjieba, the shipped lexicon)


@cache
def analysis_version(options: AnalysisOptions = DEFAULT_OPTIONS) -> str:
    """A short hash of everything a result depends on besides the text and its metadata: govtext's
    version and code (every module of the package), the analysis options, and the content of every
    data file under ``models/`` (lexicon, outlines, rules, jieba dictionaries) — so a changed lexicon
    or outline invalidates stored results, and Dask workers running other code are refused."""
    from ..resources import models_dir

    h = hashlib.sha256(f"govtext {__version__}\n{options!r}\n".encode())
    for root, pattern in ((Path(__file__).resolve().parents[1], "*.py"), (models_dir(), "*")):
        for p in sorted(root.rglob(pattern)):
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(p.relative_to(root).as_posix().encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()[:16]


def analysis_key(source: Source, options: AnalysisOptions = DEFAULT_OPTIONS) -> str | None:
    """Cache key of one document's result: content hash + analysis version + metadata."""
    if source.content_hash is None:
        return None
    payload = json.dumps([source.content_hash, analysis_version(options), list(source.meta)], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:24]
