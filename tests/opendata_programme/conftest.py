import pytest

from auzolan.opendata_programme.services import roadmap_template_seed


@pytest.fixture(autouse=True)
def _roadmap_template(request):
    """The template's steps come from a data migration: a transactional test elsewhere may have flushed them."""
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        roadmap_template_seed()
