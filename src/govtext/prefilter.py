"""Which of many regexes can match a text, found in one pass.

For each regex, :func:`required_literals` names strings of which every match contains at least one
(``存在(的)?问题`` → ``{"存在"}``; ``(今后|下一步)[，,]`` → ``{"今后", "下一步"}``). A :class:`Prefilter`
finds all those strings in a text with one Aho–Corasick automaton (``ahocorasick_rs``), so a regex whose
strings do not occur is never run: a result is the same as trying every regex, only cheaper when most
texts match none. A regex whose strings cannot be named (an optional or case-folded part, a class of
characters, a pattern Python's parser reads differently) needs none and is always tried.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import cached_property
from itertools import accumulate

#: A character class is used as a requirement only up to this many characters (a bigger one says little).
MAX_CLASS = 8
#: The most strings a run of fixed items is expanded to.
MAX_STRINGS = 32
_SEPARATOR = "\n"  # between the texts :meth:`Prefilter.ends_each` searches at once


def required_literals(pattern: str) -> frozenset[str] | None:
    """Non-empty strings of which every match of ``pattern`` contains at least one; None when no such
    set can be named (the pattern may match without any fixed text, or it is read case-insensitively)."""
    try:
        compiled = re.compile(pattern)
        if compiled.flags & re.IGNORECASE:
            return None
        from re import _parser  # the standard library's own reading of a pattern (the one re compiles)

        found = _sequence(_parser.parse(pattern), _parser)
    except Exception:  # noqa: BLE001 - an unreadable pattern or a parser of another shape: always try it
        return None
    return frozenset(found) if found else None


def _sequence(items, p) -> set[str] | None:
    """The most telling requirement among the items of a sequence (each item must match): runs of items
    that match only a few fixed strings (``下(一)?步`` → 下步, 下一步) give every string the run can
    match; other items give their own requirement."""
    options: list[set[str]] = []
    run = {""}  # the strings the current run of fixed items can match, in order
    for op, av in items:
        fixed = _fixed(op, av, p)
        if fixed is not None and len(run) * len(fixed) <= MAX_STRINGS:
            run = {a + b for a in run for b in fixed}
            continue
        if "" not in run:
            options.append(run)
        run = {""} if fixed is None else fixed
        if fixed is None:
            need = _item(op, av, p)
            if need:
                options.append(need)
    if "" not in run:
        options.append(run)
    # the longest shortest string first (it occurs least often), then the fewest strings
    return max(options, key=lambda s: (min(map(len, s)), -len(s)), default=None)


def _fixed(op, av, p) -> set[str] | None:
    """Every string the item can match when they are few (at most ``MAX_STRINGS``), else None."""
    if op is p.LITERAL:
        return {chr(av)}
    if op is p.IN:
        return {chr(c) for _, c in av} if len(av) <= MAX_CLASS and all(o is p.LITERAL for o, _ in av) else None
    if op is p.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return None if add_flags & re.IGNORECASE else _fixed_sequence(sub, p)
    if op is p.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            strings = _fixed_sequence(branch, p)
            if strings is None:
                return None
            union |= strings
        return union if len(union) <= MAX_STRINGS else None
    if op is p.MAX_REPEAT and av[0] == 0 and av[1] == 1:  # optional: (一)?
        strings = _fixed_sequence(av[2], p)
        return None if strings is None else strings | {""}
    return None


def _fixed_sequence(items, p) -> set[str] | None:
    out = {""}
    for op, av in items:
        strings = _fixed(op, av, p)
        if strings is None or len(out) * len(strings) > MAX_STRINGS:
            return None
        out = {a + b for a in out for b in strings}
    return out


def _item(op, av, p) -> set[str] | None:
    """What a match of one item that is not fixed requires (None: nothing)."""
    if op is p.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return None if add_flags & re.IGNORECASE else _sequence(sub, p)
    if op is p.ATOMIC_GROUP:
        return _sequence(av, p)
    if op is p.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            need = _sequence(branch, p)
            if not need:
                return None  # one way of matching needs no text
            union |= need
        return union
    if op in (p.MAX_REPEAT, p.MIN_REPEAT, p.POSSESSIVE_REPEAT):
        low, _high, sub = av
        return _sequence(sub, p) if low >= 1 else None
    return None  # any character, large classes, anchors, look-arounds, group references: no text required


class Prefilter:
    """The regexes ``patterns`` (indexed as given) and the strings each requires, in one automaton."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        owners: dict[str, list[int]] = {}
        always: list[int] = []
        for k, pattern in enumerate(self.patterns):
            need = required_literals(pattern)
            if need is None:
                always.append(k)
            else:
                for s in sorted(need):
                    owners.setdefault(s, []).append(k)
        self.always = tuple(always)  # the regexes tried on every text
        self._literals = tuple(owners)
        self._owners = tuple(tuple(owners[s]) for s in self._literals)
        # texts may be joined for one pass unless a required string holds the separator
        self._joinable = not any(_SEPARATOR in s for s in self._literals)

    @cached_property
    def _automaton(self):
        from ahocorasick_rs import AhoCorasick, MatchKind  # (not at import: a review's cold start)

        return AhoCorasick(self._literals, matchkind=MatchKind.Standard) if self._literals else None

    def ends(self, text: str) -> dict[int, int]:
        """For each regex that may match in ``text``: where the first of its required strings found
        ends (0 for those requiring none), so a caller searching only ``text[:n]`` keeps those ending
        by ``n``. A regex not in the answer has no match in ``text``."""
        return self.ends_each((text,))[0]

    def ends_each(self, texts: Sequence[str]) -> list[dict[int, int]]:
        """:meth:`ends` of each of ``texts``, found in one pass of the automaton over them all (joined
        by a line break, which no required string holds, so no match runs from one into the next; one
        pass per text when a required string holds a line break)."""
        out = [dict.fromkeys(self.always, 0) for _ in texts]
        if self._automaton is None:
            return out
        owners = self._owners
        for first, group in [(0, texts)] if self._joinable else enumerate([t] for t in texts):
            starts = [0, *accumulate(len(t) + 1 for t in group)]
            for i, start, end in self._automaton.find_matches_as_indexes(_SEPARATOR.join(group), overlapping=True):
                t = bisect_right(starts, start) - 1
                end -= starts[t]
                found = out[first + t]
                for k in owners[i]:
                    if end < found.get(k, end + 1):
                        found[k] = end
        return out
