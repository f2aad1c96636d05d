"""PDF → text through pypdf's text layer, bounded in pages and in extracted size.

``read_pdf_text(data, name)`` returns the text of every page in reading order, pages joined by
``"\\n\\f\\n"`` (a form feed on a line of its own marks each page break), so hard wraps, page numbers
and running headers stay exactly as the PDF gives them: ``text.py`` recognises them as wraps and
residue without rewriting the text. Two changes are made to what pypdf returns: CJK *radical*
code points that fonts such as Noto CJK map their shared glyphs to (``⼀`` U+2F00 for ``一``, ``⻛``
U+2EDB for ``风``) become the unified ideographs a reader sees, one character for one; and the halves of
characters (surrogate code points) a broken ToUnicode map leaves become the character, or U+FFFD.

pypdf is imported here only, and only when a PDF is read (the placeholder linter stays light).
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import unicodedata
import warnings

from .errors import InputError, human_size
from .text import SURROGATE

DEFAULT_MAX_PAGES = 2000
MAX_STREAM_BYTES = 16 * 1024 * 1024  # one stream, decompressed (pypdf's own default: 75 MB)
MAX_PAGE_CONTENT_BYTES = 8 * 1024 * 1024  # one page's content, decompressed: pypdf holds ~25× its size parsed
MAX_CONTENT_BYTES = 64 * 1024 * 1024  # all pages' content streams together, decompressed
# pypdf's per-filter output limits, all set to MAX_STREAM_BYTES while a PDF is read
_STREAM_LIMITS = (
    "zlib_maximum_output_length",
    "lzw_maximum_output_length",
    "run_length_maximum_output_length",
    "brotli_maximum_output_length",
    "jbig2_maximum_output_length",
    "array_based_stream_maximum_output_length",
    "image_maximum_buffer_size",
)
_CJK_RUN = re.compile("[\u4e00-\u9fff]+")
PAGE_BREAK = "\n\f\n"

# CJK Radicals Supplement code points that Chinese fonts use for simplified-form glyphs, and the
# ideographs they display. (Kangxi Radicals U+2F00–U+2FD5 all have a compatibility mapping to a
# unified ideograph; these simplified radicals mostly have none.)
_SIMPLIFIED_RADICALS = {
    "\u2e8b": "㔾",
    "\u2ea0": "民",
    "\u2e9c": "日",
    "\u2e9d": "月",
    "\u2eb0": "纟",
    "\u2ec4": "西",
    "\u2ec5": "见",
    "\u2ec6": "角",
    "\u2ec8": "讠",
    "\u2ec9": "贝",
    "\u2ecb": "车",
    "\u2ed0": "钅",
    "\u2ed3": "长",
    "\u2ed4": "门",
    "\u2ed7": "雨",
    "\u2ed8": "青",
    "\u2ed9": "韦",
    "\u2eda": "页",
    "\u2edb": "风",
    "\u2edc": "飞",
    "\u2edd": "食",
    "\u2ee0": "饣",
    "\u2ee2": "马",
    "\u2ee3": "骨",
    "\u2ee4": "鬼",
    "\u2ee5": "鱼",
    "\u2ee6": "鸟",
    "\u2ee7": "卤",
    "\u2ee8": "麦",
    "\u2ee9": "黄",
    "\u2eea": "黾",
    "\u2eec": "齐",
    "\u2eee": "齿",
    "\u2ef0": "龙",
    "\u2ef3": "龟",
}


def _radical_table() -> dict[int, str]:
    table = {ord(k): v for k, v in _SIMPLIFIED_RADICALS.items()}
    for cp in range(0x2E80, 0x2FE0):
        ch = chr(cp)
        if cp in table:
            continue
        nf = unicodedata.normalize("NFKC", ch)
        if len(nf) == 1 and nf != ch and "\u4e00" <= nf <= "\u9fff":
            table[cp] = nf
    return table


_RADICALS = _radical_table()


def fix_radicals(text: str) -> str:
    """CJK radical code points → the unified ideographs they display, one character for one."""
    return text.translate(_RADICALS)


def fix_surrogates(text: str) -> str:
    """Surrogate code points pypdf leaves in a page's text (it decodes ToUnicode maps with
    ``surrogatepass``, so a broken map yields halves of characters): a high one followed by a low one
    becomes the character they encode, any other U+FFFD, so that the review of the other pages goes on."""
    if SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def read_pdf_text(
    data: bytes,
    name: str,
    *,
    max_bytes: int | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    max_stream: int = MAX_STREAM_BYTES,
    max_content: int = MAX_CONTENT_BYTES,
) -> str:
    """The text layer of a PDF, pages joined by ``PAGE_BREAK``; every problem is an ``InputError``.

    Refused: a corrupt or password-protected file, more than ``max_pages`` pages, extracted text
    over ``max_bytes`` (UTF-8), a stream that decompresses past ``max_stream`` bytes, a page whose
    contents decompress past ``MAX_PAGE_CONTENT_BYTES``, pages whose contents together decompress
    past ``max_content`` bytes (a stream shared by many pages counts on each), and a PDF without a
    text layer (scanned pages). Past a limit the message names it.
    """
    try:
        from pypdf import PdfReader
        from pypdf.errors import FileNotDecryptedError, LimitReachedError, PdfReadError
    except ImportError:  # pragma: no cover - pypdf is a core dependency
        raise InputError(name, "reading PDF needs pypdf: pip install 'pypdf>=7,<8'") from None
    try:
        from pypdf import apply_configuration
    except ImportError:  # pragma: no cover - pypdf 7.0: its own 75 MB per-stream limits apply
        def apply_configuration(**_limits: int) -> contextlib.AbstractContextManager:
            return contextlib.nullcontext()
    if not data.startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise InputError(name, "is not a PDF file (no %PDF- header)")

    def over_stream(where: str) -> InputError:
        return InputError(name, f"a stream in the PDF decompresses past {_mb(max_stream)} (the limit for a PDF{where})")

    logger = logging.getLogger("pypdf")
    old_level = logger.level
    logger.setLevel(logging.CRITICAL)  # pypdf logs recoverable damage as warnings: one line only
    try:
        with warnings.catch_warnings(), apply_configuration(**dict.fromkeys(_STREAM_LIMITS, max_stream)):
            warnings.simplefilter("ignore")
            try:
                reader = PdfReader(io.BytesIO(data), strict=False)
                if reader.is_encrypted:
                    try:
                        ok = reader.decrypt("")
                    except Exception:  # unsupported cipher and the like
                        ok = 0
                    if not ok:
                        raise InputError(
                            name, "is password-protected (encrypted PDF); remove the password and save again"
                        )
                n = len(reader.pages)
            except InputError:
                raise
            except LimitReachedError:
                raise over_stream("") from None
            except FileNotDecryptedError:
                raise InputError(
                    name, "is password-protected (encrypted PDF); remove the password and save again"
                ) from None
            except (PdfReadError, Exception) as exc:  # pypdf raises many kinds on damaged files
                raise InputError(name, f"is a corrupt PDF ({_short(exc)})") from None
            if n == 0:
                raise InputError(name, "is a PDF without pages")
            if n > max_pages:
                raise InputError(name, f"has {n} pages, over the {max_pages}-page limit for a PDF")
            pages: list[str] = []
            size = 0
            content = 0
            for i in range(n):
                try:
                    page = reader.pages[i]
                    stream = page.get_contents()
                    here = len(stream.get_data()) if stream is not None else 0
                    content += here
                    if here > MAX_PAGE_CONTENT_BYTES:
                        raise InputError(
                            name, f"page {i + 1}'s contents decompress past {_mb(MAX_PAGE_CONTENT_BYTES)} "
                            "(the limit for a PDF page)"
                        )
                    if content > max_content:
                        raise InputError(
                            name, f"the PDF's page contents decompress past {_mb(max_content)} (the limit for a PDF, "
                            f"at page {i + 1})"
                        )
                    t = _page_text(page)
                except InputError:
                    raise
                except LimitReachedError:
                    raise over_stream(f", page {i + 1}") from None
                except Exception as exc:
                    raise InputError(name, f"is a corrupt PDF (page {i + 1}: {_short(exc)})") from None
                t = fix_surrogates(fix_radicals(t.replace("\r\n", "\n").replace("\r", "\n").strip("\n")))
                size += len(t.encode("utf-8")) + len(PAGE_BREAK)
                if max_bytes is not None and size > max_bytes:
                    raise InputError(
                        name, f"text extracted from the PDF is over the {human_size(max_bytes)} limit (at page {i + 1})"
                    )
                pages.append(t)
    finally:
        logger.setLevel(old_level)
    if not any(p.strip() for p in pages):
        raise InputError(
            name, f"has no text layer ({n} page{'s' if n > 1 else ''} of images: a scan?); run OCR or convert it to .txt"
        )
    return PAGE_BREAK.join(pages)


def _page_text(page: object) -> str:
    """One page's text as pypdf extracts it, each line's indentation rendered as U+3000 (one per em).

    pypdf's plain extraction drops the indent that starts a paragraph; it is the best evidence of
    where a wrapped paragraph ends, so the x position of each line's first character (from pypdf's
    visitor) is compared with the page's body margin (the leftmost line start shared by two lines).
    """
    from pypdf import mult

    pieces: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text:
            pieces.append((text, mult(tm, cm)[4]))

    plain = page.extract_text(visitor_text=visit) or ""  # type: ignore[attr-defined]
    if "".join(t for t, _ in pieces) != plain:
        return plain  # the visitor did not see what was extracted: keep pypdf's text as it is
    lines: list[list[object]] = [["", None]]  # [text, x of the first visible character]
    steps: list[float] = []  # advance per CJK character, from consecutive pieces on one line
    prev: tuple[str, float] | None = None
    for text, x in pieces:
        parts = text.split("\n")
        for k, part in enumerate(parts):
            if k:
                lines.append(["", None])
                prev = None
            cur = lines[-1]
            if part.strip() and cur[1] is None:
                cur[1] = x
            if prev is not None and _CJK_RUN.fullmatch(prev[0]) and x > prev[1]:
                steps.append((x - prev[1]) / len(prev[0]))
            if part:
                prev = (part, x)
            cur[0] = str(cur[0]) + part
    starts = [round(float(x)) for t, x in lines if x is not None and len(str(t).strip()) >= 8]
    if not starts or not steps:
        return plain
    # the body's left edge: the leftmost start shared by two lines or more (first lines of short
    # paragraphs may outnumber the lines that start at the edge)
    shared = [v for v in set(starts) if sum(1 for w in starts if abs(w - v) <= 1) >= 2]
    if not shared:
        return plain
    margin = min(shared)
    steps.sort()
    em = steps[len(steps) // 2]
    out = []
    for text, x in lines:
        n = round((float(x) - margin) / em) if x is not None and em > 0 else 0
        out.append("\u3000" * min(max(n, 0), 40) + str(text).lstrip(" "))
    return "\n".join(out)


def _mb(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n % (1024 * 1024) == 0 else human_size(n)


def _short(exc: BaseException) -> str:
    msg = " ".join(str(exc).split()) or type(exc).__name__
    return msg[:120]

