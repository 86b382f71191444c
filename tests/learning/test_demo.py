"""The demo loads the starter content (when present), learners with progress and three graduates of the shortest
path (self-assessments, attestations, two of them sharing with their commune), twice without change."""

import pytest

from auzolan.learning import demo, selectors, services
from auzolan.learning.models import Attestation, LearnerProfile, Module, Progress, SelfAssessment
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_demo_with_content(content_dir, monkeypatch):
    monkeypatch.setattr(services, "CONTENT_DIR", content_dir)
    commune = OrganisationFactory(kind="commune")
    lines = demo.load(stdout=None)
    assert "2 modules" in lines[0] and "dont 3 avec une attestation" in lines[0]
    assert Progress.objects.filter(completed_at__isnull=True).count() == 2
    attestations = list(Attestation.objects.all())
    assert len(attestations) == 3 and {a.path_title for a in attestations} == {"Agent référent données"}
    assert (
        SelfAssessment.objects.filter(moment="after").count() == SelfAssessment.objects.filter(moment="before").count()
    )
    training = selectors.organisation_training(commune, referent_ids=[])
    assert len(training.shared) == 2 and training.not_sharing == 1
    assert LearnerProfile.objects.filter(share_progress_with_organisation=True).count() == 2
    before = list(Progress.objects.values_list("pk", "completed_at", "seconds_spent"))
    demo.load(stdout=None)
    assert list(Progress.objects.values_list("pk", "completed_at", "seconds_spent")) == before
    assert Attestation.objects.count() == 3
    assert Module.objects.count() == 2


def test_demo_without_content(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "CONTENT_DIR", tmp_path)
    assert "ignorée" in demo.load(stdout=None)[0]
