"""The pages under load: the app served as in production, driven by wrk.

Phases (each a fresh process, so Django is set up once with the right database):

* ``prepare`` (production settings, bench database): migrate, seed unless the seed marker
  says the data is current, check the seed against the services on a sample, sign in the
  bench users (real session cookies), take a CSRF token for the run form, and count each
  page's SQL queries through the test client (``CaptureQueriesContext``, DEBUG off) for a
  typical participant (20 runs) and the heavy one (500 runs). Writes a JSON file.
* the harness itself: starts gunicorn with config.settings.production on loopback, runs wrk
  per page at each concurrency, reads the workers' peak memory, stops gunicorn.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk" / "pages.lua"
USERS = 32  # signed-in bench users; wrk rotates their cookies

# (label, path or callable name, signed in?)
PUBLIC_PAGES = ["/", "/rules/", "/exercises/", "DRAW"]
SIGNED_IN_PAGES = ["/dashboard/", "/levels/4/", "/runs/", "/leaderboard/", "RUN_POST"]


def production_env(database_url: str) -> dict:
    """The environment gunicorn and the prepare phase run with: production settings."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", "bench-" + "x" * 50),
        "EMAIL_URL": "consolemail://",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
        "DJANGO_STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    }


# Prepare phase ------------------------------------------------------------------------


def prepare(out_path: str, participants: int, reseed: bool) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench import seed as bench_seed

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    seeded_now = False
    if bench_seed.seed_marker() is None:  # the harness gave us a fresh database
        started = time.perf_counter()
        bench_seed.seed(participants)
        seed_seconds = time.perf_counter() - started
        seeded_now = True
    else:
        seed_seconds = None
    counts = bench_seed.counts()
    consistency = bench_seed.consistency_check()

    users = list(
        User.objects.filter(
            email__in=[f"bench{n}@example.org" for n in range(2, USERS + 2)]
        ).order_by("pk")
    )
    cookies = []
    for user in users:
        client = Client()
        client.force_login(user)
        cookies.append(f"sessionid={client.cookies['sessionid'].value}")

    host = {"HTTP_HOST": "127.0.0.1", "secure": True}
    typical = Client()
    typical.force_login(User.objects.get(email=bench_seed.TYPICAL_EMAIL))
    heavy = Client()
    heavy.force_login(User.objects.get(email=bench_seed.HEAVY_EMAIL))
    anonymous = Client()
    form = typical.get("/runs/new/", **host)
    csrf_token = (
        re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.content).group(1).decode()
    )
    csrf_cookie = typical.cookies["csrftoken"].value
    cookies = [f"{c}; csrftoken={csrf_cookie}" for c in cookies]

    def count(client, path):
        client.get(path, **host)  # warm: first-request caches are not the steady state
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, **host)
        assert response.status_code == 200, (path, response.status_code)
        return len(queries)

    draw_path = f"/draws/{bench_seed.DRAW_SLUG}/"
    queries = {}
    for path in [*PUBLIC_PAGES, *SIGNED_IN_PAGES]:
        real = draw_path if path == "DRAW" else path
        if path == "RUN_POST":
            continue
        queries[path] = {
            "anonymous": count(anonymous, real) if path in PUBLIC_PAGES else None,
            "typical": count(typical, real),
            "heavy": count(heavy, real),
        }
    queries["/healthz"] = {
        "anonymous": count(anonymous, "/healthz"),
        "typical": None,
        "heavy": None,
    }
    queries["RUN_POST"] = {"anonymous": None, "typical": _count_post(typical, host), "heavy": None}

    Path(out_path).write_text(
        json.dumps(
            {
                "counts": counts,
                "seeded_now": seeded_now,
                "seed_seconds": seed_seconds,
                "consistency": consistency,
                "cookies": cookies,
                "csrf_token": csrf_token,
                "draw_path": draw_path,
                "queries": queries,
            }
        )
    )


def _count_post(client, host):
    import re as _re
    import uuid

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    form = client.get("/runs/new/", **host)
    token = _re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.content).group(1)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/runs/new/",
            run_form_data(token.decode(), timezone.now(), str(uuid.uuid4())),
            **host,
        )
    assert response.status_code == 302, response.content[:2000]
    return len(queries)


def run_started_at(now) -> str:
    """An hour ago in the bench participants' zone, as the run form takes it."""
    import zoneinfo
    from datetime import timedelta

    local = (now - timedelta(hours=1)).astimezone(zoneinfo.ZoneInfo("Europe/London"))
    return local.strftime("%Y-%m-%dT%H:%M")


def run_form_data(csrf_token, now, submission_token):
    return {
        "csrfmiddlewaretoken": csrf_token,
        "submission_token": submission_token,
        "started_at": run_started_at(now),
        "distance": "5.00",
        "duration": "0:30:00",
        "effort": "5",
        "notes": "bench",
    }


# Serving and load -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self, env: dict, workers: int):
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.process = None

    def __enter__(self):
        self.log = open(ROOT / "bench" / "results" / "gunicorn.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "30",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer /healthz within 60 s; see gunicorn.log")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def worker_peak_mb(self):
        peaks = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return peaks

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def wrk(url: str, *, connections: int, duration: int, env: dict) -> dict:
    threads = 1 if connections == 1 else 2
    executable = shutil.which("wrk")
    if executable is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    completed = subprocess.run(  # noqa: S603 - wrk, fixed arguments
        [
            executable,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(WRK_SCRIPT),
            url,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=True,
    )
    line = next(line for line in completed.stdout.splitlines() if line.startswith("BENCH_JSON "))
    return json.loads(line.removeprefix("BENCH_JSON "))
