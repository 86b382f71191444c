"""One survey response per person when the same person submits from several tabs at the same moment.

Threads with their own database connections, released together by a barrier; PostgreSQL only (SQLite serialises
writes and its shared-cache in-memory test database fails concurrent writers at once). The sequential case
(a second submission after the first) is tested on both databases in test_surveys_services.py.
"""

import threading

import pytest
from django.db import connection

from auzolan.core.errors import Conflict
from auzolan.participation.models import Answer, SurveyResponse
from auzolan.participation.services import surveys as services
from tests.accounts.factories import UserFactory
from tests.participation.factories_surveys import SurveyFactory, question

PARALLEL = 6

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="parallel writers need PostgreSQL (SQLite serialises writes)"
)


@needs_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("anonymous", [True, False])
def test_parallel_submissions_of_one_person_give_one_response(anonymous):
    survey = SurveyFactory(is_anonymous=anonymous)
    q = question(survey, "single", ["Oui", "Non"])
    choice = q.choices.first().pk
    user = UserFactory()
    barrier = threading.Barrier(PARALLEL)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait(timeout=10)
            services.survey_answer(actor=user, survey=survey, answers={q.pk: choice})
            result = "ok"
        except Conflict:
            result = "conflict"
        except Exception as error:
            result = f"error:{error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict"] * (PARALLEL - 1) + ["ok"], outcomes
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert Answer.objects.filter(question=q).count() == 1
