"""A hung database: gunicorn answers in seconds, and recovers by itself when it comes back.

gunicorn runs with production settings against a PostgreSQL cluster of this test's own
(and a redis-server of its own for the broker), which the test hangs with SIGSTOP: the
port still accepts connections, nothing answers. /healthz must not notice, /readyz must
say 503 naming the database within a few seconds, pages must answer a 503 "try again
shortly" within the connect timeout instead of holding a worker, and a run posted during
the hang must not be half written. After SIGCONT the same processes answer 200 again.
"""

import datetime as dt
import http.client
import json
import secrets
import subprocess
import sys
import time
import uuid
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import psycopg
import pytest

from tests.faults.servers import OwnPostgres, OwnRedis, free_port, wait_until
from tests.integration.test_processes import (
    BIN_DIR,
    PROJECT_DIR,
    collectstatic,
    production_env,
    start,
)

pytestmark = [pytest.mark.services, pytest.mark.slow]

DATABASE = "virtualrun"
# What the settings promise (README, "What happens when…"), plus room for a busy machine.
READYZ_WITHIN = 6
PAGE_WITHIN = 10

SETUP_PARTICIPANT = """
import django
django.setup()
from django.conf import settings
from django.test import Client
from tests.factories import ParticipantFactory, ProgrammeFactory

participant = ParticipantFactory(programme=ProgrammeFactory())
client = Client()
client.force_login(participant.user)
print(client.cookies[settings.SESSION_COOKIE_NAME].value)
"""


def request(port, method, path, *, body=None, headers=None):
    """(status, body, seconds taken); the client gives up after 30 s (gunicorn's timeout)."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), time.monotonic() - started
    finally:
        connection.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("database-hang")
    postgres = OwnPostgres()
    broker = OwnRedis(tmp)
    gunicorn = None
    try:
        postgres.init()
        postgres.start()
        postgres.create_database(DATABASE)
        broker.start()
        (tmp / "mail").mkdir()
        env = production_env(tmp, redis_url=broker.url, mail_dir=tmp / "mail")
        env["DATABASE_URL"] = postgres.url(DATABASE)
        for args in (["manage.py", "migrate", "--no-input"], ["-c", SETUP_PARTICIPANT]):
            done = subprocess.run(
                [sys.executable, *args],
                cwd=PROJECT_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert done.returncode == 0, done.stdout + done.stderr
        session_key = done.stdout.strip().splitlines()[-1]
        collectstatic(env)

        port = free_port()
        gunicorn = start(
            "web",
            [
                str(BIN_DIR / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--no-control-socket",
            ],
            env=env,
            log_dir=tmp,
        )
        csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret
        site = {
            "port": port,
            "postgres": postgres,
            "gunicorn": gunicorn,
            "csrf": csrf,
            "headers": {
                "X-Forwarded-Proto": "https",
                "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
                "Origin": f"https://127.0.0.1:{port}",
            },
        }

        def ready():
            try:
                return request(port, "GET", "/readyz")[0] == 200
            except OSError:
                return False

        assert wait_until(ready, timeout=30, interval=0.5), gunicorn.tail()
        yield site
    finally:
        if gunicorn:
            gunicorn.stop()
        broker.stop()
        postgres.remove()


def runs_in(postgres):
    with psycopg.connect(postgres.url(DATABASE), connect_timeout=5) as connection:
        return connection.execute("SELECT count(*) FROM programme_run").fetchone()[0]


def run_form(site, submission_token):
    # 40 minutes ago in the participant's zone (ParticipantFactory's), ended 10 minutes ago.
    started_at = dt.datetime.now(ZoneInfo("Europe/London")) - dt.timedelta(minutes=40)
    return urlencode(
        {
            "csrfmiddlewaretoken": site["csrf"],
            "started_at": started_at.strftime("%Y-%m-%dT%H:%M"),
            "distance": "5",
            "duration": "0:30:00",
            "effort": "",
            "notes": "",
            "submission_token": str(submission_token),
        }
    )


def post_run(site, form):
    headers = {**site["headers"], "Content-Type": "application/x-www-form-urlencoded"}
    return request(site["port"], "POST", "/runs/new/", body=form, headers=headers)


def test_a_hung_database_gives_quick_503s_and_the_same_processes_recover(site):
    port, postgres, headers = site["port"], site["postgres"], site["headers"]
    assert request(port, "GET", "/dashboard/", headers=headers)[0] == 200, site["gunicorn"].tail()
    form = run_form(site, uuid.uuid4())

    postgres.pause()
    try:
        status, body, seconds = request(port, "GET", "/healthz")
        assert (status, body) == (200, b"ok")
        assert seconds < 1

        status, body, seconds = request(port, "GET", "/readyz")
        assert status == 503, site["gunicorn"].tail()
        assert "database" in json.loads(body)["failing"]
        assert seconds < READYZ_WITHIN

        for path in ("/", "/dashboard/"):
            status, body, seconds = request(port, "GET", path, headers=headers)
            assert status == 503, (path, body[:500], site["gunicorn"].tail())
            assert b"try again shortly" in body
            assert seconds < PAGE_WITHIN

        status, body, seconds = post_run(site, form)
        assert status == 503, (body[:500], site["gunicorn"].tail())
        assert seconds < PAGE_WITHIN

        # The probes of a hung database do not pile up: still answered in seconds.
        assert request(port, "GET", "/healthz")[0] == 200
    finally:
        postgres.resume()

    # The same gunicorn, no restart: ready again within a connect or two.
    def ready():
        return request(port, "GET", "/readyz")[0] == 200

    assert wait_until(ready, timeout=20, interval=0.5), site["gunicorn"].tail()
    assert site["gunicorn"].popen.poll() is None
    assert request(port, "GET", "/dashboard/", headers=headers)[0] == 200

    # The run posted during the hang was never written; posting it again writes it once.
    assert runs_in(postgres) == 0
    status, body, _ = post_run(site, form)
    assert status == 302, (body[:2000], site["gunicorn"].tail())
    assert post_run(site, form)[0] == 302  # a double submit lands on the same run
    assert runs_in(postgres) == 1
