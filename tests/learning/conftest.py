from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "content"


@pytest.fixture
def content_dir():
    return FIXTURES
