"""Progress: completion of pieces, resumption where the person stopped, time spent (bounded per view), versions (a typo
fix keeps progress, a removed piece drops only its completion)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from auzolan.core.errors import NotFound, PermissionDenied, ValidationError
from auzolan.learning import selectors, services
from auzolan.learning.models import Module, PieceCompletion, Progress
from tests.accounts.factories import UserFactory
from tests.learning.factories import RIGHT, PieceFactory, module_with_pieces, quiz

pytestmark = pytest.mark.django_db


def test_stop_at_piece_three_and_come_back():
    user = UserFactory()
    module, pieces = module_with_pieces(5)
    for piece in pieces[:2]:
        services.progress_record_view(user=user, module=module, piece=piece)
        services.piece_complete(user=user, module=module, piece=piece)
    services.progress_record_view(user=user, module=module, piece=pieces[2])
    progress = selectors.progress_for(user=user, module=module)
    assert progress.last_piece_key == "p3"
    assert selectors.completed_keys(progress) == {"p1", "p2"}
    assert progress.completed_at is None


def test_module_completes_when_every_required_piece_is_done():
    user = UserFactory()
    module, pieces = module_with_pieces(2)
    piece = quiz(module)
    PieceFactory(module=module, kind="workshop", key="atelier", body="", title="Atelier")  # not required online
    for p in pieces:
        services.piece_complete(user=user, module=module, piece=p)
    assert Progress.objects.get(user=user).completed_at is None
    services.quiz_submit(user=user, piece=piece, answers=RIGHT)
    assert Progress.objects.get(user=user).completed_at is not None


def test_time_spent_is_bounded_per_view():
    user = UserFactory()
    module, pieces = module_with_pieces(3)
    services.progress_record_view(user=user, module=module, piece=pieces[0])
    progress = Progress.objects.filter(user=user)
    progress.update(last_seen_at=timezone.now() - timedelta(seconds=90))
    services.progress_record_view(user=user, module=module, piece=pieces[1])
    assert 90 <= progress.get().seconds_spent <= 91
    progress.update(last_seen_at=timezone.now() - timedelta(hours=5))  # the tab stayed open all afternoon
    services.progress_record_view(user=user, module=module, piece=pieces[2])
    assert 90 + services.PIECE_SECONDS_CAP <= progress.get().seconds_spent <= 91 + services.PIECE_SECONDS_CAP


def test_typo_fix_keeps_progress_and_bumps_revision():
    user, staff = UserFactory(), UserFactory(is_staff=True)
    module, pieces = module_with_pieces(3)
    services.piece_complete(user=user, module=module, piece=pieces[0])
    services.piece_update(actor=staff, piece=pieces[0], title="Étape 1 (corrigée)", body="Un texte corrigé.")
    module.refresh_from_db()
    assert module.revision == 2
    assert selectors.completed_keys(selectors.progress_for(user=user, module=module)) == {"p1"}


def test_removing_a_piece_drops_only_its_completion():
    user, staff = UserFactory(), UserFactory(is_staff=True)
    module, pieces = module_with_pieces(3)
    other_module, other_pieces = module_with_pieces(1)
    other_pieces[0].key = "p2"
    other_pieces[0].save()
    for piece in pieces[:2]:
        services.piece_complete(user=user, module=module, piece=piece)
    services.piece_complete(user=user, module=other_module, piece=other_pieces[0])
    services.piece_delete(actor=staff, piece=pieces[1])
    assert selectors.completed_keys(selectors.progress_for(user=user, module=module)) == {"p1"}
    # the same key in another module is untouched
    assert selectors.completed_keys(selectors.progress_for(user=user, module=other_module)) == {"p2"}


def test_anonymous_cannot_record_progress():
    from django.contrib.auth.models import AnonymousUser

    module, pieces = module_with_pieces(1)
    with pytest.raises(PermissionDenied):
        services.piece_complete(user=AnonymousUser(), module=module, piece=pieces[0])


def test_no_progress_on_a_draft():
    user = UserFactory()
    module, pieces = module_with_pieces(1, state=Module.State.DRAFT)
    with pytest.raises(PermissionDenied):
        services.progress_record_view(user=user, module=module, piece=pieces[0])


def test_a_quiz_is_not_completed_by_next():
    user = UserFactory()
    module, _pieces = module_with_pieces(1)
    with pytest.raises(ValidationError):
        services.piece_complete(user=user, module=module, piece=quiz(module))


def test_workshop_attendance_completes_the_workshop_piece():
    user = UserFactory()
    module, _pieces = module_with_pieces(1)
    workshop = PieceFactory(module=module, kind="workshop", key="atelier", body="", title="Atelier")
    services.workshop_attendance_record(user=user, piece=workshop)
    assert PieceCompletion.objects.filter(progress__user=user, piece_key="atelier").exists()
    with pytest.raises(ValidationError):
        services.piece_complete(user=user, module=module, piece=workshop)


def test_deletion_cleanup_removes_everything():
    user = UserFactory()
    module, pieces = module_with_pieces(1)
    piece = quiz(module)
    services.piece_complete(user=user, module=module, piece=pieces[0])
    services.quiz_submit(user=user, piece=piece, answers=RIGHT)
    services.feedback_submit(user=user, module=module, useful=True, clear=4, comment="Bien")
    services.learner_profile_update(user=user, share_progress_with_organisation=True)
    services.deletion_cleanup(user)
    assert selectors.personal_data(user) == {
        "share_progress_with_organisation": False,
        "progress": [],
        "quiz_attempts": [],
        "feedback": [],
        "attestations": [],
        "self_assessments": [],
    }


def test_learner_profile_requires_an_account():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        services.learner_profile_update(user=AnonymousUser(), share_progress_with_organisation=True)
