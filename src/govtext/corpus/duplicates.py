"""Duplicate and near-duplicate documents: a MinHash signature of each document's character shingles
(computed with the document, by whatever engine), grouped after the fact with locality-sensitive
hashing so that a corpus of hundreds of thousands needs no all-pairs comparison. Both are
datasketch's (``MinHash`` in its ``affine32`` scheme, ``MinHashLSH``; the ``corpus`` extra): importing it
loads SciPy (~45 MiB per process), the price of not keeping a second MinHash implementation.

Signatures are deterministic (fixed seed, fixed hash), so every engine stores the same ones. The
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
SCHEME = "affine32"  # datasketch 2's hashing scheme, named so that a later default cannot change signatures
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
    values = ((h ^ (h >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    values.sort()  # then keep the first of each run: np.unique's result, without its hashing pass
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


_BASE = 1_000_003  # multiplier of the shingle hash


def signature(text: str) -> tuple[int, str] | None:
    """(number of distinct shingles, the MinHash signature as hex text of ``NUM_PERM`` 32-bit values),
    or None when the text has no characters. The shingles' hashes (:func:`shingle_hashes`) are the
    values datasketch's ``MinHash`` sees."""
    hashes = shingle_hashes(text)
    if not len(hashes):
        return None
    m = _minhash(hashfunc=_whole_slice)
    # in slices: datasketch holds a (values × NUM_PERM) matrix per call, 256 KiB for a slice instead of
    # ~10 MiB for an average report (and 1 GiB for a 2 M-character one); the minimum is the same.
    # Each slice goes in as one value: update_batch calls its hashfunc once per value, in Python, then
    # makes one array of what it returned; here that is the slice itself (_whole_slice), so the
    # loop is one call and the array the same as for the slice's values one by one (update_batch of
    # the values with hashfunc=int; a test holds the two equal)
    for i in range(0, len(hashes), _SLICE):
        m.update_batch((hashes[i:i + _SLICE],))
    return len(hashes), m.hashvalues.astype(">u4").tobytes().hex()


def _whole_slice(values):
    """The hashfunc of :func:`signature`: a value is a slice of shingle hashes, hashed already."""
    return values


# shingle hashes per datasketch update_batch call: a 256 KiB matrix, under glibc's heap trim threshold;
# with 1,024 a fresh process gave the heap back and grew it again on every call (a million page
# faults for the 94 bench texts, 2.5x the time)
_SLICE = 512


def _minhash(values=None, hashfunc=int):
    """A datasketch ``MinHash`` of govtext's settings (empty, or holding signature ``values``); it
    takes hash values (``int``s, or what ``hashfunc`` makes of a value) as they are."""
    permutations = _permutations()  # (says which extra to install if datasketch is missing)
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=hashfunc, hashvalues=values,
                   permutations=permutations)


@cache
def _permutations():
    """The permutations of govtext's MinHash settings, drawn by datasketch once per process (they
    depend only on the seed and their number) instead of for every MinHash made."""
    try:
        from datasketch import MinHash
    except ImportError:
        from ..extras import require

        require("corpus", "duplicate detection (MinHash)")
        raise
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


@cache
def _lsh_params(threshold: float) -> tuple[int, int]:
    """The bands and rows datasketch's ``MinHashLSH`` chooses for ``threshold`` (by numerical
    integration, ~25 ms), found once per process and threshold instead of for every finder."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def _values(hexsig: str):
    import numpy as np

    return np.frombuffer(bytes.fromhex(hexsig), dtype=">u4").astype(np.uint32)


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
    representatives in datasketch's ``MinHashLSH`` index (memory: one signature per distinct
    document); the index's candidates are compared on all ``NUM_PERM`` values."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._lsh = None
        self._reps: dict[str, object] = {}
        self._last: str | None = None

    def add(self, doc_id: str, hexsig: str | None) -> Duplicate | None:
        """Record one document; return its :class:`Duplicate` row if it copies an earlier one."""
        if self._last is not None and doc_id <= self._last:
            raise ValueError(f"documents must come in doc_id order ({doc_id!r} after {self._last!r})")
        self._last = doc_id
        if not hexsig:
            return None
        if self._lsh is None:
            from datasketch import MinHashLSH

            self._lsh = MinHashLSH(threshold=self.threshold, num_perm=NUM_PERM, params=_lsh_params(self.threshold))
        values = _values(hexsig)
        m = _minhash(values)
        best: tuple[float, str] | None = None
        for cand in self._lsh.query(m):
            sim = float((values == self._reps[cand]).mean())  # MinHash's Jaccard estimate
            if sim >= self.threshold and (best is None or (sim, cand) > best):
                best = (sim, cand)
        if best is not None:
            return Duplicate(doc_id, best[1], round(best[0], 4))
        self._lsh.insert(doc_id, m)
        self._reps[doc_id] = values  # the values only: a MinHash object also carries its permutations
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
