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
import zipfile
import zlib
from dataclasses import dataclass, field

from .errors import InputError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_NS = {"w": W, "mc": MC}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # a zip bomb guard: real documents unpack to a few MB
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


@dataclass(frozen=True)
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
    return Level(
        start=_int(_val(lvl, "start")) if _val(lvl, "start") is not None else 1,
        fmt=_numfmt(lvl),
        text=_val(lvl, "lvlText"),
        suffix=_val(lvl, "suff") or "tab",
        restart=_int(_val(lvl, "lvlRestart")),
        legal=lvl.find(_q("isLgl")) is not None and _val(lvl, "isLgl") not in ("0", "false"),
        style=_val(lvl, "pStyle"),
    )


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
        """Advance the counters for a paragraph at (``num_id``, ``ilvl``) and return its number text."""
        abs_id = self.num_abstract.get(num_id)
        lvl = self.level(num_id, ilvl)
        if abs_id is None or lvl is None:
            return ""
        counters = self.counters.setdefault(abs_id, [None] * 9)
        if num_id not in self.seen_nums:  # a list instance's startOverride applies when it begins
            self.seen_nums.add(num_id)
            for o_lvl, (o_start, _) in self.overrides.get(num_id, {}).items():
                if o_start is not None and 0 <= o_lvl < 9:
                    counters[o_lvl] = o_start - 1
                    for d in range(o_lvl + 1, 9):
                        counters[d] = None
        cur = counters[ilvl]
        counters[ilvl] = lvl.start if cur is None else cur + 1
        for d in range(ilvl + 1, 9):
            deeper = self.level(num_id, d)
            restart = deeper.restart if deeper else None
            if restart is None or (restart != 0 and ilvl < restart):
                counters[d] = None
        if lvl.fmt == "bullet":
            mark = lvl.text or ""
            mark = "•" if not mark or any(0xE000 <= ord(c) <= 0xF8FF for c in mark) else mark
            return mark + " "
        text = lvl.text if lvl.text is not None else ""
        out = []
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "%" and i + 1 < len(text) and text[i + 1].isdigit():
                ref = int(text[i + 1]) - 1
                ref_lvl = self.level(num_id, ref)
                value = (
                    counters[ref]
                    if 0 <= ref < 9 and counters[ref] is not None
                    else (ref_lvl.start if ref_lvl else 1)
                )
                fmt = (
                    "decimal"
                    if (lvl.legal and ref_lvl and ref_lvl.fmt != "none")
                    else (ref_lvl.fmt if ref_lvl else "decimal")
                )
                out.append(format_number(value, fmt))
                i += 2
                continue
            out.append(ch)
            i += 1
        label = "".join(out)
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
        return num_id, ilvl or 0

    def _level_for_style(self, num_id: str | None, style: str) -> int:
        abs_id = self.num_abstract.get(num_id or "")
        for i, lvl in self.abstract.get(abs_id or "", {}).items():
            if lvl.style == style:
                return i
        return 0


def _load_numbering(document) -> Numbering:
    """Parse numbering.xml and the paragraph styles that carry ``w:numPr``."""
    num = Numbering()
    part = document.part
    styles_el = None
    try:
        styles_el = part._styles_part.element  # noqa: SLF001 - python-docx keeps no public handle
    except Exception:  # no styles part
        styles_el = None
    style_links: dict[str, str] = {}  # styleId → numId (for numStyleLink)
    if styles_el is not None:
        styles = {s.get(_q("styleId")): s for s in styles_el.findall(_q("style"))}
        default_para = next(
            (
                sid
                for sid, s in styles.items()
                if s.get(_q("type")) == "paragraph" and s.get(_q("default")) in ("1", "true")
            ),
            None,
        )

        def numpr_of(sid: str, depth: int = 0) -> tuple[str | None, int | None]:
            s = styles.get(sid)
            if s is None or depth > 20:
                return None, None
            numpr = s.find(f"{_q('pPr')}/{_q('numPr')}")
            n_id = _val(numpr, "numId") if numpr is not None else None
            n_lvl = _int(_val(numpr, "ilvl")) if numpr is not None else None
            based = _val(s, "basedOn")
            if (n_id is None or n_lvl is None) and based:
                b_id, b_lvl = numpr_of(based, depth + 1)
                n_id = n_id if n_id is not None else b_id
                n_lvl = n_lvl if n_lvl is not None else b_lvl
            return n_id, n_lvl

        for sid, s in styles.items():
            if sid and s.get(_q("type")) == "paragraph":
                n_id, n_lvl = numpr_of(sid)
                if n_id is not None:
                    num.style_numpr[sid] = (n_id, n_lvl)
                    style_links[sid] = n_id
        if default_para and default_para in num.style_numpr:
            num.style_numpr["__default__"] = num.style_numpr[default_para]
    try:
        numbering_el = part.numbering_part.element
    except Exception:  # a document without numbering.xml
        return num
    links: dict[str, str] = {}
    for a in numbering_el.findall(_q("abstractNum")):
        a_id = a.get(_q("abstractNumId"))
        num.abstract[a_id] = {_int(lv.get(_q("ilvl"))) or 0: _parse_level(lv) for lv in a.findall(_q("lvl"))}
        link = _val(a, "numStyleLink")
        if link:
            links[a_id] = link
    for n in numbering_el.findall(_q("num")):
        n_id = n.get(_q("numId"))
        num.num_abstract[n_id] = _val(n, "abstractNumId")
        overrides: dict[int, tuple[int | None, Level | None]] = {}
        for o in n.findall(_q("lvlOverride")):
            o_lvl = _int(o.get(_q("ilvl"))) or 0
            start = _int(_val(o, "startOverride"))
            lvl_el = o.find(_q("lvl"))
            overrides[o_lvl] = (start, _parse_level(lvl_el) if lvl_el is not None else None)
        if overrides:
            num.overrides[n_id] = overrides
    # an abstractNum that only points at a numbering style takes that style's list definition
    for a_id, style in links.items():
        target_num = style_links.get(style)
        target_abs = num.num_abstract.get(target_num or "")
        if target_abs and target_abs != a_id and num.abstract.get(target_abs):
            num.abstract[a_id] = num.abstract[target_abs]
    return num


# --------------------------------------------------------------------------- body text

_SKIP_ANCESTORS = (_q("del"), _q("txbxContent"), f"{{{MC}}}Fallback", _q("moveFrom"))


def _paragraph_text(p) -> str:
    """Visible text of a paragraph: runs (also in hyperlinks, fields, insertions), tabs, breaks."""
    out: list[str] = []
    for r in p.iter(_q("r")):
        anc = r.getparent()
        skip = False
        while anc is not None and anc is not p:
            if anc.tag in _SKIP_ANCESTORS:
                skip = True
                break
            anc = anc.getparent()
        if skip:
            continue
        for child in r:
            tag = child.tag
            if tag == _q("t"):
                out.append(child.text or "")
            elif tag == _q("tab"):
                out.append("\t")
            elif tag in (_q("br"), _q("cr")):
                if child.get(_q("type")) in (None, "textWrapping"):
                    out.append("\n")
            elif tag == _q("noBreakHyphen"):
                out.append("-")
    return "".join(out)


def _walk(
    container, numbering: Numbering, lines: list[str], tables: list[tuple[int, int]] | None = None
) -> None:
    """Append one line per paragraph of ``container`` (body, cell, content control) in order.

    ``tables`` receives ``(first line, end line)`` of every table read (nested ones inside their own).
    """
    for el in container:
        tag = el.tag
        if tag == _q("p"):
            num_id, ilvl = numbering.resolve(el)
            label = numbering.label(num_id, ilvl) if num_id not in (None, "0") else ""
            lines.append(label + _paragraph_text(el))
        elif tag == _q("tbl"):
            first = len(lines)
            _walk_table(el, numbering, lines, tables)
            if tables is not None and len(lines) > first:
                tables.append((first, len(lines)))
        elif tag in (_q("sdt"),):
            content = el.find(_q("sdtContent"))
            if content is not None:
                _walk(content, numbering, lines, tables)
        elif tag in (_q("customXml"), _q("sdtContent"), _q("ins"), _q("moveTo")):
            _walk(el, numbering, lines, tables)


def _walk_table(el, numbering: Numbering, lines: list[str], tables: list[tuple[int, int]] | None) -> None:
    """Cells of one table, row by row (a merged cell once, nested tables where their cell is)."""
    for tr in el.iter(_q("tr")):
        if _nearest_table(tr) is not el:
            continue  # rows of nested tables are read where their cell is
        for tc in tr.findall(_q("tc")):
            vmerge = tc.find(f"{_q('tcPr')}/{_q('vMerge')}")
            if vmerge is not None and vmerge.get(_q("val")) in (None, "continue"):
                continue  # continuation of a vertically merged cell: no own content
            _walk(tc, numbering, lines, tables)


def _nearest_table(el):
    anc = el.getparent()
    while anc is not None and anc.tag != _q("tbl"):
        anc = anc.getparent()
    return anc


def read_docx_text(data: bytes, name: str) -> str:
    """Text of a .docx: paragraphs (with their automatic numbers) and table cells, one per line.

    Raises ``InputError`` for an old binary .doc, a password-protected (encrypted) file, a corrupt
    zip, or a zip that is not a Word document.
    """
    return read_docx(data, name)[0]


def read_docx(data: bytes, name: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """``read_docx_text``'s text and the ``(start, end)`` character span of every table in it.

    A table's span runs from the start of its first cell's line to the end of its last cell's line
    (nested tables have their own span inside their parent's). Errors as ``read_docx_text``.
    """
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise InputError(
                name, "is password-protected (encrypted .docx); remove the password in Word and save again"
            )
        raise InputError(name, "is an old binary Word .doc (OLE) file, not .docx; save it as .docx")
    buf = io.BytesIO(data)
    if not zipfile.is_zipfile(buf):
        raise InputError(name, "is not a valid .docx (not a zip archive; corrupt or another format)")
    try:
        with zipfile.ZipFile(buf) as zf:
            names = set(zf.namelist())
            if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
                other = next(
                    (kind for prefix, kind in _OTHER_PACKAGES if any(n.startswith(prefix) for n in names)),
                    None,
                )
                raise InputError(
                    name,
                    f"is {other}, not a Word document"
                    if other
                    else "is a zip archive but not a Word document (no word/document.xml)",
                )
            unpacked = sum(i.file_size for i in zf.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise InputError(
                    name,
                    f"unpacks to {unpacked / 1024 / 1024:.0f} MB, over the "
                    f"{MAX_UNPACKED_BYTES // 1024 // 1024} MB limit for a .docx",
                )
            bad = zf.testzip()
            if bad is not None:
                raise InputError(name, f"is a corrupt .docx (damaged member {bad})")
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise InputError(name, f"is a corrupt .docx ({exc})") from None
    import docx  # python-docx; imported here so that reading .txt never pays for it

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx/lxml raise many types for damaged parts
        raise InputError(name, f"is a corrupt or unsupported .docx ({type(exc).__name__}: {exc})") from None
    try:
        numbering = _load_numbering(document)
        lines: list[str] = []
        table_lines: list[tuple[int, int]] = []
        _walk(document.element.body, numbering, lines, table_lines)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(name, f"is a .docx govtext cannot read ({type(exc).__name__}: {exc})") from None
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    spans = tuple(sorted((starts[a], starts[b] - 1) for a, b in table_lines if starts[b] - 1 > starts[a]))
    return "\n".join(lines), spans
