"""Section hierarchy: recover how a summary nests, and flag its structural faults.

``extract_sections(document)`` finds numbered headings (``一、`` ``（一）`` ``1.`` ``（1）`` ``①`` ``一是``
``第一，`` ``首先`` …), at a paragraph start or run inline inside a paragraph, recognises a report's
unnumbered part titles (``“十四五”时期工作回顾`` on its own line, style ``unnumbered``) when the
document shows that pattern, infers each heading's level from how the document nests (the first
marker family seen inside a level becomes the next level), sets appendix parts (``附件1``, ``名词解释``, ``注释：``) apart as top-level ``appendix`` entries and
skips web-page residue. Structural findings (``GT1xx``) are checked within each parent.

No spaCy and no jieba here: detection works on the raw characters through the one-to-one folded view
(full-width digits, brackets and dots folded), so every offset is an offset into the original text.
The spaCy component ``govtext_sections`` (:mod:`govtext.sections_component`) only stores the result.
"""

from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from .errors import DataFileError
from .markers import CIRCLED_RANGES, CLOSE, CN, CN_DIGITS, NOT_YAO_WORD, OPEN, SP, START_PATTERNS
from .model import Document, Finding, Outline, Section, as_document
from .resources import load_toml, model_path
from .text import Paragraph, append_paragraph, parse_cn_number, squash  # noqa: F401 (parse_cn_number: exported here too)

__all__ = [
    "STYLES",
    "DocumentPart",
    "extract_sections",
    "find_parts",
    "parse_cn_number",
]

STYLES = (
    "cn-comma",
    "cn-paren",
    "arabic-dot",
    "arabic-comma",
    "arabic-paren",
    "arabic-half-paren",
    "circled",
    "cn-shi",
    "cn-yao",
    "qi-ordinal",
    "di-ordinal",
    "sequence-word",
    "appendix",
    "unnumbered",
)

# --- marker grammar: markers.py (matched here on the folded view: （→( ）→) ．→. full digits → ASCII)

_SEQUENCE_NUMBERS = {"首先": 1, "其次": 2, "再次": 3}

# Inline enumeration items inside a paragraph: after a sentence/clause end or a colon.
_INLINE = re.compile(
    rf"(?P<lead>[。；;：:！？!?，,]|(?<=[\u4e00-\u9fff])\.)[ \u3000\u00a0]*[“”\"]?"
    rf"(?:(?P<shi_num>{CN})(?P<shi>是+)|第(?P<di_num>{CN})(?P<di_punct>[，,、]+)"
    rf"|(?P<yao_num>{CN})(?P<yao>要){NOT_YAO_WORD}|其(?P<qi_num>{CN})(?P<qi>是|[，,、：:]+))"
)
# Where an _INLINE match can start: a lead, spaces, a quote and an item's first character (a lead alone is
# a frequent character, this is not). A match of this holds no lead after its first character, so
# searching for it finds every place an _INLINE match starts (see _matches_from).
_INLINE_START = re.compile(rf"[。；;：:！？!?，,.][ \u3000\u00a0]*[“”\"]?[{CN_DIGITS}第其]")
_HEADING_FAMILIES = frozenset(
    {"cn-comma", "cn-paren", "arabic-dot", "arabic-comma", "arabic-paren", "arabic-half-paren"}
)
_RUN_IN_FAMILIES = frozenset({"cn-shi", "cn-yao", "qi-ordinal", "di-ordinal", "sequence-word"})
# The inline styles and the group holding each one's number in _INLINE.
_INLINE_STYLES = {"cn-shi": "shi_num", "di-ordinal": "di_num", "cn-yao": "yao_num", "qi-ordinal": "qi_num"}
_DOT_THEN_DIGIT = re.compile(r"(?P<num>\d{1,2})(?P<punct>\.)(?=\d)")
# crawled pages often end a sentence with a half-width ``.`` after a Chinese character (not 1.5, V2.0)
_TITLE_END = re.compile(r"[。；;]|(?<=[\u4e00-\u9fff])\.(?![0-9])")
_TOC_LINE = re.compile(r"(?:\.{3,}|．{3,}|…{2,}|·{3,}|-{4,}|_{4,})\s*\d+\s*$")


def _toc_line(t: str) -> bool:
    """``_TOC_LINE.search(t)``; a line that does not end in a digit (almost every one) is not tried."""
    s = t.rstrip()
    return bool(s) and s[-1].isdecimal() and _TOC_LINE.search(t) is not None

_WS = " \t\u3000\u00a0\ufeff\u200b"


@dataclass(slots=True)  # not frozen (~5× faster to build), but never changed: ``replace`` makes a new one
class _Candidate:
    """A heading found in the text, before levels are assigned."""

    style: str
    family: str  # style, plus the sub-family for circled markers
    number: int | None
    marker: str
    start: int  # start of the marker (original offsets)
    marker_end: int
    title_start: int
    end: int  # end of the heading (marker + title)
    inline: bool
    para: int  # paragraph index
    doubled: bool = False
    slip: str = ""  # description of a style slip in the marker itself
    form: str = ""  # the marker's written form with digits abstracted (for width checks)
    part: int = 0  # 0 = body; k > 0 = k-th appendix part
    run_in: bool = False  # body text follows the heading in the same paragraph


@dataclass(frozen=True)
class DocumentPart:
    """A stretch of the document that is not report body: web residue or an appendix part."""

    kind: str  # "boilerplate" | "appendix"
    start_char: int
    end_char: int
    line: int
    label: str = ""

    def to_dict(self) -> dict:
        """Plain dict for JSON output."""
        return {
            "kind": self.kind,
            "start_char": self.start_char,
            "end_char": self.end_char,
            "line": self.line,
            "label": self.label,
        }


@dataclass
class _Open:
    """A section on the nesting stack while levels are assigned."""

    idx: int
    family: str
    level: int
    number: int | None


# --- data ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PartRules:
    head: re.Pattern[str]
    anywhere: re.Pattern[str]
    tail_start: re.Pattern[str]
    appendix: re.Pattern[str]
    allow_doubled: frozenset[str]


def _data_pattern(path: object, patterns: list[str] | str, what: str) -> re.Pattern[str]:
    """One pattern from a data file's regular expression, or the union of a list of them (a list that
    is empty matches nothing); a bad one is a ``DataFileError`` naming the file and the key."""
    if isinstance(patterns, list):
        patterns = "|".join(f"(?:{p})" for p in patterns) or "(?!)"
    try:
        return re.compile(patterns)
    except re.error as exc:
        raise DataFileError(str(path), f"bad regular expression in {what}: {exc}") from None


@cache
def _rules() -> _PartRules:
    path = model_path("sections", "parts.toml")
    data = load_toml(path)

    def union(patterns: list[str], what: str) -> re.Pattern[str]:
        return _data_pattern(path, patterns, what)

    b = data.get("boilerplate", {})
    return _PartRules(
        head=union(b.get("head", []), "boilerplate.head"),
        anywhere=union(b.get("anywhere", []), "boilerplate.anywhere"),
        tail_start=union(b.get("tail_start", []), "boilerplate.tail_start"),
        appendix=union(data.get("appendix", {}).get("start", []), "appendix.start"),
        allow_doubled=frozenset(data.get("doubled_words", {}).get("allow", [])),
    )


@dataclass(frozen=True)
class _TitleRules:
    max_chars: int
    cues: re.Pattern[str]
    exclude: re.Pattern[str]
    announce: re.Pattern[str]


@cache
def _title_rules() -> _TitleRules:
    path = model_path("sections", "unnumbered.toml")
    data = load_toml(path)

    def compile_(patterns: list[str] | str, what: str) -> re.Pattern[str]:
        return _data_pattern(path, patterns, what)

    announce = compile_(data.get("announce", "(?!)"), "announce")
    if "items" not in announce.groupindex:
        raise DataFileError(str(path), "announce needs a group named items")
    return _TitleRules(
        max_chars=int(data.get("max_chars", 30)),
        cues=compile_(data.get("cues", []), "cues"),
        exclude=compile_(data.get("exclude", []), "exclude"),
        announce=announce,
    )


# --- paragraphs ---------------------------------------------------------------------------------


def _paragraphs(doc: Document) -> list[Paragraph]:
    """The document's paragraphs (``Document.paragraphs``, the one split), further split where a
    heading stands mid-line in run-together text (``_split_lost_breaks``)."""
    return _split_lost_breaks(doc, list(doc.paragraphs))


# --- lost paragraph breaks ----------------------------------------------------------------------

# These three are searched along whole run-together texts. Each starts with one character class (its
# first character, or the sentence end before it), so that the engine jumps from one such character to
# the next instead of trying every position; look-behinds after that character check what precedes it.
# A heading-family marker that may stand mid-paragraph (not inside a number: 1.5, 2019.11, 五一、, 第一、).
_LOST_HEAD = re.compile(
    rf"[(\d{CN_DIGITS}](?<![0-9{CN_DIGITS}第].)"  # the first character, not preceded by a digit or 第
    rf"(?:(?<=\(){SP}(?:{CN}|\d{{1,2}}){SP}\)"  # (一) (1)
    rf"|(?<=[{CN_DIGITS}])[{CN_DIGITS}]{{0,2}}、"  # 一、
    rf"|(?<=\d)(?<!\..)\d?[.、])"  # 1. 1、 (not the 1. of 2.1.)
)
# The first item of a run-in chain (一是, 一要, 其一) — not 之一是, 统一是, 唯一是, 第一.
_LOST_CHAIN = re.compile(rf"[一其](?<![之统唯第{CN_DIGITS}].)(?:(?<=一)(?P<word>是|要)|(?<=其)一(?=[，,、：:]))")
# An appendix opener (group ``opener``) standing right after a sentence end (joined to the report's
# closing words).
_LOST_APPENDIX = re.compile(
    rf"[。！!？?](?P<opener>[ \u3000\u00a0]*"
    rf"(?:附件(?:[ \u3000]*(?:[0-9{CN_DIGITS}](?![0-9])|[0-9](?=(?:19|20)[0-9]{{2}}年)))?"
    r"|名词解释|名词注释|注释|附注)"
    r"(?![中里所的是为和与及，,、。]))"
)
_SENT_PUNCT = "。；;！!？?：:"
_QUOTE_CLOSERS = "”’」』"


@dataclass(frozen=True)
class _FlatRules:
    max_title: int
    max_item_chars: int
    run_together_chars: int
    openers: re.Pattern[str]
    title_ends: re.Pattern[str]
    min_body: int
    title_goes_on: str


@cache
def _flat_rules() -> _FlatRules:
    path = model_path("sections", "flat.toml")
    data = load_toml(path)

    def union(key: str) -> re.Pattern[str]:
        return _data_pattern(path, data.get(key, []), key)

    return _FlatRules(
        max_title=int(data.get("max_title_chars", 40)),
        max_item_chars=int(data.get("max_unmarked_first_item_chars", 300)),
        run_together_chars=int(data.get("run_together_chars", 2000)),
        openers=union("body_openers"),
        title_ends=union("title_end_words"),
        min_body=int(data.get("min_body_after_title_word", 6)),
        title_goes_on=str(data.get("title_goes_on", "")),
    )


@dataclass
class _Lost:
    """A heading marker found while looking for lost paragraph breaks."""

    pos: int
    marker_end: int
    style: str
    number: int
    anchor: bool  # at a real paragraph start
    eligible: bool  # stands where a heading can stand (after a sentence end, a space, a short title)
    para: int
    ok: bool = False
    dot_digit: bool = False  # 20.2026年…: counts only as the next item of a running list


def _after_boundary(folded: str, i: int, para_start: int) -> bool:
    """True when ``i`` follows a sentence end (``。；！？``), a closing quote, a space or a table cell bar.

    Crawled pages often carry half-width punctuation: a ``.`` right after a Chinese character
    (``未收到申请事项.（三）…``) ends a sentence too; ``1.5`` or ``V2.0`` never reach here.
    """
    if i <= para_start:
        return True
    c = folded[i - 1]
    if c in _WS or c == "|":
        return True
    if c == "." and i - 2 >= para_start and _is_cjk(folded[i - 2]):
        return True
    return c in "。；;！!？?：:" or c in _QUOTE_CLOSERS


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _short_title_before(folded: str, head_end: int | None, i: int, max_title: int) -> bool:
    """True when ``i`` directly follows a heading title (begun at ``head_end``) with no sentence end."""
    if head_end is None or not 0 < i - head_end <= max_title:
        return False
    return not any(ch in _SENT_PUNCT for ch in folded[head_end:i])


def _split_lost_breaks(doc: Document, paras: list[Paragraph]) -> list[Paragraph]:
    """Paragraphs split where a heading stands mid-line because the paragraph break was lost.

    A marker (``二、`` ``（一）`` ``1.`` ``1、`` ``（1）``) inside a paragraph starts a paragraph of its own
    when it stands after a sentence end, a closing quote or a space, or directly after a short heading
    title (``二、下一步工作打算（一）…``), and the numbering sequence vouches for it: ``二、`` continues an
    accepted ``一、`` of the same family, and an ``一、`` is followed by a ``二、`` standing where a heading
    can. A run-in chain (``一是``) whose first item follows an unpunctuated title or a space starts one
    too. Such a heading's title ends at its first ``。``/``；``, at the next heading, at a space, or where
    report body text visibly opens (``2023年是…``, ``models/sections/flat.toml``); a break is put there.
    """
    text, folded = doc.text, doc.view.text
    rules = _flat_rules()
    items: list[_Lost] = []
    chains: list[tuple[int, int]] = []  # (position, paragraph) of accepted 一是 chain starts
    total = sum(p.end - p.start for p in paras)
    # only a paragraph whose breaks were visibly lost is searched: longer than any real paragraph, or
    # most of the document (a short text pasted as one line); inside real paragraphs (the flattened
    # national reports) a colon-introduced （一）…。（二）…。 stays an enumeration of the paragraph
    run_together = [
        p.end - p.start >= rules.run_together_chars or 2 * (p.end - p.start) >= total for p in paras
    ]
    for pi, p in enumerate(paras):
        head_end: int | None = None
        hit = _match_start(folded, p.start)
        if hit is not None and hit[0] in _HEADING_FAMILIES:
            num = _lost_number(hit[1])
            if num is not None:
                items.append(_Lost(p.start, hit[1].end(), hit[0], num, True, True, pi))
                head_end = hit[1].end()
        if not run_together[pi]:
            continue
        for m in _LOST_HEAD.finditer(folded, p.start + 1, p.end):
            i = m.start()
            h = _match_start(folded, i)
            dot_digit = h is None and _DOT_THEN_DIGIT.match(folded, i) is not None
            if dot_digit:
                h = ("arabic-dot", _DOT_THEN_DIGIT.match(folded, i))  # 20.2026年… after item 19.
            if h is None or h[0] not in _HEADING_FAMILIES or (doc.tables and doc.in_table(i)):
                continue
            num = _lost_number(h[1])
            if num is None:
                continue
            # before the paragraph's first heading, its own start counts as a heading's: a crawled page
            # runs the document title straight on to the first part (``…年度报告一、总体情况``)
            eligible = _after_boundary(folded, i, p.start) or _short_title_before(
                folded, p.start if head_end is None else head_end, i, rules.max_title
            )
            items.append(_Lost(i, h[1].end(), h[0], num, False, eligible, pi, dot_digit=dot_digit))
            if eligible:
                head_end = h[1].end()
    # the numbering sequence vouches for each mid-line marker
    following: list[int | None] = [None] * len(items)  # the next eligible item of the same family
    seen: dict[str, int] = {}
    for k in range(len(items) - 1, -1, -1):
        following[k] = seen.get(items[k].style)
        if items[k].eligible:
            seen[items[k].style] = k
    last: dict[str, _Lost] = {}
    colon_led: dict[str, bool] = {}  # per family: its latest first item follows a colon (要求如下：（一）…)
    for k, it in enumerate(items):
        j = following[k]
        nx = items[j] if j is not None else None
        if it.number == 1:
            colon_led[it.style] = _after_colon(folded, it.pos)
        if it.anchor:
            it.ok = True
        elif it.dot_digit:
            prev = last.get(it.style)
            it.ok = it.eligible and prev is not None and prev.ok and prev.number == it.number - 1
        elif (
            nx is not None
            and nx.number == it.number + 1
            and _no_sentence_between(folded, it, nx)
            and (
                colon_led.get(it.style, False)
                or (
                    nx.pos - it.marker_end <= rules.max_title
                    and not any(ch in _SENT_PUNCT for ch in folded[it.marker_end : nx.pos])
                )
            )
        ):
            # 一、甲二、乙三、丙 (a contents list) or ：（一）…；（二）… (an enumeration), not headings with
            # bodies; ``一、情况：本年公开5条；二、…`` (a title, a colon, a one-clause body) stays a heading
            it.ok = False
        elif it.number == 1 and nx is not None and nx.number == 2:
            # a list begins here: eligible, or (not 一、, which ends words: 合一、) run on to an
            # unpunctuated line (名词注释1.…) and vouched for by two more items (2. and 3.) soon after
            j2 = following[j] if j is not None else None
            it.ok = it.eligible or (
                it.style != "cn-comma"
                and j2 is not None
                and items[j2].number == 3
                and nx.pos - it.pos <= rules.max_item_chars
            )
            if it.ok:
                it.eligible = True
        elif it.eligible:
            prev = last.get(it.style)
            if prev is not None and prev.ok and prev.number == it.number - 1:
                it.ok = True
            elif it.number > 1 and nx is not None and nx.number == it.number + 1 and (
                prev is None or prev.number != it.number - 1
            ):
                # a run whose first item was lost or never recognised (二、…三、…四、): the sequence
                # itself vouches, as long as no unaccepted item with the number before it stands first
                it.ok = True
        if it.eligible:
            last[it.style] = it
    _vouch_by_first_child(items, folded, rules.max_title)
    cuts_by_para: dict[int, list[int]] = {}
    heads = [it for it in items if it.ok]
    for it in heads:
        if not it.anchor:
            cuts_by_para.setdefault(it.para, []).append(it.pos)
    # 一是 chains begun right after an unpunctuated title or a space
    heads_by_para: dict[int, list[_Lost]] = {}
    for it in heads:
        heads_by_para.setdefault(it.para, []).append(it)
    head_pos = {pi: [h.pos for h in hs] for pi, hs in heads_by_para.items()}  # sorted: items are in text order
    for pi, p in enumerate(paras):
        if not run_together[pi]:
            continue
        for m in _LOST_CHAIN.finditer(folded, p.start + 1, p.end):
            i = m.start()
            if folded[i - 1] in _SENT_PUNCT + "，,":
                continue  # found as an inline item anyway
            k = bisect.bisect_left(head_pos.get(pi, ()), i)  # heads before i
            head_end = heads_by_para[pi][k - 1].marker_end if k else None
            if not (folded[i - 1] in _WS or _short_title_before(folded, head_end, i, rules.max_title)):
                continue
            second = f"二{m.group('word')}" if m.group("word") else "其二"
            j = folded.find(second, m.end(), p.end)
            if j < 0 or folded[j - 1] not in _SENT_PUNCT + "，," + _WS:
                continue
            if doc.tables and doc.in_table(i):
                continue
            chains.append((i, pi))
            cuts_by_para.setdefault(pi, []).append(i)
    # an appendix opener (附件1, 名词解释) run on after the report's last sentence is a paragraph of its own
    for pi, p in enumerate(paras):
        if not run_together[pi]:
            continue
        for m in _LOST_APPENDIX.finditer(folded, p.start, p.end):
            cuts_by_para.setdefault(pi, []).extend(m.span("opener"))
    # where a heading's title ends (unless it begins a line): 。/；, the next cut, a space, a part-title
    # word, an opening of body text
    sorted_cuts = {pi: sorted(cuts) for pi, cuts in cuts_by_para.items()}
    for it in heads:
        p = paras[it.para]
        if it.anchor and _at_line_start(text, p.start) and (
            not run_together[it.para] or "\n" in text[p.start : p.end]
        ):
            continue  # (a run-together paragraph without any line break holds its first title too)  # a heading that begins a line ends with its line (or its first 。)
        ts = it.marker_end
        while ts < p.end and folded[ts] in _WS:
            ts += 1
        cuts = sorted_cuts.setdefault(it.para, [])
        k = bisect.bisect_right(cuts, it.pos)  # the first cut after the marker
        limit = cuts[k] if k < len(cuts) else p.end
        sm = _TITLE_END.search(folded, ts, limit)
        s_end = sm.start() if sm else limit
        end = _lost_title_end(folded, ts, s_end, rules)
        if end < s_end:
            cuts_by_para.setdefault(it.para, []).append(end)
            bisect.insort(cuts, end)
    if not cuts_by_para:
        return paras
    out: list[Paragraph] = []
    for pi, p in enumerate(paras):
        cuts = sorted(set(cuts_by_para.get(pi, ())))
        if not cuts:
            out.append(p)
            continue
        bounds = [p.start, *cuts, p.end]
        for a, b in zip(bounds, bounds[1:], strict=False):
            append_paragraph(text, a, b, out)
    return out


def _vouch_by_first_child(items: list[_Lost], folded: str, max_title: int) -> None:
    """Accept a lone first item (``一、`` with no ``二、`` in a truncated or one-part text) whose short title
    runs straight on to an accepted first item of another family (``一、主要举措和成效（一）…``)."""
    for k in range(len(items) - 2, -1, -1):
        it, nx = items[k], items[k + 1]
        if (
            not it.ok
            and it.eligible
            and it.number == 1
            and nx.ok
            and nx.number == 1
            and nx.style != it.style
            and _short_title_before(folded, it.marker_end, nx.pos, max_title)
        ):
            it.ok = True


def _at_line_start(text: str, i: int) -> bool:
    """True when only indentation stands between ``i`` and the start of its line."""
    while i > 0 and text[i - 1] in _WS:
        i -= 1
    return i == 0 or text[i - 1] in "\r\n"


def _lost_title_end(folded: str, ts: int, s_end: int, rules: _FlatRules) -> int:
    """End of a title running from ``ts`` up to at most ``s_end`` (its first 。/； or the next heading).

    Earlier only on evidence that body text starts: a space (not one inside a title: ``2008 年``), a
    part-title word followed by a long run of text (``…目标任务`` + ``对标对表…``, not ``…工作回顾和…``), or
    an opening of body text (``2023年是…``); see ``models/sections/flat.toml``.
    """
    end = s_end
    k = ts + 1
    while k < s_end - 1:
        if folded[k] not in _WS:
            k += 1
            continue
        run_end = k
        while run_end < s_end and folded[run_end] in _WS:
            run_end += 1
        if run_end < s_end and not (_keeps_space(folded[k - 1]) or _keeps_space(folded[run_end], True)):
            end = k
            break
        k = run_end
    om = rules.openers.search(folded, ts + 2, end)
    if om is not None:
        end = om.start()
    cue_end = None
    for cm in rules.title_ends.finditer(folded, ts, end):
        e = cm.end()
        if end - e >= rules.min_body and folded[e] not in rules.title_goes_on:
            cue_end = e
            break
    return cue_end if cue_end is not None else end


def _keeps_space(ch: str, after: bool = False) -> bool:
    """A space next to ``ch`` may stand inside a title (``2008 年``, ``“党建+河长制” 品牌``).

    ``after``: ``ch`` follows the space (an opening quote there starts new text, not the title's).
    """
    if ch.isascii() and ch.isalnum():
        return True
    return ch in ("”’\"'+-—" if not after else "”’+-—")


def _after_colon(folded: str, i: int) -> bool:
    """True when a colon stands right before ``i`` (spaces between allowed)."""
    while i > 0 and folded[i - 1] in _WS:
        i -= 1
    return i > 0 and folded[i - 1] in "：:"


def _no_sentence_between(folded: str, a: _Lost, b: _Lost) -> bool:
    """True when ``b`` follows ``a`` in the same paragraph with no full stop between (a ``；`` list)."""
    if a.para != b.para:
        return False
    return not any(
        ch in "。！!？?" or (ch == "." and _is_cjk(folded[k - 1]))
        for k, ch in enumerate(folded[a.marker_end : b.pos], a.marker_end)
    )


def _lost_number(m: re.Match[str]) -> int | None:
    s = m.group("num")
    return int(s) if s.isdigit() else parse_cn_number(s)


# --- parts: boilerplate and appendices ----------------------------------------------------------

_BODY_ANCHOR = re.compile(r"各位代表|同志们|各位委员")


def find_parts(document: Document | str) -> tuple[DocumentPart, ...]:
    """The stretches that are not report body: web residue before/after it and appendix parts."""
    doc = as_document(document)
    return _find_parts(doc, _paragraphs(doc))[0]


def _find_parts(doc: Document, paras: list[Paragraph]) -> tuple[tuple[DocumentPart, ...], list[int]]:
    """Parts, and for every paragraph its part: -1 boilerplate, 0 body, k ≥ 1 the k-th appendix."""
    rules = _rules()
    kinds = [0] * len(paras)
    parts: list[DocumentPart] = []
    # head: residue lines before the body starts (first long paragraph, address line or heading)
    in_head = True
    prev_label = False
    for i, p in enumerate(paras):
        t = p.text
        if rules.anywhere.fullmatch(t):
            kinds[i] = -1
            continue
        if not in_head:
            continue
        if _BODY_ANCHOR.match(t) or len(t) > 60 or _match_start(doc.view.text, p.start) is not None:
            in_head = False
            continue
        if rules.head.fullmatch(t) or (prev_label and len(t) <= 20):
            # a "来源：" label line may carry its value on the next line
            prev_label = t.rstrip().endswith((":", "：")) and len(t) <= 8
            kinds[i] = -1
        else:
            prev_label = False
    # tail: from the first footer line after the body started, everything is residue
    first_body = next((i for i, k in enumerate(kinds) if k == 0), len(paras))
    tail = len(paras)
    for i in range(first_body + 1, len(paras)):
        if rules.tail_start.fullmatch(paras[i].text):
            tail = i
            break
    for i in range(tail, len(paras)):
        kinds[i] = -1
    # appendix parts: an opener paragraph (consecutive openers make one part)
    part_no = 0
    prev_opener = False
    for i in range(first_body + 1, tail):
        t = paras[i].text
        opener = len(t) <= 24 and rules.appendix.fullmatch(t) is not None
        if opener and not prev_opener:
            part_no += 1
        if part_no and kinds[i] == 0:
            kinds[i] = part_no
        prev_opener = opener
    # collect runs as DocumentPart records
    i = 0
    while i < len(paras):
        k = kinds[i]
        if k == 0:
            i += 1
            continue
        j = i
        while j + 1 < len(paras) and kinds[j + 1] == k:
            j += 1
        end = len(doc.text) if (k == -1 and j == len(paras) - 1) else paras[j].end
        parts.append(
            DocumentPart(
                kind="boilerplate" if k == -1 else "appendix",
                start_char=paras[i].start,
                end_char=end,
                line=doc.line_col(paras[i].start)[0],
                label=paras[i].text[:30],
            )
        )
        i = j + 1
    return tuple(parts), kinds


# --- candidates ---------------------------------------------------------------------------------


@lru_cache(maxsize=1024)  # a document writes its markers in a few forms, over and over
def _form(marker: str) -> str:
    """The written form of a marker with its number abstracted: （一） → （N）, １． → D．, 1. → d."""
    out = []
    for ch in marker:
        if any(a <= ord(ch) <= b for a, b, _ in CIRCLED_RANGES) or ch in "首先其次再最后":
            ch = "C"
        elif "0" <= ch <= "9":
            ch = "d"
        elif "０" <= ch <= "９":
            ch = "D"
        elif ch in CN_DIGITS:
            ch = "N"
        elif ch in _WS or ch in "\r\n":
            continue
        if not out or out[-1] != ch or ch not in "dDNC":
            out.append(ch)
    return "".join(out)


# The parts, lost-break and candidate passes ask again for the same paragraph starts: remembered per
# thread for the document being read only, so no earlier document's text is kept alive.
_START_MEMO = threading.local()


@cache
def _start_any() -> re.Pattern[str]:
    """All of ``START_PATTERNS`` as one alternation, group ``s<k>`` around the k-th (their own groups made
    non-capturing; they hold no back-references): one match tells whether any marker starts here, and
    the first pattern that can."""
    ungrouped = (re.sub(r"\(\?P<\w+>", "(?:", rx.pattern) for _, rx in START_PATTERNS)
    return re.compile("|".join(f"(?P<s{k}>{p})" for k, p in enumerate(ungrouped)))


def _match_start(folded: str, start: int) -> tuple[str, re.Match[str]] | None:
    """The marker pattern matching at paragraph start ``start`` of ``folded`` (or None): the first of
    ``START_PATTERNS`` (in their order) that matches there and is plausible."""
    memo = _START_MEMO
    if getattr(memo, "text", None) is not folded:
        memo.text, memo.hits = folded, {}
    hits: dict[int, tuple[str, re.Match[str]] | None] = memo.hits
    if start in hits:
        return hits[start]
    hit = None
    # most paragraphs start with no marker at all: one match of the alternation rules them out; else
    # the patterns before the first alternative that matched cannot match and are skipped
    any_m = _start_any().match(folded, start)
    if any_m is not None:
        for style, rx in START_PATTERNS[int(any_m.lastgroup[1:]) :]:  # type: ignore[index]
            m = rx.match(folded, start)
            if m is not None and _plausible(style, m, folded):
                hit = (style, m)
                break
    hits[start] = hit
    return hit


def _plausible(style: str, m: re.Match[str], folded: str) -> bool:
    """Rejects what only looks like a marker: decimals, dates, numeral lists, holidays."""
    nxt = folded[m.end() : m.end() + 1]
    if style in ("cn-comma", "cn-paren", "cn-shi", "cn-yao", "qi-ordinal", "di-ordinal"):
        n = parse_cn_number(m.group("num"))
        if n is None:
            return False
        if style in ("cn-comma", "di-ordinal") and _numeral_list_follows(
            folded, m.end(), n, ordinal=style == "di-ordinal"
        ):
            return False  # 一、二季度 / 三、四月份 / 第一、二轮: a list of numerals, not a heading
        return True
    if style in ("arabic-dot", "arabic-comma", "arabic-half-paren"):
        if style == "arabic-dot" and len(m.group("punct")) == 1 and nxt.isdigit():
            return False  # 1.5亿元, 2019.11, 5.12地震, 2.5 of a broken PM2.5
        if style == "arabic-dot" and len(m.group("punct")) > 1 and nxt == ".":
            return False
        if nxt.isdigit() or nxt in ("%", "％"):
            return False  # 2、3月份, 1、2号楼
        if nxt == "" or nxt in "\r\n":
            return False
        return True
    return True


def _numeral_list_follows(folded: str, pos: int, n: int, *, ordinal: bool = False) -> bool:
    """True when a numeral list goes on at ``pos`` (一、二季度, 第一、二轮, 第一、第三产业, 三、四月份)."""
    rest = folded[pos : pos + 5].lstrip(_WS)
    if ordinal and rest.startswith("第"):  # 第一、第三产业
        rest = rest[1:]
        if re.match(CN, rest):
            return True
    k = re.match(CN, rest)
    return bool(k) and (
        parse_cn_number(k.group()) == n + 1 or rest[k.end() : k.end() + 1] in ("、", "季", "月")
    )


# Body text after a heading in its paragraph: anything but spaces and sentence punctuation.
_RUN_IN_TEXT = re.compile(f"[^{re.escape(_WS)}。；;：:!！?？]")


def _title_end(folded: str, start: int, limit: int) -> int:
    """End of a heading's title: the first 。/；, or the paragraph end (trailing spaces dropped)."""
    m = _TITLE_END.search(folded, start, limit)
    end = m.start() if m else limit
    while end > start and folded[end - 1] in _WS:
        end -= 1
    return end


def _body_span(paras: list[Paragraph], kinds: list[int]) -> tuple[int, int]:
    """From the start of the first paragraph that is not boilerplate to the end of the last one (0, 0
    when all are): the stretch the searches along the text need to cover."""
    body = [i for i, k in enumerate(kinds) if k >= 0]
    return (paras[body[0]].start, paras[body[-1]].end) if body else (0, 0)


def _candidates(doc: Document, kinds: list[int], paras: list[Paragraph]) -> list[_Candidate]:
    folded = doc.view.text
    inline_starts = [m.start() for m in _INLINE_START.finditer(folded, *_body_span(paras, kinds))]
    out: list[_Candidate] = []
    pending_open: int | None = None  # a paragraph that is only "（": the marker continues below
    last_dot = (0, 0)  # (part, number) of the last paragraph-start 1. heading
    skip_next = False  # the paragraph was taken as the title of a bare marker line
    for pi, p in enumerate(paras):
        part = kinds[pi]
        if part < 0 or skip_next:
            pending_open = None
            skip_next = False
            continue
        if _toc_line(p.text):
            pending_open = None
            continue
        start = p.start
        broken = False
        if p.text in ("(", "（"):
            pending_open = p.start
            continue
        first: _Candidate | None = None
        if pending_open is not None:
            m = re.match(
                rf"{SP}(?P<num>{CN}|\d{{1,2}}){SP}(?P<close>{CLOSE}+)(?P<slip>[、,，.:：]*)",
                folded[start : p.end],
            )
            if m:
                style = "cn-paren" if not m.group("num").isdigit() else "arabic-paren"
                first = _make(
                    doc,
                    style,
                    m,
                    pending_open,
                    start + m.end(),
                    p.end,
                    pi,
                    part,
                    num_text=m.group("num"),
                    broken=True,
                )
                broken = True
            pending_open = None
        if part != last_dot[0]:
            last_dot = (part, 0)
        if not broken:
            hit = _match_start(folded, start)
            if hit is None and last_dot[1]:
                # 20.2026年… right after item 19.: the list goes on although a digit follows the dot
                m = _DOT_THEN_DIGIT.match(folded, start)
                if m and int(m.group("num")) == last_dot[1] + 1 and p.end - m.end() > 3:
                    hit = ("arabic-dot", m)
            if hit is not None:
                style, m = hit
                first = _make(doc, style, m, start, m.end(), p.end, pi, part)
                if style == "arabic-dot":
                    last_dot = (part, first.number or 0)
        # a bare marker line (title on the next line) counts only for the bracket/comma forms
        if (
            first is not None
            and first.end <= first.title_start
            and first.style not in ("circled", "cn-comma", "cn-paren", "arabic-paren")
        ):
            first = None
        elif first is not None and first.end <= first.title_start and pi + 1 < len(paras):
            # 一、 alone on its line: a short unnumbered next line is its title
            nxt = paras[pi + 1]
            if (
                kinds[pi + 1] == part
                and len(nxt.text) <= 40
                and not _TITLE_END.search(nxt.text)
                and _match_start(folded, nxt.start) is None
            ):
                first = replace(first, title_start=nxt.start, end=nxt.end)
                skip_next = True
        # inline enumerations inside the paragraph: after 。；：！？ any item; after a comma only the
        # first item (主要原因，一是…) or the next one of a chain begun in this paragraph
        para_items: list[_Candidate] = [first] if first is not None else []
        last: dict[str, int] = {}
        if para_items and first is not None and first.style in _INLINE_STYLES:
            last[first.style] = first.number or 0
        scan_from = first.marker_end if first is not None else start
        for m in _matches_from(_INLINE, folded, inline_starts, scan_from, p.end):
            style, num_g = next((st, g) for st, g in _INLINE_STYLES.items() if m.group(g) is not None)
            n = parse_cn_number(m.group(num_g))
            if n is None:
                continue
            if style == "di-ordinal" and _numeral_list_follows(folded, m.end(), n, ordinal=True):
                continue  # 第一、二轮
            if m.group("lead") in "，," and not (n == 1 or n == last.get(style, -1) + 1):
                continue
            last[style] = n
            ms = m.start(num_g) - (1 if style in ("di-ordinal", "qi-ordinal") else 0)
            para_items.append(
                _make(doc, style, m, ms, m.end(), p.end, pi, part, inline=True, num_group=num_g)
            )
        # a title stops where the next item of the paragraph begins
        for k in range(len(para_items) - 1):
            cur, nxt = para_items[k], para_items[k + 1]
            if cur.end > nxt.start:
                e = nxt.start
                while e > cur.title_start and folded[e - 1] in _WS + '，,“"':
                    e -= 1
                para_items[k] = replace(cur, end=max(e, cur.marker_end))
        if first is not None and len(para_items) > 1 and para_items[1].style == first.style:
            para_items[0] = replace(para_items[0], inline=True)  # 一是…。二是…: one run-in list
        out.extend(para_items)
    return out


def _make(
    doc: Document,
    style: str,
    m: re.Match[str],
    start: int,
    marker_end: int,
    para_end: int,
    pi: int,
    part: int,
    *,
    inline: bool = False,
    num_group: str = "num",
    num_text: str | None = None,
    broken: bool = False,
) -> _Candidate:
    text, folded = doc.text, doc.view.text
    gd = m.groupdict()
    num_s = num_text if num_text is not None else (gd.get(num_group) or "")
    family = style
    doubled = False
    slip = ""
    if style == "circled":
        ch = gd["circ"]
        cp = ord(ch)
        for a, b, fam in CIRCLED_RANGES:
            if a <= cp <= b:
                number = cp - a + 1
                family = f"circled{fam}"
                break
        doubled = bool(gd.get("dbl")) and gd["dbl"] == ch
        if gd.get("dbl") and not doubled:
            marker_end -= 1  # ①② at a line start: only the first is the marker
    elif style == "sequence-word":
        number = _SEQUENCE_NUMBERS.get(gd["word"], 0)
    elif num_s.isdigit():
        number = int(num_s)
    else:
        number = parse_cn_number(num_s) or 0
    for g in ("open", "close", "punct", "shi", "di_punct"):
        v = gd.get(g)
        if v and len(v) > 1 and not (g == "punct" and style == "sequence-word"):
            doubled = True
    if gd.get("slip"):
        slip = f"stray {gd['slip']!r} after the bracketed number"
        if style == "arabic-dot":
            slip = f"stray {gd['slip']!r} after the number's dot"
    if style in ("cn-paren", "arabic-paren"):
        o, c = text[start], text[marker_end - 1 - len(gd.get("slip") or "")]
        if (o == "（") != (c == "）"):
            slip = f"brackets of different widths in {text[start:marker_end]!r}"
    if broken:
        slip = "marker broken across lines"
    ts = marker_end
    while ts < para_end and (folded[ts] in _WS or (style in ("cn-shi", "cn-yao") and folded[ts] in "，,")):
        ts += 1
    end = _title_end(folded, ts, para_end)
    if end < ts:
        end = ts
    heading_end = end if end > ts else marker_end
    marker = text[start:marker_end]
    run_in = _RUN_IN_TEXT.search(folded, heading_end, para_end) is not None
    return _Candidate(
        style=style,
        family=family,
        number=number,
        marker=marker,
        start=start,
        marker_end=marker_end,
        title_start=ts,
        end=heading_end,
        inline=inline,
        para=pi,
        doubled=doubled,
        slip=slip,
        form=_form(marker),
        part=part,
        run_in=run_in,
    )


# --- unnumbered part titles ---------------------------------------------------------------------

_ADDRESS = re.compile(r".{0,16}(?:各位代表|同志们|各位委员)[：:！!，,]?")
_SENTENCE_PUNCT = re.compile(r"[。；;！!？?：:]")
_CLOSERS = "”’」』）)》" + _WS
_ITEM_MARKER = re.compile(
    rf"^{SP}(?:{CN}[、.．]|{OPEN}[^）)]{{1,3}}{CLOSE}|[0-9０-９]{{1,2}}[、.．])?{SP}(?P<t>.*?)[等。.]?{SP}$"
)


def _ends_sentence(t: str) -> bool:
    t = t.rstrip(_CLOSERS)
    return bool(t) and t[-1] in "。！？!?…"


def _unnumbered_titles(
    doc: Document, kinds: list[int], paras: list[Paragraph], cands: list[_Candidate]
) -> list[_Candidate]:
    """A report's unnumbered part titles (``“十四五”时期工作回顾`` alone on its line), or none.

    A title is a short body paragraph of its own, without sentence punctuation or numbering marker,
    standing between a finished sentence (or the ``各位代表：`` address) and running text or a
    numbered heading, that carries part-title vocabulary or is a part the report announces
    (``报告分六个部分：一、…；二、…``); see ``models/sections/unnumbered.toml``. They count only when
    the document shows the pattern: two titles or more, or one with no numbered heading before it
    and numbered headings after it.
    """
    rules = _title_rules()
    folded = doc.view.text
    # the body starts after the address (各位代表：), else after the first finished sentence
    body = next((i + 1 for i, p in enumerate(paras) if kinds[i] == 0 and _ADDRESS.fullmatch(p.text)), None)
    if body is None:
        body = next(
            (i + 1 for i, p in enumerate(paras) if kinds[i] == 0 and _ends_sentence(p.text)), len(paras)
        )
    taken = {c.para for c in cands} | {c.para + 1 for c in cands if c.end > paras[c.para].end}  # 一、⏎title
    announced: set[str] = set()
    found: list[_Candidate] = []
    for i in range(body, len(paras) - 1):
        p = paras[i]
        if kinds[i] != 0:
            continue
        if not announced and (m := rules.announce.search(p.text)):
            for item in re.split(r"[；;]", m.group("items")):
                im = _ITEM_MARKER.match(item)
                if im and im.group("t"):
                    announced.add(squash(im.group("t")))
        if i in taken:
            continue
        size = len(p.text.strip(_WS))
        if not 2 <= size <= rules.max_chars:  # (most paragraphs: no slicing for them)
            continue
        lead = len(p.text) - len(p.text.lstrip(_WS))
        t = folded[p.start + lead : p.start + lead + size]  # folded: １９９１ → 1991
        if (
            _SENTENCE_PUNCT.search(t)
            or t[-1] in "，,、"
            or not re.search(r"[\u4e00-\u9fff]", t)
            or rules.exclude.fullmatch(t)
            or _toc_line(t)
            or not (rules.cues.search(t) or squash(t) in announced)
        ):
            continue
        j = i - 1
        while j > 0 and kinds[j] < 0:  # a photo caption or reposting notice in between
            j -= 1
        prev, nxt = paras[j], paras[i + 1]
        if not (_ends_sentence(prev.text) or j == body - 1 and _ADDRESS.fullmatch(prev.text)):
            continue  # the line only continues a broken sentence
        if kinds[i + 1] != 0:
            continue
        heading_next = i + 1 in taken and _match_start(folded, nxt.start) is not None
        prose_next = (
            len(nxt.text) >= 8
            and _SENTENCE_PUNCT.search(nxt.text) is not None
            and nxt.text[0] not in "，,。、；：:是"
        )
        if not (heading_next or prose_next):
            continue
        start = p.start + lead
        found.append(
            _Candidate(
                style="unnumbered",
                family="unnumbered",
                number=None,
                marker="",
                start=start,
                marker_end=start,
                title_start=start,
                end=start + len(t),
                inline=False,
                para=i,
            )
        )
    if len(found) == 1:
        # a lone title counts only as the head of the numbered structure that follows it
        own_line = [c.start for c in cands if not c.inline and c.part == 0]
        before = any(s < found[0].start for s in own_line)
        after = any(s > found[0].start for s in own_line)
        if before or not after:
            return []
    return found


# --- levels and findings ------------------------------------------------------------------------


def extract_sections(document: Document | str) -> Outline:
    """The document's numbered hierarchy (flat, in document order) and its structural findings."""
    doc = as_document(document)
    paras = _paragraphs(doc)
    parts, kinds = _find_parts(doc, paras)
    cands = _candidates(doc, kinds, paras)
    titles = _unnumbered_titles(doc, kinds, paras, cands)
    if titles:
        cands = sorted(cands + titles, key=lambda c: c.start)
    if doc.tables:  # statistics-table cells are never headings
        cands = [c for c in cands if not doc.in_table(c.start)]
    builder = _Builder(doc, kinds, paras)
    starts = sorted(
        {k: i for i, k in reversed(list(enumerate(kinds))) if k > 0}.items(), key=lambda kv: kv[1]
    )
    for c in cands:
        while starts and starts[0][1] <= c.para:
            builder.enter_part(starts.pop(0)[0])
        builder.add(c)
    for k, _ in starts:
        builder.enter_part(k)
    sections = builder.finish()
    findings = builder.findings + _doubled_words(doc, kinds, paras)
    findings.sort(key=lambda f: (f.start_char, f.code))
    return Outline(sections=tuple(sections), findings=tuple(findings))


class _Builder:
    """Assigns levels by nesting, checks numbering within each parent, and builds the records."""

    def __init__(self, doc: Document, kinds: list[int], paras: list[Paragraph]) -> None:
        self.doc = doc
        self.kinds = kinds
        self.paras = paras
        self.rows: list[dict] = []
        self.stack: list[_Open] = []
        self.findings: list[Finding] = []
        self.part = 0
        self.ref_form: dict[tuple[int | None, str], _Candidate] = {}

    # section rows are dicts until finish() freezes them
    def _row(self, c: _Candidate, level: int, parent: int | None, style: str, number: int | None) -> int:
        idx = len(self.rows)
        self.rows.append(
            {"cand": c, "level": level, "parent": parent, "style": style, "number": number, "children": []}
        )
        if parent is not None:
            self.rows[parent]["children"].append(idx)
        return idx

    def _open_appendix(self, part: int) -> None:
        paras = self.paras
        first = next(i for i, k in enumerate(self.kinds) if k == part)
        p = paras[first]
        m = re.match(rf"(附件\s*[0-9０-９{CN_DIGITS}]*|附|名词解释|附注|注释|注解)?[：:]?", p.text)
        marker_len = m.end() if m and m.group(1) else 0
        marker = p.text[:marker_len]
        num_m = re.search(rf"[0-9０-９]+|[{CN_DIGITS}]+", marker)
        number = None
        if num_m:
            s = num_m.group()
            number = int(s) if s.isdigit() else parse_cn_number(s)
        ts = p.start + marker_len
        while ts < p.end and self.doc.text[ts] in _WS:
            ts += 1
        c = _Candidate(
            style="appendix",
            family="appendix",
            number=number,
            marker=marker,
            start=p.start,
            marker_end=p.start + marker_len,
            title_start=ts,
            end=p.end,
            inline=False,
            para=first,
            part=part,
        )
        self.stack = []
        idx = self._row(c, 1, None, "appendix", number)
        self.stack.append(_Open(idx, "appendix", 1, number))

    def enter_part(self, part: int) -> None:
        """Start appendix part ``part``: a top-level ``appendix`` entry under which its numbering nests."""
        if part != self.part:
            self.part = part
            self.stack = []
            self._open_appendix(part)

    def add(self, c: _Candidate) -> None:
        if c.style == "unnumbered":
            # a part title closes everything open; the numbered headings after it nest beneath it
            self.stack = []
            idx = self._row(c, 1, None, c.style, None)
            self.stack.append(_Open(idx, c.family, 1, None))
            return
        # a 一要/其一 item run inline in an earlier paragraph (…四要深化改革。…) takes no item of another
        # run-in family from a later paragraph as its child (…。二是保护耕地): close it first
        while (
            self.stack
            and self.stack[-1].family in ("cn-yao", "qi-ordinal")
            and self.stack[-1].family != c.family
            and c.family in _RUN_IN_FAMILIES
            and self.rows[self.stack[-1].idx]["cand"].inline
            and self.rows[self.stack[-1].idx]["cand"].para < c.para
        ):
            self.stack.pop()
        # the families open on the stack; a known family pops back to its level (the occurrence this
        # number continues, else the innermost one)
        opened = [i for i in range(len(self.stack) - 1, -1, -1) if self.stack[i].family == c.family]
        pos = next((i for i in opened if c.number is not None and self.stack[i].number == c.number - 1), None)
        if pos is None and opened:
            pos = opened[0]
        if c.style == "sequence-word" and c.number != 1 and pos is None:
            return  # 其次/最后 without a 首先 is running text
        restart = (
            pos is not None and c.number == 1 and self.stack[pos].number != 0 and c.style != "sequence-word"
        )
        if restart and self.stack[-1].family != c.family:
            pos = None  # a list restarting inside a subsection is a new, nested list
        mixed_with: _Open | None = None
        if (
            pos is None
            and self.stack
            and c.number
            and c.number > 1
            and not c.inline
            and c.family in _HEADING_FAMILIES
        ):
            top = self.stack[-1]
            tc = self.rows[top.idx]["cand"]
            if (
                top.number is not None
                and top.number + 1 == c.number
                and top.family in _HEADING_FAMILIES
                and not tc.inline
                and not self.rows[top.idx]["children"]
            ):
                mixed_with = top  # （一）（二） then 3.: a sibling written in another family
                pos = len(self.stack) - 1
        if pos is None and not c.inline and c.family in _HEADING_FAMILIES:
            # a run-in enumeration item (一是…。text) has no headed subsections: close it first
            while (
                self.stack
                and self.stack[-1].family in _RUN_IN_FAMILIES
                and self.rows[self.stack[-1].idx]["cand"].run_in
            ):
                self.stack.pop()
        if restart:
            for key in [k for k in self.ref_form if k[1] == c.family]:
                del self.ref_form[key]
        if pos is not None:
            prev = self.stack[pos]
            del self.stack[pos:]
            parent = self.stack[-1].idx if self.stack else None
            level = prev.level
            if mixed_with is None and not restart and self._check_sibling(c, prev):
                # a verbatim repeat is not a new section: keep the first one open
                self.stack.append(prev)
                return
        else:
            parent = self.stack[-1].idx if self.stack else None
            level = self.stack[-1].level + 1 if self.stack else 1
            prev = None
            if c.number is not None and c.number > 1 and c.style != "sequence-word":
                self._finding("GT101", c, prev=0, number=c.number)
        number = c.number
        if c.style == "sequence-word" and c.number == 0:
            number = (prev.number or 0) + 1 if prev is not None else 1
        if mixed_with is not None:
            fam = self.rows[mixed_with.idx]["cand"].marker
            self._finding("GT105", c, family=fam)
        if c.doubled:
            self._finding("GT103", c, marker=c.marker, span=(c.start, c.marker_end))
        if c.slip:
            self._finding("GT106", c, detail=c.slip, span=(c.start, c.marker_end))
        elif mixed_with is None and not c.doubled:
            ref = self.ref_form.setdefault((parent, c.family), c)
            if c.form != ref.form:
                self._finding(
                    "GT106",
                    c,
                    detail=f"marker {c.marker!r} is written unlike its sibling {ref.marker!r}",
                    span=(c.start, c.marker_end),
                )
        idx = self._row(c, level, parent, c.style, number)
        self.stack.append(_Open(idx, c.family, level, number))

    def _after_colon(self, c: _Candidate) -> bool:
        """True when the text just before ``c`` ends with a colon (a list is being introduced)."""
        text = self.doc.text
        i = c.start
        while i > 0 and (text[i - 1] in _WS or text[i - 1] in '\r\n“"'):
            i -= 1
        return i > 0 and text[i - 1] in "：:"

    def _check_sibling(self, c: _Candidate, prev: _Open) -> bool:
        """Numbering checks against the previous sibling; True when ``c`` repeats it verbatim."""
        pc = self.rows[prev.idx]["cand"]
        if c.style == "sequence-word" or c.number is None or prev.number is None:
            return False
        if c.number == prev.number:
            same = squash(self.doc.text[c.start : c.end]) == squash(self.doc.text[pc.start : pc.end])
            if same:
                self._finding("GT107", c, heading=self.doc.text[c.start : c.end].strip())
                return True
            self._finding("GT102", c, number=c.number)
        elif c.number > prev.number + 1:
            self._finding("GT101", c, prev=prev.number, number=c.number)
        elif c.number < prev.number:
            self._finding("GT104", c, prev=prev.number, number=c.number)
        return False

    def _finding(self, code: str, c: _Candidate, span: tuple[int, int] | None = None, **fmt: object) -> None:
        start, end = span if span is not None else (c.start, c.end if c.end > c.marker_end else c.marker_end)
        fmt.setdefault("marker", c.marker)
        self.findings.append(_make_finding(self.doc, code, start, end, **fmt))

    def finish(self) -> list[Section]:
        doc = self.doc
        body_ends = self._body_ends()
        out: list[Section] = []
        for i, r in enumerate(self.rows):
            c: _Candidate = r["cand"]
            body_end = body_ends[i]
            line, col = doc.line_col(c.start)
            out.append(
                Section(
                    index=i,
                    parent=r["parent"],
                    level=r["level"],
                    style=r["style"],
                    marker=c.marker,
                    number=r["number"],
                    title=_one_line(doc.text[c.title_start : c.end]) if c.end > c.title_start else "",
                    inline=c.inline,
                    line=line,
                    col=col,
                    start_char=c.start,
                    end_char=c.end,
                    body_end=max(body_end, c.end),
                    children=tuple(r["children"]),
                )
            )
        return out

    def _body_ends(self) -> list[int]:
        """Per row: where the next heading at the same or a higher level in the same part starts, or the
        part's end. One pass from the end, keeping the rows after the current one that no later row of
        a higher or equal level hides (so a long or deeply nested outline costs no more than a flat one)."""
        rows = self.rows
        part_ends = self._part_ends()
        ends = [0] * len(rows)
        after: list[int] = []  # rows after i in its part: the nearest on top, higher headings below it
        for i in range(len(rows) - 1, -1, -1):
            part, level = rows[i]["cand"].part, rows[i]["level"]
            if i + 1 < len(rows) and rows[i + 1]["cand"].part != part:
                after = []
            while after and rows[after[-1]]["level"] > level:
                after.pop()
            ends[i] = rows[after[-1]]["cand"].start if after else part_ends[part]
            after.append(i)
        return ends

    def _part_ends(self) -> dict[int, int]:
        """End offset of the body (part 0) and of each appendix part."""
        paras = self.paras
        ends: dict[int, int] = {}
        for p, k in zip(paras, self.kinds, strict=True):
            if k >= 0:
                ends[k] = p.end
        ends.setdefault(0, len(self.doc.text))
        return ends


_WRAP = re.compile(r"(?:\r\n|\r|\n)[ \t\u3000\u00a0]*")


def _one_line(title: str) -> str:
    """A title without the line breaks of a hard-wrapped heading (nor the indentation after them)."""
    return _WRAP.sub("", title) if "\n" in title or "\r" in title else title


def _make_finding(doc: Document, code: str, start: int, end: int, **fmt: object) -> Finding:
    return Finding.at(doc, code, start, end, **fmt)


# --- doubled words ------------------------------------------------------------------------------

_DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
_NUL = re.compile(b"\0")
_CHUNK = 1 << 20  # characters compared at once by _doubled_starts (bounds its memory on a huge text)


def _doubled_starts(text: str, pos: int, endpos: int) -> list[int]:
    """Sorted offsets ``k`` in ``[pos, endpos)`` where the low bytes of ``text[k]``, ``text[k + 1]`` recur
    ``d`` = 2, 3 or 4 characters later: every ``_DOUBLED`` match starts at one of them (and few other
    places do).

    ``_DOUBLED`` searched along the whole text costs ~30 ns a character; this costs a few big-integer
    operations per chunk. With the low bytes of a chunk's characters read as one integer ``n``,
    ``x = n ^ (n >> 8 * d)`` has a zero byte at ``k`` exactly where the low bytes of ``text[k]`` and
    ``text[k + d]`` agree, and ``x | (x >> 8)`` where those of ``text[k + 1]`` and ``text[k + d + 1]``
    do too.
    """
    found: set[int] = set()
    for lo in range(pos, endpos, _CHUNK):
        hi = min(lo + _CHUNK, endpos)
        low = text[lo : hi + 5].encode("utf-32-le")[::4]  # + 5: the characters that k + d + 1 reaches
        n = int.from_bytes(low, "little")
        for d in (2, 3, 4):
            x = n ^ (n >> 8 * d)
            zeros = (x | (x >> 8)).to_bytes(len(low), "little")
            found.update(lo + m.start() for m in _NUL.finditer(zeros, 0, hi - lo))
    return sorted(found)


def _doubled_words(doc: Document, kinds: list[int], paras: list[Paragraph]) -> list[Finding]:
    """``市委市委``: a word of 2–4 characters written twice in a row, in body paragraphs.

    Not reported: listed reduplications (研究研究), 一X一X / 很X很X, and a match that only looks doubled
    because it straddles words (产业创业创新, 深化文化文艺, 构建共建共治): then the shifted pair (业创 →
    创业) is itself a word used elsewhere in the text.
    """
    rules = _rules()
    text = doc.text
    starts = _doubled_starts(text, *_body_span(paras, kinds))
    out: list[Finding] = []
    for p, k in zip(paras, kinds, strict=True):
        if k < 0:
            continue
        for m in _matches_from(_DOUBLED, text, starts, p.start, p.end):
            unit = m.group(1)
            whole = m.group(0)
            if whole in rules.allow_doubled or unit[0] in "一很好" or len(set(unit)) == 1:
                continue
            if len(unit) == 2:
                shifted = unit[1] + unit[0]
                s, e = m.start(), m.end()
                if _occurs_outside(text, shifted, s, e):
                    continue
            out.append(_make_finding(doc, "GT108", m.start(), m.end(), word=unit))
    return out


def _matches_from(
    rx: re.Pattern[str], text: str, starts: list[int], pos: int, endpos: int
) -> list[re.Match[str]]:
    """The matches of ``rx.finditer(text, pos, endpos)`` when every match starts at one of the sorted
    offsets ``starts``: ``rx`` is tried there only."""
    lo = bisect.bisect_left(starts, pos)
    hi = bisect.bisect_left(starts, endpos, lo)
    out: list[re.Match[str]] = []
    resume = pos  # finditer goes on where its last match ended
    for k in starts[lo:hi]:
        if k >= resume and (m := rx.match(text, k, endpos)) is not None:
            resume = m.end()
            out.append(m)
    return out


def _occurs_outside(text: str, needle: str, s: int, e: int) -> bool:
    i = text.find(needle)
    while i != -1:
        if i + len(needle) <= s or i >= e:
            return True
        i = text.find(needle, i + 1)
    return False
