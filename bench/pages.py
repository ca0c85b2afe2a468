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
        # Production's default (kept connections, config/settings/production.py) unless
        # BENCH_CONN_MAX_AGE says otherwise: 0 measures a connection per request.
        "CONN_MAX_AGE": os.environ.get("BENCH_CONN_MAX_AGE", "60"),
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
        User.objects.filter(email__in=[f"bench{n}@example.org" for n in range(2, USERS + 2)])
    )
    cookies = [_session_cookie(user) for user in users]
    post_users = _post_users_ensure()
    post_cookies = [_session_cookie(user) for user in post_users]

    host = {"HTTP_HOST": "127.0.0.1", "secure": True}
    typical_user = User.objects.get(email=bench_seed.TYPICAL_EMAIL)
    heavy_user = User.objects.get(email=bench_seed.HEAVY_EMAIL)

    def signed_in(user):
        client = Client()
        client.force_login(user)
        return client

    typical = signed_in(typical_user)
    anonymous = Client()
    form = typical.get("/runs/new/", **host)
    csrf_token = (
        re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.content).group(1).decode()
    )
    csrf_cookie = typical.cookies["csrftoken"].value
    cookies = [f"{c}; csrftoken={csrf_cookie}" for c in cookies]
    post_cookies = [f"{c}; csrftoken={csrf_cookie}" for c in post_cookies]

    def count(path, user=None):
        """Queries of a rendered page: a new session for each signed-in count, since a
        session's pages come back from the cache (core/personal_pages.py) from its third
        request on, and an anonymous second visit is counted as the cached page it is."""
        client = signed_in(user) if user is not None else anonymous
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
            "anonymous": count(real) if path in PUBLIC_PAGES else None,
            "typical": count(real, typical_user),
            "heavy": count(real, heavy_user),
        }
    queries["/healthz"] = {
        "anonymous": count("/healthz"),
        "typical": None,
        "heavy": None,
    }
    queries["RUN_POST"] = {
        "anonymous": None,
        "typical": _count_post(post_users[0], host),
        "heavy": None,
    }

    Path(out_path).write_text(
        json.dumps(
            {
                "counts": counts,
                "seeded_now": seeded_now,
                "seed_seconds": seed_seconds,
                "consistency": consistency,
                "cookies": cookies,
                "post_cookies": post_cookies,
                "csrf_token": csrf_token,
                "draw_path": draw_path,
                "queries": queries,
            }
        )
    )


def _session_cookie(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def _post_users_ensure():
    """USERS participants who log the bench's runs, joined through the service, no seeded
    runs: the runs they log must not be refused as duplicates of seeded ones."""
    from allauth.account.models import EmailAddress

    from accounts.models import User
    from programme import services
    from programme.selectors import active_programme

    programme = active_programme()
    users = []
    for n in range(1, USERS + 1):
        user, created = User.objects.get_or_create(email=f"benchpost{n}@example.org")
        if created:
            user.set_unusable_password()
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            services.participant_join(
                user=user,
                programme=programme,
                display_name=f"Poster {n}",
                time_zone="Europe/London",
                units="km",
                country="GB",
                confirmed_age=True,
                confirmed_residence=True,
                accepted_rules=True,
            )
        users.append(user)
    return users


def _count_post(user, host):
    """Queries of one run POST (a run by a POST user, before any the bench has logged)."""
    import uuid
    import zoneinfo
    from datetime import timedelta

    from django.db import connection
    from django.db.models import Min
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from programme.models import Run

    client = Client()
    client.force_login(user)
    earliest = Run.objects.filter(participant__user=user).aggregate(first=Min("started_at"))
    started_at = min(
        timezone.now() - timedelta(hours=1),
        (earliest["first"] or timezone.now()) - timedelta(minutes=6),
    )
    form = client.get("/runs/new/", **host)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.content).group(1)
    data = {
        "csrfmiddlewaretoken": token.decode(),
        "submission_token": str(uuid.uuid4()),
        "started_at": started_at.astimezone(zoneinfo.ZoneInfo("Europe/London")).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "distance": "1.00",
        "duration": "0:05:00",
        "effort": "5",
        "notes": "bench",
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/runs/new/", data, **host)
    assert response.status_code == 302, response.content[-3000:]
    return len(queries)


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


def post_base(database_url: str) -> tuple[int, int]:
    """The Unix time the POST script counts down from (six minutes a run), and the bench
    zone's UTC offset then: before every run the bench has logged so far and at most an
    hour ago, so no run it logs is refused as a duplicate of another."""
    import zoneinfo
    from datetime import UTC, datetime, timedelta

    import psycopg

    with psycopg.connect(database_url) as conn:
        earliest = conn.execute(
            "SELECT min(r.started_at) FROM programme_run r "
            "JOIN programme_participant p ON p.id = r.participant_id "
            "JOIN accounts_user u ON u.id = p.user_id WHERE u.email LIKE 'benchpost%%'"
        ).fetchone()[0]
    base = datetime.now(UTC) - timedelta(hours=1)
    if earliest is not None:
        base = min(base, earliest - timedelta(minutes=6))
    offset = base.astimezone(zoneinfo.ZoneInfo("Europe/London")).utcoffset()
    return int(base.timestamp()), int(offset.total_seconds())


def wrk(url: str, *, connections: int, duration: int, env: dict) -> dict:
    threads = 1 if connections == 1 else 2
    env = {**env, "BENCH_THREADS": str(threads)}
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
