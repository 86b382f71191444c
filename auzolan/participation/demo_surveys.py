"""Demo data of the surveys area: the consultation's survey, built and answered through the services.

Called by the demo loader (`load_demo`) with a published consultation process whose survey phase is running, an
editor of its organisation as `actor` and a few citizens.
"""

from __future__ import annotations

import random

from auzolan.participation.models import Process, Survey
from auzolan.participation.services import surveys as services


def load_demo_survey(*, actor, process: Process, respondents=()) -> Survey:
    """A survey on the park project (every question kind, one condition), published, answered by `respondents`."""
    existing = Survey.objects.filter(process=process, title="Votre avis sur le réaménagement du parc").first()
    if existing is not None:
        return existing
    survey = services.survey_create(
        actor=actor,
        process=process,
        title="Votre avis sur le réaménagement du parc",
        introduction="Cinq questions, cinq minutes : vos réponses guideront le projet présenté au conseil municipal.",
        is_anonymous=True,
        results_public=True,
    )
    come = services.question_add(
        actor=actor, survey=survey, kind="single", label="Venez-vous au parc ?", choices=["Oui", "Non"], required=True
    )
    why = services.question_add(
        actor=actor,
        survey=survey,
        kind="text",
        label="Qu'est-ce qui vous en empêche ?",
        condition_choice=come.choices.get(label="Non"),
    )
    when = services.question_add(
        actor=actor,
        survey=survey,
        kind="multiple",
        label="À quels moments ?",
        choices=["Le matin", "À midi", "L'après-midi", "Le soir"],
        max_choices=2,
    )
    rating = services.question_add(
        actor=actor,
        survey=survey,
        kind="scale",
        label="Comment jugez-vous le parc aujourd'hui ?",
        scale_min=1,
        scale_max=5,
        scale_min_label="Très mal",
        scale_max_label="Très bien",
    )
    ranking = services.question_add(
        actor=actor,
        survey=survey,
        kind="ranking",
        label="Classez ces aménagements par priorité",
        choices=["Plus d'ombre", "Des jeux pour enfants", "Des bancs", "Un point d'eau"],
    )
    survey = services.survey_publish(actor=actor, survey=survey)
    rng = random.Random(64100)  # demo data, reproducible
    when_ids = list(when.choices.values_list("pk", flat=True))
    ranking_ids = list(ranking.choices.values_list("pk", flat=True))
    yes, no = come.choices.get(label="Oui").pk, come.choices.get(label="Non").pk
    for person in respondents:
        comes = rng.random() < 0.75
        order = rng.sample(ranking_ids, len(ranking_ids))
        answers = {
            come.pk: yes if comes else no,
            when.pk: rng.sample(when_ids, rng.randint(1, 2)) if comes else [],
            rating.pk: rng.randint(1, 5),
            ranking.pk: {choice: rank for rank, choice in enumerate(order, start=1)},
        }
        if not comes:
            answers[why.pk] = rng.choice(["Trop loin de chez moi", "Pas assez d'ombre l'été", ""])
        services.survey_answer(actor=person, survey=survey, answers=answers)
    return survey
