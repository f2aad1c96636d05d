"""The govtext web application: a review page for people who do not use a terminal, and a JSON API.

``create_app(max_upload_bytes=…)`` builds the FastAPI app. Pages: ``GET /`` (paste or upload),
``POST /review`` (the review). API: ``POST /api/check``, ``/api/placeholders``, ``/api/outline``, each
taking JSON ``{"text": "…", "kind": null, "outline": null}`` or a multipart upload (``file``, optional
``outline``), answering with exactly the JSON ``govtext check|placeholders|outline [--outline OUTLINE]
--format json`` prints. Nothing is stored: requests are read in
memory with a size cap, and downloads are ``data:`` URLs inside the page. Bad input is a 4xx with a
one-line ``{"detail": "…"}``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, PackageLoader
from pydantic import BaseModel, Field, RootModel
from starlette.concurrency import run_in_threadpool

from .. import __version__
from ..errors import DataFileError, GovtextError, InputError, human_size
from ..model import Finding, Section
from . import analysis, view
from .intake import (
    DEFAULT_MAX_UPLOAD_BYTES,
    STDIN_PATH,
    RequestProblem,
    Submission,
    media_type,
    outline_limit,
    parse_json_submission,
    parse_multipart_submission,
    parse_urlencoded_submission,
    read_body,
)

JSON_TYPES = {"application/json"}
FORM_TYPES = {"multipart/form-data"}
URLENCODED_TYPES = {"application/x-www-form-urlencoded"}
# The pages run no script and load nothing: even a missed escape could not execute.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
# How the page names each placeholder kind (the kinds themselves come from govtext.placeholders).
KIND_LABELS = {
    "count": "数量 count",
    "money": "金额 money",
    "date": "日期 date",
    "ordinal": "序号 ordinal",
    "person": "人名 person",
    "organisation": "单位/地点 organisation",
    "slogan": "提法 slogan",
    "text": "文字 text",
    "masked-name": "隐去的姓名 masked name",
}
STATUS_LABELS = {"present": "具备 present", "weak": "薄弱 weak", "missing": "缺失 missing"}


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
    env = Environment(loader=PackageLoader("govtext.web", "templates"), autoescape=True, trim_blocks=False)
    limit_mb = human_size(max_upload_bytes)
    outline_limit_text = human_size(outline_limit(max_upload_bytes))

    async def submission(request: Request) -> Submission:
        ctype = media_type(request.headers.get("content-type"))
        if ctype not in JSON_TYPES | FORM_TYPES | URLENCODED_TYPES:
            shown = ctype or "none"
            raise RequestProblem(
                415, f"unsupported content type {shown!r}: send application/json {{\"text\": …}}, a form, or multipart/form-data with a file"
            )
        body = await read_body(request.stream(), max_upload_bytes, request.headers.get("content-length"))
        if ctype in JSON_TYPES:
            return parse_json_submission(body, max_upload_bytes)
        if ctype in URLENCODED_TYPES:
            return parse_urlencoded_submission(body, max_upload_bytes)
        return await parse_multipart_submission(request.headers, body, max_upload_bytes)

    async def analyse(func: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        try:
            return await run_in_threadpool(func, *args, **kw)
        except InputError as exc:
            raise RequestProblem(422, str(exc)) from None
        except DataFileError as exc:
            raise RequestProblem(422, str(exc)) from None
        except GovtextError as exc:  # UsageError: unknown kind, …
            raise RequestProblem(400, str(exc)) from None

    async def review_of(sub: Submission, *, strict: bool) -> Any:
        """The Review of a submission: its outline (if any) wins over ``kind``, as in ``govtext check``."""
        ref = None
        if sub.outline_text is not None:
            ref = await analyse(analysis.reference_outline, sub.outline_text, sub.outline_name or "",
                                kind=sub.kind, strict=strict)
        return await analyse(analysis.run_check, sub.document, kind=None if ref is not None else sub.kind, outline=ref)

    def render_page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(template).render(version=__version__, limit_mb=limit_mb,
                                                 outline_limit=outline_limit_text, **context)
        return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)

    def index_page(status: int = 200, error: str | None = None, text: str = "", kind: str | None = None) -> HTMLResponse:
        return render_page("index.html", status, error=error, text=text, kind=kind or "",
                           kinds=analysis.available_kinds())

    @app.exception_handler(RequestProblem)
    async def _problem(request: Request, exc: RequestProblem) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.message}, status_code=exc.status)
        return index_page(exc.status, exc.message)

    @app.get("/", response_class=HTMLResponse, summary="The page to paste or upload a summary")
    async def index() -> HTMLResponse:
        return index_page()

    @app.post("/review", response_class=HTMLResponse, summary="The review page of a pasted or uploaded summary",
              openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": _MULTIPART_SCHEMA}}}})
    async def review_page(request: Request) -> HTMLResponse:
        sub = await submission(request)
        try:
            review = await review_of(sub, strict=False)
        except RequestProblem as exc:  # a bad outline or kind: the form comes back with the pasted text kept
            pasted = sub.document.text if sub.document.source_format == "stdin" else ""
            return index_page(exc.status, exc.message, text=pasted, kind=sub.kind)
        data = analysis.check_data(review)
        report = await analyse(analysis.report_html, review)
        return render_page("review.html", **review_context(data, sub.document.text, sub.document, report))

    @app.post("/api/check", summary="The `govtext check --format json` review of a document",
              **_api_doc(CheckAnswer, "The review, as `govtext check --format json` prints it."))
    async def api_check(request: Request) -> Response:
        sub = await submission(request)
        review = await review_of(sub, strict=True)
        return _json(analysis.check_data(review))

    @app.post("/api/placeholders", summary="The `govtext placeholders --format json` findings of a document",
              **_api_doc(PlaceholdersAnswer, "Unfilled placeholders, as `govtext placeholders --format json` prints them."))
    async def api_placeholders(request: Request) -> Response:
        sub = await submission(request)
        return _json(await analyse(analysis.placeholders_data, sub.document))

    @app.post("/api/outline", summary="The `govtext outline --format json` sections of a document",
              **_api_doc(OutlineAnswer, "Sections and structural findings, as `govtext outline --format json` prints them."))
    async def api_outline(request: Request) -> Response:
        sub = await submission(request)
        return _json(await analyse(analysis.outline_data, sub.document))

    return app


def _json(data: Any) -> Response:
    """The CLI's ``--format json`` bytes as the response body."""
    return Response(analysis.to_json_text(data), media_type="application/json")


def review_context(review: Mapping[str, Any], text: str, document: Any, report: str) -> dict[str, Any]:
    """Everything review.html shows, from the check JSON object and the original text."""
    sections = list(review.get("sections") or [])
    by_index = {s["index"]: s for s in sections}

    def part_row(p: Mapping[str, Any], sub: bool) -> dict[str, Any]:
        ev = p.get("evidence") or {}
        href = where = None
        if ev.get("section_index") in by_index:
            s = by_index[ev["section_index"]]
            href, where = f"#{view.section_anchor(s['index'])}", f"第{s.get('line', '?')}行"
        elif "start_char" in ev:
            line, _ = document.line_col(max(0, min(int(ev["start_char"]), len(text))))
            href, where = f"#{view.evidence_anchor(str(p.get('id')))}", f"第{line}行"
        return {**p, "href": href, "where": where, "sub": sub}

    parts = []
    for p in review.get("parts") or []:
        parts.append(part_row(p, False))
        parts.extend(part_row(sp, True) for sp in p.get("subparts") or [])
    placeholders = list(review.get("placeholders") or [])
    kinds_present = list(Counter(p.get("kind") or "other" for p in placeholders).items())
    json_text = analysis.to_json_text(review)
    return {
        "review": review,
        "name": document.path if document.path not in (None, STDIN_PATH) else (document.title or "粘贴的文本"),
        "score_text": _score_text(review.get("score")),
        "confidence": _confidence(review.get("kind_confidence")),
        "breakdown": list(review.get("score_breakdown") or []),
        "parts": parts,
        "status_labels": STATUS_LABELS,
        "sections": sections,
        "outline_tree": view.build_tree(sections),
        "placeholders": placeholders,
        "kinds_present": kinds_present,
        "kind_labels": KIND_LABELS,
        "findings": list(review.get("findings") or []),
        "themes": _themes(review.get("themes") or []),
        "segments": view.segment_text(text, view.build_annotations(review, text)),
        "stem": view.download_stem(document.path),
        "json_url": view.data_url(json_text, "application/json"),
        "html_url": view.data_url(report, "text/html"),
    }


def _score_text(score: Any) -> str:
    if isinstance(score, Mapping):
        score = score.get("value", score.get("total"))
    if isinstance(score, float):
        return f"{score:.0f}" if score == int(score) else f"{score:.1f}"
    return "—" if score is None else str(score)


def _confidence(value: Any) -> str | None:
    if isinstance(value, (int, float)):
        return f"把握 {value:.0%}" if value <= 1 else f"把握 {value}"
    return str(value) if value else None


def _themes(themes: list[Any]) -> list[tuple[str, Any]]:
    """(label, count) of each main theme the review lists."""
    out = []
    for t in themes:
        if isinstance(t, Mapping):
            label = t.get("label") or t.get("theme")
            if label:
                out.append((str(label), t.get("count")))
    return out
