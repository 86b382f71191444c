"""Demo data of the open data programme: the "Groupe pilote 2026" of the twelve pilot communes at clearly different
stages (from "just joined" to "re-used"), their referents, inventories, support meetings with decisions and actions
(some overdue), one decision on the legal obligation. Idempotent: what exists is left as it is.

The datasets, their files and validation reports come from the catalogue's demo (catalog/demo.py, ORDER 30): the
computed steps read them as they are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from auzolan.accounts.demo import demo_email, ensure_demo_user
from auzolan.accounts.models import TerritoryRole, User
from auzolan.catalog import reuses as catalog_reuses
from auzolan.catalog.models import Dataset, ReuseLink, TableSchema
from auzolan.core.text import de
from auzolan.opendata_programme import services
from auzolan.opendata_programme.models import (
    InventoryLine,
    Meeting,
    ObligationOverride,
    PilotGroup,
    PilotGroupMember,
    RoadmapStep,
    StepCheck,
    SupportAction,
)
from auzolan.organisations import services as organisations_services
from auzolan.organisations.demo import PILOT_COMMUNES
from auzolan.organisations.models import Membership, Organisation

ORDER = 50
GROUP_NAME = "Groupe pilote 2026"

#: title, description, owner service, theme, keywords, priority, personal-data risk, SCDL schema
INVENTORY = [
    (
        "Délibérations du conseil municipal",
        "Les délibérations adoptées en conseil municipal depuis 2020, avec leur objet, leur date et le vote.",
        "Secrétariat général",
        "Administration locale",
        "deliberations, conseil municipal",
        "high",
        "none",
        "scdl/deliberations",
    ),
    (
        "Subventions versées aux associations",
        "Bénéficiaire, objet, montant et date de convention des subventions votées chaque année.",
        "Vie associative",
        "Économie",
        "subventions, associations",
        "high",
        "none",
        "scdl/subventions",
    ),
    (
        "Budget primitif et compte administratif",
        "Les documents budgétaires au format du plan de comptes M57, par nature et par fonction.",
        "Finances",
        "Finances publiques",
        "budget, finances",
        "high",
        "none",
        "scdl/budget",
    ),
    (
        "Équipements publics",
        "Écoles, salles, gymnases, frontons et médiathèques : adresse, coordonnées et horaires.",
        "Services techniques",
        "Équipements",
        "equipements, services publics",
        "medium",
        "none",
        "scdl/equipements",
    ),
    (
        "Marchés publics attribués",
        "Les données essentielles des marchés de plus de 40 000 € HT : objet, titulaire, montant, durée.",
        "Commande publique",
        "Économie",
        "marches publics, commande publique",
        "high",
        "none",
        "scdl/marches-publics",
    ),
    (
        "Menus de la restauration scolaire",
        "Les menus servis dans les écoles de la commune, semaine par semaine, avec les produits bio et locaux.",
        "Restauration scolaire",
        "Éducation",
        "menus, cantine, ecoles",
        "medium",
        "none",
        "scdl/menus-collectifs",
    ),
    (
        "Prénoms des nouveau-nés",
        "Le nombre de naissances par prénom et par année, sans les prénoms donnés moins de trois fois.",
        "État civil",
        "Population",
        "prenoms, etat civil",
        "low",
        "low",
        "scdl/prenoms",
    ),
    (
        "Fréquentation de la médiathèque",
        "Entrées, prêts et inscriptions par mois, par tranche d'âge des lecteurs.",
        "Culture",
        "Culture",
        "mediatheque, lecture",
        "low",
        "low",
        "",
    ),
    (
        "Consommations d'énergie des bâtiments communaux",
        "Électricité, gaz et bois consommés chaque mois par bâtiment, pour suivre le plan de sobriété.",
        "Services techniques",
        "Énergie",
        "energie, batiments",
        "medium",
        "none",
        "",
    ),
    (
        "Points de collecte du verre et des textiles",
        "Emplacement des colonnes d'apport volontaire et jour de collecte.",
        "Environnement",
        "Environnement",
        "dechets, collecte",
        "medium",
        "none",
        "",
    ),
    (
        "Demandes de logement social",
        "Le fichier des demandeurs : nominatif, il ne peut pas être publié ; des statistiques agrégées le seront.",
        "Action sociale",
        "Logement",
        "logement social",
        "low",
        "high",
        "",
    ),
]


@dataclass(frozen=True)
class Stage:
    """How far a pilot commune went: committed, referents named, referents trained (checked), inventory lines,
    harvested by data.gouv.fr (checked), re-used, support meetings."""

    committed: bool
    referents: bool
    trained: bool
    lines: int
    harvested: bool
    reused: bool
    meetings: int


#: Per pilot commune, in the order of organisations.demo.PILOT_COMMUNES.
STAGES = [
    Stage(True, True, True, 9, True, True, 3),  # Bayonne
    Stage(True, True, True, 7, True, False, 3),  # Anglet
    Stage(True, True, True, 6, False, False, 2),  # Biarritz
    Stage(True, True, True, 5, False, False, 2),  # Hendaye
    Stage(True, True, False, 6, False, False, 2),  # SJdL
    Stage(True, True, True, 4, False, False, 1),  # Urrugne
    Stage(True, True, False, 3, False, False, 1),  # Boucau
    Stage(True, True, False, 2, False, False, 1),  # Ustaritz
    Stage(True, True, False, 4, False, False, 1),  # Hasparren
    Stage(True, False, False, 0, False, False, 1),  # Cambo
    Stage(True, False, False, 0, False, False, 0),  # Mauléon
    Stage(False, False, False, 0, False, False, 0),  # SJPdP
]


def _pilots() -> list[Organisation]:
    by_code = {
        o.communes.first().insee_code: o
        for o in Organisation.objects.filter(kind="commune", communes__insee_code__in=[c for c, *_ in PILOT_COMMUNES])
        .distinct()
        .prefetch_related("communes")
    }
    return [by_code[code] for code, *_ in PILOT_COMMUNES if code in by_code]


def _admin(organisation: Organisation) -> User | None:
    membership = (
        Membership.objects.filter(organisation=organisation, role=Membership.Role.ADMIN, state=Membership.State.ACTIVE)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _elected(operator: User, organisation: Organisation) -> User:
    local_part = "elu-" + organisation.slug.removeprefix("commune-de-")[:40]
    user = ensure_demo_user(
        local_part=local_part, full_name=f"Élu·e référent·e {de(organisation.name)}", role=TerritoryRole.ELECTED
    )
    if not Membership.objects.filter(organisation=organisation, user=user).exists():
        organisations_services.membership_add(
            actor=operator, organisation=organisation, email=user.email, role=Membership.Role.MEMBER
        )
    return user


def _check(operator, organisation, code: str, done_on: datetime.date, url: str, note: str = "") -> None:
    step = RoadmapStep.objects.filter(code=code).first()
    if step is None or StepCheck.objects.filter(organisation=organisation, step=step).exists():
        return
    services.step_check(
        actor=operator, organisation=organisation, step=step, done_on=done_on, evidence_url=url, note=note
    )


def _inventory(actor, organisation: Organisation, count: int, offset: int) -> None:
    if count == 0 or InventoryLine.objects.for_organisation(organisation).exists():
        return
    schemas = {s.name: s for s in TableSchema.objects.filter(is_scdl=True)}
    datasets = {
        d.schema.name: d
        for d in Dataset.objects.filter(organisation=organisation, schema__is_scdl=True).select_related("schema")
    }
    today = timezone.localdate()
    for index in range(count):
        title, description, service, theme, keywords, priority, risk, schema_name = INVENTORY[
            (index + offset) % len(INVENTORY)
        ]
        dataset = datasets.get(schema_name)
        if dataset is not None and dataset.state == Dataset.State.PUBLISHED:
            status = InventoryLine.Status.PUBLISHED
        elif risk == "high":
            status = InventoryLine.Status.ABANDONED
        else:
            status = InventoryLine.Status.PREPARING if index < 2 else InventoryLine.Status.IDENTIFIED
        line = services.inventory_line_save(
            actor=actor,
            organisation=organisation,
            title=title,
            description=description,
            owner_service=service,
            theme=theme,
            keywords=keywords,
            priority=priority,
            personal_data_risk=risk,
            target_date=today + datetime.timedelta(days=30 * (index + 1)),
            status=status,
            schema=schemas.get(schema_name),
        )
        if dataset is not None:
            InventoryLine.objects.filter(pk=line.pk).update(dataset=dataset)


#: Support meetings: (summary, notes, decisions, [(action, due in days from today, done)]); a follow-up first says
#: which communes it fits (by their stage). Each commune gets its own
#: meetings (the first is always a launch, then points that follow its progress), so no two communes share the same
#: follow-up — and only some actions are overdue.
LAUNCHES = [
    (
        "Lancement : périmètre, référents et calendrier.",
        "Présentation du programme et de la feuille de route. La commune choisit de commencer par ses délibérations "
        "et ses subventions, déjà tenues dans des tableurs.",
        "Désigner les deux référents avant la fin du mois.",
        [
            ("Envoyer la délibération d'engagement signée", -40, True),
            ("Lister les tableurs tenus par chaque service", -25, True),
        ],
    ),
    (
        "Lancement avec le maire et la DGS.",
        "Le maire souhaite publier d'abord les équipements sportifs et culturels, très demandés par les associations. "
        "La DGS s'inquiète du temps des agents : l'agence propose de préparer les fichiers avec eux.",
        "Commencer par les équipements, puis les subventions au second semestre.",
        [("Transmettre la liste des équipements tenue par les services techniques", -30, True)],
    ),
    (
        "Réunion de lancement en conseil municipal restreint.",
        "Questions des élus sur les données personnelles : l'agence rappelle que seuls les documents sans données "
        "personnelles, ou anonymisés, sont publiés.",
        "Présenter la démarche en conseil municipal ; nommer un agent référent au secrétariat de mairie.",
        [("Inscrire la délibération d'engagement à l'ordre du jour du conseil", -18, True)],
    ),
]
FOLLOW_UPS = [
    (
        lambda stage: stage.lines >= 5,
        "Point d'étape : premier jeu et validation SCDL.",
        "Revue de l'inventaire. Le fichier des subventions a été validé : deux colonnes de date à reformater.",
        "Publier les subventions corrigées.",
        [("Corriger les dates du fichier des subventions", -6, False)],
    ),
    (
        lambda stage: stage.lines > 0,
        "Atelier inventaire avec les chefs de service.",
        "Chaque service a décrit ses fichiers : la restauration scolaire tient les menus dans un tableur partagé, "
        "l'état civil peut fournir les prénoms agrégés.",
        "Prioriser les menus de la cantine et les prénoms des nouveau-nés.",
        [
            ("Compléter l'inventaire avec la médiathèque", 12, False),
            ("Vérifier le seuil de diffusion des prénoms", 25, False),
        ],
    ),
    (
        lambda stage: stage.referents,
        "Point sur la publication des délibérations.",
        "Les délibérations sont publiées sur le site de la commune en PDF ; l'agence montre comment en tirer le "
        "fichier SCDL à partir du registre.",
        "Produire le fichier des délibérations de 2025 au format SCDL.",
        [("Extraire le registre des délibérations 2025", -3, False)],
    ),
    (
        lambda stage: stage.lines >= 5 and not stage.harvested,
        "Préparation du moissonnage par data.gouv.fr.",
        "Le catalogue de la commune est prêt ; il reste à créer l'organisation sur data.gouv.fr et à y déclarer le "
        "flux DCAT de la plateforme.",
        "Déclarer le catalogue sur data.gouv.fr.",
        [("Créer le compte de la commune sur data.gouv.fr", 10, False)],
    ),
    (
        lambda stage: stage.reused,
        "Retour sur la première réutilisation.",
        "Une association de médiation numérique a publié une carte des associations soutenues ; la commune veut la "
        "présenter dans son bulletin municipal.",
        "Mettre à jour les subventions chaque trimestre.",
        [("Rédiger un article pour le bulletin municipal", 21, False)],
    ),
    (
        lambda stage: stage.lines >= 3,
        "Point budget : préparer le compte administratif.",
        "Le service finances exporte le budget depuis son logiciel ; les libellés des comptes doivent suivre la "
        "nomenclature M57.",
        "Publier le budget primitif 2026 avant l'été.",
        [("Demander l'export du budget à l'éditeur du logiciel financier", -9, False)],
    ),
    (
        lambda stage: stage.trained,
        "Point d'étape à distance.",
        "Les référents ont suivi la formation de l'agence ; la mairie manque de temps en période budgétaire.",
        "Reporter la publication des marchés après le vote du budget.",
        [("Fixer la date du prochain atelier", 7, False)],
    ),
]


def _meetings(operator, organisation: Organisation, stage: Stage, index: int) -> None:
    if stage.meetings == 0 or Meeting.objects.for_organisation(organisation).exists():
        return
    today = timezone.localdate()
    referent = _admin(organisation)
    fitting = [rest for when, *rest in FOLLOW_UPS if when(stage)]
    follow_ups = fitting[index % len(fitting) :] + fitting[: index % len(fitting)] if fitting else []
    plan = [LAUNCHES[index % len(LAUNCHES)], *follow_ups[: stage.meetings - 1]]
    for number, (summary, notes, decisions, actions) in enumerate(plan):
        meeting = services.meeting_save(
            actor=operator,
            organisation=organisation,
            date=today - datetime.timedelta(days=75 - 28 * number + index),
            participants=f"{referent.display_name if referent else 'Référent'}, DGS, "
            f"Maite Etxeberri (agence) — {summary}",
            notes=notes,
            decisions=decisions,
        )
        for title, due_in, done in actions:
            action = services.action_create(
                actor=operator,
                organisation=organisation,
                meeting=meeting,
                title=title,
                owner=referent if number == 0 else None,
                owner_name="" if number == 0 and referent else "Secrétariat général",
                due_date=today + datetime.timedelta(days=due_in + index % 3),
            )
            if done:
                services.action_set_done(actor=operator, action=action, done=True)


def _reuse(organisation: Organisation) -> None:
    dataset = Dataset.objects.published().filter(organisation=organisation, schema__is_scdl=True).first()
    if dataset is None or ReuseLink.objects.filter(dataset__organisation=organisation).exists():
        return
    citizen = ensure_demo_user(local_part="partenaire", full_name="", role=TerritoryRole.PARTNER)
    reuse = catalog_reuses.reuse_submit(
        actor=citizen,
        title=f"Carte des associations soutenues {de(organisation.name)}",
        description="Une carte interactive des associations subventionnées, par quartier et par domaine, réalisée "
        "par une association de médiation numérique avec les données ouvertes de la commune.",
        kind="visualisation",
        url="https://auzolab.example.org/cartes/subventions",
        datasets=[dataset],
    )
    moderator = _admin(organisation)
    if moderator is not None:
        for link in reuse.links.all():
            catalog_reuses.reuse_moderate(actor=moderator, link=link, approve=True)


def load(*, stdout) -> list[str]:
    operator = User.objects.filter(email=demo_email("operateur")).first()
    pilots = _pilots()
    if operator is None or not pilots:
        return []
    services.roadmap_template_seed()
    services.expected_schemas_seed()
    group = PilotGroup.objects.filter(name=GROUP_NAME).first() or services.pilot_group_save(
        actor=operator,
        name=GROUP_NAME,
        start_date=datetime.date(2026, 1, 12),
        goals="Chaque commune du groupe publie au moins un jeu de données conforme au SCDL dans l'année, ses "
        "référents sont formés et son catalogue est moissonné par data.gouv.fr.",
        description="Douze communes du Pays Basque, de la ville centre au bourg de montagne, avancent ensemble avec "
        "l'accompagnement de l'agence : ateliers mensuels, points individuels et entraide entre référents.",
    )
    today = timezone.localdate()
    for index, (organisation, stage) in enumerate(zip(pilots, STAGES, strict=False)):
        member = PilotGroupMember.objects.filter(group=group, organisation=organisation).first()
        if member is None:
            member = services.pilot_group_add_member(actor=operator, group=group, organisation=organisation)
        agent = _admin(organisation)
        if stage.committed:
            _check(
                operator,
                organisation,
                "commitment",
                datetime.date(2026, 1, 20) + datetime.timedelta(days=7 * index),
                f"https://auzolan.example.org/deliberations/{organisation.slug}-engagement-open-data.pdf",
                "Délibération du conseil municipal",
            )
        if stage.referents and agent is not None and member.agent_referent_id is None:
            services.referents_set(
                actor=operator, member=member, elected_referent=_elected(operator, organisation), agent_referent=agent
            )
        if stage.trained:
            _check(
                operator,
                organisation,
                "referents_trained",
                datetime.date(2026, 3, 10) + datetime.timedelta(days=3 * index),
                "https://auzolan.example.org/formations/open-data-elus-agents-session-1",
                "Session « Ouvrir ses données » à l'agence",
            )
        _inventory(agent or operator, organisation, stage.lines, index)
        if stage.harvested:
            _check(
                operator,
                organisation,
                "harvested",
                today - datetime.timedelta(days=15 + index),
                f"https://www.data.gouv.fr/fr/organizations/{organisation.slug}/",
            )
        if stage.reused:
            _reuse(organisation)
        _meetings(operator, organisation, stage, index)

    mauleon = next((o for o in pilots if "maul" in o.slug), None)
    if mauleon is not None and not ObligationOverride.objects.filter(organisation=mauleon).exists():
        services.obligation_override(
            actor=operator,
            organisation=mauleon,
            bound=True,
            reason="Sous-préfecture : la commune s'engage à publier comme une commune soumise (délibération de 2026).",
        )
    overdue = SupportAction.objects.filter(done=False, due_date__lt=today).count()
    return [
        "",
        f"Programme open data : « {GROUP_NAME} », {group.members.count()} communes, {overdue} actions en retard ; "
        f"tableau de bord /programme-open-data/ (compte operateur), feuille de route d'une commune "
        f"/organisations/{pilots[0].slug}/programme-open-data/.",
    ]
