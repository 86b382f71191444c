"""A person's learning data in their RGPD export, and gone with their account; the sharing consent (default off)
audited when it changes; staff authorising partner editors."""

import pytest

from auzolan.accounts.services import user_delete, user_export_data
from auzolan.core.errors import PermissionDenied
from auzolan.core.models import AuditLogEntry
from auzolan.learning import services
from auzolan.learning.models import AuthorisedEditor, Feedback, LearnerProfile, Progress, QuizAttempt
from tests.accounts.factories import UserFactory
from tests.learning.factories import RIGHT, module_with_pieces, quiz
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner():
    user = UserFactory()
    module, pieces = module_with_pieces(2, slug="rgpd-petite-commune")
    services.piece_complete(user=user, module=module, piece=pieces[0])
    services.quiz_submit(user=user, piece=quiz(module), answers=RIGHT)
    services.feedback_submit(user=user, module=module, useful=True, clear=5, comment="Merci")
    return user


def test_export_contains_learning(learner):
    data = user_export_data(user=learner)["learning"]
    assert data["share_progress_with_organisation"] is False
    assert data["progress"][0]["module"] == "rgpd-petite-commune"
    assert data["progress"][0]["completed_pieces"] == ["p1", "quiz"]
    assert data["quiz_attempts"][0]["score"] == 100
    assert data["quiz_attempts"][0]["answers"] == {"multiple": ["a", "b"], "single": ["a"], "tf": ["vrai"]}
    assert data["feedback"] == [{"module": "rgpd-petite-commune", "useful": True, "clear": 5, "comment": "Merci"}]


def test_deleted_with_the_account(learner):
    services.learner_profile_update(user=learner, share_progress_with_organisation=True)
    other = UserFactory()
    module, pieces = module_with_pieces(1)
    services.piece_complete(user=other, module=module, piece=pieces[0])
    user_delete(actor=learner, user=learner)
    for model in (Progress, QuizAttempt, Feedback, LearnerProfile):
        assert not model.objects.filter(user=learner).exists()
    assert Progress.objects.filter(user=other).exists()


def test_sharing_default_off_and_audited():
    user = UserFactory()
    services.learner_profile_update(user=user, share_progress_with_organisation=False)
    assert LearnerProfile.objects.get(user=user).share_progress_with_organisation is False
    assert not AuditLogEntry.objects.filter(action="learning.sharing.changed").exists()
    services.learner_profile_update(user=user, share_progress_with_organisation=True)
    entry = AuditLogEntry.objects.get(action="learning.sharing.changed")
    assert entry.data == {"share_progress_with_organisation": True}


def test_staff_authorise_and_revoke_editors():
    staff, citizen = UserFactory(is_staff=True), UserFactory()
    organisation = OrganisationFactory()
    with pytest.raises(PermissionDenied):
        services.editor_authorise(actor=citizen, organisation=organisation)
    with pytest.raises(PermissionDenied):
        services.editor_revoke(actor=citizen, organisation=organisation)
    services.editor_authorise(actor=staff, organisation=organisation)
    services.editor_authorise(actor=staff, organisation=organisation)  # twice: one authorisation
    assert AuthorisedEditor.objects.get().authorised_by == staff
    services.editor_revoke(actor=staff, organisation=organisation)
    assert not AuthorisedEditor.objects.exists()
    assert AuditLogEntry.objects.filter(action__startswith="learning.editor.").count() == 2
