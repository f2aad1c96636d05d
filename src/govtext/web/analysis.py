"""The three answers the web app gives, built by the same library calls and serialisation as the CLI.

``outline_data``/``placeholders_data``/``check_data`` return exactly the object that
``govtext outline|placeholders|check --format json`` prints for the same document, and ``to_json_text``
the same bytes (``render.render(data, "json")``). The downloads are the CLI's too: ``report_html``
(``--format html``), ``report_docx`` (``--format docx``), named by ``download_name``.
"""

from __future__ import annotations

import threading
from typing import Any

from ..errors import UsageError
from ..model import Document
from ..render import render

# The stages build shared state lazily (dictionaries, the nlp object); one analysis at a time.
_LOCK = threading.Lock()


def to_json_text(data: Any) -> str:
    """The CLI's ``--format json`` output for ``data``."""
    return render(data, "json")


def outline_data(document: Document) -> dict:
    """The ``govtext outline --format json`` object (for one file).

    Built as ``cli/outline.py`` builds it (the command assembles it inline: the outline's dict under
    the display path, plus the body parts); ``tests/test_web_api.py`` compares the two byte for byte.
    """
    from ..analysis import analyze
    from ..sections import find_parts

    with _LOCK:
        outline = analyze(document, stages=("sections",)).outline
        assert outline is not None
        data = outline.to_dict(document.display_path)
        data["parts"] = [p.to_dict() for p in find_parts(document)]
    return data


def placeholders_data(document: Document) -> list[dict]:
    """The ``govtext placeholders --format json`` list: the findings as the linter's records
    (``lint_formats.to_rows``, as ``cli/placeholders.py`` renders them).

    No ``govtext.toml`` is applied (like ``govtext placeholders --no-config``): every placeholder
    is reported except those silenced inline in the document itself.
    """
    from ..analysis import analyze
    from ..lint_formats import to_rows

    with _LOCK:
        return to_rows(list(analyze(document, stages=("placeholders",)).findings))


def reference_outline(text: str, name: str, *, kind: str | None = None, strict: bool = True):
    """The reviewer's own outline (TOML ``text`` called ``name``), checked as ``govtext check --outline``
    checks a file: a malformed one raises ``DataFileError`` naming ``name`` and the line.

    With ``strict`` (the API), a ``kind`` that is not the outline's own id is refused the way the CLI
    refuses ``--kind`` and ``--outline`` that disagree (``UsageError``); the page passes ``strict=False``:
    there the outline simply wins over the kind menu.
    """
    from ..completeness import get_outline, parse_outline

    ref = parse_outline(text, name)
    if strict and kind is not None and kind != ref.id:
        get_outline(kind)  # an unknown kind is reported as such
        raise UsageError(f"kind {kind} and outline {name} (id {ref.id}) disagree; give one of them")
    return ref


def run_check(document: Document, *, kind: str | None = None, outline: Any = None):
    """The ``Review`` of ``document`` (``govtext check``: every stage of ``govtext.analyze``)."""
    from ..review import check_document

    with _LOCK:
        return check_document(document, kind=kind, outline=outline)


def check_data(review, lang: str | None = None) -> dict:
    """The ``govtext check [--lang LANG] --format json`` object of a Review (its ``headline`` in ``lang``)."""
    return review.to_dict(lang)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def report_html(review, lang: str) -> str:
    """The self-contained HTML report (``govtext check --format html --lang LANG``), titled by the
    document's detected title."""
    from ..report import render_html

    with _LOCK:
        return render_html(review, lang=lang)


def report_docx(review, lang: str, source: bytes | None = None) -> bytes:
    """The review as a Word file (``govtext check --format docx``): for an uploaded .docx (``source``, its
    bytes) a copy with comments, else a new document holding the text and the comments."""
    from ..review_docx import render_docx

    with _LOCK:
        return render_docx(review, lang=lang, source=source)


def headline(review, lang: str) -> str:
    """The one line a reviewer acts on (score, weak and missing parts, placeholders, slips), as every report
    opens with."""
    from ..report import headline as report_headline

    return report_headline(review, lang)


def download_name(review, ext: str, lang: str) -> str:
    """The file name a download gets: the document's title and year (``2019年党建工作总结.审阅.html``)."""
    from ..report import report_filename

    return report_filename(review, ext, lang)


def available_kinds() -> list[dict[str, str]]:
    """The built-in reference outlines (``id``, ``label``) for the page's kind menu."""
    from ..completeness import builtin_outlines

    return [{"id": o.id, "label": o.label} for o in builtin_outlines().values()]
