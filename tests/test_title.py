"""The title is read once, as a span on ``Document``: it points at the title's characters on every corpus file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govtext import Document
from govtext.completeness import document_title, score_completeness
from govtext.docmeta import find_title, locate_title, title_text
from govtext.readers import read_document

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(
    [*(ROOT / "corpora" / "gwr").glob("*.txt"), *(ROOT / "corpora" / "seeds").glob("*.txt"),
     *(ROOT / "corpora" / "annual").glob("*.txt"), *(ROOT / "tests" / "data").glob("completeness_*.txt")]
)


def test_title_span_points_at_the_title_on_every_corpus_file() -> None:
    assert len(FILES) >= 110
    titled = 0
    for path in FILES:
        doc = read_document(path)
        for d in (doc, Document.from_text(re.sub(r"[\r\n]", "", doc.text))):
            if d.title is None:
                assert d.title_span is None, path
                continue
            titled += 1
            assert d.title_span is not None, path
            assert title_text(d.text, d.title_span) == d.title, path
            assert document_title(d) == (d.title, *d.title_span), path
    assert titled >= 190  # 193 of the 220 copies name a title


def test_title_broken_over_two_lines_is_joined_and_its_span_covers_both() -> None:
    doc = read_document(ROOT / "corpora" / "annual" / "ia_2013_daoxian_wenguangxin.txt")
    assert doc.title == "道县文广新局2013年度信息公开工作年度报告" and doc.year == 2013
    start, end = doc.title_span
    assert (start, doc.text[start:end]) == (0, "道县文广新局2013年度信息公开工作\n年度报告")
    assert find_title("通知\n年度报告\n一、总体情况") == ("通知年度报告", 0, 7)  # the line above begins it
    assert find_title("现将有关情况汇报如下。\n年度报告\n") is None  # a sentence: the body has started
    assert find_title("来源：某县政府办\n年度报告\n一、总体情况") == ("年度报告", 9, 13)  # a page label is not


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("下载打印全屏收藏【字号：加大还原减小】2026年安徽省政府工作报告——2026年2月5日在安徽省第十四届人民代表大会上"
         "各位代表：" + "现在，我代表省人民政府向大会报告工作。" * 12, ("2026年安徽省政府工作报告", 19)),
        ("标题:某县2023年政府信息公开工作年度报告\n发布时间:2024-01-20\n正文。", ("某县2023年政府信息公开工作年度报告", 3)),
        ("# 市X局2020年上半年工作总结\n\n一、主要工作", ("市X局2020年上半年工作总结", 2)),
        # page labels (completeness's rules, now the reader's): 关键词:工作总结 is no title
        ("索 引 号:123/2024-00001\n关键词:工作总结\n某县2023年度工作年报\n正文。", ("某县2023年度工作年报", 30)),
        ("\u3000\u3000政府工作报告\u3000 ——2022年3月5日在会议上\n各位代表：", ("政府工作报告", 2)),
    ],
)
def test_title_span_of_heads(text: str, found: tuple[str, int]) -> None:
    title, start = found
    assert find_title(text) == (title, start, start + len(title))
    assert Document.from_text(text).title_span == (start, start + len(title))


def test_given_title_is_located_and_page_label_titles_are_not_used() -> None:
    text = "某局2021年工作总结\n今年以来，我局认真贯彻落实市委部署，各项工作取得新进展。"
    doc = Document.from_text(text, title="某局2021年工作总结")
    assert doc.title_span == (0, 11)
    assert Document.from_text(text, title="另一个标题").title_span is None
    assert locate_title("政 府 工 作 报 告\n各位代表：", "政府工作报告") == (0, 11)
    labelled = Document(text=text, title="来源:某局办公室")  # a reader that took a page label for the title
    assert document_title(labelled) == ("某局2021年工作总结", 0, 11)
    assert score_completeness(labelled, kind="work-summary").parts[0].anchor == "某局2021年工作总结"
