"""Quiz scoring: single, multiple (all or nothing per question: one missing or one extra answer makes it wrong),
true/false; the pass mark; the attempts limit (refused after the last, with a clear message); a double submission
counted once."""

import threading

import pytest
from django.db import connection

from auzolan.core.errors import Conflict, ValidationError
from auzolan.learning import services
from auzolan.learning.models import QuizAttempt
from tests.accounts.factories import UserFactory
from tests.learning.factories import RIGHT, module_with_pieces, quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def piece():
    module, _pieces = module_with_pieces(1)
    return quiz(module, pass_mark=60)


@pytest.mark.parametrize(
    ("answers", "score"),
    [
        (RIGHT, 100),
        ({**RIGHT, "single": ["b"]}, 67),
        ({**RIGHT, "multiple": ["a"]}, 67),  # one right answer missing: wrong
        ({**RIGHT, "multiple": ["a", "b", "c"]}, 67),  # one wrong answer added: wrong
        ({**RIGHT, "tf": ["faux"]}, 67),
        ({"single": ["b"], "multiple": ["c"], "tf": ["faux"]}, 0),
        ({"single": ["b"], "multiple": ["a", "b"], "tf": ["faux"]}, 33),
    ],
)
def test_score(piece, answers, score):
    attempt = services.quiz_submit(user=UserFactory(), piece=piece, answers=answers)
    assert attempt.score == score
    assert attempt.passed is (score >= 60)


def test_pass_mark_is_inclusive():
    module, _pieces = module_with_pieces(1)
    piece = quiz(module, pass_mark=67)
    attempt = services.quiz_submit(user=UserFactory(), piece=piece, answers={**RIGHT, "tf": ["faux"]})
    assert (attempt.score, attempt.passed) == (67, True)
    piece.pass_mark = 68
    piece.save()
    attempt = services.quiz_submit(user=UserFactory(), piece=piece, answers={**RIGHT, "tf": ["faux"]})
    assert attempt.passed is False


def test_attempts_limit():
    module, _pieces = module_with_pieces(1)
    piece = quiz(module, max_attempts=2)
    user = UserFactory()
    wrong = {"single": ["b"], "multiple": ["c"], "tf": ["faux"]}
    assert services.quiz_submit(user=user, piece=piece, answers=wrong).number == 1
    assert services.quiz_submit(user=user, piece=piece, answers=wrong).number == 2
    with pytest.raises(Conflict, match="vos 2 tentatives"):
        services.quiz_submit(user=user, piece=piece, answers=RIGHT)
    assert QuizAttempt.objects.filter(user=user).count() == 2


def test_unlimited_attempts(piece):
    user = UserFactory()
    for number in range(1, 6):
        assert services.quiz_submit(user=user, piece=piece, answers=RIGHT).number == number


def test_every_question_must_be_answered(piece):
    with pytest.raises(ValidationError) as error:
        services.quiz_submit(user=UserFactory(), piece=piece, answers={"single": ["a"], "tf": ["vrai"]})
    assert error.value.field == "q-multiple"
    assert not QuizAttempt.objects.exists()


@pytest.mark.parametrize("answers", [{**RIGHT, "single": ["zz"]}, {**RIGHT, "single": ["a", "b"]}])
def test_invalid_answers_refused(piece, answers):
    with pytest.raises(ValidationError):
        services.quiz_submit(user=UserFactory(), piece=piece, answers=answers)


def test_a_failed_quiz_is_not_completed_but_a_pre_test_is():
    module, _pieces = module_with_pieces(1)
    wrong = {"single": ["b"], "multiple": ["c"], "tf": ["faux"]}
    user = UserFactory()
    services.quiz_submit(user=user, piece=quiz(module, key="final"), answers=wrong)
    services.quiz_submit(user=user, piece=quiz(module, key="avant", quiz_role="pre"), answers=wrong)
    progress = user.learning_progress.get()
    assert set(progress.completions.values_list("piece_key", flat=True)) == {"avant"}


def test_same_attempt_number_is_refused_once_taken(piece, monkeypatch):
    """Two submissions that both read "0 attempts so far" (the race of a double click): the second hits the unique
    attempt number and is refused, so the attempt is counted once."""
    user = UserFactory()
    services.quiz_submit(user=user, piece=piece, answers=RIGHT)
    real_filter = QuizAttempt.objects.filter

    class StaleCount:
        def count(self):
            return 0

    monkeypatch.setattr(QuizAttempt.objects, "filter", lambda **kw: StaleCount() if "user" in kw else real_filter(**kw))
    with pytest.raises(Conflict):
        services.quiz_submit(user=user, piece=piece, answers=RIGHT)
    monkeypatch.undo()
    assert QuizAttempt.objects.filter(user=user).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel writers need PostgreSQL (SQLite serialises)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_on_the_last_attempt():
    module, _pieces = module_with_pieces(1)
    piece = quiz(module, max_attempts=1)
    user = UserFactory()
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait(timeout=10)
            services.quiz_submit(user=user, piece=piece, answers=RIGHT)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert QuizAttempt.objects.filter(user=user).count() == 1
