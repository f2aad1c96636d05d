"""The web app against hostile or careless requests (issue 17): every bad body is a 4xx with one line,
anything unexpected a logged JSON 500 without a traceback, uploads are parsed off the event loop (a live
server keeps answering ``GET /`` while it reads a large .docx), API answers are never cached or sniffed,
blank text gets the same answer pasted, uploaded and on the command line, and a .zip batch is bounded."""

from __future__ import annotations

import io
import json
import logging
import socket
import threading
import time
import zipfile

import httpx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from govtext.cli import cli
from govtext.errors import GovtextError
from govtext.web import app as web_app
from govtext.web import create_app

LIMIT = 64 * 1024
ENDPOINTS = ("/api/check", "/api/placeholders", "/api/outline")
JSON = {"content-type": "application/json"}
SHORT = "2019年工作总结\n一、主要工作\n今年以来，我们认真落实各项工作。\n"


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(max_upload_bytes=LIMIT), raise_server_exceptions=False) as c:
        yield c


def _one_line(r: httpx.Response) -> str:
    detail = r.json()["detail"]
    assert isinstance(detail, str) and detail and "\n" not in detail and "Traceback" not in detail
    return detail


# --------------------------------------------------------------------------- hostile bodies: 4xx


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_hostile_web_deeply_nested_json_is_400(client, endpoint):
    r = client.post(endpoint, content=b"[" * 5000, headers=JSON)
    assert r.status_code == 400, r.text
    assert "nested too deeply" in _one_line(r)
    r = client.post(endpoint, content=b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", headers=JSON)
    assert r.status_code == 400, r.text


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_hostile_web_a_5000_digit_kind_is_400(client, endpoint):
    body = b'{"text": "' + SHORT.encode("unicode_escape") + b'", "kind": ' + b"7" * 5000 + b"}"
    r = client.post(endpoint, content=body, headers=JSON)
    assert r.status_code == 400, r.text
    assert "not valid JSON" in _one_line(r)


def test_hostile_web_deeply_nested_toml_outline_is_4xx(client):
    deep_array = "id = " + "[" * 5000 + "]" * 5000 + "\n"
    deep_table = "x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n"
    for toml in (deep_array, deep_table):
        for request in (
            dict(json={"text": SHORT, "outline": toml}),
            dict(files={"file": ("a.txt", SHORT.encode(), "text/plain"),
                        "outline": ("deep.toml", toml.encode(), "application/toml")}),
        ):
            r = client.post("/api/check", **request)
            assert 400 <= r.status_code < 500, r.text
            detail = _one_line(r)
            assert "outline.toml" in detail or "deep.toml" in detail
        page = client.post("/review", data={"text": SHORT, "outline": toml})
        assert 400 <= page.status_code < 500 and 'role="alert"' in page.text


def test_hostile_web_multipart_without_its_closing_boundary_is_400(client):
    b = "hostileboundary"
    part = f'--{b}\r\nContent-Disposition: form-data; name="text"\r\n\r\n{SHORT}'.encode()
    headers = {"content-type": f"multipart/form-data; boundary={b}"}
    for body in (part, part + f"\r\n--{b}\r\n".encode(), part + b"\r\n--" + b.encode()):
        for endpoint in (*ENDPOINTS, "/review"):
            r = client.post(endpoint, content=body, headers=headers)
            assert r.status_code == 400, (endpoint, r.status_code, r.text[:200])
            if endpoint != "/review":
                assert "closing boundary" in _one_line(r)
    # the same body closed properly is reviewed
    r = client.post("/api/outline", content=part + f"\r\n--{b}--\r\n".encode(), headers=headers)
    assert r.status_code == 200, r.text


# --------------------------------------------------------------------------- unexpected errors: one JSON 500


def test_hostile_web_unexpected_error_is_a_logged_json_500(client, monkeypatch, caplog):
    def broken(*args, **kw):
        raise RuntimeError("secret internal state 0xdeadbeef")

    monkeypatch.setattr(web_app.analysis, "run_check", broken)
    with caplog.at_level(logging.ERROR):
        caplog.clear()
        for endpoint in ("/api/check", "/review"):
            r = client.post(endpoint, data={"text": SHORT})
            assert r.status_code == 500
            assert r.json() == {"detail": web_app.INTERNAL_ERROR}
            assert "secret" not in r.text and "Traceback" not in r.text
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["cache-control"] == "no-store"
            assert r.headers["content-security-policy"].startswith("default-src 'none'")
    records = [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
    assert len(records) == 2, [rec.getMessage() for rec in records]  # once per request, not again by the server
    assert all(rec.name == "govtext.web" and rec.exc_info for rec in records)


# --------------------------------------------------------------------------- headers


def test_hostile_web_api_answers_are_not_cached_or_sniffed(client):
    answers = [client.post(e, json={"text": SHORT}) for e in ENDPOINTS]
    answers += [client.post("/api/check", content=b"[", headers=JSON), client.get("/openapi.json"),
                client.get("/api/nothing"), client.get("/api/check"), client.get("/")]
    assert [a.status_code for a in answers] == [200, 200, 200, 400, 200, 404, 405, 200]
    for a in answers:
        assert a.headers["cache-control"] == "no-store", a.request.url
        assert a.headers["x-content-type-options"] == "nosniff", a.request.url


# --------------------------------------------------------------------------- blank text: one answer everywhere


def test_hostile_web_blank_text_gets_the_same_answer_pasted_uploaded_and_in_the_cli(client):
    blank = "  \n\t \u3000\n"
    cli_run = CliRunner().invoke(cli, ["check", "-", "--format", "json"], input=blank.encode(),
                                 env={"GOVTEXT_LANG": "en"})
    refused = cli_run.exception if isinstance(cli_run.exception, GovtextError) else None  # `govtext` exits 2
    answers = {
        "json": client.post("/api/check", json={"text": blank}),
        "form": client.post("/api/check", data={"text": blank}),
        "multipart text": client.post("/api/check", files={"text": (None, blank)}),
        "upload": client.post("/api/check", files={"file": ("blank.txt", blank.encode(), "text/plain")}),
    }
    statuses = {name: r.status_code for name, r in answers.items()}
    assert len(set(statuses.values())) == 1, statuses
    status = next(iter(statuses.values()))
    if refused is not None:  # refused on the command line: refused by the web, with the same problem
        assert status == 422
        problem = str(refused).split(": ", 1)[-1]  # after the input's name (<stdin>, <text>, blank.txt)
        for r in answers.values():
            assert _one_line(r).split(": ", 1)[-1] == problem
    else:
        assert cli_run.exit_code in (0, 1) and status == 200, cli_run.output
        pasted = [json.loads(r.text) for name, r in answers.items() if name != "upload"]
        assert all(p == json.loads(cli_run.stdout) for p in pasted)
        uploaded = answers["upload"].json()
        assert {**uploaded, "path": "-"} == pasted[0]
    page_pasted = client.post("/review", data={"text": blank})
    page_uploaded = client.post("/review", files={"file": ("blank.txt", blank.encode(), "text/plain")})
    assert page_pasted.status_code == page_uploaded.status_code == status


# --------------------------------------------------------------------------- a batch .zip is bounded


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _review_zip(client, data: bytes) -> httpx.Response:
    return client.post("/review", files={"file": ("batch.zip", data, "application/zip")})


def test_hostile_web_zip_bomb_is_refused_by_what_it_inflates_to(client):
    bomb = _zip({"a.txt": b"0" * (8 * 1024 * 1024)})  # 8 MB of zeros in ~8 KB
    assert len(bomb) < LIMIT
    r = _review_zip(client, bomb)
    assert r.status_code == 413 and "expands past" in r.text and 'role="alert"' in r.text
    # a member that lies about its size (the central directory says 100 bytes) is stopped all the same
    lying = bytearray(bomb)
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        at = bytes(lying).find(sig)
        size_at = at + (22 if sig == b"PK\x03\x04" else 24)
        lying[size_at:size_at + 4] = (100).to_bytes(4, "little")
    r = _review_zip(client, bytes(lying))
    assert r.status_code in (413, 422) and 'role="alert"' in r.text
    # many members that are each small but together too large
    many = _zip({f"{i}.txt": b"0" * (LIMIT - 10) for i in range(6)})
    r = _review_zip(client, many)
    assert r.status_code == 413 and "expands past" in r.text


def test_hostile_web_zip_member_paths_cannot_leave_the_archive(client):
    for name in ("../evil.txt", "a/../../evil.txt", "/etc/evil.txt", "C:/evil.txt"):
        r = _review_zip(client, _zip({"ok.txt": SHORT.encode(), name: SHORT.encode()}))
        assert r.status_code == 400 and "outside the archive" in r.text, name


def test_hostile_web_zip_limits_and_damage(client):
    r = _review_zip(client, _zip({f"{i:02}.txt": SHORT.encode() for i in range(21)}))
    assert r.status_code == 413 and "20" in r.text
    r = _review_zip(client, b"PK\x03\x04 not really a zip")
    assert r.status_code == 422 and "batch.zip" in r.text
    r = _review_zip(client, _zip({"folder/": b"", "__MACOSX/._a.txt": b"x", ".hidden.txt": b"x"}))
    assert r.status_code == 422 and "nothing to review" in r.text
    r = client.post("/api/check", files={"file": ("batch.zip", _zip({"a.txt": SHORT.encode()}), "application/zip")})
    assert r.status_code == 400 and "one file per request" in _one_line(r)


# --------------------------------------------------------------------------- concurrency on a live server


def _big_docx(paragraphs: int) -> bytes:
    """A .docx of ``paragraphs`` numbered paragraphs (written directly: python-docx would take minutes)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>（{i}）第{i}段：今年以来，我们认真落实各项工作，取得明显成效。</w:t></w:r></w:p>"
                   for i in range(paragraphs))
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
             'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             'wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    return _zip({"[Content_Types].xml": types.encode(), "_rels/.rels": rels.encode(),
                 "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}"><w:body>'
                 f"{body}</w:body></w:document>".encode()})


@pytest.fixture()
def live_server():
    """The app under uvicorn on a free loopback port, in a thread of this process."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(max_upload_bytes=20 * 1024 * 1024), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_hostile_web_get_answers_within_a_second_while_a_large_docx_is_parsed(live_server):
    data = _big_docx(60_000)  # ~330 KB of .docx, 2.3 M characters: seconds of parsing and outlining
    httpx.get(live_server + "/", timeout=30)  # warm: templates loaded
    done: dict[str, float | int] = {}

    def upload() -> None:
        t0 = time.monotonic()
        r = httpx.post(live_server + "/api/outline", files={"file": ("big.docx", data)}, timeout=600)
        done["status"], done["seconds"], done["end"] = r.status_code, time.monotonic() - t0, time.monotonic()

    worker = threading.Thread(target=upload)
    worker.start()
    time.sleep(0.4)  # the upload has arrived and is being read
    waits = []
    for _ in range(3):
        t0 = time.monotonic()
        r = httpx.get(live_server + "/", timeout=30)
        waits.append(time.monotonic() - t0)
        assert r.status_code == 200
    answered = time.monotonic()
    worker.join(timeout=600)
    assert done["status"] == 200
    assert answered < done["end"], f"the upload ({done['seconds']:.1f} s) was over before GET / was tried"
    assert max(waits) < 1.0, f"GET / took {max(waits):.2f} s while the .docx was parsed ({done['seconds']:.1f} s)"
