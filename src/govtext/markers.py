"""The numbering-marker grammar, written once: ``一、`` ``（一）`` ``1.`` ``1、`` ``（1）`` ``1)`` ``①`` ``一是``
``一要`` ``其一`` ``第一，`` ``首先，`` and what each module accepts of it.

The pieces (numerals, brackets, stops, circled numbers) read both the original text and the
one-to-one folded view (``text.fold``: ``（``→``(``, ``．``→``.``, full-width digits → ASCII; ``\\d``
matches full-width digits too). ``START_PATTERNS`` is the reference grammar: ``sections`` matches it at
paragraph starts. The other patterns are the narrower or looser sets other modules need, built from
the same pieces, with the reason each differs. Imports nothing from govtext (no cycles).
"""

from __future__ import annotations

import re

# --- pieces -------------------------------------------------------------------------------------

CN_DIGITS = "一二三四五六七八九十"  # the characters of a Chinese numeral 1–99 (parse_cn_number)
CN = f"[{CN_DIGITS}]{{1,3}}"  # a numeral as a marker writes it: 一 … 十二 … 九十九
SP = "[ \u3000\u00a0]*"  # spaces a marker may hold: ``（ 一 ）``
OPEN = "[（(]"
CLOSE = "[）)]"
STOP = "[.．]"  # 1. / １．
CIRCLED_RANGES = (
    (0x2460, 0x2473, "①"),  # ①–⑳
    (0x2474, 0x2487, "⑴"),  # ⑴–⒇
    (0x2488, 0x249B, "⒈"),  # ⒈–⒛
    (0x3220, 0x3229, "㈠"),  # ㈠–㈩
)
CIRCLED_CLASS = "".join(f"{chr(a)}-{chr(b)}" for a, b, _ in CIRCLED_RANGES)
CIRCLED = f"[{CIRCLED_CLASS}]"
# 一要…二要… items, but not the words 要求, 要素, 要件, 要闻, 要务, 要紧, 要害, 要点, 要领.
NOT_YAO_WORD = "(?![求素件闻务紧害点领])"

# --- the reference: markers at a paragraph start (sections) ---------------------------------------

# Each start pattern: (style, regex). Group "num" is the number, "dbl" a doubled part, "slip" stray
# punctuation after a bracketed marker. The order matters (bracketed forms first). sections matches
# these on the folded view and then rejects what only looks like a marker (decimals, dates, 一、二季度).
def _start_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return (
        ("cn-paren", re.compile(rf"(?P<open>{OPEN}+){SP}(?P<num>{CN}){SP}(?P<close>{CLOSE}+)(?P<slip>[、,，.:：]*)")),
        (
            "arabic-paren",
            re.compile(rf"(?P<open>{OPEN}+){SP}(?P<num>\d{{1,2}}){SP}(?P<close>{CLOSE}+)(?P<slip>[、,，.:：]*)"),
        ),
        ("cn-shi", re.compile(rf"(?P<num>{CN})(?P<shi>是+)")),
        ("cn-yao", re.compile(rf"(?P<num>{CN})(?P<yao>要){NOT_YAO_WORD}")),
        ("qi-ordinal", re.compile(rf"其(?P<num>{CN})(?P<qi>是|[，,、：:]+)")),
        ("di-ordinal", re.compile(rf"第(?P<num>{CN})(?P<punct>[，,、]+)")),
        ("cn-comma", re.compile(rf"(?P<num>{CN})(?P<punct>、+)")),
        ("arabic-dot", re.compile(rf"(?P<num>\d{{1,2}})(?P<punct>{STOP}+)(?P<slip>[、,，]*)")),
        ("arabic-comma", re.compile(r"(?P<num>\d{1,2})(?P<punct>、+)")),
        ("arabic-half-paren", re.compile(rf"(?P<num>\d{{1,2}})(?P<close>{CLOSE}+)(?P<slip>[、,，.]*)")),
        ("circled", re.compile(rf"(?P<circ>{CIRCLED})(?P<dbl>{CIRCLED}?)")),
        ("sequence-word", re.compile(r"(?P<word>首先|其次|再次|最后)(?P<punct>[，,：:])")),
    )


START_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...]  # compiled on first use (module __getattr__)


def __getattr__(name: str) -> object:
    """``START_PATTERNS`` is compiled when first imported (by sections), not by every importer of this
    module: the linter's cold start never needs it."""
    if name == "START_PATTERNS":
        value = globals()["START_PATTERNS"] = _start_patterns()
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- narrower and looser sets, from the same pieces -----------------------------------------------

# text: a marker standing alone before a TAB (``一、\t总体要求``, as Word exports list items), so the
# TAB is not a paragraph break. Looser than the reference (any numeral length with 百, a bare number,
# 第一章 / 第二部分, a. / b)) because a TAB after any such label is the list layout, not a new paragraph.
# (部分 is one word: the earlier character class [章节部分条篇] took 第二部 but not 第二部分.)
LONE_MARKER = re.compile(
    rf"(?:[{CN_DIGITS}百]+[、.．]|{OPEN}[{CN_DIGITS}百\d]+{CLOSE}、?|\d+[.．、)）]?"
    rf"|{CIRCLED}|第[{CN_DIGITS}百\d]+(?:章|节|部分|条|篇)|[a-zA-Z][.)])"
)

# text: a line of hard-wrapped text that starts a numbered item (the line before ends a sentence, so
# it does not wrap into it). Narrower: only forms that open an item (一、 一是 （一） 1. ① 第一，), with
# a decimal (1.5) excluded by the digit look-ahead.
WRAP_ITEM_START = re.compile(
    rf"{SP}(?:{CN}[、是]|{OPEN}[{CN_DIGITS}\d]{{1,3}}{CLOSE}|\d{{1,2}}[.．、](?!\d)"
    rf"|{CIRCLED}|第{CN}[，、,])"
)

# tables: the numbering a statistics-table row label may start with (``三、本年度办理结果``,
# ``（一）予以公开``, ``1.``). Narrower: the heading forms a table label carries, no run-in 一是.
TABLE_LABEL_MARK = rf"(?:{OPEN}[{CN_DIGITS}\d]{{1,3}}{CLOSE}|{CN}、|\d{{1,2}}[.、])"

# docmeta: a line that starts with a numbered heading, i.e. the body has started and the title
# search stops. Looser on spacing (``一 、``), narrower on forms (一是 and 第一， only of the run-ins).
BODY_HEADING = re.compile(
    rf"^(?:[{CN_DIGITS}]+\s*[、.．]|{OPEN}\s*[{CN_DIGITS}\d]+\s*{CLOSE}|\d+\s*[、.．](?!\d)"
    rf"|[{CN_DIGITS}]是|第[{CN_DIGITS}]+[，、])"
)
