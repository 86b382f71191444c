"""Benchmark of catalogue discovery through HTTP: the search page with facets and the dataset page.

Run on demand (not part of the test suite):

    .venv/bin/python bench/catalog_search.py [--requests 500] [--rebuild] [--no-cache]

It prepares a separate SQLite database under var/bench/ (10,000 published datasets, 30,000 resources,
150 organisations), builds the full-text index with the code of `reindex_catalog`, starts gunicorn with
2 workers on a free local port, warms up, then measures sequentially and with 2 concurrent clients.
Targets (issue 3): search p95 <= 100 ms, dataset page p95 <= 50 ms.

--no-cache serves the application with CATALOG_FACETS_CACHE_SECONDS = 0 (see `wsgi_no_cache`), so that every search
computes its facet counts: the figures of cold searches.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var" / "bench"
ENV = {
    **os.environ,
    "AUZOLAN_ENV": "local",
    "AUZOLAN_VAR_DIR": str(VAR_DIR),
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
}
ENV.pop("DATABASE_URL", None)

DATASETS, RESOURCES, ORGANISATIONS = 10_000, 30_000, 150

SUBJECTS = [
    ("Délibérations du conseil municipal", "GOVE", ["délibérations", "conseil municipal"]),
    ("Subventions aux associations", "ECON", ["subventions", "associations"]),
    ("Budget primitif", "ECON", ["budget", "finances"]),
    ("Marchés publics attribués", "ECON", ["marchés publics", "commande publique"]),
    ("Équipements sportifs", "EDUC", ["sport", "équipements"]),
    ("Stationnement des vélos", "TRAN", ["vélo", "mobilité"]),
    ("Horaires des bibliothèques", "EDUC", ["culture", "bibliothèques"]),
    ("Qualité de l'eau potable", "ENVI", ["eau", "santé"]),
    ("Arbres remarquables", "ENVI", ["arbres", "patrimoine naturel"]),
    ("Collecte des déchets", "ENVI", ["déchets", "propreté"]),
    ("Lieux de vaccination", "HEAL", ["santé"]),
    ("Bornes de recharge électrique", "ENER", ["énergie", "mobilité"]),
    ("Menus des cantines scolaires", "EDUC", ["écoles", "restauration scolaire"]),
    ("Arrêtés de circulation", "JUST", ["voirie", "circulation"]),
    ("Population par quartier", "SOCI", ["population", "démographie"]),
    ("Lignes de bus", "TRAN", ["transports", "bus"]),
    ("Toilettes publiques", "REGI", ["équipements", "accessibilité"]),
    ("Consommation énergétique des bâtiments", "ENER", ["énergie", "bâtiments publics"]),
    ("Aides agricoles", "AGRI", ["agriculture"]),
    ("Plan local d'urbanisme", "REGI", ["urbanisme", "cadastre"]),
]
FORMATS = ["csv", "csv", "csv", "json", "geojson", "xlsx", "pdf", "ods", "zip"]
FREQUENCIES = ["ANNUAL", "MONTHLY", "IRREG", "UNKNOWN", "QUARTERLY", "DAILY"]
LICENCES = ["lov2", "lov2", "lov2", "odc-odbl", "cc-by"]


def setup_django():
    os.environ.update(ENV)
    for key in list(os.environ):
        if key == "DATABASE_URL":
            del os.environ[key]
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def prepare(rebuild: bool) -> None:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from auzolan.catalog.models import Dataset

    if not rebuild and Dataset.objects.count() >= DATASETS:
        print(f"Base déjà prête : {Dataset.objects.count()} jeux de données.")
        return
    generate()
    from auzolan.catalog.search import rebuild_index

    started = time.perf_counter()
    count = rebuild_index()
    print(f"Index reconstruit : {count} jeux de données en {time.perf_counter() - started:.1f} s")


def generate() -> None:
    import datetime
    import uuid

    from django.db import transaction

    from auzolan.catalog.models import Dataset, DatasetTheme, Keyword, Resource, TableSchema
    from auzolan.organisations.models import Commune, Organisation, Territory

    rng = random.Random(42)
    started = time.perf_counter()
    with transaction.atomic():
        Resource.objects.all().delete()
        DatasetTheme.objects.all().delete()
        Dataset.objects.all().delete()
        territory, _ = Territory.objects.get_or_create(slug="bench", defaults={"name": "Territoire de test"})
        Commune.objects.filter(territory=territory).delete()
        communes = Commune.objects.bulk_create(
            [Commune(territory=territory, insee_code=f"64{n:03d}", name=f"Commune {n}") for n in range(1, 159)]
        )
        Organisation.objects.filter(slug__startswith="bench-").delete()
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(
                    territory=territory,
                    name=f"Commune {n}" if n < 140 else f"Syndicat {n}",
                    slug=f"bench-{n}",
                    kind="commune",
                    membership_status="member",
                )
                for n in range(ORGANISATIONS)
            ]
        )
        keyword_names = sorted({k for _, _, ks in SUBJECTS for k in ks} | {f"thème {n}" for n in range(200)})
        Keyword.objects.all().delete()
        keywords = Keyword.objects.bulk_create(
            [Keyword(name=name, slug=f"kw-{n}") for n, name in enumerate(keyword_names)]
        )
        by_name = {k.name: k for k in keywords}
        schemas = list(TableSchema.objects.all()[:10])
        now = datetime.datetime.now(tz=datetime.UTC)
        datasets, plans = [], []
        for n in range(DATASETS):
            title, theme, subject_keywords = rng.choice(SUBJECTS)
            organisation = rng.choice(organisations)
            year = rng.randint(2015, 2025)
            modified = now - datetime.timedelta(days=rng.randint(0, 2000))
            datasets.append(
                Dataset(
                    identifier=uuid.uuid4(),
                    organisation=organisation,
                    slug=f"bench-{n}",
                    title=f"{title} {year} — {organisation.name}",
                    description=(
                        f"{title} de {organisation.name} pour l'année {year}. Données mises à jour par les services "
                        f"municipaux, publiées sous licence ouverte. Référence interne {rng.randint(1000, 99999)}."
                    ),
                    licence=rng.choice(LICENCES),
                    frequency=rng.choice(FREQUENCIES),
                    state="published",
                    published_at=modified,
                    last_modified=modified,
                    quality_score=round(rng.random(), 2),
                    schema=rng.choice(schemas) if schemas and rng.random() < 0.2 else None,
                )
            )
            extra = rng.sample(keywords, 2)
            plans.append(
                (
                    {theme, rng.choice(SUBJECTS)[1]} if rng.random() < 0.3 else {theme},
                    {by_name[k] for k in subject_keywords} | set(extra),
                    rng.sample(communes, rng.randint(0, 3)),
                )
            )
        Dataset.objects.bulk_create(datasets, batch_size=1000)
        themes, keyword_links, commune_links, resources = [], [], [], []
        KeywordLink, CommuneLink = Dataset.keywords.through, Dataset.communes.through
        for dataset, (codes, kws, cs) in zip(datasets, plans, strict=True):
            themes += [DatasetTheme(dataset=dataset, code=code) for code in codes]
            keyword_links += [KeywordLink(dataset=dataset, keyword=k) for k in kws]
            commune_links += [CommuneLink(dataset=dataset, commune=c) for c in cs]
        for n in range(RESOURCES):
            dataset = datasets[n % DATASETS]
            fmt = rng.choice(FORMATS)
            resources.append(
                Resource(
                    dataset=dataset,
                    title=f"Fichier {n}",
                    kind="remote",
                    url=f"https://exemple.fr/{n}.{fmt}",
                    format=fmt,
                    position=n // DATASETS,
                )
            )
        DatasetTheme.objects.bulk_create(themes, batch_size=2000)
        KeywordLink.objects.bulk_create(keyword_links, batch_size=2000)
        CommuneLink.objects.bulk_create(commune_links, batch_size=2000)
        Resource.objects.bulk_create(resources, batch_size=2000)
    print(f"Données générées en {time.perf_counter() - started:.1f} s")


def wsgi_no_cache():
    """The WSGI application with the facet cache off (gunicorn's `module:factory()` form)."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    settings.CATALOG_FACETS_CACHE_SECONDS = 0
    return application


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def search_urls(rng: random.Random) -> list[str]:
    common = ["budget", "subventions", "deliberation", "velo", "eau", "energie", "equipements sportifs"]
    rare = ["remarquables", "vaccination", "toilettes", "cantines", "urbanisme"]
    urls = []
    for _ in range(200):
        kind = rng.random()
        params: dict = {}
        if kind < 0.2:
            pass
        elif kind < 0.55:
            params["q"] = rng.choice(common)
        elif kind < 0.75:
            params["q"] = rng.choice(rare)
        elif kind < 0.9:
            params["q"] = rng.choice(common)
            params["theme"] = rng.choice(["ECON", "GOVE", "ENVI", "TRAN"])
        else:
            params["organisation"] = f"bench-{rng.randrange(ORGANISATIONS)}"
            params["format"] = "csv"
        if rng.random() < 0.2:
            params["page"] = rng.randint(2, 5)
        urls.append("/donnees/?" + urlencode(params))
    return urls


def measure(port: int, urls: list[str], total: int, concurrency: int) -> list[float]:
    def worker(indices) -> list[float]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        times = []
        for i in indices:
            started = time.perf_counter()
            conn.request("GET", urls[i % len(urls)])
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{urls[i % len(urls)]} → {response.status}")
            times.append((time.perf_counter() - started) * 1000)
        conn.close()
        return times

    chunks = [list(range(c, total, concurrency)) for c in range(concurrency)]
    with ThreadPoolExecutor(concurrency) as pool:
        return [t for times in pool.map(worker, chunks) for t in times]


def percentiles(times: list[float]) -> tuple[float, float, float, float]:
    q = statistics.quantiles(times, n=100, method="inclusive")
    return statistics.median(times), q[94], q[98], statistics.mean(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--rebuild", action="store_true", help="regenerate the data even if it exists")
    parser.add_argument("--no-cache", action="store_true", help="disable the facet cache (cold searches)")
    args = parser.parse_args()
    prepare(args.rebuild)
    from django.urls import NoReverseMatch, reverse

    from auzolan.catalog.models import Dataset

    rng = random.Random(7)
    slugs = list(Dataset.objects.published().values_list("slug", flat=True)[:2000])
    try:
        reverse("catalog:dataset", kwargs={"slug": "x"})
        detail = [f"/donnees/{s}/" for s in rng.sample(slugs, 300)]
        detail_name = "page jeu de données"
    except NoReverseMatch:
        detail = [f"/api/v1/datasets/{s}" for s in rng.sample(slugs, 300)]
        detail_name = "API détail"
    searches = search_urls(rng)

    port = free_port()
    app = ["--pythonpath", str(BASE_DIR / "bench"), "catalog_search:wsgi_no_cache()"] if args.no_cache else []
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            *(app or ["config.wsgi:application"]),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        cwd=BASE_DIR,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        measure(port, searches, 100, 2)  # warm-up
        measure(port, detail, 60, 2)
        rows = []
        for name, urls, target in (("recherche avec facettes", searches, 100), (detail_name, detail, 50)):
            for concurrency in (1, 2):
                p50, p95, p99, mean = percentiles(measure(port, urls, args.requests, concurrency))
                rows.append((name, concurrency, p50, p95, p99, mean, target))
    finally:
        server.terminate()
        server.wait(10)
    print(f"\nCache des facettes : {'désactivé' if args.no_cache else 'activé'}")
    print(f"{'page':28} {'clients':>7} {'p50':>8} {'p95':>8} {'p99':>8} {'moy.':>8} {'cible p95':>10}")
    for name, concurrency, p50, p95, p99, mean, target in rows:
        ok = "ok" if p95 <= target else "MANQUÉE"
        print(
            f"{name:28} {concurrency:>7} {p50:>6.1f}ms {p95:>6.1f}ms {p99:>6.1f}ms {mean:>6.1f}ms {target:>5} ms {ok}"
        )


if __name__ == "__main__":
    main()
