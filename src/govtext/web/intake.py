"""HTTP request → ``Document``: JSON ``{"text", "kind", "outline"}`` or a multipart upload, read in memory
with a cap.

Nothing is written to disk: the body is read chunk by chunk up to a limit, multipart files are kept in
memory, and the bytes go through the same decoders as files on the command line
(``readers.decode_bytes``, ``docx.read_docx_text``). A reference outline (TOML) may come with the
document, as a file or as text; it is only decoded here (``completeness.parse_outline`` checks it). Every
problem is a ``RequestProblem`` carrying an
HTTP status (4xx) and a one-line message.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from ..errors import GovtextError, human_size
from ..model import Document
from ..readers import READ_SUFFIXES, decode_bytes, document_from_bytes

DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A reference outline is a small TOML file (the built-in ones are 6-9 KB): capped on its own.
MAX_OUTLINE_BYTES = 256 * 1024
# Room for the multipart envelope / JSON escaping on top of the document itself.
_ENVELOPE_SLACK = 64 * 1024
TEXT_NAME = "<text>"
# The name an outline sent as text (JSON "outline", a form field) goes by: in error messages and as the
# outline's ``source`` in the answer, the same as ``govtext check … --outline outline.toml`` would give.
OUTLINE_TEXT_NAME = "outline.toml"
STDIN_PATH = "-"  # posted text is reviewed as the CLI reviews text piped to ``govtext … -``


class RequestProblem(Exception):
    """A request govtext cannot answer: ``status`` is the 4xx code, ``message`` one line for the user."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Submission:
    """What a request asked for: the document, an optional kind, and an optional outline file's text."""

    document: Document
    kind: str | None = None
    outline_text: str | None = None
    outline_name: str | None = None


def outline_limit(max_upload_bytes: int) -> int:
    """Largest reference outline accepted (UTF-8 bytes): ``MAX_OUTLINE_BYTES``, never above the upload limit."""
    return min(MAX_OUTLINE_BYTES, max_upload_bytes)


def body_limit(max_upload_bytes: int) -> int:
    """Largest request body read: a document and an outline, and JSON may escape every character
    (``\\uXXXX``: 6 bytes for 3)."""
    return 2 * (max_upload_bytes + outline_limit(max_upload_bytes)) + _ENVELOPE_SLACK


async def read_body(receive_stream, max_upload_bytes: int, declared_length: str | None) -> bytes:
    """Read the request body into memory, refusing (413) as soon as it passes the limit."""
    limit = body_limit(max_upload_bytes)
    if declared_length is not None:
        try:
            if int(declared_length) > limit:
                raise RequestProblem(413, _too_large(max_upload_bytes))
        except ValueError:
            raise RequestProblem(400, "invalid Content-Length header") from None
    chunks: list[bytes] = []
    size = 0
    async for chunk in receive_stream:
        size += len(chunk)
        if size > limit:
            raise RequestProblem(413, _too_large(max_upload_bytes))
        chunks.append(chunk)
    return b"".join(chunks)


def media_type(content_type: str | None) -> str:
    """``multipart/form-data; boundary=…`` → ``multipart/form-data``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def parse_json_submission(body: bytes, max_upload_bytes: int) -> Submission:
    """``{"text": "…", "kind": "…"?, "outline": "…"?}`` → a Submission (400 on malformed JSON or fields)."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise RequestProblem(400, "request body is not UTF-8 JSON") from None
    except json.JSONDecodeError as exc:
        raise RequestProblem(400, f"request body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(data, dict):
        raise RequestProblem(400, 'expected a JSON object like {"text": "…", "kind": null}')
    unknown = sorted(set(data) - {"text", "kind", "outline"})
    if unknown:
        raise RequestProblem(400, f"unknown field(s): {', '.join(unknown)}; expected text, optional kind and outline")
    text = data.get("text")
    if not isinstance(text, str):
        raise RequestProblem(400, '"text" is required and must be a string')
    kind = _kind(data.get("kind"))
    outline = data.get("outline")
    if outline is not None and not isinstance(outline, str):
        raise RequestProblem(400, '"outline" must be a string (the outline\'s TOML text) or null')
    document = document_from_text(text, max_upload_bytes)
    return _with_outline(Submission(document, kind=kind), outline_from_text(outline, max_upload_bytes))


def document_from_text(text: str, max_upload_bytes: int, *, name: str = TEXT_NAME) -> Document:
    """A pasted/posted text → Document, exactly as the CLI reads the same UTF-8 bytes from stdin (``-``)."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise RequestProblem(400, f"{name}: text contains an unpaired surrogate (U+{ord(text[exc.start]):04X}) at {exc.start}") from None
    if len(data) > max_upload_bytes:
        raise RequestProblem(413, _too_large(max_upload_bytes, len(data)))
    if not text.strip():
        raise RequestProblem(422, f"{name}: text is empty")
    decoded = _decode(data, name)
    return Document.from_text(decoded[0], path=STDIN_PATH, encoding=decoded[1], source_format="stdin")


def document_from_upload(filename: str | None, data: bytes, max_upload_bytes: int) -> Document:
    """An uploaded .txt/.md/.docx/.pdf → Document, decoded exactly like ``read_document`` decodes files.

    (Mirrors the branches of ``readers.read_document`` after the bytes are read.)
    """
    name = client_basename(filename)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in READ_SUFFIXES:
        shown = suffix or "(none)"
        raise RequestProblem(415, f"{name}: unsupported file type {shown!r}; expected .txt, .md, .docx or .pdf")
    if len(data) > max_upload_bytes:
        raise RequestProblem(413, _too_large(max_upload_bytes, len(data), name))
    try:
        return document_from_bytes(data, name)
    except GovtextError as exc:
        raise RequestProblem(422, str(exc)) from None


def decode_outline(filename: str | None, data: bytes, max_upload_bytes: int) -> tuple[str, str]:
    """An uploaded outline file (TOML) → (name, text); the name is the file's base name, as the CLI's
    ``--outline NAME`` would call it (413 over the outline limit, 422 empty or not UTF-8)."""
    name = client_basename(filename, default=OUTLINE_TEXT_NAME)
    limit = outline_limit(max_upload_bytes)
    if len(data) > limit:
        raise RequestProblem(413, f"{name}: outline file is {human_size(len(data))}, over the {human_size(limit)} outline limit")
    if not data.strip():
        raise RequestProblem(422, f"{name}: outline file is empty")
    try:
        return name, data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestProblem(422, f"{name}: outline file is not UTF-8 text (byte {exc.start})") from None


def outline_from_text(text: str | None, max_upload_bytes: int) -> tuple[str, str] | None:
    """An outline sent as text (JSON ``"outline"``, a form field) → (``outline.toml``, text); None when
    absent or blank."""
    if text is None or not text.strip():
        return None
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise RequestProblem(
            400, f"{OUTLINE_TEXT_NAME}: outline contains an unpaired surrogate (U+{ord(text[exc.start]):04X}) at {exc.start}"
        ) from None
    return decode_outline(OUTLINE_TEXT_NAME, data, max_upload_bytes)


def _with_outline(sub: Submission, outline: tuple[str, str] | None) -> Submission:
    if outline is None:
        return sub
    return Submission(sub.document, kind=sub.kind, outline_name=outline[0], outline_text=outline[1])


def client_basename(filename: str | None, default: str = "upload") -> str:
    """The file's own name, without any directory a client sent (``C:\\fakepath\\a.txt`` → ``a.txt``)."""
    raw = (filename or "").strip()
    base = PureWindowsPath(PurePosixPath(raw).name).name
    base = re.sub(r"[\x00-\x1f\x7f]", "", base)
    return base or default


def _kind(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise RequestProblem(400, '"kind" must be a string or null')
    value = value.strip()
    return value or None


def _decode(data: bytes, name: str) -> tuple[str, str]:
    try:
        return decode_bytes(data, name)
    except GovtextError as exc:
        raise RequestProblem(422, str(exc)) from None


def _too_large(limit: int, size: int | None = None, name: str | None = None) -> str:
    what = f"{name}: file" if name else "input"
    got = f" is {human_size(size)}," if size is not None else " is"
    return f"{what}{got} over the {human_size(limit)} upload limit"



async def parse_multipart_submission(headers, body: bytes, max_upload_bytes: int) -> Submission:
    """A multipart form → Submission: a ``file`` upload or a ``text`` field, optional ``kind`` and
    ``outline`` (a file, or a text field holding the TOML).

    Files stay in memory (the body is already capped); an empty file input (no file chosen) counts
    as absent.
    """
    from starlette.formparsers import MultiPartException, MultiPartParser

    async def stream():
        yield body

    parser = MultiPartParser(headers, stream(), max_files=4, max_fields=16, max_part_size=body_limit(max_upload_bytes))
    parser.spool_max_size = body_limit(max_upload_bytes) + 1  # never roll an upload over to a temp file
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise RequestProblem(400, f"malformed multipart form: {exc.message}") from None
    try:
        upload = _first_file(form, "file")
        outline = _first_file(form, "outline")
        text = form.get("text")
        text = text if isinstance(text, str) else None
        kind_field = form.get("kind")
        kind = _kind(kind_field if isinstance(kind_field, str) else None)
        if upload is not None and text and text.strip():
            raise RequestProblem(400, "give either pasted text or a file, not both")
        if upload is not None:
            data = await upload.read()
            document = document_from_upload(upload.filename, data, max_upload_bytes)
        elif text is not None and text.strip():
            # Browsers submit textarea contents with CRLF line ends; the user pasted LF text.
            document = document_from_text(text.replace("\r\n", "\n"), max_upload_bytes)
        else:
            raise RequestProblem(422, "nothing to review: paste text or upload a .txt/.docx/.pdf file (field 'file' or 'text')")
        if outline is not None:
            ref = decode_outline(outline.filename, await outline.read(), max_upload_bytes)
        else:
            field = form.get("outline")
            ref = outline_from_text(field if isinstance(field, str) else None, max_upload_bytes)
        return _with_outline(Submission(document, kind=kind), ref)
    finally:
        await form.close()


def parse_urlencoded_submission(body: bytes, max_upload_bytes: int) -> Submission:
    """``text=…&kind=…&outline=…`` (a form without a file; ``outline`` is TOML text) → Submission."""
    from urllib.parse import parse_qs

    try:
        fields = parse_qs(body.decode("ascii"), keep_blank_values=True, errors="strict", max_num_fields=16)
    except (UnicodeDecodeError, ValueError) as exc:
        raise RequestProblem(400, f"malformed form data: {exc}") from None
    text = (fields.get("text") or [""])[0]
    kind = _kind((fields.get("kind") or [None])[0])
    if not text.strip():
        raise RequestProblem(422, "nothing to review: paste text or upload a .txt/.docx/.pdf file (field 'file' or 'text')")
    document = document_from_text(text.replace("\r\n", "\n"), max_upload_bytes)
    return _with_outline(Submission(document, kind=kind), outline_from_text((fields.get("outline") or [None])[0], max_upload_bytes))


def _first_file(form, field: str):
    """The uploaded file in ``field``, or None when absent or when the input was left empty."""
    value = form.get(field)
    if value is None or isinstance(value, str):
        return None
    if not value.filename and not value.size:
        return None
    return value
