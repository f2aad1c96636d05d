"""Reviewer-facing language: Chinese (zh-CN) by default, English on request.

Message ids are the English source strings, marked in the code with ``N_()`` (or passed straight to
``gettext``) and extracted with Babel (``make i18n``) into
``src/govtext/locale/<locale>/LC_MESSAGES/govtext.po``. The build hook (``hatch_build.py``) compiles
each ``.po`` to ``.mo``; at run time the stdlib ``gettext`` reads the ``.mo``. In a source checkout
without a build (no ``.mo``, or a ``.po`` edited since), the ``.po`` is compiled in memory, so the
catalogue is never silently missing. English is the identity: its strings are the msgids.

The language comes from ``resolve_lang``: an explicit ``--lang`` first, then ``GOVTEXT_LANG``, then a
browser's ``Accept-Language`` header, else ``zh``.
"""

from __future__ import annotations

import ast
import gettext as _gettext
import os
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

from .errors import DataFileError, UsageError

#: The languages of every reviewer-facing output; the first is the default.
LANGS = ("zh", "en")
DEFAULT_LANG = LANGS[0]
#: The gettext domain and the catalogue locale of each translated language (English is the source).
DOMAIN = "govtext"
LOCALES = {"zh": "zh_CN"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENV_VAR = "GOVTEXT_LANG"


def N_(msgid: str) -> str:
    """Mark ``msgid`` for extraction without translating it (translate later with ``gettext``)."""
    return msgid


def _lang_of(tag: str) -> str | None:
    """``zh``/``en`` for a language tag (``zh-CN``, ``zh_Hans``, ``en-US``, ``EN``), None when unknown."""
    primary = tag.strip().replace("_", "-").split("-", 1)[0].split(".", 1)[0].lower()
    return primary if primary in LANGS else None


def _accept_language(header: str) -> str | None:
    """The best of ``LANGS`` in an ``Accept-Language`` header (by q weight, then order), or None."""
    ranked: list[tuple[float, int, str]] = []
    for i, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            name, _, value = p.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        lang = _lang_of(tag) if tag.strip() != "*" else None
        if lang and q > 0:
            ranked.append((-q, i, lang))
    return min(ranked)[2] if ranked else None


def resolve_lang(explicit: str | None = None, accept_language: str | None = None) -> str:
    """The language to answer in: ``explicit`` (``--lang``) > ``$GOVTEXT_LANG`` > ``accept_language`` > ``zh``.

    An unknown explicit or environment value is a ``UsageError``; an unknown header is ignored.
    """
    for value, where in ((explicit, "--lang"), (os.environ.get(ENV_VAR), ENV_VAR)):
        if value:
            lang = _lang_of(value)
            if lang is None:
                raise UsageError(f"{where} must be one of {', '.join(LANGS)}, not {value!r}")
            return lang
    if accept_language:
        lang = _accept_language(accept_language)
        if lang:
            return lang
    return DEFAULT_LANG


def catalogue_paths(lang: str) -> tuple[Path, Path]:
    """The ``.po`` source and the compiled ``.mo`` of ``lang``'s catalogue."""
    base = LOCALE_DIR / LOCALES[lang] / "LC_MESSAGES" / DOMAIN
    return base.with_suffix(".po"), base.with_suffix(".mo")


class _PoTranslations(_gettext.NullTranslations):
    """A catalogue read straight from a ``.po`` file (a source checkout that was never built)."""

    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self._messages = messages

    def gettext(self, message: str) -> str:
        return self._messages.get(message) or message


def read_po(path: Path) -> dict[str, str]:
    """msgid → msgstr of a ``.po`` file: translated, non-fuzzy entries only (as ``msgfmt`` compiles).

    A malformed file is a ``DataFileError`` naming file and line.
    """
    out: dict[str, str] = {}
    entry: dict[str, str] = {}
    key: str | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal entry, key, fuzzy
        msgid, msgstr = entry.get("msgid"), entry.get("msgstr")
        if msgid and msgstr and not fuzzy:
            out[msgid] = msgstr
        entry, key, fuzzy = {}, None, False

    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if key == "msgstr":
                flush()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        word, _, rest = line.partition(" ")
        if word in ("msgid", "msgstr", "msgctxt", "msgid_plural", "msgstr[0]"):
            if word in ("msgid", "msgctxt") and key == "msgstr":
                flush()
            key = {"msgstr[0]": "msgstr"}.get(word, word)
            line = rest.strip()
        if key is None or not (line.startswith('"') and line.endswith('"')):
            raise DataFileError(str(path), f"cannot read {raw!r}", n)
        try:
            entry[key] = entry.get(key, "") + ast.literal_eval(line)
        except (SyntaxError, ValueError):
            raise DataFileError(str(path), f"bad string {line!r}", n) from None
    flush()
    return out


@cache
def _translations(lang: str) -> _gettext.NullTranslations:
    if lang not in LANGS:
        raise UsageError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    if lang not in LOCALES:  # the source language
        return _gettext.NullTranslations()
    po, mo = catalogue_paths(lang)
    if mo.is_file() and (not po.is_file() or po.stat().st_mtime <= mo.stat().st_mtime):
        with mo.open("rb") as fh:
            return _gettext.GNUTranslations(fh)
    if po.is_file():
        return _PoTranslations(read_po(po))
    raise DataFileError(str(mo), f"the {lang} message catalogue is missing (neither .mo nor .po); reinstall govtext")


def gettext(msgid: str, lang: str) -> str:
    """``msgid`` (an English source string) in ``lang``; an untranslated msgid comes back as it is."""
    if not msgid:
        return msgid
    return _translations(lang).gettext(msgid)


def translator(lang: str) -> Callable[[str], str]:
    """A one-argument ``gettext`` for ``lang`` (conventionally bound to ``_``)."""
    t = _translations(lang)
    return lambda msgid: t.gettext(msgid) if msgid else msgid


#: The input problems a reviewer meets most (``InputError.problem`` as the readers word it), as
#: templates: ``localize_problem`` finds the one a problem was made from and translates it.
INPUT_PROBLEMS: tuple[str, ...] = (
    N_("no such file"),
    N_("no such file or directory"),
    N_("is a broken symbolic link"),
    N_("is a directory, not a file"),
    N_("file is empty"),
    N_("input is empty"),
    N_("document contains no text"),
    N_("holds only whitespace, no text"),
    N_("has no Chinese characters (no CJK text); govtext reads Chinese documents"),
    N_("looks like a binary file, not text"),
    N_("cannot decode: not UTF-8, GB18030, UTF-16 or another known encoding"),
    N_("is not UTF-8 or GB18030 and has no Chinese characters (it reads as {encoding}, e.g. Latin-1 text); "
       "govtext reads Chinese documents: save it as UTF-8"),
    N_("file is {size}, over the {limit} limit"),
    N_("file is over the {limit} limit"),
    N_("unsupported file type {suffix}; expected .txt, .md, .docx or .pdf"),
    N_("is an old binary Word .doc (OLE) file, not .docx; save it as .docx"),
    N_("is password-protected (encrypted .docx); remove the password in Word and save again"),
    N_("is not a valid .docx (not a zip archive; corrupt or another format)"),
    N_("is a zip archive but not a Word document (no word/document.xml)"),
    N_("is a corrupt .docx ({detail})"),
    N_("{part} expands past {limit} (the limit for a .docx)"),
    N_("is not a PDF file (no %PDF- header)"),
    N_("is a corrupt PDF ({detail})"),
    N_("is a PDF without pages"),
    N_("is password-protected (encrypted PDF); remove the password and save again"),
    N_("has {pages} pages, over the {limit}-page limit for a PDF"),
    N_("has no text layer ({pages} page of images: a scan?); run OCR or convert it to .txt"),
    N_("has no text layer ({pages} pages of images: a scan?); run OCR or convert it to .txt"),
    N_("cannot read: {reason}"),
)


@cache
def _problem_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each problem template as an anchored regex, its ``{fields}`` captured."""
    out = []
    for template in INPUT_PROBLEMS:
        pieces = re.split(r"\{(\w+)\}", template)
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(pieces))
        out.append((re.compile(regex + r"\Z", re.S), template))
    return tuple(out)


def localize_problem(problem: str, lang: str) -> str:
    """An input problem (``InputError.problem``) in ``lang``; a problem no template makes stays English."""
    if lang == "en":
        return problem
    for pattern, template in _problem_patterns():
        m = pattern.match(problem)
        if m:
            return gettext(template, lang).format(**m.groupdict())
    return problem
