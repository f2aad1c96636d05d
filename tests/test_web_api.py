"""The web app through FastAPI's test client: every endpoint answers what the CLI prints, bad input is a
4xx with a message (never a 500), and user text is escaped on the review page."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import re
import shutil
import tempfile
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from conftest import DATA, SEED
from govtext.cli import cli
from govtext.errors import GovtextError
from govtext.web import create_app

SEED_TEXT = SEED.read_text(encoding="utf-8")
ENDPOINTS = ("/api/check", "/api/placeholders", "/api/outline")
COMMAND = {"/api/check": "check", "/api/placeholders": "placeholders", "/api/outline": "outline"}
LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(max_upload_bytes=LIMIT), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def seed_dir(tmp_path_factory):
    """A directory holding a copy of the seed and a .docx made from it (so the CLI sees bare names)."""
    d = tmp_path_factory.mktemp("web")
    shutil.copy(SEED, d / SEED.name)
    (d / "seed.docx").write_bytes(_docx_bytes(SEED_TEXT))
    return d


@pytest.fixture(scope="module")
def cli_json(seed_dir):
    """``govtext <command> NAME --format json`` run in ``seed_dir``, cached per (command, name)."""
    cache: dict[tuple[str, str], str] = {}

    def run(command: str, name: str) -> str:
        if (command, name) not in cache:
            runner = CliRunner()
            stdin = SEED.read_bytes() if name == "-" else None
            with contextlib.chdir(seed_dir):
                result = runner.invoke(cli, [command, name, "--format", "json"], input=stdin, catch_exceptions=False)
            assert result.exit_code in (0, 1), result.output
            cache[command, name] = result.stdout
        return cache[command, name]

    return run


def _docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _without_paths(data):
    """The same JSON with every ``path`` value blanked (pasted text has no path; a file does)."""
    if isinstance(data, dict):
        return {k: (None if k == "path" else _without_paths(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [_without_paths(v) for v in data]
    return data


# --------------------------------------------------------------------------- same answers as the CLI


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_web_api_upload_answers_exactly_what_the_cli_prints(client, cli_json, seed_dir, endpoint):
    expected = cli_json(COMMAND[endpoint], SEED.name)
    with open(seed_dir / SEED.name, "rb") as fh:
        r = client.post(endpoint, files={"file": (SEED.name, fh, "text/plain")})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert r.text == expected  # byte for byte: same library call, same serialisation


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_web_api_json_text_answers_what_the_cli_prints_for_stdin(client, cli_json, endpoint):
    r = client.post(endpoint, json={"text": SEED_TEXT})
    assert r.status_code == 200, r.text
    assert r.text == cli_json(COMMAND[endpoint], "-")  # posted text is reviewed like text piped to `-`
    by_file = json.loads(cli_json(COMMAND[endpoint], SEED.name))
    assert _without_paths(r.json()) == _without_paths(by_file) and by_file


def test_web_api_docx_upload_matches_cli(client, cli_json, seed_dir):
    expected = cli_json("outline", "seed.docx")
    data = (seed_dir / "seed.docx").read_bytes()
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    r = client.post("/api/outline", files={"file": ("seed.docx", data, docx_type)})
    assert r.status_code == 200, r.text
    assert r.text == expected
    assert [s["marker"] for s in r.json()["sections"] if s["parent"] is None] == [
        "一、", "二、", "三、", "四、", "五、", "六、"
    ]


def test_web_api_outline_offsets_point_into_the_text(client):
    data = client.post("/api/outline", json={"text": SEED_TEXT}).json()
    assert data["sections"]
    for s in data["sections"]:
        assert s["title"] in SEED_TEXT[s["start_char"]:s["end_char"]]
    for f in data["findings"]:
        assert SEED_TEXT[f["start_char"]:f["end_char"]] == f["match"]


def test_web_api_placeholders_of_the_seed(client):
    data = client.post("/api/placeholders", json={"text": SEED_TEXT}).json()
    assert len(data) == 50
    for f in data:
        assert SEED_TEXT[f["start_char"]:f["end_char"]] == f["match"]
        assert f["kind"]


def test_web_api_check_honours_kind_and_detects_it(client):
    detected = client.post("/api/check", json={"text": SEED_TEXT}).json()
    assert detected["kind"] == "party-building-summary"
    forced = client.post("/api/check", json={"text": SEED_TEXT, "kind": "work-summary"}).json()
    assert forced["kind"] == "work-summary"
    multipart = client.post("/api/check", data={"kind": "work-summary"},
                            files={"file": (SEED.name, SEED.read_bytes(), "text/plain")}).json()
    assert _without_paths(multipart) == _without_paths(forced)


def test_web_api_check_unknown_kind_is_400(client):
    r = client.post("/api/check", json={"text": SEED_TEXT, "kind": "no-such-kind"})
    assert r.status_code == 400
    assert "no-such-kind" in r.json()["detail"]


def test_web_api_gb18030_upload_decodes_like_the_cli(client, cli_json, seed_dir):
    (seed_dir / "gbk.txt").write_bytes(SEED_TEXT.encode("gb18030"))
    r = client.post("/api/outline", files={"file": ("gbk.txt", (seed_dir / "gbk.txt").read_bytes(), "text/plain")})
    assert r.status_code == 200, r.text
    assert r.text == cli_json("outline", "gbk.txt")


def test_web_api_urlencoded_form_is_the_same_as_json(client):
    form = client.post("/api/placeholders", data={"text": SEED_TEXT})
    assert form.status_code == 200, form.text
    assert form.text == client.post("/api/placeholders", json={"text": SEED_TEXT}).text


def test_web_api_upload_name_keeps_chinese_and_drops_client_directories(client):
    r = client.post("/api/outline", files={"file": ("C:\\fakepath\\2019年总结.txt", SEED_TEXT.encode(), "text/plain")})
    assert r.status_code == 200, r.text
    assert r.json()["path"] == "2019年总结.txt"


def test_web_api_openapi_schema_lists_both_request_forms(client):
    schema = client.get("/openapi.json").json()
    for endpoint in ENDPOINTS:
        op = schema["paths"][endpoint]["post"]
        content = op["requestBody"]["content"]
        assert content["application/json"]["schema"]["required"] == ["text"]
        assert content["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"
        for status in ("200", "400", "413", "415", "422"):
            assert status in op["responses"]
    names = set(schema["components"]["schemas"])
    assert {"Finding", "Section", "OutlineAnswer", "Problem"} <= names


# --------------------------------------------------------------------------- bad input: 4xx, never 500


def _bad_requests():
    big = "党" * (LIMIT // 3 + 10)
    return {
        "binary file": dict(files={"file": ("a.txt", bytes(range(256)) * 4, "text/plain")}),
        "binary text": dict(json={"text": "abc\x00\x01\x02\x03" * 50}),
        "png renamed .txt": dict(files={"file": ("a.txt", b"\x89PNG\r\n\x1a\n" + bytes(200), "text/plain")}),
        "too large file": dict(files={"file": ("big.txt", big.encode(), "text/plain")}),
        "too large text": dict(json={"text": big}),
        "too large body": dict(content=b'{"text": "' + b"a" * (3 * LIMIT) + b'"}',
                               headers={"content-type": "application/json"}),
        "corrupt docx": dict(files={"file": ("a.docx", b"PK\x03\x04" + bytes(100), "application/octet-stream")}),
        "docx not a zip": dict(files={"file": ("a.docx", SEED_TEXT.encode(), "application/octet-stream")}),
        "empty file": dict(files={"file": ("a.txt", b"", "text/plain")}),
        "no file and no text": dict(data={"kind": "work-summary"}, files={"other": ("x.txt", b"x", "text/plain")}),
        "corrupt pdf": dict(files={"file": ("a.pdf", b"%PDF-1.4 ...", "application/pdf")}),
        "scanned pdf": dict(files={"file": ("scan.pdf", (DATA / "pdf" / "scanned.pdf").read_bytes(), "application/pdf")}),
        "odt upload": dict(files={"file": ("a.odt", b"PK\x03\x04", "application/octet-stream")}),
        "no suffix": dict(files={"file": ("README", b"text", "text/plain")}),
        "wrong content type": dict(content=SEED_TEXT.encode(), headers={"content-type": "text/plain"}),
        "no content type": dict(content=b"text"),
        "form not utf-8": dict(content=b"text=%D5%FB", headers={"content-type": "application/x-www-form-urlencoded"}),
        "malformed json": dict(content=b'{"text": ', headers={"content-type": "application/json"}),
        "json not utf-8": dict(content='{"text": "党建"}'.encode("gb18030"), headers={"content-type": "application/json"}),
        "json array": dict(json=["text"]),
        "json text not a string": dict(json={"text": 5}),
        "json unknown field": dict(json={"txt": "一、总结"}),
        "json kind not a string": dict(json={"text": "一、总结", "kind": 3}),
        "json lone surrogate": dict(content=b'{"text": "\\ud800abc"}', headers={"content-type": "application/json"}),
        "text and file both": dict(data={"text": "一、总结"}, files={"file": ("a.txt", b"abc", "text/plain")}),
        "multipart without boundary": dict(content=b"--x\r\n", headers={"content-type": "multipart/form-data"}),
        "bad content-length": dict(content=b"{}", headers={"content-type": "application/json", "content-length": "x"}),
    }


BAD = _bad_requests()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("case", sorted(BAD))
def test_web_api_bad_input_is_a_4xx_with_a_message(client, endpoint, case):
    r = client.post(endpoint, **BAD[case])
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    detail = r.json()["detail"]
    assert isinstance(detail, str) and detail and "\n" not in detail and "Traceback" not in detail


@pytest.mark.parametrize(
    "case, status, words",
    [
        ("binary file", 422, "binary"),
        ("too large file", 413, "upload limit"),
        ("too large text", 413, "upload limit"),
        ("too large body", 413, "upload limit"),
        ("corrupt docx", 422, "a.docx"),
        ("empty file", 422, "empty"),
        ("corrupt pdf", 422, "a.pdf"),
        ("scanned pdf", 422, "text layer"),
        ("odt upload", 415, ".odt"),
        ("wrong content type", 415, "text/plain"),
        ("malformed json", 400, "not valid JSON"),
        ("text and file both", 400, "not both"),
    ],
)
def test_web_api_bad_input_status_and_message(client, case, status, words):
    r = client.post("/api/outline", **BAD[case])
    assert r.status_code == status, r.text
    assert words in r.json()["detail"]


def test_web_api_get_on_api_is_405_and_unknown_path_404(client):
    assert client.get("/api/check").status_code == 405
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/docs").status_code == 404  # Swagger UI would fetch scripts from a CDN


def test_web_api_uploads_stay_in_memory(monkeypatch):
    """A file over Starlette's 1 MB spool threshold is never rolled over to a temporary file."""

    def refuse(self):
        raise AssertionError("upload rolled over to disk")

    monkeypatch.setattr(tempfile.SpooledTemporaryFile, "rollover", refuse)
    with TestClient(create_app(max_upload_bytes=3 * 1024 * 1024), raise_server_exceptions=False) as c:
        r = c.post("/api/placeholders", files={"file": ("big.txt", b"\x00" * (2 * 1024 * 1024), "text/plain")})
    assert r.status_code == 422 and "binary" in r.json()["detail"]


# --------------------------------------------------------------------------- pages


class _Elements(HTMLParser):
    """Collects start tags (with attributes) and the text inside <script> elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _parse(html: str) -> _Elements:
    p = _Elements()
    p.feed(html)
    return p


def test_web_page_index_offers_paste_upload_kind_and_review(client):
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    tags = _parse(r.text).tags
    names = {a.get("name") for t, a in tags if t in ("textarea", "input", "select")}
    assert {"text", "file", "kind"} <= names
    options = [a.get("value") for t, a in tags if t == "option"]
    assert {"work-summary", "party-building-summary", "government-work-report", "debrief-report"} <= set(options)
    assert any(t == "button" and a.get("id") == "review" for t, a in tags)
    assert "Noto Sans CJK SC" in r.text  # the CJK font stack


def test_web_page_review_of_the_seed(client):
    r = client.post("/review", files={"file": (SEED.name, SEED.read_bytes(), "text/plain")})
    assert r.status_code == 200, r.text
    page = r.text
    tags = _parse(page).tags
    ids = {a["id"] for _, a in tags if "id" in a}
    check = client.post("/api/check", files={"file": (SEED.name, SEED.read_bytes(), "text/plain")})
    review = check.json()
    # every section of the outline tree links to an anchor in the document view
    links = [a["href"] for t, a in tags if t == "a" and "data-section" in a]
    assert len(links) == len(review["sections"]) and all(h[1:] in ids for h in links)
    top = [s for s in review["sections"] if s["parent"] is None]
    assert len(top) == 6
    # every stage's findings are listed, the theme stage's stale 十八大 reference (GT301) included
    assert {f["code"] for f in review["findings"]} >= {"GT103", "GT108", "GT301", "GT402"}
    for f in review["findings"]:
        assert f["code"] in page
    assert "学习贯彻党的十八大精神" in page
    # placeholders listed and highlighted, each linked
    items = re.findall(r'<li data-kind="[^"]+"><a href="#ph-(\d+)"', page)
    assert len(items) == len(review["placeholders"]) == 50
    assert {f"ph-{n}" for n in items} <= ids
    # parts table rows carry the statuses
    rows = [a for t, a in tags if t == "tr" and "data-part" in a]
    assert [a["data-part"] for a in rows] == [p["id"] for p in review["parts"]]
    # downloads: the check JSON exactly as the API/CLI gives it, and the self-contained report
    hrefs = {a["id"]: a["href"] for t, a in tags if t == "a" and a.get("id", "").startswith("download-")}
    json_bytes = base64.b64decode(hrefs["download-json"].split(",", 1)[1])
    assert json_bytes.decode("utf-8") == check.text
    report = base64.b64decode(hrefs["download-html"].split(",", 1)[1]).decode("utf-8")
    assert report.lstrip().lower().startswith("<!doctype html")


def test_web_page_text_is_the_same_review_as_the_api(client):
    r = client.post("/review", data={"text": SEED_TEXT.replace("\n", "\r\n")})  # browsers send CRLF
    assert r.status_code == 200, r.text
    assert 'id="placeholder-count">50<' in r.text


def test_web_page_bad_upload_shows_the_form_with_a_message(client):
    r = client.post("/review", files={"file": ("a.docx", b"PK\x03\x04broken", "application/octet-stream")})
    assert r.status_code == 422
    assert 'role="alert"' in r.text and "a.docx" in r.text
    assert any(t == "textarea" for t, _ in _parse(r.text).tags)
    r = client.post("/review", data={"text": "", "kind": ""})  # the empty text box
    assert r.status_code == 422 and "nothing to review" in r.text


SCRIPT_TEXT = (DATA / "web_script_payload.txt").read_text(encoding="utf-8")


def test_web_page_script_payload_is_escaped(client):
    r = client.post("/review", files={"file": ('"><script>alert(1)</script>.txt', SCRIPT_TEXT.encode(), "text/plain")})
    assert r.status_code == 200, r.text
    parsed = _parse(r.text)
    assert not any("alert" in s for s in parsed.scripts)  # no script element carries the payload
    assert not any(t in ("img", "iframe") for t, _ in parsed.tags)
    assert not any(k.startswith("on") for _, a in parsed.tags for k in a)  # no injected event handlers
    assert "&lt;script&gt;" in r.text and "<script>alert" not in r.text
    assert "default-src 'none'" in r.headers["content-security-policy"]  # and no script would run anyway
    assert "&lt;img" in r.text
    # the downloadable report is escaped too
    hrefs = {a["id"]: a["href"] for t, a in parsed.tags if t == "a" and a.get("id", "").startswith("download-")}
    report = base64.b64decode(hrefs["download-html"].split(",", 1)[1]).decode("utf-8")
    rp = _parse(report)
    assert not any("alert" in s for s in rp.scripts)
    assert not any(t == "img" and "onerror" in a for t, a in rp.tags)


def test_web_api_script_payload_comes_back_as_data(client):
    r = client.post("/api/outline", json={"text": SCRIPT_TEXT})
    assert r.status_code == 200
    titles = [s["title"] for s in r.json()["sections"]]
    assert any("<script>" in t for t in titles)


# --------------------------------------------------------------------------- govtext serve


def test_web_serve_port_in_use_is_one_line_and_exit_2():
    import socket
    import subprocess
    import sys

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "govtext", "serve", "--port", str(port)],
                           capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert lines == [f"govtext: cannot listen on 127.0.0.1:{port}: Address already in use"], r.stderr


def test_web_create_app_refuses_a_nonpositive_limit():
    with pytest.raises(ValueError):
        create_app(max_upload_bytes=0)


def test_web_page_document_view_is_the_original_text(client):
    """Tags stripped and entities decoded, the document view gives back the text character for character."""
    import html

    for name, data in ((SEED.name, SEED.read_bytes()), ("payload.txt", SCRIPT_TEXT.encode())):
        page = client.post("/review", files={"file": (name, data, "text/plain")}).text
        inner = page.split('<div class="doc" id="document" lang="zh-CN">', 1)[1].split("</div></div>", 1)[0]
        assert html.unescape(re.sub(r"<[^>]*>", "", inner)) == data.decode("utf-8")
        # one row per line, numbered as findings number lines
        text = data.decode("utf-8")
        numbers = [int(n) for n in re.findall(r'<span class="ln" data-n="(\d+)"', inner)]
        assert numbers == list(range(1, text.count("\n") + (1 - text.endswith("\n")) + 1))


def test_web_page_review_of_a_docx_upload(client, seed_dir):
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    r = client.post("/review", files={"file": ("seed.docx", (seed_dir / "seed.docx").read_bytes(), docx_type)},
                    data={"kind": "party-building-summary"})
    assert r.status_code == 200, r.text
    assert 'id="placeholder-count">50<' in r.text
    # downloads are named from the title and year (report_filename), the Word file too
    for ext in ("json", "html", "docx"):
        assert f'download="2019年党建工作总结.审阅.{ext}"' in r.text


# --------------------------------------------------------------------------- a reviewer's own outline

OUTLINE = DATA / "web_outline.toml"  # 督查报告: overview, findings, remedies
BROKEN_OUTLINE = DATA / "web_outline_broken.toml"  # line 20: weight = "很重要"
REPORT = DATA / "web_inspection_report.txt"  # a 督查报告 that no built-in outline describes
OUTLINE_PARTS = ["overview", "findings", "remedies"]


@pytest.fixture(scope="module")
def outline_dir(tmp_path_factory):
    """The report and the outlines under their bare names (so the CLI prints bare names)."""
    d = tmp_path_factory.mktemp("web-outline")
    for f in (OUTLINE, BROKEN_OUTLINE, REPORT):
        shutil.copy(f, d / f.name)
    shutil.copy(OUTLINE, d / "outline.toml")  # what an outline sent as text is called
    return d


def _cli_in(directory, args, stdin=None, lang=None):
    with contextlib.chdir(directory):
        return CliRunner().invoke(cli, args, input=stdin, catch_exceptions=False,
                                  env={"GOVTEXT_LANG": lang} if lang else None)


def _cli_error(directory, args) -> str:
    """The one line ``govtext`` prints (after ``govtext: ``) when ``args`` are refused with exit code 2."""
    with pytest.raises(GovtextError) as info:
        _cli_in(directory, args, lang="en")  # the API's details are English, as its keys and codes
    assert info.value.exit_code == 2
    return str(info.value)


def test_web_api_check_with_an_uploaded_outline_answers_exactly_what_the_cli_prints(client, outline_dir):
    cli_run = _cli_in(outline_dir, ["check", REPORT.name, "--outline", OUTLINE.name, "--format", "json"])
    assert cli_run.exit_code == 0, cli_run.output
    r = client.post("/api/check", files={
        "file": (REPORT.name, REPORT.read_bytes(), "text/plain"),
        "outline": ("C:\\fakepath\\" + OUTLINE.name, OUTLINE.read_bytes(), "application/toml"),
    })
    assert r.status_code == 200, r.text
    assert r.text == cli_run.stdout  # byte for byte, the outline's source included (its base name)
    data = r.json()
    assert data["outline"]["source"] == OUTLINE.name and data["kind"] == "inspection-report"


def test_web_api_check_with_outline_text_answers_what_the_cli_prints_for_stdin(client, outline_dir):
    cli_run = _cli_in(outline_dir, ["check", "-", "--outline", "outline.toml", "--format", "json"],
                      stdin=REPORT.read_bytes())
    assert cli_run.exit_code == 0, cli_run.output
    outline_text = OUTLINE.read_text(encoding="utf-8")
    report_text = REPORT.read_text(encoding="utf-8")
    as_json = client.post("/api/check", json={"text": report_text, "outline": outline_text})
    assert as_json.status_code == 200, as_json.text
    assert as_json.text == cli_run.stdout  # an outline sent as text is called outline.toml
    as_field = client.post("/api/check", data={"text": report_text, "outline": outline_text},
                           files={"unused": ("x.txt", b"x", "text/plain")})  # multipart, outline as a text field
    assert as_field.text == cli_run.stdout
    as_form = client.post("/api/check", data={"text": report_text, "outline": outline_text})  # urlencoded
    assert as_form.text == cli_run.stdout


def test_web_api_custom_outline_changes_the_kind_and_parts(client):
    files = {"file": (REPORT.name, REPORT.read_bytes(), "text/plain")}
    plain = client.post("/api/check", files=files).json()
    assert plain["kind"] != "inspection-report"
    assert [p["id"] for p in plain["parts"]] != OUTLINE_PARTS
    custom = client.post("/api/check", files={**files, "outline": (OUTLINE.name, OUTLINE.read_bytes(), "application/toml")}).json()
    assert custom["kind"] == "inspection-report" and custom["kind_label"] == "督查报告"
    assert [p["id"] for p in custom["parts"]] == OUTLINE_PARTS
    assert [p["status"] for p in custom["parts"]] == ["present", "present", "present"]
    assert custom["score"] > plain["score"]
    text = REPORT.read_text(encoding="utf-8")
    for p in custom["parts"]:  # evidence offsets point into the report
        ev = p["evidence"]
        if "start_char" in ev and "match" in ev:
            assert text[ev["start_char"]:ev["end_char"]] == ev["match"]
    # the seed against the same outline: a party-building summary is not a 督查报告
    seed = client.post("/api/check", json={"text": SEED_TEXT, "outline": OUTLINE.read_text(encoding="utf-8")}).json()
    assert seed["kind"] == "inspection-report" and [p["id"] for p in seed["parts"]] == OUTLINE_PARTS
    assert seed["score"] < custom["score"]


def test_web_api_kind_and_outline_as_in_the_cli(client, outline_dir):
    body = {"text": REPORT.read_text(encoding="utf-8"), "outline": OUTLINE.read_text(encoding="utf-8")}
    same = client.post("/api/check", json={**body, "kind": "inspection-report"})  # the outline's own id
    assert same.status_code == 200 and same.text == client.post("/api/check", json=body).text
    other = client.post("/api/check", json={**body, "kind": "work-summary"})
    assert other.status_code == 400 and "disagree" in other.json()["detail"]
    cli_error = _cli_error(outline_dir, ["check", REPORT.name, "--kind", "work-summary", "--outline", OUTLINE.name])
    assert "disagree" in cli_error  # the CLI refuses the same
    unknown = client.post("/api/check", json={**body, "kind": "no-such-kind"})
    assert unknown.status_code == 400 and "no-such-kind" in unknown.json()["detail"]


def test_web_api_broken_outline_is_422_naming_file_and_line(client, outline_dir):
    cli_error = _cli_error(outline_dir, ["check", REPORT.name, "--outline", BROKEN_OUTLINE.name, "--format", "json"])
    r = client.post("/api/check", files={"file": (REPORT.name, REPORT.read_bytes(), "text/plain"),
                                         "outline": (BROKEN_OUTLINE.name, BROKEN_OUTLINE.read_bytes(), "application/toml")})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail == "web_outline_broken.toml:20: part 'findings': weight must be a non-negative number"
    assert cli_error == detail  # the CLI's message, word for word
    syntax = client.post("/api/check", json={"text": SEED_TEXT, "outline": 'id = "x"\nlabel = \n'})
    assert syntax.status_code == 422
    assert syntax.json()["detail"].startswith("outline.toml:2: invalid TOML")


@pytest.mark.parametrize("case, status, words", [
    ("too large file", 413, "outline limit"),
    ("too large text", 413, "outline limit"),
    ("not utf-8", 422, "not UTF-8"),
    ("empty file", 422, "empty"),
    ("not a string", 400, '"outline"'),
    ("lone surrogate", 400, "surrogate"),
])
def test_web_api_bad_outline_is_a_4xx_with_a_message(client, case, status, words):
    big = ("# " + "提纲" * 100 + "\n") * (LIMIT // 600 + 2)  # over the 64 KB outline limit of this app
    doc = {"file": (REPORT.name, REPORT.read_bytes(), "text/plain")}
    requests = {
        "too large file": dict(files={**doc, "outline": ("big.toml", big.encode(), "application/toml")}),
        "too large text": dict(json={"text": SEED_TEXT[:2000], "outline": big}),
        "not utf-8": dict(files={**doc, "outline": ("gbk.toml", OUTLINE.read_text(encoding="utf-8").encode("gb18030"), "application/toml")}),
        "empty file": dict(files={**doc, "outline": ("empty.toml", b"", "application/toml")}),
        "not a string": dict(json={"text": SEED_TEXT, "outline": {"id": "x"}}),
        "lone surrogate": dict(content='{"text": "总结abc", "outline": "\\ud800"}'.encode(), headers={"content-type": "application/json"}),
    }
    assert len(big.encode()) > LIMIT
    r = client.post("/api/check", **requests[case])
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert words in detail and "\n" not in detail


def test_web_api_outline_and_placeholders_ignore_an_outline(client):
    body = {"text": SEED_TEXT}
    with_outline = {**body, "outline": BROKEN_OUTLINE.read_text(encoding="utf-8")}
    for endpoint in ("/api/outline", "/api/placeholders"):
        assert client.post(endpoint, json=with_outline).text == client.post(endpoint, json=body).text


def test_web_api_openapi_schema_documents_the_outline(client):
    schema = client.get("/openapi.json").json()
    content = schema["paths"]["/api/check"]["post"]["requestBody"]["content"]
    assert "outline" in content["application/json"]["schema"]["properties"]
    assert content["multipart/form-data"]["schema"]["properties"]["outline"]["format"] == "binary"
    assert content["application/x-www-form-urlencoded"]["schema"]["properties"]["outline"]["type"] == "string"


def test_web_page_index_offers_an_outline_upload(client):
    tags = _parse(client.get("/").text).tags
    (outline_input,) = [a for t, a in tags if t == "input" and a.get("name") == "outline"]
    assert outline_input["type"] == "file" and ".toml" in outline_input["accept"]


def test_web_page_review_with_an_outline(client):
    r = client.post("/review", data={"kind": "work-summary"},  # the outline wins over the kind menu
                    files={"file": (REPORT.name, REPORT.read_bytes(), "text/plain"),
                           "outline": (OUTLINE.name, OUTLINE.read_bytes(), "application/toml")})
    assert r.status_code == 200, r.text
    tags = _parse(r.text).tags
    assert [a["data-part"] for t, a in tags if t == "tr" and "data-part" in a] == OUTLINE_PARTS
    assert '<strong id="kind">督查报告</strong>' in r.text
    hrefs = {a["id"]: a["href"] for t, a in tags if t == "a" and a.get("id", "").startswith("download-")}
    data = json.loads(base64.b64decode(hrefs["download-json"].split(",", 1)[1]))
    assert data["outline"]["source"] == OUTLINE.name and data["kind"] == "inspection-report"


def test_web_page_broken_outline_brings_the_form_back(client):
    pasted = REPORT.read_text(encoding="utf-8")
    r = client.post("/review", data={"text": pasted.replace("\n", "\r\n"), "kind": "work-summary"},
                    files={"outline": (BROKEN_OUTLINE.name, BROKEN_OUTLINE.read_bytes(), "application/toml")})
    assert r.status_code == 422
    alert = re.search(r'<p class="error" role="alert" id="error">([^<]*)</p>', r.text)
    assert alert and alert.group(1) == "web_outline_broken.toml:20: part &#39;findings&#39;: weight must be a non-negative number"
    tags = _parse(r.text).tags
    assert any(t == "textarea" for t, _ in tags) and "市督查组将适时开展回头看" in r.text  # the pasted text kept
    assert any(t == "option" and a.get("value") == "work-summary" and "selected" in a for t, a in tags)
    big = client.post("/review", data={"text": pasted},
                      files={"outline": ("big.toml", b"#" * (LIMIT + 1), "application/toml")})
    assert big.status_code == 413 and "outline limit" in big.text and 'role="alert"' in big.text


def test_web_api_reviews_an_uploaded_pdf_as_the_cli_does():
    """A reviewer uploads the PDF they were sent: same outline and placeholders as `govtext check` on it."""
    from govtext import read_document
    from govtext.analysis import analyze

    pdf = DATA / "pdf" / "seed_party_building.pdf"
    with TestClient(create_app(), raise_server_exceptions=False) as client:  # the default upload limit
        r = client.post("/api/check", files={"file": (pdf.name, pdf.read_bytes(), "application/pdf")})
    assert r.status_code == 200, r.text
    got = r.json()
    want = analyze(read_document(pdf))
    assert [s["title"] for s in got["sections"]] == [s.title for s in want.outline.sections]
    assert len(got["placeholders"]) == len(want.placeholders) == 50


# --------------------------------------------------------------------------- language, downloads, re-check


def test_web_page_language_follows_lang_and_accept_language(client):
    from govtext.i18n import gettext

    zh = client.get("/")
    en = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    forced = client.get("/?lang=en", headers={"accept-language": "zh-CN"})
    assert '<html lang="zh-CN">' in zh.text and f"<h1>{gettext('Submit a summary for review', 'zh')}</h1>" in zh.text
    for page in (en, forced):
        assert '<html lang="en">' in page.text and "<h1>Submit a summary for review</h1>" in page.text
    assert 'action="/review?lang=en"' in forced.text  # the choice follows the form
    assert client.get("/?lang=xx").status_code == 200  # an unknown choice is ignored, not an error
    # the API's JSON keeps its keys; only the headline follows the language, as `govtext check --lang`
    zh_json = client.post("/api/check", json={"text": SEED_TEXT}).json()
    en_json = client.post("/api/check?lang=en", json={"text": SEED_TEXT}).json()
    assert zh_json["headline"].startswith("结构 81/100") and en_json["headline"].startswith("structure 81/100")
    assert {**zh_json, "headline": None} == {**en_json, "headline": None}


def _downloads(page: str) -> dict[str, tuple[str, bytes]]:
    tags = _parse(page).tags
    return {a["id"]: (a["download"], base64.b64decode(a["href"].split(",", 1)[1]))
            for t, a in tags if t == "a" and a.get("id", "").startswith("download-")}


def test_web_page_word_download_is_the_commented_copy_of_an_uploaded_docx(client, seed_dir):
    import docx

    original = (seed_dir / "seed.docx").read_bytes()
    r = client.post("/review", files={"file": ("seed.docx", original, "application/octet-stream")})
    assert r.status_code == 200, r.text
    name, data = _downloads(r.text)["download-docx"]
    assert name == "2019年党建工作总结.审阅.docx"
    word = docx.Document(io.BytesIO(data))
    comments = list(word.comments)
    assert len(comments) >= 50  # one per placeholder at least, and the findings
    assert any("未填" in c.text for c in comments)
    assert [p.text for p in word.paragraphs][:3] == [p.text for p in docx.Document(io.BytesIO(original)).paragraphs][:3]
    # pasted text gets a new Word file titled by its detected title
    pasted = client.post("/review", data={"text": SEED_TEXT}, headers={"accept-language": "en"})
    name, data = _downloads(pasted.text)["download-docx"]
    assert name.startswith("2019年党建工作总结") and name.endswith(".docx")
    assert len(list(docx.Document(io.BytesIO(data)).comments)) >= 50


def test_web_page_review_keeps_the_text_editable_for_a_recheck(client):
    r = client.post("/review", files={"file": (SEED.name, SEED.read_bytes(), "text/plain")},
                    data={"kind": "party-building-summary"})
    form = r.text.split('<form class="submit recheck"', 1)[1].split("</form>", 1)[0]
    import html

    kept = html.unescape(re.search(r"<textarea[^>]*>\n(.*)</textarea>", form, re.S).group(1))
    assert kept == SEED_TEXT
    assert re.search(r'<option value="party-building-summary" selected>', form)
    # fixing a placeholder and checking again: one placeholder fewer
    fixed = kept.replace("市X局", "市水利局", 1)
    again = client.post("/review", data={"text": fixed.replace("\n", "\r\n"), "kind": "party-building-summary"})
    assert 'id="placeholder-count">49<' in again.text


def test_web_page_recheck_keeps_a_custom_outline(client):
    r = client.post("/review", files={"file": (REPORT.name, REPORT.read_bytes(), "text/plain"),
                                      "outline": (OUTLINE.name, OUTLINE.read_bytes(), "application/toml")})
    tags = _parse(r.text).tags
    (hidden,) = [a for t, a in tags if t == "input" and a.get("name") == "outline"]
    assert hidden["type"] == "hidden" and hidden["value"] == OUTLINE.read_text(encoding="utf-8")
    again = client.post("/review", data={"text": REPORT.read_text(encoding="utf-8"), "outline": hidden["value"]})
    assert '<strong id="kind">督查报告</strong>' in again.text


# --------------------------------------------------------------------------- batch review


def test_web_page_batch_of_files_gives_the_table_and_each_review(client):
    import openpyxl

    other = REPORT.read_bytes()
    r = client.post("/review", files=[("file", (SEED.name, SEED.read_bytes(), "text/plain")),
                                      ("file", (REPORT.name, other, "text/plain")),
                                      ("file", ("broken.docx", b"PK\x03\x04broken", "application/octet-stream"))])
    assert r.status_code == 200, r.text
    tags = _parse(r.text).tags
    assert [a["data-file"] for t, a in tags if t == "tr" and "data-file" in a] == [SEED.name, REPORT.name, "broken.docx"]
    # each readable file's review is on the page, its ids prefixed, and the table links to it
    assert 'href="#d1-review"' in r.text and 'id="d1-review"' in r.text and 'id="d2-review"' in r.text
    assert 'id="d1-placeholder-count">50<' in r.text and 'id="d3-review"' not in r.text
    seed_api = client.post("/api/check", files={"file": (SEED.name, SEED.read_bytes(), "text/plain")}).json()
    report_api = client.post("/api/check", files={"file": (REPORT.name, other, "text/plain")}).json()
    downloads = _downloads(r.text)
    name, csv_bytes = downloads["download-csv"]
    assert name.endswith(".csv")
    import csv

    table = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert len(table) == 4
    assert table[1][:4] == [SEED.name, "2019年党建工作总结", "党建工作总结", str(seed_api["score"])]
    assert table[1][5:7] == [str(len(seed_api["placeholders"])), "3"]
    assert table[2][3] == str(report_api["score"])
    assert table[3][0] == "broken.docx" and "broken.docx" in table[3][7] and table[3][3] == ""
    name, xlsx = downloads["download-xlsx"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(rows) == 4 and rows[1][3] == seed_api["score"] and rows[1][5] == len(seed_api["placeholders"])
    assert rows[0] == table[0]


def test_web_page_batch_of_a_zip(client):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("2019/" + SEED.name, SEED.read_bytes())
        z.writestr("abcdef.txt", REPORT.read_bytes())
        z.writestr("notes.odt", b"x")
    # Windows' zip stores names in the local code page without the UTF-8 flag: 总结二 in GB18030
    data = buf.getvalue().replace(b"abcdef.txt", "总结二.txt".encode("gb18030"))
    r = client.post("/review", files={"file": ("batch.zip", data, "application/zip")})
    assert r.status_code == 200, r.text
    files = [a["data-file"] for t, a in _parse(r.text).tags if t == "tr" and "data-file" in a]
    assert files == ["2019/" + SEED.name, "总结二.txt", "notes.odt"]
    assert "unsupported file type" in r.text


def test_web_batch_table_never_holds_a_formula():
    import openpyxl

    from govtext.i18n import translator
    from govtext.web import batch

    row = batch.BatchRow(1, "=cmd.xlsx", title="=HYPERLINK(\"http://x\")", kind_label="工作总结", score=90,
                         missing=("存在问题",), placeholders=0, faults=1)
    _ = translator("zh")
    table = list(__import__("csv").reader(io.StringIO(batch.to_csv([row], _).lstrip("\ufeff"))))
    assert table[1][0] == "'=cmd.xlsx" and table[1][1].startswith("'=HYPERLINK")
    sheet = openpyxl.load_workbook(io.BytesIO(batch.to_xlsx([row], _))).active
    assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)
    assert sheet.cell(2, 4).value == 90 and sheet.cell(2, 5).value == "存在问题"


def test_web_page_strings_are_all_in_the_chinese_catalogue(client):
    """Every string the templates and the web code mark for translation (as Babel extracts them) has its
    Chinese in the catalogue, and the Chinese pages show none of the English source strings."""
    import html
    from pathlib import Path

    from babel.messages.extract import extract_from_dir

    import govtext.web
    from govtext.i18n import gettext

    web = Path(govtext.web.__file__).parent
    found = {msg for _, _, msg, _, _ in extract_from_dir(str(web), method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
                                                            options_map={"**/templates/**.html": {}},
                                                            keywords={"_": None, "N_": None, "gettext": None})}
    assert len(found) > 50 and "Edit and check again" in found and "Missing parts" in found
    same = sorted(m for m in found if gettext(m, "zh") == m and m not in ("English",))
    assert same == [], f"untranslated: {same}"
    pages = [client.get("/").text, client.post("/review", data={"text": SEED_TEXT}).text,
             client.post("/review", files=[("file", (SEED.name, SEED.read_bytes(), "text/plain")),
                                           ("file", ("b.docx", b"PK", "application/octet-stream"))]).text]
    for page in pages:
        visible = html.unescape(re.sub(r"<[^>]*>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S)))
        shown = sorted(m for m in found if "{" not in m and len(m) > 5 and m != "English" and m in visible)
        assert shown == [], f"English on the Chinese page: {shown}"


def test_web_page_pasted_text_report_is_titled_by_its_detected_title(client):
    r = client.post("/review", data={"text": SEED_TEXT})
    assert "<h1 id=\"doc-title\">2019年党建工作总结</h1>" in r.text
    name, report = _downloads(r.text)["download-html"]
    assert name == "2019年党建工作总结.审阅.html"
    title = re.search(r"<title>([^<]*)</title>", report.decode("utf-8")).group(1)
    assert "2019年党建工作总结" in title and "-" not in title.split("2019")[0]
