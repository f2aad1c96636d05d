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
