"""Demo catalogue: the SCDL schemas, then realistic datasets of several pilot communes, published.

Rows are generated from the schemas' fields with a seeded random generator, so every run produces the same
bytes. Idempotent: a dataset that already exists (same organisation, same title) is left as it is.
"""

from __future__ import annotations

import csv
import datetime
import io
import random

from django.core.files.base import ContentFile

from auzolan.catalog import services
from auzolan.catalog.management.commands.load_schemas import load_scdl_schemas
from auzolan.catalog.models import Dataset, Resource, TableSchema
from auzolan.catalog.quality import refresh_quality
from auzolan.organisations.models import Membership, Organisation

ORDER = 30

# slug of the organisation, latitude and longitude of the town centre, postcode
COMMUNES = {
    "commune-de-bayonne": (43.4933, -1.4751, "64100"),
    "commune-de-anglet": (43.4850, -1.5186, "64600"),
    "commune-de-biarritz": (43.4832, -1.5586, "64200"),
    "commune-de-hendaye": (43.3586, -1.7746, "64700"),
}

ASSOCIATIONS = [
    "Aviron Bayonnais Omnisports", "Comité des fêtes", "Ikastola du quartier", "Club de pelote basque",
    "Banque alimentaire du Pays Basque", "Chorale Kantuz", "Surf club de la côte", "Association des parents d'élèves",
    "Secours populaire, comité local", "Musée et patrimoine vivant", "Théâtre en euskara", "Jardins partagés",
]  # fmt: skip
OBJECTS = [
    "Fonctionnement annuel de l'association", "Organisation des fêtes de quartier", "Cours de langue basque",
    "Aide alimentaire aux familles", "Stage sportif pour les jeunes", "Festival de musique traditionnelle",
    "Entretien des jardins partagés", "Sorties culturelles des seniors",
]  # fmt: skip
DELIBERATION_SUBJECTS = [
    ("7.1", "Finances locales/Décisions budgétaires", "Vote du budget primitif"),
    ("7.5", "Finances locales/Subventions", "Attribution de subventions aux associations"),
    ("1.1", "Commande publique/Marchés publics", "Attribution du marché de restauration scolaire"),
    ("2.1", "Urbanisme/Documents d'urbanisme", "Modification simplifiée du plan local d'urbanisme"),
    ("4.1", "Fonction publique/Personnel titulaire", "Mise à jour du tableau des effectifs"),
    ("8.4", "Domaines de compétences par thèmes/Aménagement du territoire", "Aménagement d'une piste cyclable"),
    ("3.3", "Domaine et patrimoine/Locations", "Convention d'occupation du fronton municipal"),
    ("9.1", "Autres domaines de compétences/Autres domaines", "Motion pour la langue basque"),
]  # fmt: skip
EQUIPMENTS = [
    ("Equipement administratif", "01010401-001", "Mairie", "Hôtel de ville"),
    ("Equipement sportif", "06010101-001", "Salle multisports", "Salle des sports municipale"),
    ("Equipement sportif", "06030201-001", "Fronton", "Fronton municipal"),
    ("Equipement culturel", "05010101-001", "Médiathèque", "Médiathèque municipale"),
    ("Equipement d'enseignement", "04010101-001", "École maternelle", "École maternelle du bourg"),
    ("Equipement social et d'animation", "03020101-001", "Centre social", "Maison de quartier"),
]
STREETS = ["Rue Victor Hugo", "Avenue de la Plage", "Place de la Mairie", "Rue du Port", "Allée des Platanes"]

LONG_TEXT = (
    "Ce jeu de données est publié par la commune dans le cadre de la démarche d'ouverture des données du territoire. "
)


def _siret(organisation: Organisation) -> str:
    return (organisation.siren or "000000000") + "00018"


def _subventions(rng: random.Random, organisation: Organisation, fields: list[str]) -> list[dict]:
    rows = []
    for index in range(40):
        day = datetime.date(2025, 1, 15) + datetime.timedelta(days=rng.randrange(330))
        rows.append(
            {
                "nomAttribuant": organisation.name,
                "idAttribuant": _siret(organisation),
                "dateConvention": day.isoformat(),
                "referenceDecision": f"2025-{index + 1:03d}",
                "nomBeneficiaire": rng.choice(ASSOCIATIONS),
                "idBeneficiaire": "".join(str(rng.randrange(10)) for _ in range(14)),
                "rnaBeneficiaire": "W64" + "".join(str(rng.randrange(10)) for _ in range(7)),
                "objet": rng.choice(OBJECTS),
                "montant": f"{rng.randrange(300, 25000)}.00",
                "nature": "aide en numéraire",
                "conditionsVersement": rng.choice(["unique", "échelonné"]),
                "datesPeriodeVersement": f"{day.isoformat()}/{(day + datetime.timedelta(days=90)).isoformat()}",
                "idRAE": "",
                "notificationUE": "non",
                "pourcentageSubvention": f"{rng.choice([0.1, 0.25, 0.5, 0.8, 1]):.2f}",
                "dispositifAide": "",
            }
        )
    return rows


def _deliberations(rng: random.Random, organisation: Organisation, fields: list[str]) -> list[dict]:
    rows = []
    for index in range(30):
        code, matter, subject = rng.choice(DELIBERATION_SUBJECTS)
        day = datetime.date(2025, 1, 30) + datetime.timedelta(days=35 * (index // 3))
        present = rng.randrange(29, 35)
        against = rng.randrange(0, 6)
        abstention = rng.randrange(0, 3)
        rows.append(
            {
                "COLL_NOM": organisation.name,
                "COLL_SIRET": _siret(organisation),
                "DELIB_ID": f"DEL-2025-{index + 1:03d}",
                "DELIB_DATE": day.isoformat(),
                "DELIB_MATIERE_CODE": code,
                "DELIB_MATIERE_NOM": matter,
                "DELIB_OBJET": subject,
                "BUDGET_ANNEE": "2025" if code.startswith("7") else "",
                "BUDGET_NOM": "Budget principal" if code.startswith("7") else "",
                "PREF_ID": f"064-{_siret(organisation)[:9]}-2025{index + 1:04d}",
                "PREF_DATE": (day + datetime.timedelta(days=3)).isoformat(),
                "VOTE_EFFECTIF": "35",
                "VOTE_REEL": str(present),
                "VOTE_POUR": str(present - against - abstention),
                "VOTE_CONTRE": str(against),
                "VOTE_ABSTENTION": str(abstention),
                "DELIB_URL": "",
            }
        )
    return rows


def _equipements(rng: random.Random, organisation: Organisation, fields: list[str]) -> list[dict]:
    latitude, longitude, postcode = COMMUNES[organisation.slug]
    commune = organisation.communes.first()
    insee = commune.insee_code if commune else "64000"
    rows = []
    for index, (theme, code, kind, name) in enumerate(EQUIPMENTS):
        rows.append(
            {
                "COLL_NOM": organisation.name,
                "COLL_SIRET": _siret(organisation),
                "EQUIP_UID": f"{insee}-{code}",
                "EQUIP_THEME": theme,
                "EQUIP_CODE": code,
                "EQUIP_TYPE": kind,
                "EQUIP_NOM": name,
                "ADR_NUMERO": str(rng.randrange(1, 60)),
                "ADR_NOMVOIE": rng.choice(STREETS),
                "ADR_CODEPOSTAL": postcode,
                "ADR_COMMUNE": commune.name if commune else "",
                "ADR_CLE_INTEROP": "",
                "ERP_ID": "",
                "ERP_TYPE": "",
                "ERP_CATEGORIE": str(rng.randrange(1, 6)),
                "EQUIP_LAT": f"{latitude + rng.uniform(-0.01, 0.01):.6f}",
                "EQUIP_LONG": f"{longitude + rng.uniform(-0.01, 0.01):.6f}",
                "EQUIP_OUVERTURE": "Mo-Fr 08:30-12:00,13:30-17:30" if index == 0 else "",
                "EQUIP_TEL": "",
                "EQUIP_EMAIL": "",
                "EQUIP_WEB": "",
            }
        )
    return rows


def _menus(rng: random.Random, organisation: Organisation, fields: list[str]) -> list[dict]:
    dishes = ["Axoa de veau", "Piperade et riz", "Merlu sauce verte", "Lentilles bio", "Poulet basquaise"]
    desserts = ["Gâteau basque", "Fromage de brebis", "Pomme du Pays Basque", "Yaourt fermier"]
    day = datetime.date(2025, 9, 1)
    rows = []
    while len(rows) < 40:
        if day.weekday() < 5 and day.weekday() != 2:
            rows.append({"date": day.isoformat(), "plat": rng.choice(dishes), "dessert": rng.choice(desserts)})
        day += datetime.timedelta(days=1)
    return rows


def _velos(rng: random.Random, organisation: Organisation, fields: list[str]) -> list[dict]:
    counters = ["Pont Saint-Esprit", "Allées Marines", "Avenue du 8 Mai 1945"]
    rows = []
    for offset in range(60):
        day = datetime.date(2025, 5, 1) + datetime.timedelta(days=offset)
        for counter in counters:
            weekend = day.weekday() >= 5
            rows.append(
                {
                    "date": day.isoformat(),
                    "compteur": counter,
                    "passages": rng.randrange(300, 1800) // (2 if weekend else 1),
                }
            )
    return rows


def _budget(rng: random.Random, organisation: Organisation, fields: list[str]) -> list[dict]:
    chapters = [
        ("011", "Charges à caractère général", "fonctionnement", "dépense"),
        ("012", "Charges de personnel", "fonctionnement", "dépense"),
        ("65", "Autres charges de gestion courante", "fonctionnement", "dépense"),
        ("73", "Impôts et taxes", "fonctionnement", "recette"),
        ("74", "Dotations et participations", "fonctionnement", "recette"),
        ("21", "Immobilisations corporelles", "investissement", "dépense"),
        ("16", "Emprunts et dettes", "investissement", "recette"),
    ]
    return [
        {
            "chapitre": code,
            "libelle": label,
            "section": section,
            "sens": sens,
            "montant_2026": rng.randrange(2, 60) * 250000,
        }
        for code, label, section, sens in chapters
    ]


DATASETS = [
    # organisation slug, title, schema, generator, keywords, themes, frequency, start, end, description
    *[
        (
            slug,
            "Subventions attribuées en 2025",
            "scdl/subventions",
            _subventions,
            ["subventions", "associations", "finances"],
            ["ECON", "GOVE"],
            "ANNUAL",
            datetime.date(2025, 1, 1),
            datetime.date(2025, 12, 31),
            "Les subventions versées par la commune aux associations en 2025 (montant, objet, bénéficiaire), "
            "publiées selon le schéma national du SCDL. Obligation légale au-delà de 23 000 euros.",
        )
        for slug in ("commune-de-bayonne", "commune-de-anglet", "commune-de-biarritz")
    ],
    *[
        (
            slug,
            "Délibérations du conseil municipal 2025",
            "scdl/deliberations",
            _deliberations,
            ["délibérations", "conseil municipal", "transparence"],
            ["GOVE"],
            "MONTHLY",
            datetime.date(2025, 1, 1),
            datetime.date(2025, 12, 31),
            "La liste des délibérations adoptées par le conseil municipal en 2025 : date, matière, objet, "
            "résultat des votes. Format du SCDL pour faciliter la comparaison entre communes.",
        )
        for slug in ("commune-de-bayonne", "commune-de-hendaye")
    ],
    *[
        (
            slug,
            "Équipements publics",
            "scdl/equipements",
            _equipements,
            ["équipements", "services publics", "sport", "culture"],
            ["REGI", "EDUC"],
            "IRREG",
            datetime.date(2025, 1, 1),
            None,
            "Les équipements publics de la commune (mairie, salles de sport, fronton, médiathèque, écoles) avec "
            "leur adresse et leurs coordonnées géographiques, selon le schéma Équipements du SCDL.",
        )
        for slug in ("commune-de-bayonne", "commune-de-anglet", "commune-de-biarritz", "commune-de-hendaye")
    ],
    (
        "commune-de-anglet",
        "Menus de la restauration scolaire",
        None,
        _menus,
        ["cantine", "restauration scolaire", "alimentation"],
        ["EDUC", "AGRI"],
        "WEEKLY",
        datetime.date(2025, 9, 1),
        datetime.date(2025, 12, 19),
        "Les menus servis dans les écoles de la commune, jour par jour : plat principal et dessert. Les "
        "produits locaux et biologiques sont privilégiés par la cuisine centrale.",
    ),
    (
        "commune-de-bayonne",
        "Comptages vélos sur les pistes cyclables",
        None,
        _velos,
        ["vélos", "mobilité", "pistes cyclables"],
        ["TRAN"],
        "DAILY",
        datetime.date(2025, 5, 1),
        datetime.date(2025, 6, 29),
        "Le nombre de passages de vélos mesuré chaque jour par les compteurs automatiques installés sur les "
        "pistes cyclables de la ville. Utile pour suivre l'usage du vélo au quotidien.",
    ),
    (
        "commune-de-biarritz",
        "Budget primitif 2026",
        None,
        _budget,
        ["budget", "finances"],
        ["ECON", "GOVE"],
        "ANNUAL",
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
        "Le budget primitif 2026 voté par le conseil municipal, par chapitre : dépenses et recettes de "
        "fonctionnement et d'investissement, en euros.",
    ),
]


def _csv_bytes(rows: list[dict], header: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _publisher(organisation: Organisation):
    membership = (
        Membership.objects.filter(
            organisation=organisation,
            state=Membership.State.ACTIVE,
            role__in=[Membership.Role.EDITOR, Membership.Role.ADMIN],
        )
        .select_related("user")
        .order_by("-role", "pk")
        .first()
    )
    return membership.user if membership else None


def load(*, stdout) -> list[str]:
    load_scdl_schemas()
    schemas = {schema.name: schema for schema in TableSchema.objects.filter(is_scdl=True)}
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=COMMUNES)}
    created = 0
    for index, (slug, title, schema_name, generate, keywords, themes, frequency, start, end, text) in enumerate(
        DATASETS
    ):
        organisation = organisations.get(slug)
        if organisation is None or Dataset.objects.filter(organisation=organisation, title=title).exists():
            continue
        actor = _publisher(organisation)
        if actor is None:
            continue
        schema = schemas.get(schema_name) if schema_name else None
        rng = random.Random(f"auzolan-demo-{slug}-{index}")  # the same rows, hence the same bytes, on every run
        rows = generate(rng, organisation, [])
        header = [field["name"] for field in schema.descriptor["fields"]] if schema else list(rows[0])
        dataset = services.dataset_create(
            actor=actor,
            organisation=organisation,
            title=title,
            description=LONG_TEXT + text,
            keywords=keywords,
            themes=themes,
            communes=list(organisation.communes.all()),
            frequency=frequency,
            temporal_start=start,
            temporal_end=end,
            licence="lov2",
            contact_name=f"Service des données, {organisation.name}",
            schema=schema,
        )
        services.resource_add(
            actor=actor,
            dataset=dataset,
            kind=Resource.Kind.FILE,
            title=f"{title} (CSV)",
            description=(
                f"Une ligne par enregistrement, séparateur virgule, encodage UTF-8. Colonnes : {', '.join(header)}."
            ),
            file=ContentFile(_csv_bytes(rows, header), name=f"{dataset.slug}.csv"),
            format="csv",
        )
        if schema is not None:
            services.resource_add(
                actor=actor,
                dataset=dataset,
                kind=Resource.Kind.DOCUMENTATION,
                title=f"Schéma {schema.title}",
                url=schema.url or "https://schema.data.gouv.fr/",
                format="json",
            )
        dataset = services.dataset_publish(actor=actor, dataset=dataset)
        refresh_quality(dataset)
        created += 1
    published = Dataset.objects.published().count()
    return [f"Catalogue : {published} jeux de données publiés ({created} ajoutés), {len(schemas)} schémas du SCDL."]
