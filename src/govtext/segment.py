"""Word segmentation with govtext's domain dictionary, and the spaCy tokenizer built on it.

Two engines sit behind one small interface (:class:`Segmenter`, ``cut(text) -> list[str]``):

* ``jieba`` — a *private* ``jieba.Tokenizer`` loaded with the default dictionary plus every
  ``models/jieba/*.txt`` user dictionary. jieba's global tokenizer (``jieba.dt``) is never touched.
  The prefix dictionary is cached (``marshal``, like jieba) in the user cache directory
  (``platformdirs.user_cache_dir("govtext")``, or ``$GOVTEXT_CACHE_DIR``), keyed by the jieba
  version and the dictionaries' content; if that directory cannot be written, it is rebuilt in memory.
* ``rjieba`` — the Rust port (``rjieba.Jieba()`` per instance + ``add_word``), much faster.

Importing this module does not import spaCy: :func:`segment_words` is cheap to use from a CLI.
The spaCy tokenizer ``govtext.jieba_tokenizer.v1`` is registered in spaCy's registry on import (via
``catalogue``, the registry library spaCy uses), so after ``import govtext.segment``::

    spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "govtext.jieba_tokenizer.v1",
                                                    "engine": "jieba"}}})

builds a pipeline whose ``Doc`` comes straight from the segmenter's words (``doc.text == text``).
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import catalogue

from .errors import DataFileError, UsageError
from .resources import model_path, read_data_text
from .segmenters import DEFAULT_SEGMENTER, SEGMENTERS

ENGINES: tuple[str, ...] = SEGMENTERS
DEFAULT_ENGINE = DEFAULT_SEGMENTER
TOKENIZER_NAME = "govtext.jieba_tokenizer.v1"
CACHE_ENV = "GOVTEXT_CACHE_DIR"

_TAG = re.compile(r"[A-Za-z]+\Z")
_CACHE_FORMAT = 2  # bump when the way the cached prefix dictionary is built changes


# --------------------------------------------------------------------------- dictionaries


@dataclass(frozen=True)
class DictEntry:
    """One user-dictionary line: ``word [freq] [tag]`` (jieba's userdict format)."""

    word: str
    freq: int | None = None
    tag: str | None = None


def dictionary_files() -> tuple[Path, ...]:
    """Every ``models/jieba/*.txt`` user dictionary, in name order."""
    return tuple(sorted(model_path("jieba").glob("*.txt")))


def read_dictionary(path: str | Path) -> list[DictEntry]:
    """Parse a jieba user dictionary; a malformed line raises :class:`DataFileError` (file + line).

    Blank lines are skipped. The frequency, when given, must be a positive integer (jieba treats 0
    as "force split" and records that in a module-global table, which govtext never touches).
    """
    path = Path(path)
    text = read_data_text(path)
    entries: list[DictEntry] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) > 3:
            raise DataFileError(str(path), f"expected 'word [freq] [tag]', got {line.strip()!r}", lineno)
        word, freq, tag = fields[0], None, None
        for extra in fields[1:]:
            if extra.isdigit() and freq is None and tag is None:
                freq = int(extra)
                if freq <= 0:
                    raise DataFileError(str(path), f"frequency of {word!r} must be a positive integer", lineno)
            elif _TAG.match(extra) and tag is None:
                tag = extra
            else:
                raise DataFileError(str(path), f"expected 'word [freq] [tag]', got {line.strip()!r}", lineno)
        entries.append(DictEntry(word, freq, tag))
    return entries


def read_dictionaries(paths: Iterable[str | Path]) -> tuple[DictEntry, ...]:
    """All entries of several dictionaries, in order (a later entry for a word wins)."""
    return tuple(e for p in paths for e in read_dictionary(p))


def cache_dir() -> Path:
    """Where govtext may cache derived data: ``$GOVTEXT_CACHE_DIR`` or the user cache directory."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("govtext", appauthor=False))


# --------------------------------------------------------------------------- engines


class Segmenter(Protocol):
    """A word segmenter: the words of ``text``, which concatenate back to ``text`` exactly."""

    name: str

    def cut(self, text: str) -> list[str]: ...


class JiebaSegmenter:
    """jieba with govtext's dictionaries, in a private ``jieba.Tokenizer`` built on first use.

    Pickles as its dictionary paths only; the tokenizer is rebuilt (from the cache) after unpickling.
    """

    name = "jieba"

    def __init__(self, dictionaries: Iterable[str | Path] | None = None, *, hmm: bool = True) -> None:
        paths = dictionary_files() if dictionaries is None else dictionaries
        self.dictionaries: tuple[str, ...] = tuple(str(p) for p in paths)
        self.hmm = hmm
        self._tokenizer: Any = None

    def cut(self, text: str) -> list[str]:
        """Words of ``text`` (jieba's accurate mode, HMM for unknown words)."""
        tok = self._tokenizer or self._load()
        return tok.lcut(text, HMM=self.hmm)

    @property
    def tokenizer(self) -> Any:
        """The private ``jieba.Tokenizer`` (loaded on first access)."""
        return self._tokenizer or self._load()

    def _load(self) -> Any:
        self._tokenizer = _build_jieba_tokenizer(read_dictionaries(self.dictionaries), cache_dir())
        return self._tokenizer

    def __getstate__(self) -> dict[str, Any]:
        return {"dictionaries": self.dictionaries, "hmm": self.hmm}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.dictionaries = tuple(state["dictionaries"])
        self.hmm = state["hmm"]
        self._tokenizer = None

    def __repr__(self) -> str:
        return f"JiebaSegmenter(dictionaries={len(self.dictionaries)} files)"


class RjiebaSegmenter:
    """rjieba (Rust jieba) with govtext's dictionaries added to a per-instance ``rjieba.Jieba``."""

    name = "rjieba"

    def __init__(self, dictionaries: Iterable[str | Path] | None = None, *, hmm: bool = True) -> None:
        paths = dictionary_files() if dictionaries is None else dictionaries
        self.dictionaries: tuple[str, ...] = tuple(str(p) for p in paths)
        self.hmm = hmm
        self._jieba: Any = None

    def cut(self, text: str) -> list[str]:
        """Words of ``text`` (accurate mode, HMM for unknown words)."""
        jb = self._jieba or self._load()
        return jb.cut(text, self.hmm)

    def _load(self) -> Any:
        try:
            import rjieba
        except ImportError:
            raise UsageError(
                "segmentation engine 'rjieba' needs the rjieba package (a dependency of govtext): pip install rjieba"
            ) from None
        jb = rjieba.Jieba()
        for e in read_dictionaries(self.dictionaries):
            jb.add_word(e.word, e.freq, e.tag)
        self._jieba = jb
        return jb

    def __getstate__(self) -> dict[str, Any]:
        return {"dictionaries": self.dictionaries, "hmm": self.hmm}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.dictionaries = tuple(state["dictionaries"])
        self.hmm = state["hmm"]
        self._jieba = None

    def __repr__(self) -> str:
        return f"RjiebaSegmenter(dictionaries={len(self.dictionaries)} files)"


_ENGINE_CLASSES: dict[str, type] = {"jieba": JiebaSegmenter, "rjieba": RjiebaSegmenter}


def check_engine(engine: str) -> str:
    """``engine`` if it names a known engine, else :class:`UsageError` (never a silent fallback)."""
    if engine not in _ENGINE_CLASSES:
        raise UsageError(f"unknown segmentation engine {engine!r} (choose from: {', '.join(ENGINES)})")
    return engine


def make_segmenter(engine: str = DEFAULT_ENGINE, dictionaries: Iterable[str | Path] | None = None) -> Segmenter:
    """A new segmenter for ``engine`` with ``dictionaries`` (default: every ``models/jieba/*.txt``)."""
    return _ENGINE_CLASSES[check_engine(engine)](dictionaries)


def get_segmenter(engine: str = DEFAULT_ENGINE) -> Segmenter:
    """The process-wide segmenter for ``engine`` with govtext's dictionaries (built once)."""
    return _shared_segmenter(engine)


@cache
def _shared_segmenter(engine: str) -> Segmenter:
    return make_segmenter(engine)


def segment_words(text: str, *, engine: str = DEFAULT_ENGINE) -> list[str]:
    """The words of ``text`` with govtext's domain dictionary (no spaCy involved)."""
    return get_segmenter(engine).cut(text)


@dataclass(frozen=True)
class Word:
    """A segmented word with its 0-based code-point offsets into the original text."""

    text: str
    start_char: int
    end_char: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start_char": self.start_char, "end_char": self.end_char}


def segment_spans(text: str, *, engine: str = DEFAULT_ENGINE) -> list[Word]:
    """The words of ``text`` with their offsets (``text[w.start_char:w.end_char] == w.text``)."""
    words = checked_words(text, get_segmenter(engine).cut(text))
    out: list[Word] = []
    pos = 0
    for w in words:
        end = pos + len(w)
        out.append(Word(w, pos, end))
        pos = end
    return out


def checked_words(text: str, words: list[str]) -> list[str]:
    """``words`` if they concatenate to ``text`` exactly (the usual case, checked in C);
    otherwise a repaired list aligned to ``text`` so that offsets stay true."""
    if "".join(words) == text and "" not in words:
        return words
    return _realign(text, [w for w in words if w])


def _realign(text: str, words: list[str]) -> list[str]:
    """Slow path: cut ``text`` at the words' positions, keeping any characters the engine dropped."""
    out: list[str] = []
    pos = 0
    for w in words:
        i = text.find(w, pos)
        if i < 0:
            continue
        if i > pos:
            out.append(text[pos:i])
        out.append(w)
        pos = i + len(w)
    if pos < len(text):
        out.append(text[pos:])
    return out


# --------------------------------------------------------------------------- jieba loading


def _dictionary_key(entries: tuple[DictEntry, ...]) -> str:
    import jieba

    h = hashlib.sha256(f"govtext-cache {_CACHE_FORMAT} jieba {jieba.__version__}\n".encode())
    for e in entries:
        h.update(f"{e.word}\t{e.freq}\t{e.tag}\n".encode())
    return h.hexdigest()[:20]


def _build_jieba_tokenizer(entries: tuple[DictEntry, ...], cache: Path) -> Any:
    """A private ``jieba.Tokenizer`` holding jieba's default dictionary plus ``entries``.

    Loads the combined prefix dictionary from ``cache`` when present; otherwise builds it and tries to
    store it there (atomically, so parallel processes are safe). Never calls ``jieba.initialize``
    (so nothing is logged) and never writes to the working directory.
    """
    import jieba

    tok = jieba.Tokenizer()
    cache_name = f"jieba-{_dictionary_key(entries)}.cache"
    # If anything ever calls tok.initialize(), jieba too would use our cache directory.
    tok.tmp_dir = str(cache)
    tok.cache_file = cache_name
    path = cache / cache_name
    loaded = _read_cache(path)
    if loaded is None:
        tok.FREQ, tok.total = jieba.Tokenizer.gen_pfdict(tok.get_dict_file())
        tok.initialized = True
        for e in entries:  # jieba's own add_word on this instance (freq > 0: no global effect)
            tok.add_word(e.word, e.freq, e.tag)
        _write_cache(path, (tok.FREQ, tok.total))
    else:
        tok.FREQ, tok.total = loaded
    tok.user_word_tag_tab = {e.word: e.tag for e in entries if e.tag}
    tok.initialized = True
    return tok


def _read_cache(path: Path) -> tuple[dict[str, int], int] | None:
    try:
        with open(path, "rb") as fh:
            freq, total = marshal.load(fh)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(freq, dict) or not isinstance(total, int):
        return None
    return freq, total


def _write_cache(path: Path, data: tuple[dict[str, int], int]) -> bool:
    """Write atomically (temp file + rename in the same directory); False if not possible."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".jieba-", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            marshal.dump(data, fh)
        os.replace(tmp, path)
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False


# --------------------------------------------------------------------------- spaCy tokenizer

_Doc: Any = None


def _doc_class() -> Any:
    global _Doc
    if _Doc is None:
        from spacy.tokens import Doc

        _Doc = Doc
    return _Doc


class GovtextTokenizer:
    """spaCy tokenizer: one token per segmenter word, ``doc.text == text`` always.

    The ``Doc`` is built directly from the words (``spaces`` all False: the words already hold every
    character, whitespace included), skipping spaCy's generic words-to-text alignment. Holds only the
    vocab and the engine name, so it pickles cleanly; the segmenter is looked up per process.
    """

    def __init__(self, vocab: Any, engine: str = DEFAULT_ENGINE) -> None:
        self.vocab = vocab
        self.engine = check_engine(engine)

    @property
    def segmenter(self) -> Segmenter:
        return get_segmenter(self.engine)

    def __call__(self, text: str) -> Any:
        words = checked_words(text, get_segmenter(self.engine).cut(text))
        return _doc_class()(self.vocab, words=words, spaces=[False] * len(words))

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Any]:
        for text in texts:
            yield self(text)

    def __reduce__(self) -> tuple[Any, ...]:
        return (GovtextTokenizer, (self.vocab, self.engine))

    # Serialization: the settings only (the dictionaries ship with govtext).
    def _settings(self) -> dict[str, Any]:
        return {"engine": self.engine}

    def _apply(self, settings: dict[str, Any]) -> GovtextTokenizer:
        self.engine = check_engine(settings.get("engine", DEFAULT_ENGINE))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return json.dumps(self._settings()).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> GovtextTokenizer:
        return self._apply(json.loads(data.decode("utf-8")))

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        Path(path).write_bytes(self.to_bytes())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> GovtextTokenizer:
        return self.from_bytes(Path(path).read_bytes())


# Registered in spaCy's tokenizer registry without importing spaCy: spaCy's ``registry.tokenizers``
# is the catalogue registry with this namespace, so this is what ``@spacy.registry.tokenizers`` does.
_spacy_tokenizers = catalogue.Registry(("spacy", "tokenizers"), entry_points=True)


@_spacy_tokenizers.register(TOKENIZER_NAME)
def create_tokenizer(engine: str = DEFAULT_ENGINE) -> Any:
    """spaCy factory for :class:`GovtextTokenizer` (``engine``: ``jieba`` or ``rjieba``)."""
    check_engine(engine)

    def make_tokenizer(nlp: Any) -> GovtextTokenizer:
        return GovtextTokenizer(nlp.vocab, engine)

    return make_tokenizer
