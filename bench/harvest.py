"""Benchmark of harvesting: 2,000 datasets from a local CKAN-like portal, first run and unchanged re-run.

Run on demand (not part of the test suite):

    .venv/bin/python bench/harvest.py [--datasets 2000]

It prepares a fresh SQLite database under var/bench/harvest/, starts a CKAN-like portal on 127.0.0.1 in a thread
(`package_search` paged with `rows`/`start`, 100 per page, package dictionaries as CKAN 2.10 writes them, each
with 2 or 3 resources), and times `runs.harvest_run` twice: the first run creates and publishes every dataset
through the catalogue's services; the re-run finds every record unchanged (same hash) and writes nothing.
Target (issue 11): the re-run at least 5× faster than the first run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var" / "bench" / "harvest"
TARGET_RATIO = 5.0


def setup_django() -> None:
    os.environ.update(
        {
            "AUZOLAN_ENV": "local",
            "AUZOLAN_VAR_DIR": str(VAR_DIR),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SAFE_HTTP_ALLOWED_HOSTS": "127.0.0.1",
            "HARVEST_MAX_PAGES": "1000",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def package(n: int) -> dict:
    """A package dictionary in the style of CKAN 2.10's package_search (2 or 3 resources)."""
    formats = [("CSV", "text/csv", "csv"), ("JSON", "application/json", "json"), ("XLSX", "", "xlsx")]
    resources = [
        {
            "id": f"0b7c{n:08d}-{i:04d}-4000-8000-000000000000",
            "package_id": f"3f1d{n:08d}-0000-4000-8000-000000000000",
            "name": f"Données {n} ({fmt})",
            "description": f"Extraction {fmt} du jeu de données {n}.",
            "format": fmt,
            "mimetype": mime,
            "url": f"https://data.exemple-portail.fr/dataset/{n}/resource/{i}/donnees.{ext}",
            "resource_type": "api" if i == 2 else None,
            "position": i,
            "size": 10_000 + n,
            "hash": "",
            "created": "2024-01-15T10:00:00",
            "last_modified": "2025-03-02T08:30:00",
            "state": "active",
        }
        for i, (fmt, mime, ext) in enumerate(formats[: 2 + n % 2])
    ]
    return {
        "id": f"3f1d{n:08d}-0000-4000-8000-000000000000",
        "name": f"jeu-de-donnees-{n}",
        "title": f"Jeu de données communal numéro {n}",
        "notes": "Données publiées par la commune : " + "description détaillée du jeu de données. " * 8,
        "license_id": ["fr-lo", "odc-odbl", "cc-by"][n % 3],
        "license_title": ["Licence Ouverte", "ODbL", "Creative Commons Attribution"][n % 3],
        "type": "dataset",
        "private": False,
        "state": "active",
        "author": "Service SIG",
        "author_email": "sig@exemple-portail.fr",
        "maintainer": "",
        "maintainer_email": "",
        "metadata_created": "2024-01-15T10:00:00.000000",
        "metadata_modified": "2025-03-02T08:30:00.000000",
        "organization": {"id": "org-1", "name": "commune-exemple", "title": "Commune exemple", "type": "organization"},
        "tags": [
            {"id": f"t{k}", "name": name, "display_name": name}
            for k, name in enumerate(["budget", f"theme-{n % 40}", "commune"])
        ],
        "extras": [
            {"key": "frequency", "value": "http://publications.europa.eu/resource/authority/frequency/ANNUAL"},
            {"key": "temporal_start", "value": "2024-01-01"},
            {"key": "temporal_end", "value": "2024-12-31"},
        ],
        "resources": resources,
        "num_resources": len(resources),
        "num_tags": 3,
    }


def start_portal(count: int) -> tuple[ThreadingHTTPServer, str]:
    packages = [package(n) for n in range(count)]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            parts = urlsplit(self.path)
            params = {key: values[-1] for key, values in parse_qs(parts.query).items()}
            start, rows = int(params.get("start", 0)), int(params.get("rows", 10))
            body = json.dumps(
                {
                    "help": "https://data.exemple-portail.fr/api/3/action/help_show?name=package_search",
                    "success": True,
                    "result": {"count": len(packages), "results": packages[start : start + rows], "sort": "id asc"},
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=int, default=2000)
    args = parser.parse_args()
    shutil.rmtree(VAR_DIR, ignore_errors=True)
    VAR_DIR.mkdir(parents=True)
    setup_django()

    from django.core.management import call_command

    from auzolan.accounts.models import User
    from auzolan.catalog.models import Dataset, Resource
    from auzolan.harvest import runs, services
    from auzolan.harvest.models import HarvestRun
    from auzolan.organisations.models import Membership, Organisation, Territory

    call_command("migrate", verbosity=0)
    territory = Territory.objects.create(name="Territoire", slug="territoire", siren="200067106")
    organisation = Organisation.objects.create(
        territory=territory, name="Commune exemple", slug="commune-exemple", kind="commune", membership_status="member"
    )
    user = User.objects.create_user(email="editeur@exemple.fr", password="x" * 20, full_name="Éditrice")
    Membership.objects.create(organisation=organisation, user=user, role="editor", state="active")
    server, base = start_portal(args.datasets)
    source = services.source_create(actor=user, organisation=organisation, name="Portail", kind="ckan", url=base)

    timings = []
    for label in ("first run", "unchanged re-run"):
        started = time.perf_counter()
        run = runs.harvest_run(run=HarvestRun.objects.create(source=source))
        elapsed = time.perf_counter() - started
        timings.append(elapsed)
        print(
            f"{label:17s} {elapsed:8.2f} s  {args.datasets / elapsed:8.1f} datasets/s  "
            f"state={run.state} created={run.created} updated={run.updated} unchanged={run.unchanged} "
            f"failed={run.failed}"
        )
        if run.state != "succeeded" or run.failed:
            print(run.message, run.errors[:3])
            sys.exit(1)
    server.shutdown()
    ratio = timings[0] / timings[1]
    print(
        f"datasets={Dataset.objects.filter(state='published').count()} resources={Resource.objects.count()} "
        f"re-run {ratio:.1f}x faster than the first run (target >= {TARGET_RATIO:.0f}x): "
        f"{'OK' if ratio >= TARGET_RATIO else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
