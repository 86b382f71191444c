"""Demo participation for Bayonne: a live idea box, a consultation with its survey running, and a participatory budget
whose vote is over, with district budgets, ballots, computed and published results, follow-up and open data.

Everything goes through the services (the budgets demo replays the past with their `at` argument). Idempotent: a
process that already exists (same organisation, same title) is left as it is.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from auzolan.accounts.demo import ensure_demo_user
from auzolan.accounts.models import TerritoryRole
from auzolan.organisations.models import Membership, Organisation
from auzolan.participation.demo_budgets import load_demo_budgets
from auzolan.participation.demo_guides import load_guides
from auzolan.participation.demo_surveys import load_demo_survey
from auzolan.participation.models import District, Process, Proposal
from auzolan.participation.models.surveys import ProcessOpenData
from auzolan.participation.services import comments as comment_services
from auzolan.participation.services import followup as followup_services
from auzolan.participation.services import opendata as opendata_services
from auzolan.participation.services import processes as process_services
from auzolan.participation.services import proposals as proposal_services

ORDER = 40
ORGANISATION_SLUG = "commune-de-bayonne"
CITIZENS = 24

DISTRICTS = [
    ("Grand Bayonne", "64100"),
    ("Petit Bayonne", "64100"),
    ("Saint-Esprit", "64100"),
]
#: Simplified outlines of the three historic districts (longitude, latitude): west of the Nive, east of the Nive,
#: north of the Adour. Drawn for the demo from the map of Bayonne; not an official boundary.
OUTLINES = {
    "Grand Bayonne": [
        (-1.4743, 43.4944),
        (-1.4790, 43.4950),
        (-1.4840, 43.4925),
        (-1.4855, 43.4870),
        (-1.4800, 43.4835),
        (-1.4745, 43.4840),
        (-1.4743, 43.4944),
    ],
    "Petit Bayonne": [
        (-1.4741, 43.4944),
        (-1.4741, 43.4840),
        (-1.4680, 43.4820),
        (-1.4610, 43.4860),
        (-1.4630, 43.4930),
        (-1.4700, 43.4948),
        (-1.4741, 43.4944),
    ],
    "Saint-Esprit": [
        (-1.4790, 43.4965),
        (-1.4700, 43.4962),
        (-1.4600, 43.4950),
        (-1.4560, 43.5010),
        (-1.4650, 43.5060),
        (-1.4760, 43.5040),
        (-1.4790, 43.4965),
    ],
}

IDEA_BOX = "Boîte à idées : une ville plus agréable à pied"
CONSULTATION = "Consultation : le réaménagement du parc"
BUDGET = "Budget participatif 2026"

#: (title, body, district, place in words, (latitude, longitude) or None)
IDEAS = [
    (
        "Des fontaines à eau potable dans les parcs",
        "Quand il fait chaud, il n'y a nulle part où remplir sa gourde.",
        "Petit Bayonne",
        "Jardins du Château-Neuf",
        (43.4875, -1.4680),
    ),
    (
        "Un passage piéton devant la crèche",
        "Les voitures roulent vite rue des Faures ; les parents traversent à risque.",
        "Grand Bayonne",
        "Rue des Faures, devant la crèche",
        (43.4893, -1.4770),
    ),
    (
        "Des bancs le long de l'Adour",
        "Pour que les personnes âgées puissent faire une pause pendant la promenade.",
        "Saint-Esprit",
        "Quai de Lesseps",
        (43.4970, -1.4690),
    ),
    (
        "Éclairer le chemin de halage",
        "Le soir, le chemin est trop sombre pour rentrer à pied ou à vélo.",
        "Petit Bayonne",
        "Chemin de halage de la Nive, en amont du pont Génie",
        (43.4850, -1.4725),
    ),
    (
        "Des arceaux vélos près du marché",
        "Le samedi matin, on ne sait pas où attacher son vélo.",
        "Grand Bayonne",
        "Autour des halles, quai Commandant Roquebert",
        (43.4926, -1.4752),
    ),
    (
        "Ouvrir la cour de l'école le week-end",
        "Un lieu de jeu sûr pour les enfants du quartier.",
        "Saint-Esprit",
        "École du quartier Saint-Esprit",
        (43.4995, -1.4680),
    ),
    (
        "Des toilettes publiques au Petit Bayonne",
        "Il n'y en a aucune entre les quais et la cathédrale.",
        "Petit Bayonne",
        "Entre le quai Galuperie et la rue Pannecau",
        None,
    ),
    (
        "Planter des arbres place Paul Bert",
        "La place est brûlante en été ; de l'ombre la rendrait vivante.",
        "Petit Bayonne",
        "Place Paul Bert",
        (43.4896, -1.4712),
    ),
]
COMMENTS = [
    ("for", "Très bonne idée, je soutiens !"),
    ("for", "Indispensable pour les familles du quartier."),
    ("neutral", "Il faudrait préciser l'endroit exact et le coût."),
    ("against", "Je crains que ce soit difficile à entretenir."),
]


def load(*, stdout) -> list[str]:
    guides = load_guides()
    organisation = Organisation.objects.filter(slug=ORGANISATION_SLUG).first()
    if organisation is None:
        return ["Participation : commune de Bayonne absente, démonstration ignorée."]
    editor = (
        Membership.objects.filter(organisation=organisation, role__in=["admin", "editor"], state="active")
        .select_related("user")
        .order_by("role")
        .first()
    )
    if editor is None:
        return ["Participation : aucun éditeur à Bayonne, démonstration ignorée."]
    actor = editor.user
    citizens = _citizens()
    districts = _districts(actor, organisation)
    today = timezone.localdate()

    idea_box = _process(actor, organisation, Process.Template.IDEA_BOX, IDEA_BOX, today - timedelta(days=20), districts)
    if not idea_box.proposals.exists():
        _ideas(actor, idea_box, citizens, districts)

    consultation = _process(
        actor, organisation, Process.Template.CONSULTATION, CONSULTATION, today - timedelta(days=16), districts
    )
    load_demo_survey(actor=actor, process=consultation, respondents=citizens[:14])

    budget_process = _process(
        actor, organisation, Process.Template.BUDGET, BUDGET, today - timedelta(days=14 + 45 + 45 + 21 + 10), districts
    )
    budgets = load_demo_budgets(actor=actor, process=budget_process, districts=districts, voters=citizens)
    if not budget_process.followups.exists():
        for budget in budgets:
            for project in budget.projects.filter(is_winner=True)[:2]:
                item = followup_services.followup_create(
                    actor=actor,
                    process=budget_process,
                    project=project,
                    title=project.title,
                    status="in_progress",
                    progress=30,
                )
                followup_services.followup_update_add(
                    actor=actor,
                    followup=item,
                    date=today - timedelta(days=3),
                    text="Les études sont lancées ; les travaux commenceront au printemps.",
                    status="in_progress",
                    progress=30,
                )
    if not ProcessOpenData.objects.filter(process=budget_process).exists():
        opendata_services.process_publish_open_data(actor=actor, process=budget_process)
    return [
        "",
        f"Participation : {guides} guides, 3 démarches à Bayonne (boîte à idées ouverte, consultation en cours, "
        f"budget participatif avec {sum(b.ballots.count() for b in budgets)} bulletins et résultats publiés).",
    ]


def _citizens() -> list:
    citizens = []
    for number in range(1, CITIZENS + 1):
        user = ensure_demo_user(
            local_part=f"habitant-{number:02d}", full_name=f"Habitant·e {number}", role=TerritoryRole.CITIZEN
        )
        if timezone.now() - user.date_joined < timedelta(days=2):
            # Demo accounts stand for long-standing residents (new accounts are rate-limited harder).
            type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=90))
            user.refresh_from_db()
        citizens.append(user)
    return citizens


def _districts(actor, organisation) -> list[District]:
    districts = []
    for name, postal_code in DISTRICTS:
        outline = {"type": "Polygon", "coordinates": [[list(point) for point in OUTLINES[name]]]}
        district = District.objects.filter(organisation=organisation, name=name).first()
        if district is None:
            district = process_services.district_create(
                actor=actor, organisation=organisation, name=name, postal_codes=postal_code, geometry=outline
            )
        elif district.geometry is None:
            district = process_services.district_update(
                actor=actor,
                district=district,
                name=district.name,
                postal_codes=district.postal_codes,
                commune=district.commune,
                geometry=outline,
            )
        districts.append(district)
    return districts


def _process(actor, organisation, template, title, starts_on, districts) -> Process:
    process = Process.objects.filter(organisation=organisation, title=title).first()
    if process is not None:
        return process
    process = process_services.process_create(
        actor=actor,
        organisation=organisation,
        template=template,
        title=title,
        summary="Une démarche de démonstration de la commune de Bayonne.",
        description="Chacun peut participer : **proposez**, commentez, votez. La commune répond à chaque contribution.",
        theme="urbanism",
        starts_on=starts_on,
        districts=districts,
    )
    for category in ("Mobilités", "Espaces verts", "Équipements"):
        process_services.category_create(actor=actor, process=process, name=category)
    return process_services.process_publish(actor=actor, process=process)


def _ideas(actor, process: Process, citizens, districts) -> None:
    rng = random.Random(7)
    categories = list(process.categories.all())
    proposals = []
    by_name = {district.name: district for district in districts}
    for number, (title, body, district, place, point) in enumerate(IDEAS):
        proposals.append(
            proposal_services.proposal_create(
                actor=citizens[number],
                process=process,
                title=title,
                body=body,
                category=categories[number % len(categories)],
                district=by_name[district],
                place=place,
                latitude=point[0] if point else None,
                longitude=point[1] if point else None,
            )
        )
    for citizen in citizens:
        for proposal in rng.sample(proposals, 3):
            if proposal.author_id != citizen.pk:
                proposal_services.support_add(actor=citizen, proposal=proposal)
    for number, proposal in enumerate(proposals[:4]):
        for offset, (position, body) in enumerate(COMMENTS[: 2 + number % 3]):
            comment_services.comment_create(
                actor=citizens[(number + offset + 10) % len(citizens)],
                process=process,
                proposal=proposal,
                body=body,
                position=position,
            )
    proposal_services.proposal_answer(
        actor=actor,
        proposal=Proposal.objects.get(pk=proposals[4].pk),
        status=Proposal.Status.ACCEPTED,
        answer="Vingt arceaux seront posés autour des halles avant l'été.",
    )
    proposal_services.proposal_answer(
        actor=actor,
        proposal=Proposal.objects.get(pk=proposals[6].pk),
        status=Proposal.Status.UNDER_STUDY,
        answer="Les services techniques étudient deux emplacements possibles.",
    )
