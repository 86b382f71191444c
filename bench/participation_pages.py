"""Benchmark of participation pages through HTTP: the proposal list (sorts, filters, pages) and proposal pages.

Run on demand (not part of the test suite):

    .venv/bin/python bench/participation_pages.py [--requests 400] [--rebuild]

It prepares a separate SQLite database under var/bench/ (one process with 5,000 proposals, 100,000 supports and
50,000 comments — 20 proposals carry 1,000 comments each in threads up to the maximum depth —, 2,000 people,
8 categories, 6 districts), bulk-created, starts gunicorn with 2 workers on a free local port, warms up, then
measures sequentially and with 2 concurrent clients. Each client keeps its session cookie (the random order's seed
lives in the session, as for a visitor). Target (issue 5): p95 <= 150 ms for the list and the proposal pages.
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

PROPOSALS, SUPPORTS, COMMENTS, PEOPLE = 5_000, 100_000, 50_000, 2_000
HOT_PROPOSALS, HOT_COMMENTS = 20, 1_000
SLUG = "bench-boite-a-idees"
WORDS = [
    *("bancs", "ombre", "école", "piste", "cyclable", "arbres", "parc", "jeux", "enfants", "éclairage", "rue"),
    *("marché", "place", "fontaine", "composteur", "bibliothèque", "horaires", "navette", "quartier", "trottoir"),
    *("sécurité", "stationnement", "vélo", "jardin", "partagé", "fresque"),
]


def setup_django():
    os.environ.update(ENV)
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def prepare(rebuild: bool) -> None:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from auzolan.participation.models import Process, Proposal

    process = Process.objects.filter(slug=SLUG).first()
    if not rebuild and process and Proposal.objects.filter(process=process).count() >= PROPOSALS:
        print(f"Base déjà prête : {Proposal.objects.filter(process=process).count()} propositions.")
        return
    generate()


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def generate() -> None:
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from auzolan.accounts.models import User
    from auzolan.organisations.models import Organisation, Territory
    from auzolan.participation.models import Category, Comment, District, Phase, Process, Proposal, Support

    rng = random.Random(5)
    started = time.perf_counter()
    now = timezone.now()
    with transaction.atomic():
        Process.objects.filter(slug=SLUG).delete()
        territory, _ = Territory.objects.get_or_create(slug="bench", defaults={"name": "Territoire de test"})
        organisation, _ = Organisation.objects.get_or_create(
            slug="bench-participation",
            defaults={"territory": territory, "name": "Commune de test", "kind": "commune"},
        )
        User.objects.filter(email__endswith="@bench-participation.test").delete()
        users = User.objects.bulk_create(
            [
                User(email=f"p{n}@bench-participation.test", full_name=f"Habitant {n}", password="!")
                for n in range(PEOPLE)
            ],
            batch_size=1000,
        )
        process = Process.objects.create(
            organisation=organisation,
            slug=SLUG,
            title="Boîte à idées (banc d'essai)",
            state=Process.State.PUBLISHED,
            published_at=now,
            support_threshold=None,
        )
        Phase.objects.create(
            process=process,
            kind="ideas",
            start_at=now - datetime.timedelta(days=60),
            end_at=now + datetime.timedelta(days=365),
        )
        categories = Category.objects.bulk_create([Category(process=process, name=f"Thème {n}") for n in range(8)])
        District.objects.filter(organisation=organisation).delete()
        districts = District.objects.bulk_create(
            [District(organisation=organisation, name=f"Quartier {n}", slug=f"quartier-{n}") for n in range(6)]
        )
        statuses = ["published"] * 80 + ["under_study"] * 8 + ["accepted"] * 5 + ["rejected"] * 4 + ["withdrawn"] * 3
        proposals = []
        for _n in range(PROPOSALS):
            created = now - datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 55))
            located = rng.random() < 0.6
            proposals.append(
                Proposal(
                    organisation=organisation,
                    process=process,
                    author=rng.choice(users),
                    title=_text(rng, rng.randint(3, 9))[:150],
                    body="\n\n".join(_text(rng, rng.randint(20, 60)) for _ in range(rng.randint(1, 4))),
                    category=rng.choice(categories) if rng.random() < 0.9 else None,
                    district=rng.choice(districts) if rng.random() < 0.7 else None,
                    latitude=round(43.45 + rng.uniform(-0.05, 0.05), 6) if located else None,
                    longitude=round(-1.5 + rng.uniform(-0.05, 0.05), 6) if located else None,
                    status=rng.choice(statuses),
                    is_hidden=rng.random() < 0.01,
                    created_at=created,
                    updated_at=created,
                )
            )
        Proposal.objects.bulk_create(proposals, batch_size=1000)
        # Supports: popularity follows a long tail.
        weights = [1 / (rank + 10) for rank in range(PROPOSALS)]
        order = proposals[:]
        rng.shuffle(order)
        pairs: set[tuple[int, int]] = set()
        while len(pairs) < SUPPORTS:
            for proposal in rng.choices(order, weights=weights, k=SUPPORTS - len(pairs)):
                pairs.add((proposal.pk, rng.randrange(PEOPLE)))
        Support.objects.bulk_create([Support(proposal_id=p, user=users[u]) for p, u in pairs], batch_size=5000)
        counts: dict[int, int] = {}
        for p, _u in pairs:
            counts[p] = counts.get(p, 0) + 1
        # Comments: 20 hot proposals with 1,000 each, the rest spread out.
        hot = proposals[:HOT_PROPOSALS]
        comments_per: dict[int, int] = {p.pk: HOT_COMMENTS for p in hot}
        rest = proposals[HOT_PROPOSALS:]
        for _ in range(COMMENTS - HOT_PROPOSALS * HOT_COMMENTS):
            proposal = rng.choice(rest)
            comments_per[proposal.pk] = comments_per.get(proposal.pk, 0) + 1
        by_pk = {p.pk: p for p in proposals}
        for pk, total in comments_per.items():
            proposal = by_pk[pk]
            made: list[Comment] = []
            for n in range(total):
                parent = rng.choice(made) if made and rng.random() < 0.5 else None
                if parent is not None and parent.depth >= 3:
                    parent = None
                created = proposal.created_at + datetime.timedelta(minutes=n + 1)
                comment = Comment(
                    organisation=organisation,
                    process=process,
                    proposal_id=pk,
                    parent=parent,
                    depth=parent.depth + 1 if parent else 0,
                    author=rng.choice(users),
                    body=_text(rng, rng.randint(8, 40)),
                    position=rng.choice(["for", "for", "against", "neutral"]),
                    is_hidden=rng.random() < 0.01,
                    hidden_reason="Propos hors charte",
                    created_at=created,
                    updated_at=created,
                )
                made.append(comment)
            # Parents must exist before their replies: one bulk insert per depth.
            for depth in range(4):
                Comment.objects.bulk_create([c for c in made if c.depth == depth], batch_size=2000)
                for c in made:
                    if c.parent is not None:
                        c.parent_id = c.parent.pk
        for proposal in proposals:
            proposal.supports_count = counts.get(proposal.pk, 0)
            proposal.comments_count = comments_per.get(proposal.pk, 0)
        Proposal.objects.bulk_update(proposals, ["supports_count", "comments_count"], batch_size=2000)
    print(
        f"Données générées en {time.perf_counter() - started:.1f} s : {PROPOSALS} propositions, "
        f"{Support.objects.filter(proposal__process=process).count()} soutiens, "
        f"{Comment.objects.filter(process=process).count()} commentaires"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def list_urls(rng: random.Random, categories: list[int], districts: list[int]) -> list[str]:
    urls = []
    for _ in range(200):
        params: dict = {"tri": rng.choice(["recent", "recent", "supports", "random"])}
        kind = rng.random()
        if kind < 0.3:
            params["categorie"] = rng.choice(categories)
        elif kind < 0.5:
            params["quartier"] = rng.choice(districts)
        elif kind < 0.6:
            params["statut"] = rng.choice(["under_study", "accepted", "published"])
        elif kind < 0.7:
            params["categorie"] = rng.choice(categories)
            params["quartier"] = rng.choice(districts)
        if rng.random() < 0.5:
            params["page"] = rng.randint(2, 12)
        urls.append(f"/participer/{SLUG}/propositions/?" + urlencode(params))
    return urls


def measure(port: int, urls: list[str], total: int, concurrency: int) -> list[float]:
    def worker(indices) -> list[float]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        cookie = ""
        times = []
        for i in indices:
            started = time.perf_counter()
            conn.request("GET", urls[i % len(urls)], headers={"Cookie": cookie} if cookie else {})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{urls[i % len(urls)]} → {response.status}")
            times.append((time.perf_counter() - started) * 1000)
            for header, value in response.getheaders():
                if header.lower() == "set-cookie" and value.startswith("sessionid="):
                    cookie = value.split(";", 1)[0]
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
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rebuild", action="store_true", help="regenerate the data even if it exists")
    args = parser.parse_args()
    prepare(args.rebuild)
    from auzolan.participation.models import Category, District, Process, Proposal

    process = Process.objects.get(slug=SLUG)
    rng = random.Random(11)
    categories = list(Category.objects.filter(process=process).values_list("pk", flat=True))
    districts = list(District.objects.filter(organisation=process.organisation).values_list("pk", flat=True))
    lists = list_urls(rng, categories, districts)
    visible = Proposal.objects.filter(process=process, is_hidden=False)
    hot = list(visible.order_by("-comments_count").values_list("pk", flat=True)[:15])
    ordinary = rng.sample(list(visible.values_list("pk", flat=True)), 200)
    hot_urls = [f"/participer/{SLUG}/propositions/{pk}/" for pk in hot]
    hot_urls += [f"/participer/{SLUG}/propositions/{pk}/?commentaires=3" for pk in hot[:5]]
    detail_urls = [f"/participer/{SLUG}/propositions/{pk}/" for pk in ordinary]

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
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
        measure(port, lists, 60, 2)  # warm-up
        measure(port, hot_urls + detail_urls, 60, 2)
        rows = []
        for name, urls in (
            ("liste (tris, filtres, pages)", lists),
            ("proposition ordinaire", detail_urls),
            ("proposition à 1 000 commentaires", hot_urls),
        ):
            for concurrency in (1, 2):
                p50, p95, p99, mean = percentiles(measure(port, urls, args.requests, concurrency))
                rows.append((name, concurrency, p50, p95, p99, mean))
    finally:
        server.terminate()
        server.wait(10)
    target = 150
    print(f"\n{'page':34} {'clients':>7} {'p50':>8} {'p95':>8} {'p99':>8} {'moy.':>8} {'cible p95':>10}")
    for name, concurrency, p50, p95, p99, mean in rows:
        ok = "ok" if p95 <= target else "MANQUÉE"
        print(
            f"{name:34} {concurrency:>7} {p50:>6.1f}ms {p95:>6.1f}ms {p99:>6.1f}ms {mean:>6.1f}ms {target:>5} ms {ok}"
        )


if __name__ == "__main__":
    main()
