"""Files → ``Document``: encodings, line ends kept, .docx with its automatic numbering rebuilt."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .errors import InputError
from .model import Document

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
SUFFIXES = TEXT_SUFFIXES | {".docx"}


def read_document(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read a .txt/.md/.docx file (or ``"-"`` for stdin) into a ``Document``. Never writes the file."""
    name = str(path)
    if name == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputError("<stdin>", f"input is larger than the {_mb(max_bytes)} limit")
        text, enc = decode_bytes(data, "<stdin>")
        return Document.from_text(text, path="-", encoding=enc, source_format="stdin")
    p = Path(path)
    if not p.exists():
        raise InputError(name, "no such file")
    if p.is_dir():
        raise InputError(name, "is a directory, not a file")
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(name, f"unsupported file type {suffix or '(none)'!r}; expected .txt, .md or .docx")
    size = p.stat().st_size
    if size > max_bytes:
        raise InputError(name, f"file is {_mb(size)}, over the {_mb(max_bytes)} limit")
    if size == 0:
        raise InputError(name, "file is empty")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    if suffix == ".docx":
        from .docx import read_docx_text

        text = read_docx_text(data, name)
        return Document.from_text(text, path=name, encoding=None, source_format="docx")
    text, enc = decode_bytes(data, name)
    return Document.from_text(text, path=name, encoding=enc, source_format=suffix.lstrip("."))


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decode text bytes: strict utf-8-sig, strict gb18030, UTF-16 by BOM, then a detector."""
    if not data:
        raise InputError(name, "file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise InputError(name, "has a UTF-16 byte-order mark but is not valid UTF-16") from None
    if _looks_binary(data):
        raise InputError(name, "looks like a binary file, not text")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        return text, ("utf-8" if enc == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf") else enc)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(name, "cannot decode: not UTF-8, GB18030, UTF-16 or another known encoding")
    return str(best), best.encoding


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > len(head) * 0.05


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


_BOILER = re.compile(r"^(本文系|下载|打印|全屏|来源[:：]|时间[:：]|发布时间|【字号|字号[:：]|分享到|首页)")
_TITLE_HINT = re.compile(r"(总结|报告|述职|汇报|讲话|规划|计划|意见|方案)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def detect_title(text: str) -> str | None:
    """The document's title: the first short line that names a kind of document, else the first line."""
    lines = [ln.strip(" \t\u3000\u00a0\ufeff") for ln in re.split(r"\r\n|\r|\n|\t", text[:4000])]
    lines = [ln for ln in lines if ln and not _BOILER.match(ln)]
    for ln in lines[:12]:
        if len(ln) <= 60 and _TITLE_HINT.search(ln) and not ln.endswith(("。", "：", ":")):
            return ln
    for ln in lines[:3]:
        if len(ln) <= 40 and not ln.endswith("。"):
            return ln
    return None


def detect_year(text: str, title: str | None = None) -> int | None:
    """The year the document is about, from its title (``2019年党建工作总结``) if it says so."""
    if title:
        m = _YEAR.search(title) or re.search(r"(?:19|20)\d{2}", title)
        if m:
            return int(m.group(1) if m.groups() else m.group(0))
    return None
