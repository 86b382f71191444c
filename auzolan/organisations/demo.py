"""Demo territory and organisations: the Pays Basque, the agency and a pilot group of 12 communes."""

import datetime

from django.conf import settings
from django.utils.text import slugify

from auzolan.accounts.demo import demo_email, ensure_demo_user
from auzolan.accounts.models import TerritoryRole
from auzolan.core.text import de
from auzolan.core.validators import siret_of
from auzolan.organisations.models import College, Commune, Membership, MembershipStatus, Organisation, OrganisationKind
from auzolan.organisations.services import territory_load

ORDER = 20

# INSEE code, agents (plausible orders of magnitude), the year they joined
PILOT_COMMUNES = [
    ("64102", 1250, 2022),  # Bayonne
    ("64024", 820, 2022),  # Anglet
    ("64122", 610, 2022),  # Biarritz
    ("64260", 350, 2023),  # Hendaye
    ("64483", 330, 2023),  # Saint-Jean-de-Luz
    ("64545", 140, 2023),  # Urrugne
    ("64140", 120, 2024),  # Boucau
    ("64547", 110, 2024),  # Ustaritz
    ("64256", 105, 2024),  # Hasparren
    ("64160", 95, 2024),  # Cambo-les-Bains
    ("64371", 55, 2025),  # Mauléon-Licharre
    ("64485", 30, 2025),  # Saint-Jean-Pied-de-Port
]

OTHER_ORGANISATIONS = [
    # name, kind, college, description
    (
        "Agence numérique du Pays Basque",
        OrganisationKind.AGENCY,
        College.FOUNDERS,
        "L'agence qui anime la plateforme : acculturation, jeunesse, participation, données ouvertes.",
    ),
    (
        "Lycée polyvalent du Labourd (démo)",
        OrganisationKind.SCHOOL,
        College.EDUCATION,
        "Établissement partenaire du projet sur les compétences entrepreneuriales des élèves.",
    ),
    (
        "CFA des métiers du Pays Basque (démo)",
        OrganisationKind.CFA,
        College.EDUCATION,
        "Centre de formation d'apprentis partenaire des Rencontres Numériques.",
    ),
    (
        "Campus universitaire de la Côte basque (démo)",
        OrganisationKind.UNIVERSITY,
        College.EDUCATION,
        "Laboratoires et formations associés à l'observatoire du territoire.",
    ),
    (
        "Hegoa Datu, coopérative numérique (démo)",
        OrganisationKind.COMPANY,
        College.ECONOMY,
        "Entreprise locale qui réutilise les données ouvertes du territoire.",
    ),
    (
        "Auzo Lab, association de médiation numérique (démo)",
        OrganisationKind.ASSOCIATION,
        College.CIVIL_SOCIETY,
        "Association qui accompagne les habitants dans leurs usages numériques.",
    ),
]


def _organisation(territory, *, name, kind, college, slug: str = "", **fields) -> Organisation:
    """Create the organisation once; an existing one is left as it is."""
    slug = slug or slugify(name.replace("(démo)", ""))[:80]
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        organisation = Organisation.objects.create(
            territory=territory,
            name=name,
            slug=slug,
            kind=kind,
            college=college,
            membership_status=MembershipStatus.MEMBER,
            **fields,
        )
    return organisation


def _member(organisation, user, role, *, referent=False) -> None:
    Membership.objects.get_or_create(
        organisation=organisation,
        user=user,
        defaults={"role": role, "state": Membership.State.ACTIVE, "is_referent": referent},
    )


def load(*, stdout) -> list[str]:
    data = settings.BASE_DIR / "data" / "territory"
    report = territory_load(
        epci_csv=data / "capb-communes-epcicom2025.csv", cog_csv=data / "capb-communes-cog.csv", slug="pays-basque"
    )
    territory = report.territory

    epci = _organisation(
        territory,
        name="Communauté d'Agglomération du Pays Basque",
        kind=OrganisationKind.EPCI,
        college=College.LOCAL_AUTHORITIES,
        siren=territory.siren,
        siret=siret_of(territory.siren),
        population=sum(c.population or 0 for c in territory.communes.all()),
        agents_count=1500,
        member_since=datetime.date(2021, 1, 1),
        description="L'intercommunalité des 158 communes du Pays Basque.",
    )
    if not epci.communes.exists():
        epci.communes.set(territory.communes.all())

    communes = {c.insee_code: c for c in Commune.objects.filter(insee_code__in=[code for code, *_ in PILOT_COMMUNES])}
    pilots = []
    for code, agents, year in PILOT_COMMUNES:
        commune = communes[code]
        organisation = _organisation(
            territory,
            name=f"Commune {de(commune.name)}",
            slug=f"commune-de-{slugify(commune.name)}",  # the address stays "commune-de-<name>" for every commune
            kind=OrganisationKind.COMMUNE,
            college=College.LOCAL_AUTHORITIES,
            siren=commune.siren,
            siret=siret_of(commune.siren) if commune.siren else "",
            population=commune.population,
            agents_count=agents,
            member_since=datetime.date(year, 1, 15),
        )
        if not organisation.communes.exists():
            organisation.communes.set([commune])
        pilots.append(organisation)

    others = {
        kind: _organisation(
            territory,
            name=name,
            kind=kind,
            college=college,
            description=description,
            member_since=datetime.date(2023, 9, 1),
        )
        for name, kind, college, description in OTHER_ORGANISATIONS
    }

    # Who is where: the role accounts, then one referent (administrator) per pilot commune.
    _member(
        others[OrganisationKind.AGENCY],
        ensure_demo_user(local_part="operateur", full_name="", role=TerritoryRole.AGENCY),
        Membership.Role.ADMIN,
    )
    elu = ensure_demo_user(local_part="elu", full_name="", role=TerritoryRole.ELECTED)
    agent = ensure_demo_user(local_part="agent", full_name="", role=TerritoryRole.AGENT)
    _member(pilots[0], elu, Membership.Role.ADMIN, referent=True)
    _member(pilots[0], agent, Membership.Role.EDITOR)
    _member(epci, agent, Membership.Role.MEMBER)
    _member(
        others[OrganisationKind.SCHOOL],
        ensure_demo_user(local_part="enseignant", full_name="", role=TerritoryRole.TEACHER),
        Membership.Role.ADMIN,
    )
    _member(
        others[OrganisationKind.COMPANY],
        ensure_demo_user(local_part="partenaire", full_name="", role=TerritoryRole.PARTNER),
        Membership.Role.ADMIN,
    )
    for organisation in [
        epci,
        *pilots[1:],
        others[OrganisationKind.CFA],
        others[OrganisationKind.UNIVERSITY],
        others[OrganisationKind.ASSOCIATION],
    ]:
        local_part = "referent-" + organisation.slug.removeprefix("commune-de-")[:40]
        referent = ensure_demo_user(
            local_part=local_part, full_name=f"Référent·e {organisation.name}", role=TerritoryRole.AGENT
        )
        _member(organisation, referent, Membership.Role.ADMIN, referent=True)

    return [
        "",
        f"Territoire : {territory.name}, {territory.communes.count()} communes ; "
        f"{Organisation.objects.public().count()} organisations membres dont {len(pilots)} communes pilotes.",
        f"Référents des communes pilotes : referent-<commune>@…, par exemple {demo_email('referent-anglet')}.",
    ]
