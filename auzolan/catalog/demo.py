"""Demo catalogue: the SCDL schemas, then realistic datasets of several pilot communes, published.

Rows are generated from the schemas' fields with a seeded random generator, so every run produces the same
bytes. Idempotent: a dataset that already exists (same organisation, same title) is left as it is.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.text import slugify

from auzolan.catalog import demo_data, services
from auzolan.catalog.management.commands.load_schemas import load_scdl_schemas
from auzolan.catalog.models import Dataset, Resource, TableSchema
from auzolan.catalog.quality import refresh_quality
from auzolan.core.text import de
from auzolan.core.validators import luhn_complete, siret_of
from auzolan.organisations.models import Membership, Organisation

ORDER = 30

#: Said after each dataset's own description (which comes first, so that lists show what differs).
CLOSING_TEXT = " Publié dans le cadre de la démarche collective d'ouverture des données du territoire."


def _random_siret(rng: random.Random) -> str:
    """An association's SIRET, well formed (associations' SIREN mostly start with 3, 4, 5, 7 or 8)."""
    siren = luhn_complete(rng.choice("34578") + "".join(str(rng.randrange(10)) for _ in range(7)))
    return siret_of(siren, rng.choice([1, 1, 1, 2, 3]))


def _commune(organisation: Organisation):
    commune = organisation.communes.first()
    return commune, demo_data.COMMUNES[commune.name]


def _associations(name: str, place: demo_data.DemoCommune) -> list[str]:
    generic = [template.format(de=de(name)) for template in demo_data.GENERIC_ASSOCIATIONS]
    local = [
        template.format(district=district)
        for district in place.districts[:3]
        for template in demo_data.DISTRICT_ASSOCIATIONS
    ]
    return [*place.associations, *generic, *local]


def _amount(rng: random.Random, low: int, high: int) -> int:
    """Grants are spread like real ones: many small, a few large (log-uniform), rounded to 50 euros."""
    return max(low, round(math.exp(rng.uniform(math.log(low), math.log(high))) / 50) * 50)


def _subventions(rng: random.Random, organisation: Organisation) -> list[dict]:
    commune, place = _commune(organisation)
    beneficiaries = []
    for name in _associations(commune.name, place):
        has_siret = rng.random() < 0.8
        beneficiaries.append(
            {
                "nomBeneficiaire": name,
                "idBeneficiaire": _random_siret(rng) if has_siret else "",
                # RNA numbers: W, the department's prefix, then the register's order number.
                "rnaBeneficiaire": f"W64{rng.randrange(1, 4)}{rng.randrange(10**6):06d}"
                if rng.random() < 0.7 or not has_siret
                else "",
            }
        )
    rows = []
    for index in range(40):
        # Each association gets its yearly operating grant; some also get a grant for a project.
        if index < len(beneficiaries):
            beneficiary, (subject, low, high) = beneficiaries[index], demo_data.GRANT_OBJECTS[0]
        else:
            beneficiary, (subject, low, high) = rng.choice(beneficiaries), rng.choice(demo_data.GRANT_OBJECTS[1:])
        day = datetime.date(2025, 1, 20) + datetime.timedelta(days=rng.randrange(320))
        amount = _amount(rng, low, high)
        staged = amount > 10000 and rng.random() < 0.6
        end = day + datetime.timedelta(days=rng.choice([90, 180, 270]) if staged else 30)
        rows.append(
            {
                "nomAttribuant": organisation.name,
                "idAttribuant": siret_of(organisation.siren),
                "dateConvention": day.isoformat(),
                "referenceDecision": f"DEL-2025-{rng.randrange(1, 120):03d}",
                **beneficiary,
                "objet": subject,
                "montant": f"{amount}.00",
                "nature": "aide en numéraire" if rng.random() < 0.9 else "aide en nature",
                "conditionsVersement": "échelonné" if staged else "unique",
                "datesPeriodeVersement": f"{day.isoformat()}/{end.isoformat()}",
                "idRAE": "",
                "notificationUE": "non",
                "pourcentageSubvention": f"{rng.choice([0.1, 0.2, 0.25, 0.3, 0.5, 0.6, 0.8, 1]):.2f}",
                "dispositifAide": "",
            }
        )
    return sorted(rows, key=lambda row: row["dateConvention"])


def council_size(population: int) -> int:
    """Members of the municipal council for a population (Code général des collectivités territoriales, L2121-2)."""
    sizes = [
        (100, 7), (500, 11), (1500, 15), (2500, 19), (3500, 23), (5000, 27), (10000, 29), (20000, 33),
        (30000, 35), (40000, 39), (50000, 43), (60000, 45), (80000, 49), (100000, 53),
    ]  # fmt: skip
    return next((size for bound, size in sizes if population < bound), 55)


def _deliberations(rng: random.Random, organisation: Organisation) -> list[dict]:
    commune, place = _commune(organisation)
    business = [*place.council, *demo_data.COUNCIL_BUSINESS]
    rng.shuffle(business)
    business = business[:30]
    members = council_size(commune.population_municipal or commune.population or 0)
    # About one meeting a month (not in August), a few decisions each, the budget first.
    meetings = [
        datetime.date(2025, month, 1) + datetime.timedelta(days=rng.randrange(18, 26)) for month in range(1, 13)
    ]
    meetings = [day for day in meetings if day.month != 8]
    business.sort(key=lambda item: (item[2] != "Vote du budget primitif 2025", rng.random()))
    rows = []
    for index, (code, matter, subject) in enumerate(business):
        day = meetings[min(index * len(meetings) // len(business), len(meetings) - 1)]
        voters = members - rng.randrange(0, 6)
        contested = rng.random() < 0.35
        against = rng.randrange(1, 8) if contested else 0
        abstention = rng.randrange(0, 4) if contested else 0
        budget = code == "7.1"
        delib_id = f"{day.year}-{index + 1:03d}"
        rows.append(
            {
                "COLL_NOM": organisation.name,
                "COLL_SIRET": siret_of(organisation.siren),
                "DELIB_ID": delib_id,
                "DELIB_DATE": day.isoformat(),
                "DELIB_MATIERE_CODE": code,
                "DELIB_MATIERE_NOM": matter,
                "DELIB_OBJET": subject,
                "BUDGET_ANNEE": "2025" if budget else "",
                "BUDGET_NOM": "Budget principal" if budget else "",
                "PREF_ID": f"064-{organisation.siren}-{day:%Y%m%d}-{delib_id}-DE",
                "PREF_DATE": (day + datetime.timedelta(days=rng.randrange(2, 8))).isoformat(),
                "VOTE_EFFECTIF": str(members),
                "VOTE_REEL": str(voters),
                "VOTE_POUR": str(voters - against - abstention),
                "VOTE_CONTRE": str(against),
                "VOTE_ABSTENTION": str(abstention),
                "DELIB_URL": "",
            }
        )
    return rows


def _near(rng: random.Random, centre: tuple[float, float], metres: float) -> tuple[float, float]:
    """A point at most `metres` from `centre` (uniform over the disc)."""
    distance = metres * math.sqrt(rng.random())
    angle = rng.uniform(0, 2 * math.pi)
    latitude = centre[0] + distance * math.cos(angle) / 111_320
    longitude = centre[1] + distance * math.sin(angle) / (111_320 * math.cos(math.radians(centre[0])))
    return latitude, longitude


def _equipements(rng: random.Random, organisation: Organisation) -> list[dict]:
    commune, place = _commune(organisation)
    rows = []
    numbers: dict[str, int] = {}
    for index, (theme, code, kind, name, erp_type, erp_category) in enumerate(place.places):
        numbers[code] = numbers.get(code, 0) + 1
        equip_code = f"{code}-{numbers[code]:03d}"
        # The town hall is at the centre; the others within about 1.2 km of it.
        latitude, longitude = place.centre if index == 0 else _near(rng, place.centre, 1200)
        street = place.streets[index % len(place.streets)]
        number = rng.randrange(1, 60)
        rows.append(
            {
                "COLL_NOM": organisation.name,
                "COLL_SIRET": siret_of(organisation.siren),
                "EQUIP_UID": f"{place.insee}-{equip_code}",
                "EQUIP_THEME": theme,
                "EQUIP_CODE": equip_code,
                "EQUIP_TYPE": kind,
                "EQUIP_NOM": name,
                "ADR_NUMERO": str(number),
                "ADR_NOMVOIE": street,
                "ADR_CODEPOSTAL": place.postcode,
                "ADR_COMMUNE": commune.name,
                "ADR_CLE_INTEROP": f"{place.insee}_{place.streets.index(street) + 1:04d}_{number:05d}",
                "ERP_ID": "",
                "ERP_TYPE": erp_type,
                "ERP_CATEGORIE": str(erp_category),
                "EQUIP_LAT": f"{latitude:.6f}",
                "EQUIP_LONG": f"{longitude:.6f}",
                "EQUIP_OUVERTURE": OPENING_HOURS.get(kind, ""),
                "EQUIP_TEL": f"0559{rng.randrange(10**6):06d}",
                "EQUIP_EMAIL": "",
                "EQUIP_WEB": "",
            }
        )
    return rows


OPENING_HOURS = {
    "Mairie": "Mo-Fr 08:30-12:00,13:30-17:30",
    "Médiathèque": "Tu,Th,Fr 13:00-18:30; We,Sa 10:00-18:00",
    "Piscine": "Mo-Fr 12:00-14:00,17:00-21:00; Sa,Su 10:00-19:00",
    "Patinoire": "We,Sa,Su 14:00-18:00",
    "Musée": "Tu-Su 10:00-12:30,14:00-18:00",
}


def _menus(rng: random.Random, organisation: Organisation) -> list[dict]:
    dishes = ["Axoa de veau", "Piperade et riz", "Merlu sauce verte", "Lentilles bio", "Poulet basquaise"]
    desserts = ["Gâteau basque", "Fromage de brebis", "Pomme du Pays Basque", "Yaourt fermier"]
    day = datetime.date(2025, 9, 1)
    rows = []
    while len(rows) < 40:
        if day.weekday() < 5 and day.weekday() != 2:
            rows.append({"date": day.isoformat(), "plat": rng.choice(dishes), "dessert": rng.choice(desserts)})
        day += datetime.timedelta(days=1)
    return rows


def _velos(rng: random.Random, organisation: Organisation) -> list[dict]:
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


def _budget(rng: random.Random, organisation: Organisation) -> list[dict]:
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


@dataclass(frozen=True)
class DemoDataset:
    commune: str
    title: str
    schema: str | None
    generate: Callable[[random.Random, Organisation], list[dict]]
    keywords: list[str]
    themes: list[str]
    frequency: str
    start: datetime.date
    end: datetime.date | None
    text: str


def demo_datasets() -> list[DemoDataset]:
    """The demo catalogue: for each commune, its own title, description and rows."""
    datasets = []
    for name in ("Bayonne", "Anglet", "Biarritz", "Saint-Jean-de-Luz"):
        datasets.append(
            DemoDataset(
                name,
                f"Subventions aux associations {de(name)} en 2025",
                "scdl/subventions",
                _subventions,
                ["subventions", "associations", "finances", name.lower()],
                ["ECON", "GOVE"],
                "ANNUAL",
                datetime.date(2025, 1, 1),
                datetime.date(2025, 12, 31),
                f"Les subventions que la commune {de(name)} a versées aux associations en 2025 : bénéficiaire, objet, "
                "montant, conditions de versement, publiées selon le schéma national du SCDL. La publication est une "
                "obligation légale pour les subventions de plus de 23 000 euros ; la commune publie toutes les autres.",
            )
        )
    for name in ("Bayonne", "Hendaye", "Hasparren"):
        datasets.append(
            DemoDataset(
                name,
                f"Délibérations du conseil municipal {de(name)} en 2025",
                "scdl/deliberations",
                _deliberations,
                ["délibérations", "conseil municipal", "transparence", name.lower()],
                ["GOVE"],
                "MONTHLY",
                datetime.date(2025, 1, 1),
                datetime.date(2025, 12, 31),
                f"Les délibérations adoptées en 2025 par le conseil municipal {de(name)} : date, matière de la "
                "nomenclature ACTES, objet, transmission en préfecture et résultat des votes, au format du SCDL pour "
                "comparer les communes entre elles.",
            )
        )
    for name in ("Bayonne", "Anglet", "Biarritz", "Hendaye", "Saint-Jean-de-Luz", "Hasparren"):
        places = ", ".join(place[3] for place in demo_data.COMMUNES[name].places[1:4])
        datasets.append(
            DemoDataset(
                name,
                f"Équipements publics {de(name)}",
                "scdl/equipements",
                _equipements,
                ["équipements", "services publics", "sport", "culture", name.lower()],
                ["REGI", "EDUC"],
                "IRREG",
                datetime.date(2025, 1, 1),
                None,
                f"Les équipements publics de la commune {de(name)} ({places}…) avec leur adresse, leurs horaires et "
                "leurs coordonnées géographiques, selon le schéma Équipements collectifs publics du SCDL.",
            )
        )
    datasets += [
        DemoDataset(
            "Anglet",
            "Menus de la restauration scolaire d'Anglet",
            None,
            _menus,
            ["cantine", "restauration scolaire", "alimentation"],
            ["EDUC", "AGRI"],
            "WEEKLY",
            datetime.date(2025, 9, 1),
            datetime.date(2025, 12, 19),
            "Les menus servis dans les écoles d'Anglet, jour par jour : plat principal et dessert. Les produits "
            "locaux et biologiques sont privilégiés par la cuisine centrale.",
        ),
        DemoDataset(
            "Bayonne",
            "Comptages vélos sur les pistes cyclables de Bayonne",
            None,
            _velos,
            ["vélos", "mobilité", "pistes cyclables"],
            ["TRAN"],
            "DAILY",
            datetime.date(2025, 5, 1),
            datetime.date(2025, 6, 29),
            "Le nombre de passages de vélos mesuré chaque jour par les compteurs automatiques installés sur les "
            "pistes cyclables de Bayonne. Utile pour suivre l'usage du vélo au quotidien.",
        ),
        DemoDataset(
            "Biarritz",
            "Budget primitif 2026 de Biarritz",
            None,
            _budget,
            ["budget", "finances"],
            ["ECON", "GOVE"],
            "ANNUAL",
            datetime.date(2026, 1, 1),
            datetime.date(2026, 12, 31),
            "Le budget primitif 2026 voté par le conseil municipal de Biarritz, par chapitre : dépenses et recettes "
            "de fonctionnement et d'investissement, en euros.",
        ),
    ]
    return datasets


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
    slugs = {f"commune-de-{slugify(name)}": name for name in demo_data.COMMUNES}
    organisations = {slugs[o.slug]: o for o in Organisation.objects.filter(slug__in=slugs)}
    created = 0
    for item in demo_datasets():
        organisation = organisations.get(item.commune)
        title = item.title
        if organisation is None or Dataset.objects.filter(organisation=organisation, title=title).exists():
            continue
        actor = _publisher(organisation)
        if actor is None:
            continue
        schema = schemas.get(item.schema) if item.schema else None
        rng = random.Random(f"auzolan-demo-{title}")  # the same rows, hence the same bytes, on every run
        rows = item.generate(rng, organisation)
        header = [field["name"] for field in schema.descriptor["fields"]] if schema else list(rows[0])
        dataset = services.dataset_create(
            actor=actor,
            organisation=organisation,
            title=title,
            description=item.text.rstrip() + CLOSING_TEXT,
            keywords=item.keywords,
            themes=item.themes,
            communes=list(organisation.communes.all()),
            frequency=item.frequency,
            temporal_start=item.start,
            temporal_end=item.end,
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
