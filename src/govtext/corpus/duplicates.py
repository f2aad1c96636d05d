"""Duplicate and near-duplicate documents: a MinHash signature of each document's character shingles
(computed with the document, by whatever engine), grouped after the fact with locality-sensitive
hashing (the banding of datasketch's ``MinHashLSH``) so that a corpus of hundreds of thousands needs
no all-pairs comparison.

Signatures are deterministic (fixed seed, fixed hash), so every engine stores the same ones; they are
computed with numpy alone in datasketch's ``affine32`` scheme, and grouped with the same LSH banding
(neither step imports datasketch, which loads SciPy: ~45 MiB in every process). The
grouping runs in ``doc_id`` order, in the process that assembles the tables: the first document of a
group (smallest ``doc_id``) stands for it, and every later document whose estimated Jaccard
similarity with that representative reaches :data:`THRESHOLD` is recorded as its duplicate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

SHINGLE = 5  # characters per shingle
NUM_PERM = 128  # MinHash permutations
SEED = 1  # fixed: the same text gives the same signature in every process
SCHEME = "affine32"  # datasketch 2's hashing scheme, the one computed here (minhash_values)
THRESHOLD = 0.8  # estimated Jaccard similarity of the shingle sets that makes a duplicate

_SPACE = re.compile(r"\s+")


def shingle_hashes(text: str, k: int = SHINGLE):
    """The distinct 32-bit hashes (uint32) of the ``k``-character shingles of ``text`` with whitespace
    removed (a polynomial hash of the code points, computed with numpy: no Python loop over shingles),
    sorted."""
    import numpy as np

    t = _SPACE.sub("", text)
    if not t:
        return np.zeros(0, dtype=np.uint32)
    cps = np.frombuffer(t.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    k = min(k, len(cps))
    n = len(cps) - k + 1
    h = np.zeros(n, dtype=np.uint64)
    for j in range(k):  # wraps modulo 2**64: deterministic on every machine
        h = h * np.uint64(_BASE) + cps[j:j + n]
    return np.unique(((h ^ (h >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).astype(np.uint32))


_BASE = 1_000_003  # multiplier of the shingle hash


def signature(text: str) -> tuple[int, str] | None:
    """(number of distinct shingles, the MinHash signature as hex text of ``NUM_PERM`` 32-bit values),
    or None when the text has no characters. The shingles' hashes (:func:`shingle_hashes`) are the
    values the MinHash sees; the signature is datasketch's ``MinHash(num_perm=NUM_PERM, seed=SEED,
    scheme="affine32", hashfunc=int)`` fed those hashes, computed here with numpy alone
    (:func:`minhash_values`): importing datasketch loads SciPy (~44 MiB) in every worker."""
    hashes = shingle_hashes(text)
    if not len(hashes):
        return None
    return len(hashes), "".join(f"{int(v):08x}" for v in minhash_values(hashes))


_CHUNK = 4096  # hashes permuted at once: a (NUM_PERM × chunk) uint32 block, 2 MiB


@cache
def _permutations():
    """datasketch's affine32 permutations for ``SEED``: odd ``a`` and any ``b`` (uint32), drawn from
    ``numpy.random.RandomState(SEED)`` (a frozen stream) in the order datasketch draws them."""
    import numpy as np

    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(h):
    """The MurmurHash3 32-bit finalizer (wrapping uint32 arithmetic), datasketch's pre-mix."""
    import numpy as np

    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def minhash_values(hashes):
    """The ``NUM_PERM`` MinHash values (uint32) of 32-bit ``hashes`` under the affine32 scheme:
    ``min over h of a_k * fmix32(h) + b_k`` modulo 2**32, taken a chunk of hashes at a time so that
    memory stays bounded whatever the document's size."""
    import numpy as np

    a, b = _permutations()
    a, b = a[:, None], b[:, None]
    out = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    h = _fmix32(np.asarray(hashes, dtype=np.uint64).astype(np.uint32))
    for i in range(0, len(h), _CHUNK):
        block = a * h[None, i : i + _CHUNK]  # (NUM_PERM × chunk): each row's minimum is contiguous
        block += b
        np.minimum(out, block.min(axis=1), out=out)
    return out


def _values(hexsig: str):
    import numpy as np

    return np.frombuffer(bytes.fromhex(hexsig), dtype=">u4").astype(np.uint32)


@cache
def lsh_bands(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows per band) of the LSH index for ``threshold``: the pair, over every ``b × r ≤
    num_perm``, minimising the false-positive plus the false-negative probability mass (weights ½, ½),
    as datasketch's ``MinHashLSH`` chooses them (it integrates numerically with SciPy; here the
    integrands are polynomials of degree ``b·r ≤ num_perm``, which Gauss–Legendre quadrature with
    ``num_perm // 2 + 1`` nodes integrates exactly)."""
    import numpy as np

    x, w = np.polynomial.legendre.leggauss(num_perm // 2 + 1)

    def integral(f, lo: float, hi: float) -> float:
        s = (hi - lo) / 2 * x + (hi + lo) / 2
        return float((hi - lo) / 2 * np.dot(w, f(s)))

    best, opt = float("inf"), (0, 0)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = integral(lambda s, b=b, r=r: 1 - (1 - s**r) ** b, 0.0, threshold)
            fn = integral(lambda s, b=b, r=r: (1 - s**r) ** b, threshold, 1.0)
            if 0.5 * fp + 0.5 * fn < best:
                best, opt = 0.5 * fp + 0.5 * fn, (b, r)
    return opt


@dataclass(frozen=True)
class Duplicate:
    """``doc_id`` is a (near-)copy of ``duplicate_of``, the first document of its group."""

    doc_id: str
    duplicate_of: str
    similarity: float

    def to_dict(self) -> dict:
        """Plain dict (a ``duplicates`` table row)."""
        return {"doc_id": self.doc_id, "duplicate_of": self.duplicate_of, "similarity": self.similarity}


class DuplicateFinder:
    """Groups documents fed in ``doc_id`` order by their signatures; keeps only the groups'
    representatives in the LSH index (memory: one signature per distinct document).

    The index is MinHash LSH banding (:func:`lsh_bands`: 9 bands of 13 values at 0.8): a candidate
    shares every value of at least one band with the document; candidates are then compared on
    all ``NUM_PERM`` values. The candidates, and so the groups, are those of datasketch's
    ``MinHashLSH`` with the same bands, without importing it (it loads SciPy, ~45 MiB).
    """

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        b, r = lsh_bands(threshold)
        self._ranges = [(i * r, (i + 1) * r) for i in range(b)]
        self._tables: list[dict[bytes, list[str]]] = [{} for _ in range(b)]
        self._reps: dict[str, object] = {}
        self._last: str | None = None

    def add(self, doc_id: str, hexsig: str | None) -> Duplicate | None:
        """Record one document; return its :class:`Duplicate` row if it copies an earlier one."""
        if self._last is not None and doc_id <= self._last:
            raise ValueError(f"documents must come in doc_id order ({doc_id!r} after {self._last!r})")
        self._last = doc_id
        if not hexsig:
            return None
        values = _values(hexsig)
        keys = [values[a:e].tobytes() for a, e in self._ranges]
        candidates = {c for table, key in zip(self._tables, keys, strict=True) for c in table.get(key, ())}
        best: tuple[float, str] | None = None
        for cand in candidates:
            sim = float((values == self._reps[cand]).mean())  # MinHash's Jaccard estimate
            if sim >= self.threshold and (best is None or (sim, cand) > best):
                best = (sim, cand)
        if best is not None:
            return Duplicate(doc_id, best[1], round(best[0], 4))
        for table, key in zip(self._tables, keys, strict=True):
            table.setdefault(key, []).append(doc_id)
        self._reps[doc_id] = values
        return None

    def feed(self, pairs: Iterable[tuple[str, str | None]]) -> Iterator[Duplicate]:
        """:meth:`add` each ``(doc_id, signature)``; yield the duplicates found."""
        for doc_id, sig in pairs:
            d = self.add(doc_id, sig)
            if d is not None:
                yield d


def find_duplicates(pairs: Iterable[tuple[str, str | None]], *, threshold: float = THRESHOLD) -> list[Duplicate]:
    """The duplicates among ``(doc_id, signature)`` pairs (sorted here by doc_id)."""
    return list(DuplicateFinder(threshold).feed(sorted(pairs, key=lambda p: p[0])))
