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
