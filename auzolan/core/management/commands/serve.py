"""Serve the platform: gunicorn (web, static files by WhiteNoise) and the background-task worker(s).

`python manage.py serve` is what `make run` ends with. It stops everything on Ctrl+C, and stops
everything if one process dies, so that a half-working platform never stays up unnoticed.

Web worker model: WEB_WORKERS processes × WEB_THREADS threads (gunicorn's gthread worker), so that a slow request
(a large export, a query running to its time limit) holds one thread while the others keep answering; with
WEB_THREADS=1, gunicorn's sync worker. The processes it starts get the port and address it serves (PORT, HOST):
without SITE_URL, absolute links then name the served address (config/env.py).
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from auzolan.core.management.commands.load_demo import summary_lines
from config import env


class Command(BaseCommand):
    help = "Lance le serveur web de production (gunicorn) et le ou les workers des tâches de fond."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=env.PORT)
        parser.add_argument("--host", default=env.HOST)
        parser.add_argument("--web-workers", type=int, default=env.WEB_WORKERS)
        parser.add_argument("--web-threads", type=int, default=env.WEB_THREADS)
        parser.add_argument("--task-workers", type=int, default=env.TASK_WORKERS)

    def handle(self, *args, port, host, web_workers, web_threads, task_workers, **options):
        python = sys.executable
        base = str(settings.BASE_DIR)
        web_threads = max(1, web_threads)
        model = ["--worker-class", "gthread", "--threads", str(web_threads)] if web_threads > 1 else []
        commands = [
            [
                python,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(web_workers),
                *model,
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
                # Streamed exports may take up to 12 query timeouts (datastore.exports); the default 30 s would kill
                # the worker in the middle of a large export.
                "--timeout",
                "120",
            ]
        ]
        commands += [
            [python, "manage.py", "db_worker", "--queue-name", "*", "--no-reload", "--verbosity", "1"]
        ] * task_workers
        children_env = {**os.environ, "PORT": str(port), "HOST": host}
        processes = [subprocess.Popen(command, cwd=base, env=children_env) for command in commands]  # noqa: S603
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        self.stdout.write(self.style.SUCCESS(f"\nAuzolan est servi sur http://{shown}:{port}"))
        if env.SITE_URL_CONFIGURED:
            self.stdout.write(f"  adresse publique (SITE_URL) : {env.SITE_URL}")
        self.stdout.write(
            f"  serveur web : gunicorn, {web_workers} processus × {web_threads} fil(s) d'exécution ; "
            f"tâches de fond : {task_workers} worker(s)"
        )
        self.stdout.write("  Ctrl+C pour arrêter.\n")
        self._print_how_to_try()

        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for process in processes:
                if process.poll() is not None:
                    self.stderr.write(
                        f"Un processus s'est arrêté (code {process.returncode}) : arrêt de la plateforme."
                    )
                    exit_code = process.returncode or 1
                    stopping = True
                    break
            time.sleep(0.5)
        for process in processes:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 15
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        if exit_code:
            sys.exit(exit_code)

    def _print_how_to_try(self) -> None:
        """Where local e-mails land and the demo accounts that exist (load_demo.summary_lines)."""
        for line in summary_lines():
            self.stdout.write(line)
        self.stdout.write("")
