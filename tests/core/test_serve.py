"""`manage.py serve` (the end of `make run`) starts gunicorn and the task worker, and stops both."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings
from django.core.management import call_command

from auzolan.core.management.commands import serve

BASE = settings.BASE_DIR


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(*args, env, timeout=120):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="runs on its own SQLite file")
def test_serve_runs_web_and_worker_and_stops_cleanly(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env = {k: v for k, v in env.items() if k not in ("SITE_URL", "PORT", "HOST", "WEB_THREADS")}
    env.update(AUZOLAN_ENV="local", AUZOLAN_VAR_DIR=str(tmp_path), WEB_WORKERS="1")
    manage("migrate", "--noinput", env=env)
    manage("collectstatic", "--noinput", env=env)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port)],
        cwd=BASE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = None
        for _ in range(60):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    body = response.read().decode()
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.5)
        assert body is not None, "the web server did not answer"
        assert '<html lang="fr"' in body
        # One web process: a visitor whose request arrives slowly holds one thread, not the whole process.
        with socket.create_connection(("127.0.0.1", port)) as slow:
            slow.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # the end of the headers never comes
            started = time.monotonic()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/sante/", timeout=10) as response:
                assert response.status == 200
            assert time.monotonic() - started < 5
        # Absolute links name the address served (--port), not a default one.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sitemap.xml", timeout=10) as response:
            sitemap = response.read().decode()
        assert f"<loc>http://127.0.0.1:{port}/</loc>" in sitemap and ":8000/" not in sitemap
        # Static files come from WhiteNoise with far-future cache headers on hashed names.
        css = next(part.split('"')[0] for part in body.split('href="') if part.startswith("/static/css/"))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{css}", timeout=5) as response:
            assert response.status == 200
            assert "max-age" in response.headers.get("Cache-Control", "")
        # The anonymous page cache is on (60 s): a page served from it still shows, on the next request, what another
        # process has just published.
        for _ in range(2):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/donnees/", timeout=10) as response:
                assert "Bancs publics du port" not in response.read().decode()
        manage(
            "shell",
            "-c",
            "from auzolan.catalog.models import Dataset\n"
            "from auzolan.catalog.signals import dataset_changed\n"
            "from tests.catalog.factories import DatasetFactory\n"
            "dataset_changed.send(sender=Dataset, dataset=DatasetFactory(title='Bancs publics du port'))\n",
            env=env,
        )
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/donnees/", timeout=10) as response:
            assert "Bancs publics du port" in response.read().decode()
        # The worker runs a job enqueued by another process (which then waits for it: one process, not one a poll).
        script = (
            "import time\n"
            "from django.db import transaction\n"
            "from auzolan.accounts.models import User\n"
            "from auzolan.accounts.services import user_export_start\n"
            "from auzolan.core.models import Job\n"
            "u = User.objects.create_user(email='serve@exemple.fr', password='x'*12, full_name='Serve')\n"
            "with transaction.atomic():\n"
            "    job = user_export_start(user=u)\n"
            "for _ in range(240):\n"
            "    state = Job.objects.get(pk=job.pk).state\n"
            "    if state in ('succeeded', 'failed'):\n"
            "        break\n"
            "    time.sleep(0.25)\n"
            "print(state)\n"
        )
        assert manage("shell", "-c", script, env=env).stdout.strip().splitlines()[-1] == "succeeded"
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output
    assert f"http://127.0.0.1:{port}" in output
    assert f"{tmp_path / 'emails'}/" in output, "serve says where local e-mails land"


class _StoppedProcess:
    """Stands for a child process that has already stopped (so that `serve` returns at once)."""

    started: list = []

    def __init__(self, command, cwd, env):
        self.command, self.env, self.returncode = command, env, 0
        _StoppedProcess.started.append(self)

    def poll(self):
        return 0

    def wait(self, timeout=None):
        return 0

    def terminate(self):
        pass


@pytest.mark.django_db  # serve lists the demo accounts that exist
def test_serve_uses_threaded_workers_and_passes_the_served_address(monkeypatch):
    _StoppedProcess.started = []
    monkeypatch.setattr(serve.subprocess, "Popen", _StoppedProcess)
    monkeypatch.setattr(serve.signal, "signal", lambda *args: None)
    with pytest.raises(SystemExit):  # the children "stopped": serve stops too
        call_command("serve", port=8790, host="0.0.0.0", web_workers=3, web_threads=6, task_workers=1)  # noqa: S104
    web, worker = _StoppedProcess.started
    assert web.command[web.command.index("--workers") + 1] == "3"
    assert web.command[web.command.index("--worker-class") + 1] == "gthread"
    assert web.command[web.command.index("--threads") + 1] == "6"
    assert "db_worker" in worker.command
    # Without SITE_URL, the web and task processes derive their absolute links from the address served.
    assert all(p.env["PORT"] == "8790" and p.env["HOST"] == "0.0.0.0" for p in (web, worker))  # noqa: S104


@pytest.mark.django_db
def test_serve_with_one_thread_keeps_the_sync_worker(monkeypatch):
    _StoppedProcess.started = []
    monkeypatch.setattr(serve.subprocess, "Popen", _StoppedProcess)
    monkeypatch.setattr(serve.signal, "signal", lambda *args: None)
    with pytest.raises(SystemExit):
        call_command("serve", port=8790, web_workers=2, web_threads=1, task_workers=0)
    (web,) = _StoppedProcess.started
    assert "--worker-class" not in web.command and "--threads" not in web.command
