"""The govtext web application: a review page for people who do not use a terminal, and a JSON API.

``create_app(max_upload_bytes=…)`` builds the FastAPI app. Pages: ``GET /`` (paste or upload),
``POST /review`` (the review of one document, or a table of several uploaded together or in a .zip).
API: ``POST /api/check``, ``/api/placeholders``, ``/api/outline``, each taking JSON
``{"text": "…", "kind": null, "outline": null}`` or a multipart upload (``file``, optional ``outline``),
answering with exactly the JSON ``govtext check|placeholders|outline [--outline OUTLINE] --format json``
prints. The pages speak Chinese unless ``?lang=en`` or the browser's ``Accept-Language`` asks for
English. Nothing is stored: requests are read in memory with a size cap, parsed and reviewed in a
thread pool (the event loop keeps answering), and downloads are ``data:`` URLs inside the page. Bad
input is a 4xx with a one-line ``{"detail": "…"}``; anything unexpected a logged JSON 500 without a
traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, PackageLoader
from pydantic import BaseModel, Field, RootModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__, codes, report
from ..errors import DataFileError, GovtextError, InputError, UsageError, human_size
from ..i18n import resolve_lang, translator
from ..model import Finding, Section
from . import analysis, batch, view
from .intake import (
    DEFAULT_MAX_UPLOAD_BYTES,
    MAX_BATCH_FILES,
    STDIN_PATH,
    Batch,
    RequestProblem,
    Submission,
    media_type,
    outline_limit,
    parse_json_submission,
    parse_multipart,
    parse_urlencoded_submission,
    read_body,
    submission_from_form,
)

LOG = logging.getLogger("govtext.web")
JSON_TYPES = {"application/json"}
FORM_TYPES = {"multipart/form-data"}
URLENCODED_TYPES = {"application/x-www-form-urlencoded"}
# Every answer (API, pages, errors): not cached, not sniffed as another type, no referrer.
SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
# The pages run no script and load nothing: even a missed escape could not execute.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    **SAFE_HEADERS,
}
INTERNAL_ERROR = "internal error: the server could not answer this request (the error is in its log)"
class Guard:
    """Outermost ASGI middleware: puts ``SAFE_HEADERS`` on every answer, and turns any exception that
    escapes the app into a JSON 500 with those headers and no traceback, logged once (here, not again
    by the server: nothing is re-raised)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_safe(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for key, value in SAFE_HEADERS.items():
                    if key not in headers:
                        headers[key] = value
            await send(message)

        try:
            await self.app(scope, receive, send_safe)
        except Exception:
            LOG.exception("internal error answering %s %s", scope.get("method"), scope.get("path"))
            if not started:  # an answer already begun cannot be replaced: the connection just ends
                await JSONResponse({"detail": INTERNAL_ERROR}, status_code=500, headers=PAGE_HEADERS)(scope, receive, send)


class TextRequest(BaseModel):
    """The JSON request body."""

    text: str = Field(description="The document's full text (UTF-8).", examples=["2019年党建工作总结\n一、强化思想引领……"])
    kind: str | None = Field(
        None,
        description="Document kind / outline id for `check` (e.g. party-building-summary); "
        "null detects it. Ignored by outline and placeholders.",
    )
    outline: str | None = Field(
        None,
        description="Your own reference outline for `check`: the TOML text of a file like "
        "models/outlines/*.toml, answered as `govtext check --outline outline.toml`. It wins over "
        "detection; a `kind` other than its id is refused. Ignored by outline and placeholders.",
    )


class Problem(BaseModel):
    """An error answer: one line saying what is wrong with the request."""

    detail: str


class OutlineAnswer(BaseModel):
    """The `govtext outline --format json` object."""

    path: str | None
    sections: list[Section]
    findings: list[Finding]


class PlaceholdersAnswer(RootModel[list[Finding]]):
    """The `govtext placeholders --format json` list of findings."""


class CheckAnswer(RootModel[dict[str, Any]]):
    """The `govtext check --format json` object: path, kind, kind_label, kind_confidence, outline, score,
    parts, sections, findings, placeholders, themes."""


_MULTIPART_SCHEMA = {
    "type": "object",
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "A .txt, .md, .docx or .pdf (with a text layer) file."},
        "text": {"type": "string", "description": "The text, instead of a file."},
        "kind": {"type": "string", "description": "Document kind / outline id (check only)."},
        "outline": {"type": "string", "format": "binary",
                    "description": "Your own reference outline, a TOML file (check only; or the TOML as a text field)."},
    },
}


_FORM_SCHEMA = {
    "type": "object",
    "required": ["text"],
    "properties": {
        **{k: v for k, v in _MULTIPART_SCHEMA["properties"].items() if k not in ("file", "outline")},
        "outline": {"type": "string", "description": "Your own reference outline's TOML text (check only)."},
    },
}


def _api_doc(answer: type[BaseModel], what: str) -> dict[str, Any]:
    errors = {
        400: "Malformed request (bad JSON or form, unknown field, unknown kind, text and file both given, "
        "a kind that disagrees with the outline's id).",
        413: "The document, the outline or the request is over its limit.",
        415: "Unsupported content type or file type.",
        422: "The document cannot be read (empty, binary, undecodable, corrupt .docx, a PDF without a text layer), or the outline is "
        "malformed (`file:line: problem`).",
    }
    return {
        "response_class": Response,
        "responses": {
            200: {"model": answer, "description": what},
            **{code: {"model": Problem, "description": text} for code, text in errors.items()},
        },
        "openapi_extra": {
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": TextRequest.model_json_schema()},
                    "multipart/form-data": {"schema": _MULTIPART_SCHEMA},
                    "application/x-www-form-urlencoded": {"schema": _FORM_SCHEMA},
                },
            }
        },
    }


def create_app(max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES) -> FastAPI:
    """The web app; ``max_upload_bytes`` caps an uploaded file or posted text (in UTF-8 bytes)."""
    if max_upload_bytes <= 0:
        raise ValueError("max_upload_bytes must be positive")
    app = FastAPI(
        docs_url=None,  # Swagger UI / ReDoc would make the browser fetch scripts from a CDN
        redoc_url=None,
        title="govtext",
        version=__version__,
        description="Review Chinese official work summaries: the same answers as `govtext check|placeholders|"
        "outline --format json`. Send JSON `{\"text\": …, \"kind\": …, \"outline\": …}` or a multipart `file` "
        "(.txt/.md/.docx/.pdf) with an optional `outline` (.toml).",
    )
    app.add_middleware(Guard)
    env = Environment(loader=PackageLoader("govtext.web", "templates"), autoescape=True, trim_blocks=False)
    limit_mb = human_size(max_upload_bytes)
    outline_limit_text = human_size(outline_limit(max_upload_bytes))

    async def submission(request: Request, *, several: bool = False) -> Submission | Batch:
        """The request's document(s), parsed in a thread (a large upload or .docx never blocks the loop)."""
        ctype = media_type(request.headers.get("content-type"))
        if ctype not in JSON_TYPES | FORM_TYPES | URLENCODED_TYPES:
            shown = ctype or "none"
            raise RequestProblem(
                415, f"unsupported content type {shown!r}: send application/json {{\"text\": …}}, a form, or multipart/form-data with a file"
            )
        body = await read_body(request.stream(), max_upload_bytes, request.headers.get("content-length"))
        if ctype in JSON_TYPES:
            return await run_in_threadpool(parse_json_submission, body, max_upload_bytes)
        if ctype in URLENCODED_TYPES:
            return await run_in_threadpool(parse_urlencoded_submission, body, max_upload_bytes)
        content_type = request.headers.get("content-type")

        def from_form() -> Submission | Batch:
            return submission_from_form(parse_multipart(content_type, body), max_upload_bytes, batch=several)

        return await run_in_threadpool(from_form)

    async def single(request: Request) -> Submission:
        sub = await submission(request)
        assert isinstance(sub, Submission)
        return sub

    async def analyse(func: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        try:
            return await run_in_threadpool(func, *args, **kw)
        except (InputError, DataFileError) as exc:
            raise RequestProblem(422, str(exc)) from None
        except GovtextError as exc:  # UsageError: unknown kind, …
            raise RequestProblem(400, str(exc)) from None

    async def outline_of(sub: Submission | Batch, *, strict: bool) -> Any:
        """The request's own reference outline, checked (None without one)."""
        if sub.outline_text is None:
            return None
        return await analyse(analysis.reference_outline, sub.outline_text, sub.outline_name or "",
                             kind=sub.kind, strict=strict)

    async def review_of(sub: Submission | Batch, document: Any, *, strict: bool, ref: Any = None) -> Any:
        """The Review of a document: the request's outline (if any) wins over ``kind``, as in ``govtext check``."""
        if ref is None:
            ref = await outline_of(sub, strict=strict)
        return await analyse(analysis.run_check, document, kind=None if ref is not None else sub.kind, outline=ref)

    def page_lang(request: Request) -> str:
        """``?lang=`` first, then ``GOVTEXT_LANG`` and the browser's ``Accept-Language``, else Chinese (an
        unknown ``?lang=`` is ignored)."""
        try:
            return resolve_lang(request.query_params.get("lang") or None, request.headers.get("accept-language"))
        except UsageError:
            return resolve_lang(None, request.headers.get("accept-language"))

    def render_page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        lang = page_lang(request)
        explicit = request.query_params.get("lang")
        html = env.get_template(template).render(
            _=translator(lang), lang=lang, html_lang="zh-CN" if lang == "zh" else "en",
            lang_query=f"?lang={lang}" if explicit else "", other_lang="en" if lang == "zh" else "zh",
            version=__version__, limit_mb=limit_mb, outline_limit=outline_limit_text,
            max_files=MAX_BATCH_FILES, **context)
        return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)

    def index_page(request: Request, status: int = 200, error: str | None = None, text: str = "",
                   kind: str | None = None) -> HTMLResponse:
        return render_page(request, "index.html", status, error=error, text=text, kind=kind or "",
                           kinds=analysis.available_kinds())

    @app.exception_handler(RequestProblem)
    async def _problem(request: Request, exc: RequestProblem) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.message}, status_code=exc.status)
        return index_page(request, exc.status, exc.message)

    @app.get("/", response_class=HTMLResponse, summary="The page to paste or upload a summary")
    async def index(request: Request) -> HTMLResponse:
        return index_page(request)

    @app.post("/review", response_class=HTMLResponse,
              summary="The review page of a pasted or uploaded summary, or the table of several uploaded files",
              openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": _MULTIPART_SCHEMA}}}})
    async def review_page(request: Request) -> HTMLResponse:
        sub = await submission(request, several=True)
        lang = page_lang(request)
        if isinstance(sub, Batch):
            return await batch_page(request, sub, lang)
        try:
            review = await review_of(sub, sub.document, strict=False)
        except RequestProblem as exc:  # a bad outline or kind: the form comes back with the pasted text kept
            pasted = sub.document.text if sub.document.source_format == "stdin" else ""
            return index_page(request, exc.status, exc.message, text=pasted, kind=sub.kind)
        ctx = await run_in_threadpool(review_context, review, lang, sub, "", sub.source)
        # a long document's page is large: rendered in the thread pool too
        return await run_in_threadpool(render_page, request, "review.html", r=ctx, kinds=analysis.available_kinds())

    async def batch_page(request: Request, sub: Batch, lang: str) -> HTMLResponse:
        """The table of several documents (each row links to its review, below it on the page)."""
        try:
            ref = await outline_of(sub, strict=False)
        except RequestProblem as exc:  # a bad outline: the form comes back
            return index_page(request, exc.status, exc.message, kind=sub.kind)
        reviews: list[Any] = []
        for item in sub.items:
            if item.document is None:
                reviews.append(None)
                continue
            try:
                reviews.append(await review_of(sub, item.document, strict=False, ref=ref))
            except RequestProblem as exc:  # this document only (an unknown kind is the same for all)
                if exc.status == 400:
                    return index_page(request, exc.status, exc.message, kind=sub.kind)
                reviews.append(exc.message)
        rows = batch.rows(sub.items, reviews)
        contexts = [await run_in_threadpool(review_context, rv, lang, sub, row.prefix, item.source)
                    for row, rv, item in zip(rows, reviews, sub.items, strict=True) if row.problem is None]
        _ = translator(lang)
        tables = await run_in_threadpool(batch.downloads, rows, _)
        return await run_in_threadpool(render_page, request, "batch.html", rows=rows, reviews=contexts,
                                       tables=tables, kinds=analysis.available_kinds())

    @app.post("/api/check", summary="The `govtext check --format json` review of a document",
              **_api_doc(CheckAnswer, "The review, as `govtext check --format json` prints it."))
    async def api_check(request: Request) -> Response:
        sub = await single(request)
        review = await review_of(sub, sub.document, strict=True)
        return _json(analysis.check_data(review, page_lang(request)))

    @app.post("/api/placeholders", summary="The `govtext placeholders --format json` findings of a document",
              **_api_doc(PlaceholdersAnswer, "Unfilled placeholders, as `govtext placeholders --format json` prints them."))
    async def api_placeholders(request: Request) -> Response:
        sub = await single(request)
        return _json(await analyse(analysis.placeholders_data, sub.document))

    @app.post("/api/outline", summary="The `govtext outline --format json` sections of a document",
              **_api_doc(OutlineAnswer, "Sections and structural findings, as `govtext outline --format json` prints them."))
    async def api_outline(request: Request) -> Response:
        sub = await single(request)
        return _json(await analyse(analysis.outline_data, sub.document))

    return app


def _json(data: Any) -> Response:
    """The CLI's ``--format json`` bytes as the response body."""
    return Response(analysis.to_json_text(data), media_type="application/json")


def review_context(review: Any, lang: str, sub: Submission | Batch, prefix: str = "",
                   source: bytes | None = None) -> dict[str, Any]:
    """Everything the review of one document shows (``_review.html``), from its Review; anchor ids start
    with ``prefix`` (several reviews share the batch page); ``source`` is an uploaded .docx's bytes."""
    _ = translator(lang)
    document = review.document
    text = document.text
    data = analysis.check_data(review, lang)
    sections = list(data.get("sections") or [])
    by_index = {s["index"]: s for s in sections}

    def part_row(p: Mapping[str, Any], obj: Any, sub_part: bool) -> dict[str, Any]:
        ev = p.get("evidence") or {}
        href = line = None
        if ev.get("section_index") in by_index:
            s = by_index[ev["section_index"]]
            href, line = f"#{view.section_anchor(s['index'], prefix)}", s.get("line")
        elif "start_char" in ev:
            line, _col = document.line_col(max(0, min(int(ev["start_char"]), len(text))))
            href = f"#{view.evidence_anchor(str(p.get('id')), prefix)}"
        return {**p, "href": href, "where": line, "sub": sub_part, "reason": report.part_reason(obj, lang),
                "status_label": _(report.STATUS_LABEL.get(p.get("status"), str(p.get("status"))))}

    parts = []
    for p, obj in zip(data.get("parts") or [], review.completeness.parts, strict=True):
        parts.append(part_row(p, obj, False))
        parts.extend(part_row(sp, so, True) for sp, so in zip(p.get("subparts") or [], obj.subparts, strict=True))

    def localized(rows: list[dict[str, Any]], found: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [{**row, "text": codes.localize(f, lang), "kind_label": report.kind_name(f.kind, lang) if f.kind else ""}
                for row, f in zip(rows, found, strict=True)]

    placeholders = localized(list(data.get("placeholders") or []), review.placeholders)
    kinds_present = [(k, report.kind_name(k, lang), n) for k, n in report.kind_counts(review.placeholders)]
    pasted = document.path in (None, STDIN_PATH)
    report_page = analysis.report_html(review, lang)
    word = word_problem = None
    try:
        word = analysis.report_docx(review, lang, source)
    except GovtextError as exc:  # the page still shows the review; it says why the Word file is missing
        word_problem = str(exc)
    except Exception:  # a fault in the Word writer costs the download, not the review
        LOG.exception("internal error writing the Word review of %s", document.display_path)
        word_problem = INTERNAL_ERROR
    return {
        "prefix": prefix,
        "review": data,
        "name": (document.title or _("Pasted text")) if pasted else document.path,
        "pasted": pasted,
        "text": text,
        "kind_choice": sub.kind or "",
        "outline_text": sub.outline_text,
        "outline_name": sub.outline_name,
        "score_text": _score_text(data.get("score")),
        "confidence": data.get("kind_confidence") if isinstance(data.get("kind_confidence"), (int, float)) else None,
        "breakdown": [(b.points, report.breakdown_reason(review, b.item, lang)) for b in review.completeness.breakdown],
        "kind_reasons": report.kind_reasons(review, lang) if not review.completeness.kind.explicit else "",
        "parts": parts,
        "sections": sections,
        "outline_tree": view.build_tree(sections),
        "placeholders": placeholders,
        "kinds_present": kinds_present,
        "findings": localized(list(data.get("findings") or []), review.findings),
        "themes": _themes(data.get("themes") or []),
        "lines": view.text_lines(text, view.build_annotations(data, text, prefix), document.lines.starts,
                                 view.missing_gaps((f.start_char, codes.localize(f, lang))
                                                   for f in review.findings if f.code == "GT401")),
        "downloads": {
            "html": (analysis.download_name(review, "html", lang), view.data_url(report_page, "text/html")),
            **({"docx": (analysis.download_name(review, "docx", lang), view.data_url_bytes(word, analysis.DOCX_TYPE))}
               if word is not None else {}),
            "json": (analysis.download_name(review, "json", lang),
                     view.data_url(analysis.to_json_text(data), "application/json")),
        },
        "word_problem": word_problem,
        "headline": analysis.headline(review, lang),
    }


def _score_text(score: Any) -> str:
    if isinstance(score, Mapping):
        score = score.get("value", score.get("total"))
    if isinstance(score, float):
        return f"{score:.0f}" if score == int(score) else f"{score:.1f}"
    return "—" if score is None else str(score)


def _themes(themes: list[Any]) -> list[tuple[str, Any]]:
    """(label, count) of each main theme the review lists."""
    out = []
    for t in themes:
        if isinstance(t, Mapping):
            label = t.get("label") or t.get("theme")
            if label:
                out.append((str(label), t.get("count")))
    return out
