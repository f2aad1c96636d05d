"""Word ``.docx`` → text, with Word's automatic numbering rebuilt.

Word keeps list numbers (``一、``, ``（一）``, ``1.``) out of the paragraph text: they live in
``numbering.xml`` (abstract list definitions and their instances) and in each paragraph's ``w:numPr``
(directly or through its paragraph style). Without rebuilding them the document's whole hierarchy
is lost, so ``read_docx_text`` renders each number as Word would display it and puts it in front of
the paragraph text.

What is read: the main document body in order — paragraphs and tables interleaved as in the file,
table cells row by row (nested tables in place), content controls opened. Headers, footers,
footnotes, comments, text boxes and deleted (tracked) text are not read. Each paragraph becomes one
line; lines are joined with ``"\\n"``. ``read_docx`` also returns where each table's text lands
(``Document.table_spans``). The number's suffix is rendered as nothing for Word's
default TAB suffix (a TAB would read as a paragraph break), as one space for a space suffix.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from .errors import GovtextError, InputError, human_size

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_NS = {"w": W, "mc": MC}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_PACKAGES = (
    ("xl/", "an Excel workbook (.xlsx)"),
    ("ppt/", "a PowerPoint file (.pptx)"),
    ("content.xml", "an OpenDocument file"),
)


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _val(el, tag: str) -> str | None:
    """``w:val`` of child ``tag`` of ``el`` (None if either is missing)."""
    if el is None:
        return None
    child = el.find(_q(tag))
    return None if child is None else child.get(_q("val"))


def _int(s: str | None) -> int | None:
    try:
        return int(s) if s is not None else None
    except ValueError:
        return None


# --------------------------------------------------------------------------- number formats

_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


def _cn_count(n: int, digits: str = _CN_DIGITS, units: str = "十百千", zero: str = "零") -> str:
    """Chinese counting numerals: 1 一, 10 十, 11 十一, 20 二十, 105 一百零五, 1000 一千 (n < 10000)."""
    if n <= 0 or n >= 10000:
        return str(n)
    parts = []
    s = str(n)
    pending_zero = False
    for i, ch in enumerate(s):
        d = int(ch)
        place = len(s) - 1 - i
        if d == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append(zero)
            pending_zero = False
        unit = units[place - 1] if place else ""
        # 10–19 read 十, 十一 … (not 一十) when ten is the leading unit
        parts.append(unit if (d == 1 and place == 1 and i == 0) else digits[d] + unit)
    return "".join(parts)


def _cn_digitwise(n: int) -> str:
    return "".join(_CN_DIGITS[int(c)] for c in str(n))


def _letters(n: int, base: str) -> str:
    """a … z, aa … zz, aaa … (Word repeats the letter)."""
    if n <= 0:
        return str(n)
    return base[(n - 1) % 26] * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = []
    for v, sym in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= v:
            out.append(sym)
            n -= v
    return "".join(out)


def _enclosed(n: int, first: int, count: int) -> str:
    return chr(first + n - 1) if 1 <= n <= count else str(n)


def _circle(n: int) -> str:
    if 1 <= n <= 20:
        return chr(0x2460 + n - 1)  # ①–⑳
    if 21 <= n <= 35:
        return chr(0x3251 + n - 21)  # ㉑–㉟
    if 36 <= n <= 50:
        return chr(0x32B1 + n - 36)  # ㊱–㊿
    return str(n)


def format_number(n: int, fmt: str | None) -> str:
    """Render counter ``n`` in Word number format ``fmt`` (``w:numFmt``); unknown formats → decimal."""
    fmt = fmt or "decimal"
    if fmt in ("chineseCountingThousand", "taiwaneseCountingThousand", "japaneseCounting", "koreanCounting"):
        return _cn_count(n)
    if fmt in ("chineseCounting", "taiwaneseCounting"):
        return _cn_count(n) if n < 100 else _cn_digitwise(n)
    if fmt == "chineseLegalSimplified":
        return _cn_count(n, _CN_LEGAL, "拾佰仟")
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return _cn_digitwise(n)
    if fmt == "ideographTraditional":  # Word shows the heavenly stems 甲乙丙…
        return _STEMS[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "ideographZodiac":
        return _BRANCHES[(n - 1) % 12] if n > 0 else str(n)
    if fmt == "ideographEnclosedCircle":
        return _enclosed(n, 0x3280, 10)  # ㊀–㊉
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return _circle(n)
    if fmt == "decimalEnclosedParen":
        return _enclosed(n, 0x2474, 20)  # ⑴–⒇
    if fmt == "decimalEnclosedFullstop":
        return _enclosed(n, 0x2488, 20)  # ⒈–⒛
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate({ord(str(i)): chr(0xFF10 + i) for i in range(10)})
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return _letters(n, "abcdefghijklmnopqrstuvwxyz")
    if fmt == "upperLetter":
        return _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "none":
        return ""
    return str(n)


# --------------------------------------------------------------------------- numbering model

MAX_LEVELS = 9  # Word's list levels are ilvl 0–8; others are clamped (paragraphs) or ignored (definitions)
MAX_START = 32767  # Word's largest "start at" value; start and startOverride are clamped to 0…this
MAX_NUMBER_CHARS = 16  # one rendered number longer than this (lowerLetter 10^6 → 38,462 "a") is decimal
MAX_LABEL_CHARS = 100  # a rendered list label (lvlText with its numbers) is cut to this length
MAX_LISTS = 20000  # w:abstractNum or w:num definitions in numbering.xml (real documents: a few hundred)


def _clamp_level(ilvl: int) -> int:
    return min(max(ilvl, 0), MAX_LEVELS - 1)


def _start(s: str | None) -> int | None:
    v = _int(s)
    return None if v is None else min(max(v, 0), MAX_START)


@dataclass(frozen=True, slots=True)
class Level:
    """One level of a list definition (``w:lvl``)."""

    start: int = 1
    fmt: str = "decimal"
    text: str | None = None  # w:lvlText, e.g. "%1、" or "（%1）"
    suffix: str = "tab"  # tab | space | nothing
    restart: int | None = None  # w:lvlRestart (None: restart after any higher level)
    legal: bool = False  # w:isLgl: show all levels as decimal
    style: str | None = None  # w:pStyle linked to this level


def _numfmt(lvl) -> str:
    """``w:numFmt``; Word 2010+ may wrap it in mc:AlternateContent (custom format + a fallback)."""
    fmt = _val(lvl, "numFmt")
    if fmt is None:
        fallback = lvl.find(f"{{{MC}}}AlternateContent/{{{MC}}}Fallback/{_q('numFmt')}")
        fmt = fallback.get(_q("val")) if fallback is not None else None
    return fmt or "decimal"


def _parse_level(lvl) -> Level:
    start = _start(_val(lvl, "start"))
    return Level(
        start=1 if start is None else start,
        fmt=_numfmt(lvl),
        text=_val(lvl, "lvlText"),
        suffix=_val(lvl, "suff") or "tab",
        restart=_int(_val(lvl, "lvlRestart")),
        legal=lvl.find(_q("isLgl")) is not None and _val(lvl, "isLgl") not in ("0", "false"),
        style=_val(lvl, "pStyle"),
    )


def _render(n: int, fmt: str) -> str:
    """``format_number`` bounded: a rendering longer than ``MAX_NUMBER_CHARS`` falls back to decimal."""
    if fmt in ("lowerLetter", "upperLetter") and (n - 1) // 26 + 1 > MAX_NUMBER_CHARS:
        return str(n)  # not built: lowerLetter of 10^8 would be 3.8 million letters
    out = format_number(n, fmt)
    return out if len(out) <= MAX_NUMBER_CHARS else str(n)


@dataclass
class Numbering:
    """The document's list definitions and the running counters while the body is read."""

    abstract: dict[str, dict[int, Level]] = field(default_factory=dict)
    num_abstract: dict[str, str] = field(default_factory=dict)  # numId → abstractNumId
    overrides: dict[str, dict[int, tuple[int | None, Level | None]]] = field(default_factory=dict)
    style_numpr: dict[str, tuple[str | None, int | None]] = field(default_factory=dict)
    counters: dict[str, list[int | None]] = field(default_factory=dict)
    seen_nums: set[str] = field(default_factory=set)

    def level(self, num_id: str, ilvl: int) -> Level | None:
        """The effective level definition of list ``num_id`` at ``ilvl``."""
        over = self.overrides.get(num_id, {}).get(ilvl)
        if over and over[1] is not None:
            return over[1]
        abs_id = self.num_abstract.get(num_id)
        return self.abstract.get(abs_id, {}).get(ilvl) if abs_id is not None else None

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the counters for a paragraph at (``num_id``, ``ilvl``) and return its number text.

        ``ilvl`` outside 0–8 is clamped; the label is at most ``MAX_LABEL_CHARS`` characters.
        """
        ilvl = _clamp_level(ilvl)
        abs_id = self.num_abstract.get(num_id)
        lvl = self.level(num_id, ilvl)
        if abs_id is None or lvl is None:
            return ""
        counters = self.counters.setdefault(abs_id, [None] * MAX_LEVELS)
        if num_id not in self.seen_nums:  # a list instance's startOverride applies when it begins
            self.seen_nums.add(num_id)
            for o_lvl, (o_start, _) in self.overrides.get(num_id, {}).items():
                if o_start is not None and 0 <= o_lvl < MAX_LEVELS:
                    counters[o_lvl] = o_start - 1
                    for d in range(o_lvl + 1, MAX_LEVELS):
                        counters[d] = None
        cur = counters[ilvl]
        counters[ilvl] = lvl.start if cur is None else cur + 1
        for d in range(ilvl + 1, MAX_LEVELS):
            deeper = self.level(num_id, d)
            restart = deeper.restart if deeper else None
            if restart is None or (restart != 0 and ilvl < restart):
                counters[d] = None
        if lvl.fmt == "bullet":
            mark = (lvl.text or "")[:MAX_LABEL_CHARS]
            mark = "•" if not mark or any(0xE000 <= ord(c) <= 0xF8FF for c in mark) else mark
            return mark + " "
        text = lvl.text if lvl.text is not None else ""
        out: list[str] = []
        size = 0
        i = 0
        while i < len(text) and size <= MAX_LABEL_CHARS:
            ch = text[i]
            if ch == "%" and i + 1 < len(text) and text[i + 1].isdigit():
                ref = int(text[i + 1]) - 1
                ref_lvl = self.level(num_id, ref)
                value = (
                    counters[ref]
                    if 0 <= ref < MAX_LEVELS and counters[ref] is not None
                    else (ref_lvl.start if ref_lvl else 1)
                )
                fmt = (
                    "decimal"
                    if (lvl.legal and ref_lvl and ref_lvl.fmt != "none")
                    else (ref_lvl.fmt if ref_lvl else "decimal")
                )
                piece = _render(value or 0, fmt)
                i += 2
            else:
                piece = ch
                i += 1
            out.append(piece)
            size += len(piece)
        label = "".join(out)[:MAX_LABEL_CHARS]
        if label and lvl.suffix == "space":
            label += " "
        return label

    def resolve(self, p) -> tuple[str | None, int]:
        """(numId, ilvl) of paragraph element ``p``: its own ``w:numPr`` over its style's."""
        ppr = p.find(_q("pPr"))
        num_id: str | None = None
        ilvl: int | None = None
        style = "__default__"
        if ppr is not None:
            numpr = ppr.find(_q("numPr"))
            if numpr is not None:
                num_id = _val(numpr, "numId")
                ilvl = _int(_val(numpr, "ilvl"))
            style = _val(ppr, "pStyle") or style
        if (num_id is None or ilvl is None) and style in self.style_numpr:
            s_num, s_lvl = self.style_numpr[style]
            num_id = num_id if num_id is not None else s_num
            if ilvl is None:
                ilvl = s_lvl if s_lvl is not None else self._level_for_style(num_id, style)
        return num_id, _clamp_level(ilvl or 0)

    def _level_for_style(self, num_id: str | None, style: str) -> int:
        abs_id = self.num_abstract.get(num_id or "")
        for i, lvl in self.abstract.get(abs_id or "", {}).items():
            if lvl.style == style:
                return i
        return 0


@dataclass(frozen=True, slots=True)
class _Style:
    """What the numbering needs of one paragraph style in styles.xml."""

    based_on: str | None
    num_id: str | None
    ilvl: int | None
    default: bool


def _read_styles(part: _Part | None) -> dict[str, _Style]:
    """Paragraph styles (streamed: each ``w:style`` is dropped once read)."""
    styles: dict[str, _Style] = {}
    if part is None:
        return styles
    for el in part.elements(_q("style")):
        sid = el.get(_q("styleId"))
        if sid and el.get(_q("type")) == "paragraph":
            numpr = el.find(f"{_q('pPr')}/{_q('numPr')}")
            styles[sid] = _Style(
                based_on=_val(el, "basedOn"),
                num_id=_val(numpr, "numId") if numpr is not None else None,
                ilvl=_int(_val(numpr, "ilvl")) if numpr is not None else None,
                default=el.get(_q("default")) in ("1", "true"),
            )
    return styles


def _load_numbering(styles_part: _Part | None, numbering_part: _Part | None) -> Numbering:
    """The list definitions of numbering.xml and the paragraph styles that carry ``w:numPr``."""
    num = Numbering()
    styles = _read_styles(styles_part)

    def numpr_of(sid: str, depth: int = 0) -> tuple[str | None, int | None]:
        s = styles.get(sid)
        if s is None or depth > 20:
            return None, None
        n_id, n_lvl = s.num_id, s.ilvl
        if (n_id is None or n_lvl is None) and s.based_on:
            b_id, b_lvl = numpr_of(s.based_on, depth + 1)
            n_id = n_id if n_id is not None else b_id
            n_lvl = n_lvl if n_lvl is not None else b_lvl
        return n_id, n_lvl

    style_links: dict[str, str] = {}  # styleId → numId (for numStyleLink)
    default_para = next((sid for sid, s in styles.items() if s.default), None)
    for sid in styles:
        n_id, n_lvl = numpr_of(sid)
        if n_id is not None:
            num.style_numpr[sid] = (n_id, n_lvl)
            style_links[sid] = n_id
    if default_para and default_para in num.style_numpr:
        num.style_numpr["__default__"] = num.style_numpr[default_para]
    if numbering_part is None:
        return num
    links: dict[str, str] = {}
    lists = 0
    for el in numbering_part.elements(_q("abstractNum"), _q("num")):
        lists += 1
        if lists > MAX_LISTS:
            raise InputError(
                numbering_part.doc_name, f"{numbering_part.name} defines more than {MAX_LISTS} lists (the limit)"
            )
        if el.tag == _q("abstractNum"):
            a_id = el.get(_q("abstractNumId"))
            levels: dict[int, Level] = {}
            for lv in el.findall(_q("lvl")):
                ilvl = _int(lv.get(_q("ilvl"))) or 0
                if 0 <= ilvl < MAX_LEVELS:  # ilvl="9" and the like: no such level in Word
                    levels[ilvl] = _parse_level(lv)
            num.abstract[a_id] = levels
            link = _val(el, "numStyleLink")
            if link:
                links[a_id] = link
            continue
        n_id = el.get(_q("numId"))
        num.num_abstract[n_id] = _val(el, "abstractNumId")
        overrides: dict[int, tuple[int | None, Level | None]] = {}
        for o in el.findall(_q("lvlOverride")):
            o_lvl = _int(o.get(_q("ilvl"))) or 0
            if not 0 <= o_lvl < MAX_LEVELS:
                continue
            lvl_el = o.find(_q("lvl"))
            overrides[o_lvl] = (_start(_val(o, "startOverride")), _parse_level(lvl_el) if lvl_el is not None else None)
        if overrides:
            num.overrides[n_id] = overrides
    # an abstractNum that only points at a numbering style takes that style's list definition
    for a_id, style in links.items():
        target_num = style_links.get(style)
        target_abs = num.num_abstract.get(target_num or "")
        if target_abs and target_abs != a_id and num.abstract.get(target_abs):
            num.abstract[a_id] = num.abstract[target_abs]
    return num


# --------------------------------------------------------------------------- the package, bounded

MAX_XML_BYTES = 64 * 1024 * 1024
MAX_XML_ENV = "GOVTEXT_DOCX_MAX_XML_MB"
MAX_PART_BYTES = 8 * 1024 * 1024  # styles.xml, numbering.xml, relationships: real ones are < 1 MB
MAX_MEMBERS = 10000  # zip entries (a real .docx has a few dozen)
DEFAULT_MAX_TEXT = 20 * 1024 * 1024  # UTF-8 bytes of extracted text (readers.DEFAULT_MAX_BYTES)
_CHUNK = 1 << 20  # compressed bytes inflated per step (and the most inflated per step, plus the cap)
_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
_DOCTYPE = (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"


def default_max_xml_bytes() -> int:
    """The cap on a .docx's uncompressed XML: ``$GOVTEXT_DOCX_MAX_XML_MB`` (MB) if set, else 64 MB."""
    raw = os.environ.get(MAX_XML_ENV, "").strip()
    if not raw:
        return MAX_XML_BYTES
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise GovtextError(f"{MAX_XML_ENV}={raw!r}: must be a positive whole number of MB")
    return value * 1024 * 1024


def _mb(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n % (1024 * 1024) == 0 else human_size(n)


@dataclass
class _Budget:
    """What may still be inflated: all XML parts share ``left`` bytes."""

    total: int
    left: int


class _Part:
    """One zip member, inflated on demand in bounded steps (actual bytes counted, never the header's)."""

    def __init__(self, data: bytes, info: zipfile.ZipInfo, doc_name: str, budget: _Budget, cap: int) -> None:
        self.data, self.info, self.doc_name, self.budget, self.cap = data, info, doc_name, budget, cap
        self.name = info.filename.rsplit("/", 1)[-1]

    def _corrupt(self, why: str) -> InputError:
        return InputError(self.doc_name, f"is a corrupt .docx (damaged member {self.info.filename}: {why})")

    def chunks(self, *, spend: bool = True):
        """The member's bytes in pieces of at most ``_CHUNK``; raises once the cap or the budget is passed.

        ``spend``: take the bytes from the shared budget (False: only measure, as a first pass does).
        """
        info = self.info
        if info.flag_bits & 0x1:
            raise InputError(self.doc_name, "is password-protected (encrypted .docx); remove the password in Word and save again")
        off = info.header_offset
        head = self.data[off : off + _LOCAL_HEADER.size]
        if len(head) < _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
            raise self._corrupt("bad local header")
        fields = _LOCAL_HEADER.unpack(head)
        start = off + _LOCAL_HEADER.size + fields[9] + fields[10]
        raw = memoryview(self.data)[start : start + info.compress_size]
        if len(raw) < info.compress_size:
            raise self._corrupt("truncated")
        if info.compress_type == zipfile.ZIP_STORED:
            inflate = None
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            inflate = zlib.decompressobj(-15)
        else:
            raise InputError(self.doc_name, f"uses an unsupported zip compression (method {info.compress_type})")
        limit = min(self.cap, self.budget.left)
        size = 0
        crc = 0
        pos = 0
        pending = b""
        while True:
            if inflate is None:
                piece = bytes(raw[pos : pos + _CHUNK])
                pos += len(piece)
                done = pos >= len(raw)
            else:
                if not pending:
                    pending = bytes(raw[pos : pos + _CHUNK])
                    pos += len(pending)
                try:
                    piece = inflate.decompress(pending, _CHUNK)
                except zlib.error as exc:
                    raise self._corrupt(str(exc)) from None
                pending = inflate.unconsumed_tail
                done = inflate.eof or (pos >= len(raw) and not pending and not piece)
            size += len(piece)
            if size > limit:
                shown = _mb(self.budget.total if size <= self.cap else self.cap)  # budget: all parts together
                raise InputError(self.doc_name, f"{self.name} expands past {shown} (the limit for a .docx)")
            crc = zlib.crc32(piece, crc)
            if size == len(piece) and any(d in piece[:4096] for d in _DOCTYPE):
                raise InputError(
                    self.doc_name, f"{self.name} declares a DTD (<!DOCTYPE>, entity expansion), which Word never "
                    "writes; refused"
                )
            if piece:
                yield piece
            if done:
                break
        if inflate is not None and not inflate.eof:
            raise self._corrupt("compressed data ends early")
        if crc != info.CRC or size != info.file_size:
            raise self._corrupt("CRC or size does not match")
        if spend:
            self.budget.left -= size

    def check(self) -> None:
        """Inflate once without keeping anything: refuses an over-limit or damaged member before parsing."""
        for _piece in self.chunks(spend=False):
            pass

    def elements(self, *tags: str):
        """Each element with one of ``tags`` that is a child of the root, whole, in document order;
        streamed (the element is dropped from the tree once the caller has it)."""
        parser = ET.XMLPullParser(events=("start", "end"))
        depth = 0
        root = None
        try:
            for piece in self.chunks():
                parser.feed(piece)
                for event, el in parser.read_events():
                    if event == "start":
                        depth += 1
                        if depth == 1:
                            root = el
                        continue
                    depth -= 1
                    if depth == 1 and root is not None:
                        if el.tag in tags:
                            yield el
                        root.remove(el)
            parser.close()
            for _event, _el in parser.read_events():
                pass
        except ET.ParseError as exc:
            raise self._corrupt(f"XML: {exc}") from None


def _open_package(data: bytes, name: str) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise InputError(
                name, "is password-protected (encrypted .docx); remove the password in Word and save again"
            )
        raise InputError(name, "is an old binary Word .doc (OLE) file, not .docx; save it as .docx")
    buf = io.BytesIO(data)
    if not zipfile.is_zipfile(buf):
        raise InputError(name, "is not a valid .docx (not a zip archive; corrupt or another format)")
    members = data.count(b"PK\x01\x02")  # central-directory entries, counted before zipfile builds them
    if members > MAX_MEMBERS:
        raise InputError(name, f"is a zip of {members} members, over the {MAX_MEMBERS}-member limit for a .docx")
    try:
        zf = zipfile.ZipFile(buf)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise InputError(name, f"is a corrupt .docx ({exc})") from None
    infos = {i.filename: i for i in zf.infolist()}
    if "[Content_Types].xml" not in infos or not any(n.startswith("word/") for n in infos):
        other = next(
            (kind for prefix, kind in _OTHER_PACKAGES if any(n.startswith(prefix) for n in infos)),
            None,
        )
        raise InputError(
            name,
            f"is {other}, not a Word document" if other else "is a zip archive but not a Word document (no word/document.xml)",
        )
    return zf, infos


def _relationships(part: _Part | None) -> list[tuple[str, str]]:
    """(type, target) of every relationship in a ``.rels`` part."""
    if part is None:
        return []
    return [(el.get("Type") or "", el.get("Target") or "") for el in part.elements(f"{{{PR}}}Relationship")]


def _resolve(base_dir: str, target: str) -> str:
    """A relationship target as a zip member name (relative to ``base_dir``, or absolute with ``/``)."""
    parts = [] if target.startswith("/") else [p for p in base_dir.split("/") if p]
    for piece in target.lstrip("/").split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


# --------------------------------------------------------------------------- body text

#: Elements whose text the reader leaves out (deleted text, text boxes, alternate-content fallbacks,
#: moved-from text); ``review_docx`` anchors comments by the same rule.
SKIPPED_ELEMENTS = frozenset((_q("del"), _q("txbxContent"), f"{{{MC}}}Fallback", _q("moveFrom")))
#: Wrappers the reader reads through as if absent (content controls, custom XML, inserted and moved-to
#: text); ``review_docx`` walks paragraphs in the reader's order by the same rule.
TRANSPARENT_ELEMENTS = frozenset((_q("sdt"), _q("sdtContent"), _q("customXml"), _q("ins"), _q("moveTo")))
_RUN_PIECES = frozenset((_q("t"), _q("tab"), _q("br"), _q("cr"), _q("noBreakHyphen")))
# what an element's children are: paragraphs and tables (BLOCK), rows (TABLE), cells (ROW), the content
# of a line's paragraph (PARA; SKIPPED under deleted text, text boxes, fallbacks), or unread (NONE);
# KEEP: a paragraph's pPr, kept whole for the numbering
BLOCK, TABLE, ROW, PARA, SKIPPED, KEEP, NONE = range(7)
_T_P, _T_PPR, _T_R, _T_T, _T_TAB, _T_BR, _T_CR = (_q(t) for t in ("p", "pPr", "r", "t", "tab", "br", "cr"))
_T_BODY, _T_TBL, _T_TR, _T_TC, _T_TCPR, _T_VMERGE = (_q(t) for t in ("body", "tbl", "tr", "tc", "tcPr", "vMerge"))
_T_VAL, _T_TYPE = _q("val"), _q("type")


class _Body:
    """Reads document.xml as a stream: one line per paragraph, tables' line ranges, bounded text."""

    def __init__(self, numbering: Numbering, name: str, max_text: int | None) -> None:
        self.numbering, self.name, self.max_text = numbering, name, max_text
        self.lines: list[str] = []
        self.tables: list[tuple[int, int]] = []
        self.size = 0  # UTF-8 bytes of the text so far (lines and their "\n")
        # one frame per open element: [element, state of its children, cell skip flag holder, table start]
        self.stack: list[list] = []
        self.parts: list[str] = []  # the current paragraph's text pieces
        self.body_seen = False

    def start(self, el) -> None:
        tag = el.tag
        stack = self.stack
        if not stack:
            stack.append([el, NONE, None, None])
            return
        parent = stack[-1]
        state = parent[1]
        if state == PARA:  # the common case: inside a paragraph being read
            if tag == _T_PPR and parent[0].tag == _T_P:
                child = KEEP
            else:
                child = SKIPPED if tag in SKIPPED_ELEMENTS else PARA
            stack.append([el, child, None, None])
            return
        if state in (SKIPPED, KEEP, NONE) and not (tag == _T_BODY and len(stack) == 1):
            if tag == _T_VMERGE and parent[0].tag == _T_TCPR and len(stack) >= 2:
                holder = stack[-2][2]
                if holder is not None and stack[-2][0].tag == _T_TC and el.get(_T_VAL) in (None, "continue"):
                    holder[0] = True  # continuation of a vertically merged cell: no own content
            stack.append([el, state, parent[2], None])
            return
        cell = parent[2]
        table_start = None
        if not self.body_seen and tag == _T_BODY and len(stack) == 1:
            self.body_seen = True
            child = BLOCK
        elif state == BLOCK:
            if tag == _T_P:
                child = PARA if not (cell and cell[0]) else NONE
                self.parts = []
            elif tag == _T_TBL and not (cell and cell[0]):
                child, table_start = TABLE, len(self.lines)
            elif tag in TRANSPARENT_ELEMENTS:
                child = BLOCK
            else:
                child = NONE
        elif state == TABLE:
            child = ROW if tag == _T_TR else TABLE if tag in TRANSPARENT_ELEMENTS else NONE
        elif tag == _T_TC:  # state ROW
            child, cell = BLOCK, [False]
        else:
            child = ROW if tag in TRANSPARENT_ELEMENTS else NONE
        stack.append([el, child, cell, table_start])

    def end(self, el) -> None:
        stack = self.stack
        frame = stack.pop()
        state = frame[1]
        if not stack:
            return
        parent = stack[-1]
        pstate = parent[1]
        if state == KEEP or pstate == KEEP:
            return  # a paragraph's pPr: the numbering reads it when the paragraph ends
        tag = el.tag
        if pstate == PARA and tag in _RUN_PIECES and parent[0].tag == _T_R:
            if tag == _T_T:
                self.parts.append(el.text or "")
            elif tag == _T_TAB:
                self.parts.append("\t")
            elif tag == _T_BR or tag == _T_CR:
                if el.get(_T_TYPE) in (None, "textWrapping"):
                    self.parts.append("\n")
            else:
                self.parts.append("-")
        elif state == PARA and tag == _T_P:
            num_id, ilvl = self.numbering.resolve(el)
            label = self.numbering.label(num_id, ilvl) if num_id not in (None, "0") else ""
            self._add(label + "".join(self.parts))
            self.parts = []
        elif state == TABLE and frame[3] is not None and len(self.lines) > frame[3]:
            self.tables.append((frame[3], len(self.lines)))
        # drop what has been read (runs as they end, their text taken; paragraphs and tables once read)
        el.clear()
        parent[0].remove(el)

    def _add(self, line: str) -> None:
        self.size += len(line.encode("utf-8")) + 1
        if self.max_text is not None and self.size - 1 > self.max_text:
            raise InputError(self.name, f"text extracted from the .docx is over the {human_size(self.max_text)} limit")
        self.lines.append(line)


def read_docx_text(data: bytes, name: str, *, max_text: int | None = DEFAULT_MAX_TEXT, max_xml: int | None = None) -> str:
    """Text of a .docx: paragraphs (with their automatic numbers) and table cells, one per line.

    Raises ``InputError`` for an old binary .doc, a password-protected (encrypted) file, a corrupt
    zip, a zip that is not a Word document, and one that expands past the limits (``read_docx``).
    """
    return read_docx(data, name, max_text=max_text, max_xml=max_xml)[0]


def read_docx(
    data: bytes, name: str, *, max_text: int | None = DEFAULT_MAX_TEXT, max_xml: int | None = None
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """``read_docx_text``'s text and the ``(start, end)`` character span of every table in it.

    A table's span runs from the start of its first cell's line to the end of its last cell's line
    (nested tables have their own span inside their parent's). Bounded by what the file expands to,
    never by what its headers declare: the XML parts read (document, styles, numbering,
    relationships) inflate to at most ``max_xml`` bytes together (default ``default_max_xml_bytes()``,
    64 MB; styles, numbering and relationships ``MAX_PART_BYTES`` each), the text to ``max_text``
    UTF-8 bytes (default 20 MB, the readers' limit; None: unbounded); past a limit the file is refused naming it. document.xml is
    parsed as a stream, each paragraph dropped once read. Errors as ``read_docx_text``.
    """
    zf, infos = _open_package(data, name)
    total = default_max_xml_bytes() if max_xml is None else max_xml
    budget = _Budget(total, total)

    def part(member: str, cap: int = MAX_PART_BYTES) -> _Part | None:
        info = infos.get(member)
        return None if info is None or info.is_dir() else _Part(data, info, name, budget, cap)

    try:
        main = next(
            (_resolve("", t) for ty, t in _relationships(part("_rels/.rels")) if ty.endswith("/officeDocument")),
            "word/document.xml",
        )
        if main not in infos:
            main = "word/document.xml"
        document = part(main, total)
        if document is None:
            raise InputError(name, "is a zip archive but not a Word document (no word/document.xml)")
        base, _, leaf = main.rpartition("/")
        rels = _relationships(part(f"{base}/_rels/{leaf}.rels" if base else f"_rels/{leaf}.rels"))
        targets = {ty.rsplit("/", 1)[-1]: _resolve(base, t) for ty, t in rels}
        here = f"{base}/" if base else ""
        numbering = _load_numbering(part(targets.get("styles", f"{here}styles.xml")),
                                    part(targets.get("numbering", f"{here}numbering.xml")))
        document.check()  # cheap (inflate only): an over-limit document.xml is refused before any parsing
        body = _Body(numbering, name, max_text)
        parser = ET.XMLPullParser(events=("start", "end"))
        try:
            for piece in document.chunks():
                parser.feed(piece)
                for event, el in parser.read_events():
                    (body.start if event == "start" else body.end)(el)
            parser.close()
            for event, el in parser.read_events():
                (body.start if event == "start" else body.end)(el)
        except ET.ParseError as exc:
            raise InputError(name, f"is a corrupt .docx (damaged member {main}: XML: {exc})") from None
    except InputError:
        raise
    except Exception as exc:  # anything else a damaged part provokes: one line, never a traceback
        raise InputError(name, f"is a .docx govtext cannot read ({type(exc).__name__}: {exc})") from None
    finally:
        zf.close()
    lines = body.lines
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    spans = tuple(sorted((starts[a], starts[b] - 1) for a, b in body.tables if starts[b] - 1 > starts[a]))
    return "\n".join(lines), spans
