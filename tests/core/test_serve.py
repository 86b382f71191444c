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
    env.update(AUZOLAN_ENV="local", AUZOLAN_VAR_DIR=str(tmp_path), PORT=str(port), WEB_WORKERS="1")
    manage("migrate", "--noinput", env=env)
    manage("collectstatic", "--noinput", env=env)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve"],
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
        # Static files come from WhiteNoise with far-future cache headers on hashed names.
        css = next(part.split('"')[0] for part in body.split('href="') if part.startswith("/static/css/"))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{css}", timeout=5) as response:
            assert response.status == 200
            assert "max-age" in response.headers.get("Cache-Control", "")
        # The worker runs a job enqueued by another process.
        script = (
            "from django.db import transaction\n"
            "from auzolan.accounts.models import User\n"
            "from auzolan.accounts.services import user_export_start\n"
            "u = User.objects.create_user(email='serve@exemple.fr', password='x'*12, full_name='Serve')\n"
            "with transaction.atomic():\n"
            "    job = user_export_start(user=u)\n"
            "print(job.pk)\n"
        )
        job_id = manage("shell", "-c", script, env=env).stdout.strip().splitlines()[-1]
        state = ""
        for _ in range(60):
            state = (
                manage(
                    "shell",
                    "-c",
                    f"from auzolan.core.models import Job; print(Job.objects.get(pk='{job_id}').state)",
                    env=env,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            if state in ("succeeded", "failed"):
                break
            time.sleep(0.5)
        assert state == "succeeded"
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output
    assert f"http://127.0.0.1:{port}" in output
    assert f"{tmp_path / 'emails'}/" in output, "serve says where local e-mails land"
