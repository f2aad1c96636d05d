"""The title (with its span) and the year a document names itself by, detected from its text.

Apart from the readers so that ``Document.from_text`` (in :mod:`govtext.model`) and the readers both
use them without importing each other; :mod:`govtext.readers` re-exports ``detect_title`` and
``detect_year``. The one title heuristic: completeness reads ``Document.title_span`` instead of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .markers import BODY_HEADING, CLOSE, CN_DIGITS, OPEN
from .text import fold, squash

# Lines of web-page residue before a title (menus, sources, dates, share buttons, bylines).
_BOILER = re.compile(
    r"^(本文系|下载|打印|全屏|收藏|加大|还原|减小|来源|时间|发布时间|发表时间|更新时间|【字号|【字体|字号|字体|"
    r"分享|首页|当前位置|您的位置|作者|责任编辑|编辑|浏览|阅读|点击|扫一扫|关闭|返回|"
    r"发布机构|发文机关|发布日期|成文日期|索引号|主题分类|信息来源|文号|发文字号|"
    r"新华社[^。]{0,16}电|[（(]?新华社)"
)
# A crawler's label for the page title: the title is the value after it.
_TITLE_LABEL = re.compile(
    r"^(?:标题|文章标题|信息名称|名称)\s*[:：]\s*(?P<value>.+?)"
    r"(?=\s+(?:发布时间|发布机构|发文机关|发布日期|成文日期|来源|信息来源|索引号|文号)\s*[:：]|$)"
)
# Breadcrumbs: 首页 > 政务公开 > … (two separators or more anywhere in a short line).
_BREADCRUMB = re.compile(r"^[^。]{0,80}?(?:\s*(?:>|＞|»|›|→)\s*[^>＞»›→。]{1,20}){2,}$")
_CAPTION = re.compile(r"摄[)）]?$|记者[^。]{0,12}摄")
_DATELINE_START = re.compile(r"^(?:——|—|－－|--|――|─|－|[（(]\s*[0-9０-９一二〇○零]{4}\s*年)")
_SALUTATION = re.compile(
    r"^[^，。；！？：:]{0,20}(各位|同志|代表|领导|委员|朋友|大家|老师|书记|主任|主席)[^，。；！？：:]{0,8}[：:]$"
)
_TITLE_HINT = re.compile(r"(总结|报告|述职|汇报|讲话|发言|规划|计划|要点|意见|方案|情况|通报|纪要|年报)")
_GAP = re.compile(r"[ \t\u3000\u00a0]*[\u3000\u00a0][ \t\u3000\u00a0]*|[ \t]{2,}")
_DASH_CUT = re.compile(r"(?:——|—|－－|--|――)\s*(?=[0-9０-９〇○一二])")
_HEAD_SPLIT = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029\t]|\u3000{2,}")  # text.LINE_END, TAB, indent
_CN_NUM = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0", "Ｏ": "0"}


#: Labels a web page (政务公开 column) or a crawler puts around a document: residue, never its title.
PAGE_LABEL = re.compile(
    r"^[\s•·|]*(?:(?:标\s*题|来\s*源|信息来源|文章来源|稿件来源|发布(?:时间|日期|机构|单位)|发文(?:机关|机构|日期|字号)|"
    r"成文日期|生成日期|索\s*引\s*号|文\s*号|主题分类|分\s*类|关键词|公开(?:形式|方式|范围)|有\s*效\s*性|是否有效|"
    r"作\s*者|浏览次数|点击(?:数|量|率)|阅读次数|更新时间|字\s*号)\s*[:：|]|今天是|您(?:现在)?所在(?:的)?位置|"
    r"当前位置|无障碍\s|简体\s*[|｜])"
)
#: The start of a line that is web residue or a dateline, never the start of a title.
TITLE_SKIP = re.compile(r"^(本文系|下载|打印|全屏|收藏|来源|时间|发布|【|】|字号|加大|还原|减小|新华社|——|--)")
_STRIP = " \t\u3000\u00a0\ufeff\u200b"
_LINE_BREAK = re.compile(r"[ \t\u3000\u00a0]*(?:\r?\n|[\x0b\x0c\x85\u2028\u2029])[ \t\u3000\u00a0]*")


def detect_title(text: str) -> str | None:
    """The title as written (stripped), if the text gives one before its body starts; else None.

    The title of :func:`find_title`, whose span says where it stands.
    """
    found = find_title(text)
    return found[0] if found else None


def title_text(text: str, span: tuple[int, int]) -> str:
    """The title a span covers: ``text[start:end]`` with a line break inside it (a wrapped title) squashed."""
    return _LINE_BREAK.sub("", text[span[0] : span[1]])


def find_title(text: str) -> tuple[str, int, int] | None:
    """The title and its span ``(title, start, end)``, ``title == title_text(text, (start, end))``; else None.

    Scans the head of the text, skipping web-page residue (``下载/打印/全屏…``, crawler labels such
    as ``发布时间:`` ``发布机构:`` ``来源:`` ``索 引 号:`` ``今天是:``, breadcrumbs ``首页 > 政务公开 > …``,
    photo captions, news datelines) and the ``——YYYY年M月D日在…会议上`` dateline; a crawler's ``标题:``
    label gives its value. A title must name a kind of document (总结, 报告, 述职, 讲话, 计划, 要点, 情况,
    年报 …), be at most 60 characters and not end like a sentence. Scanning stops at the body: a salutation
    (``各位代表：``), a numbered heading, a ``…如下：`` lead-in or the first sentence. A leading Markdown
    ``#`` is not part of the title. A short title line (``年度报告``) under a short line that begins the
    title (``道县文广新局2013年度信息公开工作``) is joined to it: the span covers both lines. In a head
    whose line breaks were lost (a line over 200 characters) the title is found among run-together words.
    """
    found = _scan_title(text)
    return _join_wrapped(text, *found) if found else None


def _pieces(separator: re.Pattern[str], s: str) -> Iterator[tuple[int, str]]:
    """``separator.split(s)`` with the offset of each piece."""
    start = 0
    for m in separator.finditer(s):
        yield start, s[start : m.start()]
        start = m.end()
    yield start, s[start:]


def _scan_title(text: str) -> tuple[str, int, int] | None:
    for n, (at, seg) in enumerate(_pieces(_HEAD_SPLIT, text[:3000])):
        if n >= 60:
            break
        at += len(seg) - len(seg.lstrip(_STRIP))
        seg = seg.strip(_STRIP)
        if not seg:
            continue
        if len(seg) > 200:  # the head of a page whose line breaks were lost: all run together
            run = _run_together_title(seg)
            return (run[0], at + run[1], at + run[1] + len(run[0])) if run else None
        md = re.match(r"^#{1,6}\s*", seg)
        if md:
            at, seg = at + md.end(), seg[md.end() :]
        label = _TITLE_LABEL.match(seg)
        if label:
            raw = label.group("value")
            value = raw.strip(_STRIP)
            if value and len(value) <= 80:
                a = at + label.start("value") + len(raw) - len(raw.lstrip(_STRIP))
                return value, a, a + len(value)
            continue
        if (_BOILER.match(seg) or _CAPTION.search(seg) or _DATELINE_START.match(seg) or _BREADCRUMB.match(seg)
                or PAGE_LABEL.match(seg)):
            continue
        if BODY_HEADING.match(seg):
            return None  # a numbered heading: the body has started
        cut = _DASH_CUT.search(seg)
        if cut:
            seg = seg[: cut.start()].rstrip(_STRIP)
        for off, piece in _pieces(_GAP, seg):
            bare = squash(piece)
            if (
                bare
                and len(piece) <= 60
                and _TITLE_HINT.search(bare)
                and not bare.endswith(("。", "，", "；", "：", ":", "！", "？"))
                and "。" not in bare
            ):
                title = piece.strip()
                a = at + off + len(piece) - len(piece.lstrip())
                return title, a, a + len(title)
        if _SALUTATION.match(seg) or "。" in seg or len(seg) > 60 or seg.endswith(("如下：", "如下:")):
            return None  # the body has started: the text gives no title
    return None


def _join_wrapped(text: str, title: str, start: int, end: int) -> tuple[str, int, int]:
    """Join a short title line (``年度报告``) to the short line just above it that begins the title."""
    line_start = _line_start(text, start)
    if len(title) > 8 or line_start == 0 or text[line_start:start].strip(_STRIP) or _NEXT_BREAK.split(text[end:], 1)[0].strip():
        return title, start, end
    prev_end = line_start - 1
    prev_start = _line_start(text, prev_end)
    raw = text[prev_start:prev_end]
    prev = raw.strip(_STRIP + "\r")
    if (
        prev and len(prev) <= 40 and not PAGE_LABEL.match(prev) and not TITLE_SKIP.match(prev)
        and not _BOILER.match(prev) and not re.search(r"[。：:；;，,！？]", prev)
    ):
        a = prev_start + len(raw) - len(raw.lstrip(_STRIP))
        return title_text(text, (a, end)), a, end
    return title, start, end


_NEXT_BREAK = re.compile(r"[\n\x0b\x0c\x85\u2028\u2029]")  # text.LINE_BREAKS; a CR before LF stays, as before


def _line_start(text: str, pos: int) -> int:
    """Start of the line holding ``pos``: after the last LF (or other line separator) before it."""
    return max(text.rfind(c, 0, pos) for c in "\n\x0b\x0c\x85\u2028\u2029") + 1


def locate_title(text: str, title: str) -> tuple[int, int] | None:
    """Where a title given from outside (``Document.from_text(text, title=…)``) stands in the head of ``text``.

    Its first occurrence in the first 400 characters, or a line among the first 15 that reads the same
    once spaces are squashed (a letter-spaced ``政 府 工 作 报 告``); None when the text does not hold it.
    """
    want = title.strip(_STRIP)
    if not want:
        return None
    at = text.find(want, 0, 400)
    if at >= 0:
        return at, at + len(want)
    bare = squash(want)
    pos = 0
    for _ in range(15):
        nl = text.find("\n", pos)
        line = text[pos : nl if nl >= 0 else len(text)]
        if squash(line) == bare:
            a = pos + len(line) - len(line.lstrip(_STRIP))
            return a, a + len(line.strip(_STRIP + "\r"))
        if nl < 0:
            break
        pos = nl + 1
    return None


# In a run-together head (``下载打印全屏收藏【字号：加大还原减小】2026年安徽省政府工作报告——2026年2月…``) a
# title is a stretch without sentence punctuation ending in a document noun, followed by what follows
# titles: a dateline dash, a salutation, a page label, the first heading, an opening sentence.
_RUN_TITLE = re.compile(
    r"(?P<title>[^。，,；;！!？?：:\s【】\[\]|](?:[^。，,；;！!？?：:\s【】\[\]|]| (?! )){3,80}?"
    r"(?:报告|总结|述职|汇报|讲话|要点|计划|规划|通报))"
    r"(?=[ \u3000\u00a0]*(?:——|—|―|─|－－|--|各位|同志们|来源|发布|发表|阅读|浏览|更新|时间|日期|作者|[（(]?\d{4}年\d{1,2}月|"
    rf"[{CN_DIGITS}]、|{OPEN}[{CN_DIGITS}]{CLOSE}|现将|根据|今年|一年来|本年|过去|"
    r"\d{4}年(?:是|，|,|以来|度?[,，])))"
)
_RUN_RESIDUE = re.compile(
    r"^(?:下载|打印|全屏|收藏|加大|还原|减小|分享|关闭|返回|首页|字号|简体|繁体|无障碍|公开|摄|"
    r"[\u4e00-\u9fff]{0,4}要闻|[大中小]|[】\]>＞»])+"
)


_RUN_CUT = re.compile(r"^.*(?:摄|要闻|[>＞»】])\s*(?=\S{4})")


def _run_together_title(head: str) -> tuple[str, int] | None:
    """The title at the start of a head whose line breaks were lost, web residue words dropped, and its offset."""
    m = _RUN_TITLE.search(head[:300])
    if m is None:
        return None
    found = m.group("title")
    title = _RUN_CUT.sub("", found)  # a photo caption or a column name before the title
    title = _RUN_RESIDUE.sub("", title).strip()
    if not 4 <= len(title) <= 60:
        return None
    return title, m.start("title") + len(found) - len(title)  # what was cut is a prefix


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_YEAR_BARE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_DATELINE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})年\d{1,2}月\d{1,2}日[^。\n]{0,30}?在[^。\n]{0,60}?(?:代表大会|会议)"
)
_REVIEW = re.compile(r"一、\s*((?:19|20)\d{2})\s*年[^。\n\t\u3000]{0,16}?工作回顾")


# Each starts with a character class or a literal, not a repeat or a look-behind: the regex engine then
# skips to the next candidate character instead of trying the pattern at every position (~4× faster).
_CN_YEAR = re.compile(r"[〇○零Ｏ一二三四五六七八九][〇○零Ｏ一二三四五六七八九]{3}(?=\s*年)")  # 二〇一九年
_CN_MONTH_DAY = re.compile(r"[〇○零一二三四五六七八九十][〇○零一二三四五六七八九十]{0,2}(?=月|日)")
_DIGIT_GAP = re.compile(r" (?<=\d ) *(?=\d|年|月|日)")  # spaces after a digit: 2019 年


def _normalise_digits(s: str) -> str:
    """Full-width digits → ASCII, Chinese year numerals (二〇一九年) → digits, spaces between digits out."""
    s = fold(s)
    s = _CN_YEAR.sub(lambda m: "".join(_CN_NUM.get(c, c) for c in m.group(0)), s)
    s = _CN_MONTH_DAY.sub(lambda m: str(_cn_small(m.group(0))), s)
    return _DIGIT_GAP.sub("", s)


def _cn_small(s: str) -> int:
    """一 … 三十一 (months and days written in Chinese numerals)."""
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return int("".join(str(digits.get(c, 0)) for c in s) or 0)


def detect_year(text: str, title: str | None = None) -> int | None:
    """The year the document names itself by; None unless the text says so unambiguously.

    1. The first year in the title: ``2019年党建工作总结`` → 2019 (the year summarised);
       ``2026年北京市政府工作报告`` → 2026 (a work report is named by the year it is delivered).
    2. For a government work report (政府工作报告) without a year in its title, the year it was
       delivered: from its dateline (``——2022年3月5日在…代表大会…会议上``), else from the review heading
       ``一、2021年工作回顾`` (a report reviews the year before: → 2022). ``过去五年工作回顾`` gives None.
    Other documents are not dated from their body (``今年以来`` says nothing reliable).
    """
    if title:
        t = _normalise_digits(title)
        m = _YEAR.search(t) or _YEAR_BARE.search(t)
        if m:
            return int(m.group(1))
    head = _normalise_digits(text[:4000])
    if not _is_work_report(head, title):
        return None
    m = _DATELINE.search(head)
    if m:
        return int(m.group(1))
    m = _REVIEW.search(_normalise_digits(text[:20000]))
    if m:
        return int(m.group(1)) + 1
    return None


def _is_work_report(head: str, title: str | None) -> bool:
    bare_head = squash(head)
    if title and "政府工作报告" in squash(title):
        return True
    return bool(re.search(r"各位代表[：:]", bare_head)) and "向大会" in bare_head
