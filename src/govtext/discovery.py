"""Discovery with scikit-learn: what a text says that the reference corpus does not, and topics the
lexicon lacks.

* **Distinctive terms** — a TF-IDF model fitted on the reference corpus (the shipped reports in
  ``corpora/gwr``) scores the domain-dictionary jieba words of a document or section; the top-scoring
  words are what sets that text apart.
* **Candidate themes** — an NMF topic model over paragraphs of a corpus; each topic's top words are a
  proposal a researcher can turn into a lexicon theme (words already in the lexicon are marked).

Fitted models live in ``models/fitted`` (``tfidf.joblib``, ``nmf.joblib`` and ``discovery.json`` with
the format version, scikit-learn version, corpus and date). They are loaded, never silently refitted:
a mismatch raises :class:`DataFileError` saying how to refit (``govtext themes fit``).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import DataFileError, InputError, UsageError
from .model import DistinctiveTerm
from .resources import model_path, read_word_list
from .segmenters import TERMS_SEGMENTER

FORMAT_VERSION = 1
REFIT_HINT = "refit with `govtext themes fit` (or `python scripts/fit_discovery.py`)"
_WORD = re.compile(r"[\u4e00-\u9fff]{2,}\Z|[A-Za-z][A-Za-z0-9+]+\Z")
# ``engine``: the govtext segmenter (same domain dictionary); rjieba, the Rust port of jieba, is ~3×
# faster than jieba here and cuts the same words. The fitted model records it and is always applied
# with the engine it was fitted with.
DEFAULTS = {
    "min_df": 2,
    "max_df": 0.8,
    "max_features": 12000,
    "n_topics": 24,
    "min_paragraph": 60,
    "engine": TERMS_SEGMENTER,
}


@cache
def stop_words() -> frozenset[str]:
    """The discovery stop-word list (``models/themes/stopwords.txt``)."""
    return read_word_list(model_path("themes", "stopwords.txt"))


def content_words(text: str, *, engine: str = DEFAULTS["engine"]) -> list[tuple[str, int, int]]:
    """Domain-dictionary jieba words of ``text`` worth scoring, with offsets: Chinese words of two or
    more characters or Latin words, not stop words."""
    from .segment import segment_spans

    stops = stop_words()
    return [
        (w.text, w.start_char, w.end_char)
        for w in segment_spans(text, engine=engine)
        if _WORD.match(w.text) and w.text not in stops
    ]


def _joined(words: Iterable[str]) -> str:
    return " ".join(words)


def _span_docs(words: list[tuple[str, int, int]], spans: Iterable[tuple[int, int]]) -> list[str]:
    """For each span, the space-joined words lying wholly inside it (``words`` in text order)."""
    import bisect

    starts = [s for _, s, _ in words]
    out = []
    for a, b in spans:
        lo, hi = bisect.bisect_left(starts, a), bisect.bisect_left(starts, b)
        out.append(_joined(w for w, _, e in words[lo:hi] if e <= b))
    return out


def make_vectorizer(params: dict):  # type: ignore[no-untyped-def]
    """The TF-IDF vectorizer over pre-segmented, space-joined words (picklable: no custom callables)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        token_pattern=r"\S+",
        lowercase=False,
        min_df=params["min_df"],
        max_df=params["max_df"],
        max_features=params["max_features"],
        sublinear_tf=True,
        dtype=__import__("numpy").float32,
    )


@dataclass(frozen=True)
class Topic:
    """One NMF topic: its top words (``in_lexicon`` marks words already in a theme's terms)."""

    index: int
    terms: tuple[str, ...]
    weights: tuple[float, ...]
    in_lexicon: tuple[bool, ...]

    @property
    def novelty(self) -> float:
        """Share of the top words the lexicon does not have yet."""
        return 1 - sum(self.in_lexicon) / max(len(self.terms), 1)

    def to_dict(self) -> dict:
        """Plain dict for JSON output."""
        return {
            "topic": self.index,
            "novelty": round(self.novelty, 3),
            "terms": [
                {"term": t, "weight": w, "in_lexicon": k}
                for t, w, k in zip(self.terms, self.weights, self.in_lexicon, strict=True)
            ],
        }


@dataclass
class DiscoveryModel:
    """A fitted TF-IDF vectorizer, NMF topic model and the metadata describing the fit."""

    vectorizer: object
    nmf: object
    metadata: dict

    def save(self, directory: str | Path) -> None:
        """Write ``tfidf.joblib``, ``nmf.joblib`` and ``discovery.json`` into ``directory``."""
        import joblib

        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        joblib.dump(self.vectorizer, d / "tfidf.joblib", compress=3)
        joblib.dump(self.nmf, d / "nmf.joblib", compress=3)
        (d / "discovery.json").write_text(
            json.dumps(self.metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )

    @property
    def engine(self) -> str:
        """The segmenter engine the model was fitted with (words must be cut the same way)."""
        return str(self.metadata.get("params", {}).get("engine", "jieba"))

    @property
    def feature_names(self):  # type: ignore[no-untyped-def]
        """The vocabulary as an array indexed like the TF-IDF columns (computed once)."""
        names = self.__dict__.get("_feature_names")
        if names is None:
            names = self.__dict__["_feature_names"] = self.vectorizer.get_feature_names_out()
        return names

    def topics(self, top: int = 12) -> list[Topic]:
        """The NMF topics' top words."""
        return topics_of(self.nmf, self.vectorizer, top=top)


def dictionary_digest() -> str:
    """Digest of the jieba user dictionaries the words come from (recorded with a fit)."""
    from .segment import dictionary_files

    h = hashlib.sha256()
    for p in dictionary_files():
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def fit_discovery(texts: dict[str, str], *, corpus: str = "", **params: int | float) -> DiscoveryModel:
    """Fit TF-IDF over ``texts`` (name → text, one document each) and NMF over their paragraphs."""
    import numpy as np
    import sklearn
    from sklearn.decomposition import NMF

    from . import __version__
    from .lexicon import default_lexicon as _default_lexicon
    from .text import split_paragraphs

    p = {**DEFAULTS, **params}
    names = sorted(texts)
    if len(names) < 2:
        raise UsageError("discovery needs a corpus of at least two documents")
    words = {n: content_words(texts[n], engine=p["engine"]) for n in names}
    vec = make_vectorizer(p)
    vec.fit([_joined(w for w, _, _ in words[n]) for n in names])
    vec.stop_words_ = None  # sklearn keeps every cut word here; not needed to transform
    chunks = []
    for n in names:
        spans = [
            (q.start, q.end) for q in split_paragraphs(texts[n]) if q.end - q.start >= p["min_paragraph"]
        ]
        chunks.extend(c for c in _span_docs(words[n], spans) if c)
    matrix = vec.transform(chunks)
    n_topics = int(min(p["n_topics"], matrix.shape[0], matrix.shape[1]))
    nmf = NMF(n_components=n_topics, init="nndsvda", random_state=0, max_iter=400)
    nmf.fit(matrix)
    nmf.components_ = nmf.components_.astype(np.float32)
    meta = {
        "format_version": FORMAT_VERSION,
        "govtext_version": __version__,
        "sklearn_version": sklearn.__version__,
        "lexicon_version": _default_lexicon().version,
        "dictionary_digest": dictionary_digest(),
        "corpus": corpus,
        "documents": names,
        "paragraphs": len(chunks),
        "vocabulary_size": len(vec.vocabulary_),
        "params": p,
        "fitted": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return DiscoveryModel(vec, nmf, meta)


def fitted_dir() -> Path:
    """Where the shipped fitted models live."""
    return model_path("fitted")


def load_discovery(directory: str | Path | None = None) -> DiscoveryModel:
    """Load a fitted model; a missing file or a version mismatch raises ``DataFileError`` with a hint."""
    d = Path(directory) if directory is not None else fitted_dir()
    return _load(str(d))


@cache
def _load(directory: str) -> DiscoveryModel:
    import warnings

    import joblib
    import sklearn

    d = Path(directory)
    meta_path = d / "discovery.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except OSError:
        raise DataFileError(str(meta_path), f"no fitted discovery model here; {REFIT_HINT}") from None
    except json.JSONDecodeError as exc:
        raise DataFileError(str(meta_path), f"invalid JSON: {exc.msg}", exc.lineno) from None
    if meta.get("format_version") != FORMAT_VERSION:
        raise DataFileError(
            str(meta_path),
            f"fitted model format {meta.get('format_version')!r}, this govtext reads {FORMAT_VERSION}; {REFIT_HINT}",
        )
    fitted_with = str(meta.get("sklearn_version", "?"))
    if fitted_with.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        raise DataFileError(
            str(meta_path),
            f"fitted with scikit-learn {fitted_with}, installed is {sklearn.__version__}; {REFIT_HINT}",
        )
    objs = []
    for name in ("tfidf.joblib", "nmf.joblib"):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # same major.minor checked above
                objs.append(joblib.load(d / name))
        except (OSError, EOFError, ValueError) as exc:
            raise DataFileError(str(d / name), f"cannot load fitted model ({exc}); {REFIT_HINT}") from None
    return DiscoveryModel(objs[0], objs[1], meta)


def distinctive_terms_for_spans(
    text: str, spans: Sequence[tuple[int, int]], *, top: int = 15, model: DiscoveryModel | None = None
) -> list[tuple[DistinctiveTerm, ...]]:
    """For each ``(start, end)`` span of ``text``: its top TF-IDF words against the reference corpus.

    ``text`` is segmented once; a span scores the words lying wholly inside it.
    """
    import numpy as np

    m = model or load_discovery()
    docs = _span_docs(content_words(text, engine=m.engine), spans)
    matrix = m.vectorizer.transform(docs).tocsr()
    names = m.feature_names
    out = []
    for i in range(matrix.shape[0]):
        row = matrix.getrow(i)
        if row.nnz == 0:
            out.append(())
            continue
        order = np.argsort(-row.data, kind="stable")[:top]
        out.append(
            tuple(DistinctiveTerm(str(names[row.indices[j]]), round(float(row.data[j]), 4)) for j in order)
        )
    return out


def distinctive_terms(
    text: str, *, top: int = 15, model: DiscoveryModel | None = None
) -> tuple[DistinctiveTerm, ...]:
    """The most distinctive words of ``text`` against the reference corpus."""
    return distinctive_terms_for_spans(text, [(0, len(text))], top=top, model=model)[0]


def topics_of(nmf, vectorizer, *, top: int = 12, lexicon=None) -> list[Topic]:  # type: ignore[no-untyped-def]
    """Top words of each NMF component, marking those already among the lexicon's terms."""
    import numpy as np

    from .lexicon import default_lexicon as _default_lexicon

    lex = lexicon or _default_lexicon()
    known = {t for theme in lex.themes for t in theme.terms}
    names = vectorizer.get_feature_names_out()
    out = []
    for k, comp in enumerate(nmf.components_):
        order = np.argsort(-comp, kind="stable")[:top]
        terms = tuple(str(names[j]) for j in order if comp[j] > 0)
        weights = tuple(round(float(comp[j]), 4) for j in order if comp[j] > 0)
        out.append(Topic(k, terms, weights, tuple(t in known for t in terms)))
    return out


def propose_topics(
    texts: dict[str, str],
    *,
    n_topics: int = 12,
    top: int = 12,
    model: DiscoveryModel | None = None,
    lexicon=None,
) -> list[Topic]:  # type: ignore[no-untyped-def]
    """Fit an NMF topic model over the paragraphs of ``texts`` (with the reference TF-IDF weighting)
    and return its topics: candidate themes for the lexicon. Deterministic (``random_state=0``)."""
    from sklearn.decomposition import NMF

    from .text import split_paragraphs

    m = model or load_discovery()
    chunks = []
    for name in sorted(texts):
        text = texts[name]
        spans = [(q.start, q.end) for q in split_paragraphs(text)]
        chunks.extend(c for c in _span_docs(content_words(text, engine=m.engine), spans) if c)
    if not chunks:
        raise UsageError("no words to model: the texts are empty")
    matrix = m.vectorizer.transform(chunks)
    k = max(1, min(n_topics, matrix.shape[0], matrix.nnz))
    nmf = NMF(n_components=k, init="nndsvda", random_state=0, max_iter=400).fit(matrix)
    return topics_of(nmf, m.vectorizer, top=top, lexicon=lexicon)


def corpus_texts(corpus_dir: str | Path) -> dict[str, str]:
    """The documents of a corpus directory: the files its ``manifest.csv`` lists, else every ``*.txt``."""
    import csv

    from .readers import read_document

    d = Path(corpus_dir)
    if not d.is_dir():
        raise UsageError(f"{corpus_dir}: not a directory")
    manifest = d / "manifest.csv"
    if manifest.is_file():
        try:
            with open(manifest, encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.DictReader(fh, strict=True))
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(str(manifest), f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
        except csv.Error as exc:
            raise DataFileError(str(manifest), f"malformed manifest: {exc}") from None
        if rows and "file" not in rows[0]:
            raise DataFileError(str(manifest), "no 'file' column", line=1)
        files = [d / row["file"] for row in rows if row.get("file")]
    else:
        files = sorted(d.glob("*.txt"))
    if not files:
        raise UsageError(f"{corpus_dir}: no .txt documents")
    return {p.name: read_document(p).text for p in files}


def fit_corpus_dir(corpus_dir: str | Path, **params: int | float) -> DiscoveryModel:
    """Fit the discovery models on a corpus directory (see :func:`corpus_texts`)."""
    d = Path(corpus_dir).resolve()
    try:
        label = str(d.relative_to(Path(__file__).resolve().parents[2]))
    except ValueError:
        label = d.name
    return fit_discovery(corpus_texts(d), corpus=label, **params)
