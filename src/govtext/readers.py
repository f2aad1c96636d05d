"""Files → ``Document``: encodings, line ends kept, .docx with its automatic numbering rebuilt, PDF text.

The text is never altered: only a byte-order mark is dropped, so every offset maps to the file the
user has (``\\r\\n`` and ``\\r`` stay as they are). Input files are only ever opened for reading.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

from .docmeta import detect_title, detect_year  # noqa: F401 (re-exported: the readers' API)
from .errors import GovtextError, InputError, human_size
from .model import Document
from .resources import mode_kind
from .text import LINE_BREAKS, line_end_style

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_BYTES_ENV = "GOVTEXT_MAX_BYTES"
TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
SUFFIXES = TEXT_SUFFIXES | {".docx"}  # what directory walks and uploads pick up
PDF_SUFFIXES = {".pdf"}  # read when named explicitly (read_document / document_from_bytes)
READ_SUFFIXES = SUFFIXES | PDF_SUFFIXES
_EXPECTED = "expected .txt, .md, .docx or .pdf"
MAX_PDF_PAGES = 2000


def default_max_bytes() -> int:
    """The size limit: ``$GOVTEXT_MAX_BYTES`` (bytes) if set, else 20 MB."""
    raw = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise GovtextError(f"{MAX_BYTES_ENV}={raw!r}: must be a positive whole number of bytes")
    return value


def read_document(path: str | Path, *, max_bytes: int | None = None, require_cjk: bool = True) -> Document:
    """Read a .txt/.md/.docx/.pdf file (or ``"-"`` for stdin) into a ``Document``. Never writes the file.

    ``max_bytes`` defaults to ``default_max_bytes()``; for a .docx or PDF it bounds both the file and
    the text extracted from it. A directory, FIFO or device is named as such and never opened; text
    that is only whitespace, or (with ``require_cjk``) holds no Chinese character, is refused.
    Every problem raises ``InputError``.
    """
    limit = default_max_bytes() if max_bytes is None else max_bytes
    name = str(path)
    if name == "-":
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise InputError("<stdin>", f"input is larger than the {human_size(limit)} limit")
        if not data:
            raise InputError("<stdin>", "input is empty")
        return document_from_bytes(
            data, "<stdin>", suffix=".txt", path="-", source_format="stdin", require_cjk=require_cjk
        )
    p = Path(path)
    try:
        st = p.stat()  # never opened unless a regular file: a FIFO would block
    except FileNotFoundError:
        raise InputError(name, "is a broken symbolic link" if p.is_symlink() else "no such file") from None
    except (OSError, ValueError) as exc:
        raise InputError(name, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(name, f"is {mode_kind(st.st_mode)}, not a file")
    suffix = p.suffix.lower()
    if suffix not in READ_SUFFIXES:
        shown = suffix or "(none)"
        raise InputError(name, f"unsupported file type {shown!r}; {_EXPECTED}")
    size = st.st_size
    if size > limit:
        raise InputError(name, f"file is {human_size(size)}, over the {human_size(limit)} limit")
    if size == 0:
        raise InputError(name, "file is empty")
    try:
        with open(p, "rb") as fh:  # read-only; the file is never written
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:  # grew while we looked
        raise InputError(name, f"file is over the {human_size(limit)} limit")
    return document_from_bytes(data, name, suffix=suffix, max_bytes=limit, require_cjk=require_cjk)


def document_from_bytes(
    data: bytes,
    name: str,
    *,
    suffix: str | None = None,
    path: str | None = None,
    max_bytes: int | None = None,
    source_format: str | None = None,
    require_cjk: bool = True,
) -> Document:
    """The bytes of a .txt/.md/.docx/.pdf file → ``Document``, exactly as ``read_document`` decodes a file.

    ``name`` is used in messages and, unless ``path`` is given, as the document's path; ``suffix``
    defaults to ``name``'s; ``source_format`` overrides the one the suffix gives (``"stdin"`` for
    pasted text). For uploads and other in-memory input: the bytes are not size-checked here;
    ``max_bytes`` (default ``default_max_bytes()``) bounds the text a .docx or PDF expands to.
    Refused (``InputError``) besides what the format readers refuse: text that is only whitespace,
    and, with ``require_cjk``, text without a single Chinese character (``NO_CJK``).
    """
    suffix = (suffix if suffix is not None else Path(name).suffix).lower()
    path = name if path is None else path
    if suffix not in READ_SUFFIXES:
        shown = suffix or "(none)"
        raise InputError(name, f"unsupported file type {shown!r}; {_EXPECTED}")
    if not data:
        raise InputError(name, "file is empty")
    if suffix in PDF_SUFFIXES:
        from .pdf import read_pdf_text

        limit = default_max_bytes() if max_bytes is None else max_bytes
        text = read_pdf_text(data, name, max_bytes=limit, max_pages=MAX_PDF_PAGES)
        _check_text(text, name, require_cjk)
        return Document.from_text(text, path=path, encoding=None, source_format=source_format or "pdf")
    if suffix == ".docx":
        from .docx import read_docx

        limit = default_max_bytes() if max_bytes is None else max_bytes
        text, tables = read_docx(data, name, max_text=limit)
        if not text.strip():
            raise InputError(name, "document contains no text")
        _check_text(text, name, require_cjk)
        return Document.from_text(
            text, path=path, encoding=None, source_format=source_format or "docx", table_spans=tables
        )
    text, enc = decode_bytes(data, name)
    _check_text(text, name, require_cjk)
    fmt = source_format or ("md" if suffix in (".md", ".markdown") else "txt")
    return Document.from_text(text, path=path, encoding=enc, source_format=fmt)


#: Any CJK ideograph (unified, extension A, compatibility, extensions B and later).
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
NO_CJK = "has no Chinese characters (no CJK text); govtext reads Chinese documents"


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds at least one CJK ideograph."""
    return _CJK.search(text) is not None


def _check_text(text: str, name: str, require_cjk: bool) -> None:
    if not text.strip():
        raise InputError(name, "holds only whitespace, no text")
    if require_cjk and not has_cjk(text):
        raise InputError(name, NO_CJK)


# --------------------------------------------------------------------------- decoding

_MAGIC = (
    (b"%PDF-", "is a PDF file, not text; convert it to .txt or .docx first"),
    (b"PK\x03\x04", "is a zip archive (a .docx or other package?), not a text file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "is an OLE compound file (an old .doc?), not a text file"),
    (b"{\\rtf", "is an RTF file, not plain text; save it as .txt or .docx"),
    (b"\x89PNG", "is a PNG image, not text"),
    (b"\xff\xd8\xff", "is a JPEG image, not text"),
    (b"\x1f\x8b", "is gzip-compressed, not text"),
)


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decode text bytes to ``(text, encoding)``; the text is exact apart from a dropped BOM.

    Refused (``InputError``): empty or whitespace-only text, binary data and known binary formats,
    and bytes that are neither UTF-8 nor GB18030 (nor BOM-marked) and decode to no Chinese at all.

    Order (it survives short files): strict ``utf-8-sig`` → strict ``gb18030`` (rejected if it yields
    private-use characters, as Big5 read as GB does) → UTF-16/32 by BOM → charset-normalizer (a
    Chinese encoding preferred among its candidates). Detectors alone read a short GBK title as
    Korean cp949, hence this order.
    Reported encodings: ``utf-8``, ``utf-8-sig`` (with BOM), ``gb18030``, ``utf-16-le``/``-be``,
    ``utf-32-le``/``-be``, or the detector's name.
    """
    text, enc = _decode(data, name)
    if not text.strip():
        raise InputError(name, "holds only whitespace, no text")
    return text, enc


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if not data:
        raise InputError(name, "file is empty")
    for magic, problem in _MAGIC:
        if data.startswith(magic):
            raise InputError(name, problem)
    bom_enc = _bom_encoding(data)
    if bom_enc is None and _looks_binary(data):
        raise InputError(name, "looks like a binary file, not text")
    if bom_enc is None or bom_enc == "utf-8-sig":
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if enc == "gb18030" and _PRIVATE_USE.search(text):
                continue  # GBK's user-defined areas: real GB text has none; Big5 read as GB does
            if enc == "utf-8-sig":
                enc = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
            return text, enc
    if bom_enc is not None and bom_enc != "utf-8-sig":
        try:
            return data[_BOM_LEN[bom_enc] :].decode(bom_enc), bom_enc
        except UnicodeDecodeError:
            raise InputError(
                name, f"has a {bom_enc.upper()} byte-order mark but is not valid {bom_enc.upper()}"
            ) from None
    from charset_normalizer import from_bytes

    # A UTF-16/32 guess for bytes without a single NUL is noise; among the rest a Chinese encoding
    # wins (these are Chinese documents), else the detector's own first choice.
    candidates = [
        m
        for m in from_bytes(data)
        if m.encoding and not (m.encoding.startswith(("utf_16", "utf_32")) and b"\x00" not in data)
    ]
    if not candidates:
        raise InputError(name, "cannot decode: not UTF-8, GB18030, UTF-16 or another known encoding")
    best = next((m for m in candidates if m.encoding in _CHINESE_ENCODINGS), candidates[0])
    text = str(best)
    if not has_cjk(text):  # e.g. Latin-1 text: any single-byte guess (cp1250 …) would be silent noise
        raise InputError(
            name, f"is not UTF-8 or GB18030 and has no Chinese characters (it reads as {best.encoding}, "
            "e.g. Latin-1 text); govtext reads Chinese documents: save it as UTF-8"
        )
    return text, best.encoding


_CHINESE_ENCODINGS = {"big5", "big5hkscs", "cp950", "hz", "gb2312", "gbk", "gb18030", "iso2022_cn"}


_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_BOM_LEN = {"utf-32-le": 4, "utf-32-be": 4, "utf-16-le": 2, "utf-16-be": 2, "utf-8-sig": 3}


def _bom_encoding(data: bytes) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith(b"\xff\xfe\x00\x00"):
        return "utf-32-le"
    if data.startswith(b"\x00\x00\xfe\xff"):
        return "utf-32-be"
    if data.startswith(b"\xff\xfe"):
        return "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return "utf-16-be"
    return None


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = len(head) - len(head.translate(None, _CONTROL_BYTES))  # counted in C, not byte by byte
    return control > len(head) * 0.05


# control characters that text does not hold (tab, line feed, form feed, carriage return and escape aside)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))



# --------------------------------------------------------------------------- summary


def document_info(doc: Document) -> dict:
    """What was read, as a plain dict (the ``govtext info`` record)."""
    text = doc.text
    return {
        "path": doc.display_path,
        "format": doc.source_format,
        "encoding": doc.encoding,
        "title": doc.title,
        "year": doc.year,
        "chars": len(text),
        "lines": len(doc.lines.starts) - (1 if text[-1:] in LINE_BREAKS else 0) if text else 0,
        "paragraphs": len(doc.paragraphs),
        "line_ends": line_end_style(text),
    }
