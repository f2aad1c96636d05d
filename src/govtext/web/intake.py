"""HTTP request → ``Document``: JSON ``{"text", "kind", "outline"}`` or a multipart upload, read in memory
with a cap; several files or a .zip → a ``Batch``.

Nothing is written to disk: the body is read chunk by chunk up to a limit, multipart files are kept in
memory, and the bytes go through the same decoders as files on the command line
(``readers.decode_bytes``, ``docx.read_docx_text``). A reference outline (TOML) may come with the
document, as a file or as text; it is only decoded here (``completeness.parse_outline`` checks it). Every
problem is a ``RequestProblem`` carrying an
HTTP status (4xx) and a one-line message. The parsing functions are synchronous (the app runs them in a
thread pool, so a large upload never blocks the event loop).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from ..errors import GovtextError, human_size
from ..model import Document
from ..readers import NO_CJK, READ_SUFFIXES, decode_bytes, document_from_bytes, has_cjk
from ..text import surrogate_problem

DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A reference outline is a small TOML file (the built-in ones are 6-9 KB): capped on its own.
MAX_OUTLINE_BYTES = 256 * 1024
# Room for the multipart envelope / JSON escaping on top of the document itself.
_ENVELOPE_SLACK = 64 * 1024
# A page upload may hold several files (or one .zip of them): at most this many documents.
MAX_BATCH_FILES = 20
# A .zip may expand to at most this many times the upload limit, all members together.
ZIP_EXPANSION = 4
# Parts of one multipart form: the files of a batch, an outline and a few fields.
MAX_FORM_PARTS = MAX_BATCH_FILES + 8
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
    """What a request asked for: the document, an optional kind, and an optional outline file's text;
    ``source`` holds an uploaded .docx's bytes (the Word download is a commented copy of them)."""

    document: Document
    kind: str | None = None
    outline_text: str | None = None
    outline_name: str | None = None
    source: bytes | None = None


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
    except RecursionError:
        raise RequestProblem(400, "request body is not valid JSON: nested too deeply") from None
    except ValueError as exc:  # an integer of thousands of digits (int max_str_digits)
        raise RequestProblem(400, f"request body is not valid JSON: {str(exc).splitlines()[0]}") from None
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
    problem = surrogate_problem(text)
    if problem is not None:
        raise RequestProblem(400, f"{name}: {problem}")
    data = text.encode("utf-8")
    if len(data) > max_upload_bytes:
        raise RequestProblem(413, _too_large(max_upload_bytes, len(data)))
    if not text:
        raise RequestProblem(422, f"{name}: text is empty")
    # Blank (whitespace-only) text is not refused here: it gets the library's answer for the same bytes,
    # as on the command line and for an uploaded file.
    decoded = _decode(data, name)
    if not has_cjk(decoded[0]):  # as the CLI answers the same text on stdin, and an uploaded file
        raise RequestProblem(422, f"{name}: {NO_CJK}")
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
    problem = surrogate_problem(text)
    if problem is not None:
        raise RequestProblem(400, f"{OUTLINE_TEXT_NAME}: {problem}")
    return decode_outline(OUTLINE_TEXT_NAME, text.encode("utf-8"), max_upload_bytes)


def _with_outline(sub: Submission, outline: tuple[str, str] | None) -> Submission:
    if outline is None:
        return sub
    return Submission(sub.document, kind=sub.kind, outline_name=outline[0], outline_text=outline[1], source=sub.source)


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



@dataclass(frozen=True)
class FormPart:
    """One part of a multipart form: a text field (``filename`` None) or a file, held in memory."""

    name: str
    data: bytes
    filename: str | None = None

    @property
    def text(self) -> str:
        """A text field's value (browsers send UTF-8; other bytes are replaced, never guessed)."""
        return self.data.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class BatchItem:
    """One file of a batch upload: its name and either its Document or the one-line reason it was not read."""

    name: str
    document: Document | None = None
    problem: str | None = None
    source: bytes | None = None


@dataclass(frozen=True)
class Batch:
    """Several files in one upload (or a .zip): each read on its own, one unreadable file does not stop the rest."""

    items: tuple[BatchItem, ...]
    kind: str | None = None
    outline_text: str | None = None
    outline_name: str | None = None


def parse_multipart(content_type: str | None, body: bytes, *, max_parts: int = MAX_FORM_PARTS) -> list[FormPart]:
    """A complete ``multipart/form-data`` body → its parts (400 when malformed or without its closing boundary).

    Synchronous and in memory (the body is already capped): run it off the event loop.
    """
    from python_multipart.multipart import MultipartParseError, MultipartParser, parse_options_header

    _, params = parse_options_header(content_type or "")
    boundary = params.get(b"boundary")
    if not boundary:
        raise RequestProblem(400, "malformed multipart form: no boundary in the Content-Type header")
    parts: list[FormPart] = []
    state: dict = {"headers": {}, "field": b"", "value": b"", "data": [], "ended": False}

    def on_part_begin() -> None:
        state["headers"], state["data"] = {}, []

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["field"].strip().lower()] = state["value"].strip()
        state["field"], state["value"] = b"", b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        state["data"].append(data[start:end])

    def on_part_end() -> None:
        disposition = state["headers"].get(b"content-disposition")
        if disposition is None:
            raise RequestProblem(400, "malformed multipart form: a part has no Content-Disposition header")
        _, options = parse_options_header(disposition)
        name = options.get(b"name")
        if name is None:
            raise RequestProblem(400, "malformed multipart form: a part has no field name")
        if len(parts) >= max_parts:
            raise RequestProblem(413, f"too many form fields or files (more than {max_parts})")
        filename = options.get(b"filename")
        parts.append(FormPart(_header_text(name), b"".join(state["data"]),
                              None if filename is None else _header_text(filename)))

    def on_end() -> None:
        state["ended"] = True

    callbacks = {"on_part_begin": on_part_begin, "on_header_field": on_header_field,
                 "on_header_value": on_header_value, "on_header_end": on_header_end,
                 "on_part_data": on_part_data, "on_part_end": on_part_end, "on_end": on_end}
    try:
        parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
        parser.write(body)
        parser.finalize()
    except MultipartParseError as exc:
        raise RequestProblem(400, f"malformed multipart form: {str(exc).splitlines()[0] if str(exc) else 'cannot parse'}") from None
    if not state["ended"]:
        raise RequestProblem(400, "malformed multipart form: the body ends before its closing boundary")
    return parts


def _header_text(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def submission_from_form(parts: list[FormPart], max_upload_bytes: int, *, batch: bool = False) -> Submission | Batch:
    """The parts of a multipart form → a Submission: a ``file`` upload or a ``text`` field, optional ``kind``
    and ``outline`` (a file, or a text field holding the TOML). An empty file input (no file chosen) counts
    as absent.

    With ``batch`` (the page), several files or one ``.zip`` give a ``Batch`` instead; the API takes one.
    """
    files = [p for p in parts if p.name == "file" and p.filename is not None and (p.filename or p.data)]
    fields = {p.name: p.text for p in reversed(parts) if p.filename is None}
    outline_files = [p for p in parts if p.name == "outline" and p.filename is not None and (p.filename or p.data)]
    text = fields.get("text")
    kind = _kind(fields.get("kind"))
    if outline_files:
        ref = decode_outline(outline_files[0].filename, outline_files[0].data, max_upload_bytes)
    else:
        ref = outline_from_text(fields.get("outline"), max_upload_bytes)
    if files and text:
        raise RequestProblem(400, "give either pasted text or a file, not both")
    is_zip = len(files) == 1 and PurePosixPath(client_basename(files[0].filename)).suffix.lower() == ".zip"
    if len(files) > 1 or is_zip:
        if not batch:
            raise RequestProblem(400, "one file per request: the API reviews one document (the page takes several)")
        return _batch(files, max_upload_bytes, kind, ref)
    source = None
    if files:
        document = document_from_upload(files[0].filename, files[0].data, max_upload_bytes)
        source = files[0].data if _is_docx(files[0].filename) else None
    elif text:
        # Browsers submit textarea contents with CRLF line ends; the user pasted LF text.
        document = document_from_text(text.replace("\r\n", "\n"), max_upload_bytes)
    else:
        raise RequestProblem(422, "nothing to review: paste text or upload a .txt/.docx/.pdf file (field 'file' or 'text')")
    return _with_outline(Submission(document, kind=kind, source=source), ref)


def _is_docx(filename: str | None) -> bool:
    return PurePosixPath(client_basename(filename)).suffix.lower() == ".docx"


def _batch(files: list[FormPart], max_upload_bytes: int, kind: str | None, ref: tuple[str, str] | None) -> Batch:
    named: list[tuple[str, bytes]] = []
    for f in files:
        name = client_basename(f.filename)
        if PurePosixPath(name).suffix.lower() == ".zip":
            named.extend(read_zip(name, f.data, max_upload_bytes))
        else:
            named.append((name, f.data))
    if len(named) > MAX_BATCH_FILES:
        raise RequestProblem(413, f"{len(named)} files in one upload, over the {MAX_BATCH_FILES}-file limit")
    if not named:
        raise RequestProblem(422, "nothing to review: the archive holds no .txt/.md/.docx/.pdf file")
    items = []
    for name, data in named:
        try:
            items.append(BatchItem(name, document_from_upload(name, data, max_upload_bytes),
                                   source=data if _is_docx(name) else None))
        except RequestProblem as exc:
            items.append(BatchItem(name, problem=exc.message))
    return Batch(tuple(items), kind=kind, outline_name=ref[0] if ref else None, outline_text=ref[1] if ref else None)


def read_zip(name: str, data: bytes, max_upload_bytes: int) -> list[tuple[str, bytes]]:
    """The files of an uploaded .zip, in memory: (member path, bytes) of each file member.

    Bounded by what members really inflate to (counted while reading, never the sizes the archive
    declares): each at most the upload limit, all together at most ``ZIP_EXPANSION`` times it, at most
    ``MAX_BATCH_FILES`` files. A member whose path leaves the archive (``../``, absolute) refuses the
    archive; folders and hidden or ``__MACOSX`` entries are passed over.
    """
    import zipfile
    import zlib

    total_cap = ZIP_EXPANSION * max_upload_bytes
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise RequestProblem(422, f"{name}: not a readable .zip archive") from None
    out: list[tuple[str, bytes]] = []
    total = 0
    with archive:
        for info in archive.infolist():
            member = _member_name(info)
            if info.is_dir():
                continue
            parts = PurePosixPath(member.replace("\\", "/")).parts
            if member.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", member) or ".." in parts:
                raise RequestProblem(400, f"{name}: member {member!r} points outside the archive")
            if parts[0] == "__MACOSX" or parts[-1].startswith("."):
                continue
            if len(out) >= MAX_BATCH_FILES:
                raise RequestProblem(413, f"{name}: more than {MAX_BATCH_FILES} files, over the batch limit")
            chunks: list[bytes] = []
            size = 0
            try:
                with archive.open(info) as fh:
                    while chunk := fh.read(64 * 1024):
                        size += len(chunk)
                        total += len(chunk)
                        if size > max_upload_bytes:
                            raise RequestProblem(413, f"{name}: {member} expands past the {human_size(max_upload_bytes)} upload limit")
                        if total > total_cap:
                            raise RequestProblem(413, f"{name}: expands past {human_size(total_cap)} ({ZIP_EXPANSION}× the upload limit)")
                        chunks.append(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
                raise RequestProblem(422, f"{name}: {member} cannot be read ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from None
            out.append(("/".join(parts), b"".join(chunks)))
    return out


def _member_name(info) -> str:
    """A member's path; names stored without the UTF-8 flag (Windows' zip) are tried as GB18030 first."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            return name
        for enc in ("utf-8", "gb18030"):
            try:
                return raw.decode(enc)
            except UnicodeDecodeError:
                continue
    return name


def parse_urlencoded_submission(body: bytes, max_upload_bytes: int) -> Submission:
    """``text=…&kind=…&outline=…`` (a form without a file; ``outline`` is TOML text) → Submission."""
    from urllib.parse import parse_qs

    try:
        fields = parse_qs(body.decode("ascii"), keep_blank_values=True, errors="strict", max_num_fields=16)
    except (UnicodeDecodeError, ValueError) as exc:
        raise RequestProblem(400, f"malformed form data: {exc}") from None
    text = (fields.get("text") or [""])[0]
    kind = _kind((fields.get("kind") or [None])[0])
    if not text:
        raise RequestProblem(422, "nothing to review: paste text or upload a .txt/.docx/.pdf file (field 'file' or 'text')")
    document = document_from_text(text.replace("\r\n", "\n"), max_upload_bytes)
    return _with_outline(Submission(document, kind=kind), outline_from_text((fields.get("outline") or [None])[0], max_upload_bytes))
