"""auzolan/core/text.py: file_extension (the French typography helpers are tested in test_wording.py)."""

import pytest

from auzolan.core.text import file_extension


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("Budget 2026.CSV", "csv"),
        ("resources/2026/12/budget.xlsx", "xlsx"),
        ("C:\\Users\\mairie\\export.Ods", "ods"),
        ("archive.tar.gz", "gz"),
        (".env", ""),
        ("sans-extension", ""),
        ("point-final.", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_file_extension(name, extension):
    assert file_extension(name) == extension
