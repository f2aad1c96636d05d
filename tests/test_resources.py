"""Data files: the loader names the file and line of a syntax error."""

from __future__ import annotations

import pytest

from govtext.errors import DataFileError
from govtext.resources import load_toml, models_dir


def test_resources_models_dir_has_data():
    assert (models_dir() / "codes").is_dir()


def test_resources_toml_error_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('version = 1\n[theme]\nlabel = ]\n', encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_toml(bad)
    assert err.value.line == 3
    assert str(err.value).startswith(f"{bad}:3: invalid TOML")


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("a = 1\nb = ]\n", 2, "invalid TOML: Invalid value"),
        ('a = 1\nb = "x\n', 2, "invalid TOML: Illegal character '\\n'"),
        ('a = [1,\n', 2, "invalid TOML: Invalid value"),  # at the end of the document: the line it ends on
    ],
)
def test_resources_parse_toml_is_the_one_place_for_error_lines(text, line, problem):
    from govtext.resources import parse_toml

    with pytest.raises(DataFileError) as err:
        parse_toml(text, "upload.toml")
    assert (err.value.path, err.value.line, err.value.problem) == ("upload.toml", line, problem)
    assert parse_toml("a = 1\n", "ok.toml") == {"a": 1}


def test_resources_read_toml_gives_data_and_text(tmp_path):
    from govtext.resources import read_toml

    f = tmp_path / "x.toml"
    f.write_bytes("\ufeffname = \"党建\"\n".encode())
    assert read_toml(f) == ({"name": "党建"}, 'name = "党建"\n')
    f.write_bytes(b"name = '\xff'\n")
    with pytest.raises(DataFileError, match="not UTF-8"):
        read_toml(f)


BROKEN_CODES = """\
[GT901]
slug = "fine-code"
severity = "warning"
what = "w"
why = "y"
example = "e"

[GT902]
slug = "Bad Slug"
severity = "warning"
what = "w"
why = "y"
example = "e"
"""


def test_resources_schema_names_file_and_table_line():
    from govtext.codes import CODE_SCHEMA
    from govtext.resources import data_file

    f = data_file("GT9.toml", text=BROKEN_CODES)
    ok = f.table(f.data["GT901"], CODE_SCHEMA, what="GT901", line=f.line_of_table("GT901"))
    assert ok["message"] == "" and ok["slug"] == "fine-code"
    with pytest.raises(DataFileError) as err:
        f.table(f.data["GT902"], CODE_SCHEMA, what="GT902", line=f.line_of_table("GT902"))
    assert str(err.value).startswith("GT9.toml:8: GT902: 'slug' = 'Bad Slug' is not of the form")
    for text, problem in [
        (BROKEN_CODES.replace('severity = "warning"', 'severity = "fatal"', 1), "'severity' must be one of"),
        (BROKEN_CODES.replace('what = "w"\n', "", 1), "missing 'what'"),
        (BROKEN_CODES.replace('why = "y"', "why = 3", 1), "'why' must be str, not int"),
        (BROKEN_CODES.replace('why = "y"', 'whyy = "y"', 1), "unknown key(s) whyy"),
    ]:
        f = data_file("GT9.toml", text=text)
        with pytest.raises(DataFileError) as err:
            f.table(f.data["GT901"], CODE_SCHEMA, what="GT901", line=f.line_of_table("GT901"))
        assert err.value.line == 1 and problem in err.value.problem


def test_resources_array_tables_are_located_one_by_one(tmp_path):
    from govtext.resources import Key, data_file

    p = tmp_path / "congresses.toml"
    p.write_text('version = "1"\n\n[[congress]]\nname = "十八大"\nheld = 2012\n\n[[congress]]\nname = "十九大"\n'
                 'held = "2017"\n', encoding="utf-8")
    f = data_file(p)
    schema = {"name": Key(), "held": Key(types=(int,))}
    assert f.table(f.data["congress"][0], schema, what="congress", line=f.line_of_table("congress", 0)) == {
        "name": "十八大", "held": 2012}
    with pytest.raises(DataFileError) as err:
        f.table(f.data["congress"][1], schema, what="congress", line=f.line_of_table("congress", 1))
    assert str(err.value) == f"{p}:7: congress: 'held' must be int, not str"
    assert f.table({"name": "x", "held": True} | {}, {"name": Key(), "held": Key(types=(int, bool))},
                   what="c", line=None)["held"] is True
    with pytest.raises(DataFileError, match="'held' must be int, not bool"):
        f.table({"name": "x", "held": True}, schema, what="congress", line=None)
