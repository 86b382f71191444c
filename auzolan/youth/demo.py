"""Demo youth data: thirteen partners of the Pays Basque (collèges and lycées, a CFA, the IUT, a youth centre,
companies, associations), a youth expectations survey run by the agency and answered by 24 young people, three
public actions that followed it, and the directory published as an open dataset of the agency.

Organisations the organisations demo already has are reused; the missing ones are created through the
organisations service with a well-formed SIREN/SIRET (Luhn), as the catalogue demo does. The survey is built,
published, answered and closed through participation's services. Idempotent: existing rows are left as they are.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from django.utils.text import slugify

from auzolan.accounts.demo import ensure_demo_user
from auzolan.accounts.models import TerritoryRole
from auzolan.core.validators import luhn_complete, siret_of
from auzolan.organisations import services as organisation_services
from auzolan.organisations.models import College, Commune, MembershipStatus, Organisation, OrganisationKind
from auzolan.participation.models import Process, Survey
from auzolan.participation.services import processes as process_services
from auzolan.participation.services import surveys as survey_services
from auzolan.youth import opendata, selectors, services
from auzolan.youth.models import Action, Partnership

ORDER = 70
SURVEY_TITLE = "Rester ou revenir au Pays Basque : ce que vous attendez"
PROCESS_TITLE = "Jeunes du Pays Basque : vos attentes"
RESPONDENTS = 24

K = OrganisationKind
#: name, kind, college, INSEE code of its commune, since (year), collaborations, what we do together, contact role.
PARTNERS = [
    (
        "Lycée polyvalent du Labourd (démo)",
        K.SCHOOL,
        None,
        None,
        2019,
        ["yesict", "rencontres", "surveys"],
        "Des classes de seconde ont testé la méthode YESict (projets d'entreprise imaginés par les élèves) ; le lycée "
        "accueille chaque année une matinée des Rencontres Numériques.",
        "Proviseur adjoint",
    ),
    (
        "CFA des métiers du Pays Basque (démo)",
        K.CFA,
        None,
        None,
        2018,
        ["apprenticeship", "rencontres", "workshops"],
        "Ateliers « numérique et métiers de l'artisanat » avec les apprentis ; accueil des Rencontres Numériques 2018.",
        "Service relations entreprises",
    ),
    (
        "Campus universitaire de la Côte basque (démo)",
        K.UNIVERSITY,
        None,
        None,
        2020,
        ["data_reuse", "internships"],
        "Des étudiants en master réutilisent les données ouvertes du territoire ; stages à l'agence.",
        "Direction de la recherche",
    ),
    (
        "Hegoa Datu, coopérative numérique (démo)",
        K.COMPANY,
        None,
        None,
        2021,
        ["internships", "data_reuse"],
        "Accueille des stagiaires de BTS et réutilise les données ouvertes dans ses applications.",
        "Accueil",
    ),
    (
        "Auzo Lab, association de médiation numérique (démo)",
        K.ASSOCIATION,
        None,
        None,
        2022,
        ["workshops"],
        "Ateliers de médiation numérique pour les 15–25 ans dans les médiathèques.",
        "Coordination",
    ),
    (
        "Collège Marracq (démo)",
        K.SCHOOL,
        College.EDUCATION,
        "64102",
        2021,
        ["yesict", "surveys"],
        "Des élèves de quatrième ont suivi le parcours sur l'esprit d'entreprendre et répondu au questionnaire.",
        "Principal adjoint",
    ),
    (
        "Collège Errobi (démo)",
        K.SCHOOL,
        College.EDUCATION,
        "64160",
        2023,
        ["workshops", "surveys"],
        "Ateliers sur les réseaux sociaux et l'identité numérique avec les classes de troisième.",
        "Vie scolaire",
    ),
    (
        "Lycée Armand-David (démo)",
        K.SCHOOL,
        College.EDUCATION,
        "64256",
        2022,
        ["rencontres", "yesict"],
        "Accueille une séance des Rencontres Numériques ; expérimentation YESict en première.",
        "Proviseur",
    ),
    (
        "IUT de Bayonne et du Pays Basque (démo)",
        K.UNIVERSITY,
        College.EDUCATION,
        "64102",
        2017,
        ["internships", "data_reuse", "rencontres"],
        "Projets tutorés d'étudiants en informatique sur les données du territoire ; stages à l'agence.",
        "Direction des études",
    ),
    (
        "Maison des jeunes du Boucau (démo)",
        K.YOUTH_CENTRE,
        College.CIVIL_SOCIETY,
        "64140",
        2019,
        ["workshops", "surveys", "rencontres"],
        "Soirées parents–ados sur YouTube, Snapchat et les jeux vidéo ; relais du questionnaire jeunesse.",
        "Animation jeunesse",
    ),
    (
        "Ikastola Ibaialde (démo)",
        K.ASSOCIATION,
        College.EDUCATION,
        "64547",
        2016,
        ["yesict"],
        "École en langue basque partenaire du projet européen YESict (2015–2018).",
        "Direction",
    ),
    (
        "Atelier Lana, studio de jeux vidéo (démo)",
        K.COMPANY,
        College.ECONOMY,
        "64122",
        2024,
        ["apprenticeship", "workshops"],
        "Accueille des apprentis développeurs et anime des ateliers de création de jeux.",
        "Ressources humaines",
    ),
    (
        "Mission locale Avenir Jeunes Pays Basque (démo)",
        K.ASSOCIATION,
        College.CIVIL_SOCIETY,
        "64102",
        2020,
        ["surveys", "workshops"],
        "Relaie le questionnaire auprès des jeunes qu'elle accompagne ; ateliers « trouver un emploi en ligne ».",
        "Conseillère numérique",
    ),
]

QUESTIONS = [
    (
        "single",
        "Dans cinq ans, où vous voyez-vous ?",
        ["Au Pays Basque", "Ailleurs en France", "À l'étranger", "Je ne sais pas"],
    ),
    (
        "multiple",
        "Qu'est-ce qui vous ferait rester ou revenir ?",
        [
            "Un logement abordable",
            "Un emploi dans mon domaine",
            "Des transports pour aller partout sans voiture",
            "Une bonne connexion internet",
            "Des lieux pour sortir et se retrouver",
        ],
    ),
    ("scale", "Trouver un logement ici, c'est…", None),
    ("ranking", "Classez ces priorités pour l'action publique", ["Logement", "Transports", "Emploi", "Numérique"]),
    ("text", "Une idée pour que les jeunes restent ou reviennent ?", None),
]

ACTIONS = [
    (
        "Une offre de logements temporaires pour apprentis et stagiaires",
        "Conseil communautaire du Pays Basque",
        30,
        "in_progress",
        "120 places dans des résidences et chez l'habitant, avec une aide au premier loyer.",
    ),
    (
        "Des navettes du soir entre l'intérieur et la côte le week-end",
        "Syndicat des mobilités Pays Basque-Adour",
        20,
        "decided",
        "Une expérimentation d'un an sur deux lignes, évaluée avec les jeunes.",
    ),
    (
        "Un forum annuel des métiers du numérique du territoire",
        "Agence numérique du Pays Basque",
        10,
        "done",
        "Première édition pendant les Rencontres Numériques, avec les entreprises partenaires.",
    ),
]


def _siren(rng: random.Random, first: str) -> str:
    return luhn_complete(first + "".join(str(rng.randrange(10)) for _ in range(7)))


def _organisation(actor, rng, *, name, kind, college, insee) -> Organisation:
    slug = slugify(name.replace("(démo)", ""))[:80]  # the organisations demo's addresses
    organisation = Organisation.objects.filter(slug=slug).first() or Organisation.objects.filter(name=name).first()
    if organisation is not None or college is None:
        return organisation
    siren = _siren(
        rng, "2" if kind == K.SCHOOL else "1" if kind == K.UNIVERSITY else "7" if kind == K.ASSOCIATION else "8"
    )
    commune = Commune.objects.filter(insee_code=insee).first()
    return organisation_services.organisation_create(
        actor=actor,
        territory=commune.territory if commune else Organisation.objects.first().territory,
        name=name,
        kind=kind,
        communes=[commune] if commune else (),
        siren=siren,
        siret=siret_of(siren),
        college=college,
        membership_status=MembershipStatus.MEMBER,
        member_since=dt.date(2024, 9, 1),
    )


def _partners(actor) -> int:
    rng = random.Random(6410)  # demo data, reproducible
    created = 0
    for name, kind, college, insee, year, collaborations, description, contact in PARTNERS:
        organisation = _organisation(actor, rng, name=name, kind=kind, college=college, insee=insee)
        if organisation is None or Partnership.objects.filter(organisation=organisation).exists():
            continue
        services.partnership_create(
            actor=actor,
            organisation=organisation,
            collaborations=collaborations,
            description=description,
            since=dt.date(year, 9, 1),
            contact_role=contact,
            contact_email=f"contact@{organisation.slug[:40]}.example.org",
            is_public=True,
        )
        created += 1
    return created


def _survey(actor, agency: Organisation) -> Survey:
    survey = Survey.objects.filter(title=SURVEY_TITLE, process__organisation=agency).first()
    if survey is not None:
        return survey
    today = timezone.localdate()
    process = process_services.process_create(
        actor=actor,
        organisation=agency,
        template=Process.Template.CONSULTATION,
        title=PROCESS_TITLE,
        summary="Une consultation des 15–29 ans du territoire, avec les établissements et les structures jeunesse.",
        description="Logement, transports, emploi, numérique : dites-nous ce qui vous ferait rester ou revenir.",
        theme="education",
        starts_on=today - dt.timedelta(days=40),
    )
    process = process_services.process_publish(actor=actor, process=process)
    survey = survey_services.survey_create(
        actor=actor,
        process=process,
        title=SURVEY_TITLE,
        introduction="Cinq questions sur le logement, les transports, l'emploi et le numérique. Réponses anonymes.",
        audience=Survey.Audience.YOUTH,
    )
    questions = []
    for kind, label, choices in QUESTIONS:
        extra = {"choices": choices} if choices else {}
        if kind == "scale":
            extra = {"scale_min": 1, "scale_max": 5, "scale_min_label": "Très difficile", "scale_max_label": "Facile"}
        if kind == "multiple":
            extra["max_choices"] = 3
        questions.append(survey_services.question_add(actor=actor, survey=survey, kind=kind, label=label, **extra))
    survey = survey_services.survey_publish(actor=actor, survey=survey)
    rng = random.Random(64500)  # demo data, reproducible
    where, why, housing, ranking, idea = questions
    where_ids = list(where.choices.values_list("pk", flat=True))
    why_ids = list(why.choices.values_list("pk", flat=True))
    ranking_ids = list(ranking.choices.values_list("pk", flat=True))
    ideas = [
        "Des colocations pour les apprentis",
        "Un bus de nuit le samedi",
        "",
        "Des stages dans les entreprises d'ici",
    ]
    for number in range(1, RESPONDENTS + 1):
        person = ensure_demo_user(
            local_part=f"jeune-{number:02d}", full_name=f"Jeune {number}", role=TerritoryRole.STUDENT
        )
        order = rng.sample(ranking_ids, len(ranking_ids))
        answers = {
            where.pk: rng.choices(where_ids, weights=[10, 5, 2, 7])[0],
            why.pk: rng.sample(why_ids[:3], rng.randint(1, 3)),
            housing.pk: rng.choice([1, 1, 2, 2, 2, 3, 4]),
            ranking.pk: {choice: rank for rank, choice in enumerate(order, start=1)},
            idea.pk: rng.choice(ideas),
        }
        survey_services.survey_answer(actor=person, survey=survey, answers=answers)
    process_services.process_close(actor=actor, process=process)
    return survey


def load(*, stdout) -> list[str]:
    actor = ensure_demo_user(local_part="operateur", full_name="", role=TerritoryRole.AGENCY, staff=True)
    agency = Organisation.objects.filter(kind=OrganisationKind.AGENCY).order_by("pk").first()
    if agency is None:
        return ["Jeunesse : pas d'organisation « agence », démonstration ignorée."]
    created = _partners(actor)
    survey = _survey(actor, agency)
    actions = Action.objects.filter(survey=survey)
    if not actions.exists():
        today = timezone.localdate()
        for title, decided_by, days_ago, status, description in ACTIONS:
            services.action_create(
                actor=actor,
                survey=survey,
                title=title,
                decided_by=decided_by,
                decided_on=today - dt.timedelta(days=days_ago),
                status=status,
                description=description,
            )
    # Once (a second load changes nothing), now and not on commit: the observatory's demo (after this one) counts the
    # agency's datasets.
    link = selectors.directory_open_data()
    dataset = link.dataset if link else opendata.directory_publish(actor=actor)
    return [
        f"Jeunesse : {Partnership.objects.count()} partenaires ({created} nouveaux), "
        f"le questionnaire « {SURVEY_TITLE} » ({survey.responses.count()} réponses), "
        f"{actions.count()} actions publiques, "
        f"l'annuaire en données ouvertes ({dataset.slug if dataset else 'non publié'})."
    ]
