"""The reviewer's language: catalogue complete in zh_CN, language resolution, reports in Chinese and English."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from conftest import ROOT, SEED
from govtext import Document, UsageError, i18n
from govtext.cli import cli
from govtext.report import headline, render_html, render_text
from govtext.review import check_document

PO = ROOT / "src" / "govtext" / "locale" / "zh_CN" / "LC_MESSAGES" / "govtext.po"
SEED_HEADLINE_ZH = ("结构 81/100：存在问题、下一步打算薄弱（未单列标题）；未填占位符 50 处（单位 23、数量 17、文字 3……）；"
                    "文字差错 2 处（市委市委、三是是）；过时提法 1 处（十八大）")
SEED_HEADLINE_EN = ("structure 81/100: 存在问题, 下一步打算 weak (unnumbered); unfilled placeholders: 50 (organisation 23, "
                    "count 17, text 3…); writing slips: 2 (市委市委, 三是是); stale references: 1 (十八大)")


@pytest.fixture(autouse=True)
def _no_env_lang(monkeypatch):
    monkeypatch.delenv("GOVTEXT_LANG", raising=False)


@pytest.fixture(scope="module")
def seed_review():
    from govtext import read_document

    return check_document(read_document(SEED))


def _extracted_msgids(tmp_path) -> set[str]:
    """The msgids `make i18n` extracts from the sources (babel.cfg, the same keywords)."""
    pot = tmp_path / "govtext.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "N_",
         "-k", "gettext", "-k", "_", "--no-location", "-o", str(pot), str(ROOT / "src" / "govtext")],
        check=True, capture_output=True, cwd=ROOT,
    )
    from babel.messages.pofile import read_po

    with pot.open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id}


def test_i18n_every_extracted_msgid_has_a_chinese_translation(tmp_path):
    ids = _extracted_msgids(tmp_path)
    assert len(ids) > 80 and "structure {score}/100" in ids  # the extraction found the reports' strings
    zh = i18n.read_po(PO)
    untranslated = sorted(i for i in ids if not zh.get(i, "").strip())
    assert not untranslated, f"no zh_CN translation (run make i18n and translate): {untranslated[:10]}"


def test_i18n_translations_keep_the_fields_of_their_msgid():
    fields = re.compile(r"\{(\w*)[^}]*\}")
    for msgid, msgstr in i18n.read_po(PO).items():
        assert sorted(fields.findall(msgid)) == sorted(fields.findall(msgstr)), msgid


def test_i18n_po_reader_agrees_with_babel():
    from babel.messages.pofile import read_po

    with PO.open("rb") as fh:
        babel = {m.id: m.string for m in read_po(fh) if m.id and m.string and not m.fuzzy}
    assert i18n.read_po(PO) == babel


def test_i18n_without_compiled_catalogue_the_po_is_read(tmp_path, monkeypatch):
    """A source checkout that was never built has no .mo: the .po is compiled in memory, never English."""
    locale = tmp_path / "locale" / "zh_CN" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    (locale / "govtext.po").write_text(PO.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    i18n._translations.cache_clear()
    try:
        assert i18n.gettext("structure {score}/100", "zh") == "结构 {score}/100"
        (locale / "govtext.po").unlink()
        i18n._translations.cache_clear()
        with pytest.raises(Exception, match="catalogue is missing"):
            i18n.gettext("structure {score}/100", "zh")
    finally:
        i18n._translations.cache_clear()


def test_i18n_resolve_lang_order(monkeypatch):
    assert i18n.resolve_lang() == "zh"
    assert i18n.resolve_lang(None, "en-US,en;q=0.9") == "en"
    assert i18n.resolve_lang(None, "fr-FR, en;q=0.3, zh-CN;q=0.8") == "zh"  # by weight
    assert i18n.resolve_lang(None, "fr, de;q=0.5") == "zh"  # nothing known: the default
    assert i18n.resolve_lang(None, "zh;q=0, en;q=0.1") == "en"  # q=0 means "not this one"
    monkeypatch.setenv("GOVTEXT_LANG", "en_US.UTF-8")
    assert i18n.resolve_lang(None, "zh-CN") == "en"  # the environment beats the header
    assert i18n.resolve_lang("zh-CN", "en") == "zh"  # an explicit --lang beats both
    monkeypatch.setenv("GOVTEXT_LANG", "fr")
    with pytest.raises(UsageError, match="GOVTEXT_LANG must be one of zh, en"):
        i18n.resolve_lang()
    with pytest.raises(UsageError, match="--lang must be one of zh, en, not 'de'"):
        i18n.resolve_lang("de")


def test_i18n_gettext_and_translator():
    assert i18n.gettext("weak", "zh") == "薄弱" and i18n.gettext("weak", "en") == "weak"
    assert i18n.translator("zh")("missing") == "缺少"
    assert i18n.gettext("a string nobody marked", "zh") == "a string nobody marked"
    assert i18n.N_("weak") == "weak"


# --- the reports, rendered -----------------------------------------------------------------------------

_LATIN = re.compile(r"--?[A-Za-z][\w-]*|[A-Za-z][A-Za-z0-9_.\-/]*")


def _identifiers(r) -> set[str]:
    """Latin words a Chinese report may show: codes, kind and outline ids, the path, the document's own."""
    c = r.completeness
    ids = {c.kind.kind, c.outline.id, f"v{c.outline.version}", "--placeholders", "all"}
    ids |= {f.code for f in r.all_findings}
    ids |= set(_LATIN.findall(r.path)) | set(_LATIN.findall(r.document.text))
    return ids


def _leftover_english(text: str, allowed: set[str]) -> list[str]:
    return sorted({w for w in _LATIN.findall(text) if len(w) > 1 and w not in allowed
                   and not any(w in a for a in allowed)})


class _Visible(HTMLParser):
    """Text nodes and title attributes (what a reader sees or hovers), without the stylesheet."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        self.in_style = tag == "style"
        self.out.extend(v or "" for k, v in attrs if k == "title")

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if not self.in_style:
            self.out.append(data)


def test_i18n_seed_text_report_in_chinese_has_no_english_words(seed_review):
    text = render_text(seed_review, width=120)
    assert text.startswith(SEED_HEADLINE_ZH)
    for zh in ("得分 81/100", "各部分", "状态", "说明", "薄弱", "未填占位符（50）：单位 23", "结论：", "提纲（36 节）",
               "写在段落之中，没有单列标题或引领句"):
        assert zh in text, zh
    assert _leftover_english(text, _identifiers(seed_review)) == []


def test_i18n_seed_html_report_in_chinese_has_no_english_words(seed_review):
    page = render_html(seed_review)
    assert '<html lang="zh-CN">' in page and "<title>审阅：2019年党建工作总结</title>" in page
    p = _Visible()
    p.feed(page)
    visible = "\n".join(p.out)
    assert SEED_HEADLINE_ZH in visible and "各部分" in visible and "原文" in visible
    assert _leftover_english(visible, _identifiers(seed_review)) == []


def test_i18n_seed_reports_in_english(seed_review):
    text = render_text(seed_review, width=120, lang="en")
    assert text.startswith(SEED_HEADLINE_EN)
    for en in ("score 81/100", "parts", "status", "reason", "weak", "placeholders (50): organisation 23",
               "result: findings at or above error", "run-in statement"):
        assert en in text, en
    page = render_html(seed_review, lang="en")
    assert '<html lang="en">' in page and "<title>Review: 2019年党建工作总结</title>" in page
    assert SEED_HEADLINE_EN in page.replace("&#x27;", "'") and ">Parts</h2>" in page
    for ui in ("得分", "各部分", "结论", "薄弱", "未填占位符"):
        assert ui not in text, ui  # no Chinese interface words (labels from the outline stay Chinese)


def test_i18n_headline_in_both_languages_and_in_the_json(seed_review):
    assert headline(seed_review, "zh") == SEED_HEADLINE_ZH == seed_review.headline("zh")
    assert headline(seed_review, "en") == SEED_HEADLINE_EN
    assert seed_review.to_dict("en")["headline"] == SEED_HEADLINE_EN
    assert seed_review.to_dict()["headline"] == SEED_HEADLINE_ZH  # the default language


def test_i18n_headline_names_missing_parts_and_numbering_faults():
    text = ("某某局2023年工作总结\n\n今年以来，我们认真落实各项部署，现将工作总结如下：\n"
            "一、主要工作\n（一）抓学习。全年组织学习十二次，覆盖全体干部职工。\n"
            "（二）抓落实。各项任务按期完成，群众满意度明显提升。\n（四）抓队伍。培训干部三十人次。\n")
    r = check_document(Document.from_text(text), kind="work-summary")
    zh = headline(r, "zh")
    assert zh.startswith(f"结构 {r.completeness.score}/100：缺少存在问题、下一步打算"), zh
    assert zh.endswith("编号问题 1 处（（四）抓队伍）")
    assert headline(r, "en").startswith(f"structure {r.completeness.score}/100: missing 存在问题, 下一步打算")


def _main(*argv: str) -> int:
    from govtext.cli import main

    with pytest.raises(SystemExit) as e:
        main(list(argv))
    return e.value.code


def test_i18n_cli_lang_option_and_environment(monkeypatch, capsys):
    res = CliRunner().invoke(cli, ["check", str(SEED), "--no-config", "--lang", "en"])
    assert res.exit_code == 1 and res.output.startswith(SEED_HEADLINE_EN)
    monkeypatch.setenv("GOVTEXT_LANG", "en")
    assert CliRunner().invoke(cli, ["check", str(SEED), "--no-config"]).output.startswith(SEED_HEADLINE_EN)
    assert CliRunner().invoke(cli, ["check", str(SEED), "--no-config", "--lang", "zh"]).output.startswith(
        SEED_HEADLINE_ZH)
    capsys.readouterr()
    assert _main("check", str(SEED), "--lang", "fr") == 2
    assert capsys.readouterr().err == "govtext: --lang must be one of zh, en, not 'fr'\n"


def test_i18n_check_errors_of_its_own_are_chinese(capsys):
    assert _main("check", str(SEED), "--placeholders", "many") == 2
    assert capsys.readouterr().err == "govtext: --placeholders 应为数字或 all，而不是 'many'\n"
    assert _main("check", str(SEED), "--placeholders", "many", "--lang", "en") == 2
    assert capsys.readouterr().err == "govtext: --placeholders must be a number or all, not 'many'\n"


def _bad_inputs(tmp_path) -> dict[str, bytes | None]:
    """Documents a reviewer really receives that cannot be read, by name (None: the path is missing)."""
    import zipfile

    docx_zip = tmp_path / "zip.bin"
    with zipfile.ZipFile(docx_zip, "w") as z:
        z.writestr("hello.txt", "x")
    return {
        "missing.txt": None,
        "empty.txt": b"",
        "blank.txt": " \n\u3000\n".encode(),
        "english.txt": b"An English letter, not a summary.\n",
        "latin1.txt": "été café naïve résumé voilà déjà".encode("latin-1"),
        "old.docx": bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 600,
        "notzip.docx": "一、总体情况".encode() * 50,
        "nodoc.docx": docx_zip.read_bytes(),
        "scan.pdf": (ROOT / "tests" / "data" / "pdf" / "scanned.pdf").read_bytes(),
        "notes.rtf": "{\\rtf1 工作总结}".encode(),
    }


def test_i18n_check_reading_errors_are_chinese_and_english_on_request(tmp_path, capsys):
    """Every reading problem a reviewer meets is one line in Chinese by default (the same problem in
    English with --lang en); a template that no longer matches what the readers say would leave it English."""
    for name, data in _bad_inputs(tmp_path).items():
        path = tmp_path / name
        if data is not None:
            path.write_bytes(data)
        assert _main("check", str(path)) == 2
        zh = capsys.readouterr().err
        assert _main("check", str(path), "--lang", "en") == 2
        en = capsys.readouterr().err
        assert zh.count("\n") == en.count("\n") == 1 and zh.startswith(f"govtext: {path}: ")
        problem_zh, problem_en = zh[len(f"govtext: {path}: "):], en[len(f"govtext: {path}: "):]
        assert problem_zh != problem_en, name
        assert re.search(r"[\u4e00-\u9fff]", problem_zh), (name, problem_zh)
        # no English sentence left: Latin runs only as formats, encodings and file names
        words = set(re.findall(r"[A-Za-z]{3,}", problem_zh)) - {"govtext", "UTF", "GB", "OCR", "PDF", "txt", "docx",
                                                                "pdf", "Word", "doc", "OLE", "zip", "Latin",
                                                                "word", "document", "xml", "rtf", "cp"}
        assert not {w for w in words if not re.fullmatch(r"cp\d+", w)}, (name, problem_zh)


def test_i18n_every_input_problem_template_is_translated_and_keeps_its_fields():
    po = i18n.read_po(PO)
    for template in i18n.INPUT_PROBLEMS:
        assert po.get(template), template
        assert set(re.findall(r"\{(\w+)\}", po[template])) == set(re.findall(r"\{(\w+)\}", template)), template
    assert i18n.localize_problem("file is 25.3 MB, over the 20.0 MB limit", "zh") == "文件大小 25.3 MB，超过 20.0 MB 的上限"
    assert i18n.localize_problem("something new", "zh") == "something new"
