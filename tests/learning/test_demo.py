"""The demo loads the starter content (when present) and learners with progress, twice without change."""

import pytest

from auzolan.learning import demo, services
from auzolan.learning.models import Module, Progress

pytestmark = pytest.mark.django_db


def test_demo_with_content(content_dir, monkeypatch):
    monkeypatch.setattr(services, "CONTENT_DIR", content_dir)
    lines = demo.load(stdout=None)
    assert "2 modules" in lines[0]
    assert Progress.objects.filter(completed_at__isnull=False).count() == 1
    assert Progress.objects.filter(completed_at__isnull=True).count() == 2
    before = list(Progress.objects.values_list("pk", "completed_at", "seconds_spent"))
    demo.load(stdout=None)
    assert list(Progress.objects.values_list("pk", "completed_at", "seconds_spent")) == before
    assert Module.objects.count() == 2


def test_demo_without_content(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "CONTENT_DIR", tmp_path)
    assert "ignorée" in demo.load(stdout=None)[0]
