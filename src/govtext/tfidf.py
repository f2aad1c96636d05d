"""Character n-gram TF-IDF cosines of a document's texts with an outline's phrasings, in bulk with numpy.

The model is that of scikit-learn's ``TfidfVectorizer(analyzer="char", ngram_range=(2, 3),
sublinear_tf=True, lowercase=False)`` fitted on one collection: the document's headings and paragraphs
plus every phrase of the outline (each phrase one text). An n-gram weighs ``(1 + ln tf) × idf`` with
``idf = ln((1 + n) / (1 + df)) + 1``; vectors are L2-normalised. A heading's similarity to part ``j``
is its highest cosine with one of the part's heading phrasings (0 when it has none); a paragraph's,
with the part's paragraph phrasings.

The document's n-grams are never Python strings: each text is a run of code points, each 2- or 3-gram
a number in the document's own dense alphabet, and they are counted per text by sorting. The outline
side (:class:`PhraseIndex`) is built once per outline. Work and memory grow linearly with the text: it
is counted ``CHUNK`` characters at a time, and the dot products are taken a block of rows at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .text import WHITE_RUNS  # white-space runs fold to one space before n-grams are taken

#: Characters whose n-grams are counted per step: bounds the working memory on a text of megabytes.
CHUNK = 1 << 18
#: Below this, an (n-gram, text) pair is sorted by one int64 key; above (a hostile alphabet), by two.
PACK_LIMIT = 1 << 62
#: Below this, the 2-grams' keys are sorted as 32-bit numbers.
INT32_KEYS = 1 << 31
#: Entries (row × phrase contributions, or row × phrase cells) per block of dot products.
BLOCK = 1 << 21


@dataclass(frozen=True, eq=False)
class PhraseSide:
    """One side (heading or paragraph phrasings) of an outline, as sparse columns: phrase ``c`` holds
    n-gram ``vocab[e]`` with sublinear term frequency ``tf[e]`` for the entries ``e`` with ``col[e] == c``;
    entries are sorted by n-gram, those of n-gram ``v`` being ``ptr[v]:ptr[v + 1]``. Part ``j``'s phrases
    are the columns ``parts[j][0]:parts[j][1]``."""

    ptr: np.ndarray
    vocab: np.ndarray
    col: np.ndarray
    tf: np.ndarray
    ncols: int
    parts: tuple[tuple[int, int], ...]


@dataclass(frozen=True, eq=False)
class PhraseIndex:
    """An outline's phrasings indexed for :func:`cosines`: the n-gram vocabulary of both sides (each
    n-gram's code points, 0 standing for the missing third of a 2-gram), how many phrases hold each
    n-gram (``phrase_df``), the number of phrases and the two sides."""

    grams: tuple[str, ...]
    points: np.ndarray  # (V, 3) code points
    trigram: np.ndarray  # (V,) whether the n-gram has three characters
    phrase_df: np.ndarray
    n_phrases: int
    heading: PhraseSide
    paragraph: PhraseSide

    @classmethod
    def build(cls, heading: Sequence[Sequence[Sequence[tuple[str, int]]]],
              paragraph: Sequence[Sequence[Sequence[tuple[str, int]]]]) -> PhraseIndex:
        """Index ``heading[j][k]`` / ``paragraph[j][k]``, the (n-gram, count) pairs of part ``j``'s phrase ``k``."""
        grams = sorted({g for side in (heading, paragraph) for group in side for phrase in group for g, _ in phrase})
        ids = {g: v for v, g in enumerate(grams)}
        df = np.zeros(len(grams), np.int64)
        for side in (heading, paragraph):
            for group in side:
                for phrase in group:
                    df[[ids[g] for g, _ in phrase]] += 1
        points = np.zeros((len(grams), 3), np.int64)
        for v, g in enumerate(grams):
            points[v, : len(g)] = [ord(c) for c in g]
        trigram = np.fromiter((len(g) == 3 for g in grams), bool, len(grams))
        n_phrases = sum(len(group) for side in (heading, paragraph) for group in side)
        return cls(tuple(grams), points, trigram, df, n_phrases, _side(heading, ids), _side(paragraph, ids))


def _side(groups: Sequence[Sequence[Sequence[tuple[str, int]]]], ids: dict[str, int]) -> PhraseSide:
    vocab, col, tf, parts = [], [], [], []
    ncols = 0
    for group in groups:
        start = ncols
        for phrase in group:
            for g, c in phrase:
                vocab.append(ids[g])
                col.append(ncols)
                tf.append(c)
            ncols += 1
        parts.append((start, ncols))
    v = np.asarray(vocab, np.int64)
    order = np.argsort(v, kind="stable")
    counts = np.asarray(tf, np.float64)[order]
    ptr = np.zeros(len(ids) + 1, np.int64)
    np.cumsum(np.bincount(v, minlength=len(ids)), out=ptr[1:])
    return PhraseSide(ptr, v[order], np.asarray(col, np.int64)[order], 1.0 + np.log(counts), ncols, tuple(parts))


@dataclass(frozen=True)
class _Counts:
    """The n-grams of a collection of texts: ``pieces`` of distinct (n-gram, text) pairs with their counts
    (each piece sorted by n-gram code; pieces hold disjoint runs of texts), the distinct n-gram codes of
    all (``codes``, sorted) and how many texts hold each (``df``)."""

    pieces: list[_Pairs]
    packed: bool  # a pair's key is one int64 (n-gram code × texts + text), else (code, text)
    texts: int
    codes: np.ndarray
    df: np.ndarray
    dense: np.ndarray  # code point -> the alphabet's number for it (-1: not in the texts)
    size: int  # letters in the alphabet

    def pairs(self, piece: _Pairs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A piece's pairs as n-gram code, text and count."""
        cols, count = piece
        code, row = np.divmod(cols[0], self.texts) if self.packed else cols
        return code, row, count


def _runs(code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Of sorted codes: each one's number among the distinct ones, and where each distinct one starts."""
    first = _firsts(code)
    number = np.cumsum(first)
    number -= 1
    return number, np.flatnonzero(first)


def _firsts(code: np.ndarray) -> np.ndarray:
    """Of sorted codes: whether each is the first of its run of equal ones."""
    first = np.empty(len(code), bool)
    first[:1] = True
    np.not_equal(code[1:], code[:-1], out=first[1:])
    return first


def _run_lengths(starts: np.ndarray, n: int, dtype: type) -> np.ndarray:
    """How long each run is, the runs of ``n`` items starting at ``starts`` (ascending, the first at 0)."""
    out = np.empty(len(starts), dtype)
    np.subtract(starts[1:], starts[:-1], out=out[:-1])
    out[-1:] = n - starts[-1:]
    return out


def _points(text: str, a: int, b: int) -> np.ndarray:
    """The code points of ``text[a:b]``."""
    return np.frombuffer(text[a:b].encode("utf-32-le"), np.uint32)


def _count(texts: Sequence[str]) -> _Counts:
    """Count every text's 2- and 3-grams (see :class:`_Counts`).

    The texts are taken as runs of whole texts of at most ``CHUNK`` characters; a longer text is counted
    ``CHUNK`` characters at a time, its counts merged as they come, so that the working memory stays
    bounded by ``CHUNK`` and by the distinct n-grams of each text. A pair is sorted by one int64 key
    (n-gram code × texts + text) unless the alphabet is too large for it (hostile input): then by two."""
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    ends = np.cumsum(lengths)
    joined = "".join(texts)
    n, rows = len(joined), max(len(texts), 1)
    present = np.zeros(1, bool)  # the alphabet: which code points occur
    for s in range(0, n, CHUNK):
        pts = _points(joined, s, s + CHUNK)
        top = int(pts.max()) + 1
        if top > len(present):
            present = np.concatenate((present, np.zeros(top - len(present), bool)))
        present[pts] = True
    dense = np.cumsum(present, dtype=np.int64)
    k = int(dense[-1])
    dense -= 1
    dense[~present] = -1
    packed = (k * k + k**3) * rows < PACK_LIMIT

    def count(a: int, b: int) -> _Pairs:
        """The (n-gram, text) pairs of the n-grams starting at ``a`` … ``b - 1``, counted."""
        hi = min(b + 2, n)
        # (arithmetic in place where it can be: on a 2-vCPU VM the page faults of a fresh array cost as
        # much as the pass that fills it)
        d = dense[_points(joined, a, hi)]
        # each position's text: the first one's, plus one per text end passed (an empty text's too)
        first, past = np.searchsorted(ends, [a, hi], side="right")
        row = np.bincount(ends[first:past] - a, minlength=hi - a + 1)[: hi - a]
        np.cumsum(row, out=row)
        row += first
        same = row[:-1] == row[1:]  # an n-gram never runs from one text into the next
        m2, m3 = min(b - a, hi - a - 1), max(min(b - a, hi - a - 2), 0)
        bi = d[:-1] * k
        bi += d[1:]
        tri = bi[:m3] * k
        tri += k * k
        tri += d[2 : m3 + 2]
        del d
        ok2, ok3 = same[:m2], same[:m3] & same[1 : m3 + 1]
        if packed:  # every 2-gram's key is below every 3-gram's: each kind sorted alone (the 2-grams' as
            # 32-bit numbers when they fit, ~40% cheaper to sort), in place, one after the other
            n2 = int(np.count_nonzero(ok2))
            keys = np.empty(n2 + int(np.count_nonzero(ok3)), np.int64)
            bi *= rows
            bi += row[:-1]
            if k * k * rows < INT32_KEYS:
                key2 = bi[:m2][ok2].astype(np.int32)
                key2.sort()
                keys[:n2] = key2
            else:
                keys[:n2] = bi[:m2][ok2]
                keys[:n2].sort()
            tri *= rows
            tri += row[:m3]
            keys[n2:] = tri[ok3]
            keys[n2:].sort()
            return _pairs((keys,), None, presorted=True)
        bi = bi[:m2]
        return _pairs((np.concatenate((bi[ok2], tri[ok3])), np.concatenate((row[:m2][ok2], row[:m3][ok3]))), None)

    pieces: list[_Pairs] = []
    s = 0
    while s < n - 1:
        fit = int(np.searchsorted(ends, s + CHUNK, side="right")) - 1
        e = int(ends[fit]) if fit >= 0 else 0
        if e > s:  # whole texts
            pieces.append(count(s, e))
        else:  # one text longer than CHUNK, from s, a piece at a time: the counts of the pairs already
            # met are added up at once, the new ones merged in when they outweigh those
            e = int(ends[np.searchsorted(ends, s, side="right")])
            parts = [count(s, min(s + CHUNK, e))]
            for c in range(s + CHUNK, e, CHUNK):
                parts.append(_absorb(parts[0], count(c, min(c + CHUNK, e))))
                if sum(len(x[1]) for x in parts[1:]) >= len(parts[0][1]):
                    parts = [_merge(parts)]
            pieces.append(_merge(parts))
        s = e
    # the distinct n-grams and how many texts hold each: per piece (a text is in one piece), then together
    codes, df = [], []
    for piece in pieces:
        code = piece[0][0] // rows if packed else piece[0][0]
        starts = np.flatnonzero(_firsts(code))
        codes.append(code[starts])
        df.append(_run_lengths(starts, len(code), np.int64))
    if len(pieces) == 1:
        return _Counts(pieces, packed, rows, codes[0], df[0], dense, k)
    (every,), held = _pairs((np.concatenate(codes) if codes else np.zeros(0, np.int64),),
                            np.concatenate(df) if df else None)
    return _Counts(pieces, packed, rows, every, held, dense, k)


#: Counted pairs: their sort key columns (one packed key, or n-gram code and text) and their counts.
_Pairs = tuple[tuple[np.ndarray, ...], np.ndarray]


def _concat(parts: list[_Pairs]) -> _Pairs:
    cols = tuple(np.concatenate([p[0][i] for p in parts]) for i in range(len(parts[0][0])))
    return cols, np.concatenate([p[1] for p in parts])


def _absorb(into: _Pairs, piece: _Pairs) -> _Pairs:
    """Add the counts of ``piece``'s pairs that ``into`` holds to it (in place); the others are returned.
    (Pairs sorted by one packed key only; by two, all are returned.)"""
    if len(into[0]) > 1 or not len(into[1]):
        return piece
    (keys,), counts = into
    (key,), count = piece
    pos = np.searchsorted(keys, key)
    held = pos < len(keys)
    held[held] = keys[pos[held]] == key[held]
    counts[pos[held]] += count[held]
    return (key[~held],), count[~held]


def _merge(parts: list[_Pairs]) -> _Pairs:
    """Counted pairs of several pieces of one text, as one."""
    return parts[0] if len(parts) == 1 else _pairs(*_concat(parts))


def _pairs(cols: tuple[np.ndarray, ...], count: np.ndarray | None, presorted: bool = False) -> _Pairs:
    """The distinct pairs, sorted by their key columns, with how often each occurs (``count`` adds up the
    given counts of equal pairs; None counts each occurrence once). ``presorted``: one key, sorted."""
    if len(cols) == 1 and count is None:
        cols = cols if presorted else (np.sort(cols[0]),)
    else:
        order = np.argsort(cols[0]) if len(cols) == 1 else np.lexsort(cols[::-1])
        cols = tuple(c[order] for c in cols)
        if count is not None:
            count = count[order]
    new = _firsts(cols[0])  # where a new pair starts
    for c in cols[1:]:
        new[1:] |= c[1:] != c[:-1]
    starts = np.flatnonzero(new)
    if count is None:
        total = _run_lengths(starts, len(new), np.int32)
    else:
        total = np.add.reduceat(count, starts) if len(starts) else count
    return tuple(c[starts] for c in cols), total


def cosines(headings: Sequence[str], paragraphs: Sequence[str],
            index: PhraseIndex) -> tuple[list[list[float]], list[list[float]]]:
    """Similarity of every heading and every paragraph to every part: ``[heading][part]`` and
    ``[paragraph][part]`` (see the module's docstring)."""
    texts = [WHITE_RUNS.sub(" ", t) for t in (*headings, *paragraphs)]
    c = _count(texts)
    n1 = len(texts) + index.n_phrases + 1
    # the outline's n-grams among the document's: their place in c.codes, and the document frequencies
    found, where = _locate(index, c)
    df = c.df.copy()
    doc_df = np.zeros(len(index.grams), np.int64)
    doc_df[found] = df[where]
    df[where] += index.phrase_df[found]
    idf = np.log(n1 / (df + 1)) + 1.0
    phrase_idf = np.log(n1 / (index.phrase_df + doc_df + 1)) + 1.0
    # each text's norm, and the (text, n-gram) pairs the outline shares with their weights, a piece at a time
    to_vocab = np.full(len(c.codes), -1, np.int64)
    to_vocab[where] = np.flatnonzero(found)
    in_outline = to_vocab >= 0
    norm2 = np.zeros(len(texts))
    rows, vocabs, weights = [], [], []
    for piece in c.pieces:  # (as few arrays of the pairs' length alive at once as can be: see count())
        code, row, count = c.pairs(piece)
        if len(c.pieces) > 1:  # the piece's distinct n-grams among all
            gram, starts = _runs(code)
            gram = np.searchsorted(c.codes, code[starts])[gram]
        else:
            gram = _runs(code)[0]
        del code
        weight = np.log(count)
        weight += 1.0
        weight *= idf[gram]
        norm2 += np.bincount(row, np.square(weight), minlength=len(texts))
        shared = in_outline[gram]
        rows.append(row[shared])
        vocabs.append(to_vocab[gram[shared]])
        weights.append(weight[shared])
    row = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    vocab = np.concatenate(vocabs) if vocabs else np.zeros(0, np.int64)
    x = (np.concatenate(weights) if weights else np.zeros(0)) / np.sqrt(norm2)[row]
    nh = len(headings)
    head = row < nh
    return (_best(row[head], vocab[head], x[head], nh, index.heading, phrase_idf),
            _best(row[~head] - nh, vocab[~head], x[~head], len(paragraphs), index.paragraph, phrase_idf))


def _locate(index: PhraseIndex, c: _Counts) -> tuple[np.ndarray, np.ndarray]:
    """Which of the outline's n-grams occur in the texts (a mask over the vocabulary) and where they are
    in ``c.codes``."""
    pts = index.points
    inside = pts < len(c.dense)
    d = np.where(inside, c.dense[np.where(inside, pts, 0)], -1)
    d[:, 2] = np.where(index.trigram, d[:, 2], 0)
    k = c.size
    code = np.where(index.trigram, k * k + (d[:, 0] * k + d[:, 1]) * k + d[:, 2], d[:, 0] * k + d[:, 1])
    pos = np.searchsorted(c.codes, code)
    hit = (d >= 0).all(axis=1) & (pos < len(c.codes))
    hit[hit] = c.codes[pos[hit]] == code[hit]
    return hit, pos[hit]


def _best(row: np.ndarray, vocab: np.ndarray, x: np.ndarray, nrows: int, side: PhraseSide,
          phrase_idf: np.ndarray) -> list[list[float]]:
    """Per row, the highest cosine with each part's phrases of ``side``; ``x`` is the row's unit-vector
    weight of n-gram ``vocab`` (the pairs the outline shares)."""
    w = side.tf * phrase_idf[side.vocab]
    norm = np.sqrt(np.bincount(side.col, w * w, minlength=side.ncols))
    unit = w / norm[side.col]
    out: list[list[float]] = []
    if not side.ncols:
        return [[0.0] * len(side.parts) for _ in range(nrows)]
    order = np.argsort(row, kind="stable")
    row, vocab, x = row[order], vocab[order], x[order]
    span = side.ptr[vocab + 1] - side.ptr[vocab]  # entries each pair meets
    # blocks of whole rows, each with at most ~BLOCK entries and BLOCK cells
    per_row = np.bincount(row, span, minlength=nrows).astype(np.int64)
    cum = np.cumsum(per_row)
    step = max(1, BLOCK // side.ncols)
    filled = [j for j, (lo, hi) in enumerate(side.parts) if hi > lo]  # the parts with phrases, and where
    starts = [side.parts[j][0] for j in filled]  # their columns start
    r0 = 0
    while r0 < nrows:
        r1 = min(nrows, r0 + step, max(r0 + 1, int(np.searchsorted(cum, (cum[r0 - 1] if r0 else 0) + BLOCK,
                                                                     side="right"))))
        a, b = np.searchsorted(row, [r0, r1])
        s = span[a:b]
        total = int(s.sum())
        pair = np.repeat(np.arange(a, b), s)
        # each pair's entries: its n-gram's, one after the other
        entry = side.ptr[vocab[a:b]] - np.cumsum(s)
        entry += s
        entry = np.repeat(entry, s)
        entry += np.arange(total)
        cell = row[pair]
        cell -= r0
        cell *= side.ncols
        cell += side.col[entry]
        value = x[pair]
        value *= unit[entry]
        dots = np.bincount(cell, value, minlength=(r1 - r0) * side.ncols)
        dots = dots.reshape(r1 - r0, side.ncols)
        best = np.zeros((r1 - r0, len(side.parts)))
        best[:, filled] = np.maximum.reduceat(dots, starts, axis=1)  # (parts are consecutive column runs)
        out.extend(best.tolist())
        r0 = r1
    return out
