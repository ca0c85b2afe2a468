"""A database stopped or hung: gunicorn answers in seconds, and recovers by itself.

gunicorn runs with production settings against the fault suite's own PostgreSQL cluster
(a fresh copy of its migrated template) and a redis-server of its own for the broker. The
test hangs the cluster with SIGSTOP (the port still accepts connections, nothing answers)
while as many clients as gunicorn has workers keep asking for pages: /healthz must not
notice, /readyz must say 503 naming the database within a few seconds, pages must answer a
503 "try again shortly" within the connect timeout instead of holding a worker, and a run
posted during the hang must not be half written. After SIGCONT, then after a full stop and
start of the server, the same gunicorn answers 200 again.
"""

import datetime as dt
import http.client
import json
import secrets
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import psycopg
import pytest

from core.postgresql.base import RECONNECT_AFTER
from tests.faults.servers import OwnRedis, free_port, wait_until
from tests.faults.stack import database_from_template
from tests.integration.test_processes import (
    BIN_DIR,
    PROJECT_DIR,
    collectstatic,
    production_env,
    start,
)

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.xdist_group("faults")]

GUNICORN_WORKERS = 2
# What the settings promise (README, "What happens when…"), plus room for a busy machine.
READYZ_WITHIN = 6
PAGE_WITHIN = 10
REFUSED_WITHIN = 3  # a stopped server refuses at once
# A query string is never served from the participant page cache (core/personal_pages.py):
# this dashboard always renders, so it always asks the database.
DASHBOARD_RENDERED = "/dashboard/?fresh=1"

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
def site(tmp_path_factory, own_postgres):
    tmp = tmp_path_factory.mktemp("database-faults")
    database = database_from_template(own_postgres)
    broker = OwnRedis(tmp)
    gunicorn = None
    try:
        broker.start()
        (tmp / "mail").mkdir()
        env = production_env(tmp, redis_url=broker.url, mail_dir=tmp / "mail")
        env["DATABASE_URL"] = own_postgres.url(database)
        done = subprocess.run(
            [sys.executable, "-c", SETUP_PARTICIPANT],
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
                str(GUNICORN_WORKERS),
                "--no-control-socket",
            ],
            env=env,
            log_dir=tmp,
        )
        csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret
        site = {
            "port": port,
            "postgres": own_postgres,
            "database": database,
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


def runs_in(site):
    url = site["postgres"].url(site["database"])
    with psycopg.connect(url, connect_timeout=5) as connection:
        return connection.execute("SELECT count(*) FROM programme_run").fetchone()[0]


def run_form(site, submission_token, minutes_ago=40):
    # In the participant's zone (ParticipantFactory's); 30 minutes long.
    started_at = dt.datetime.now(ZoneInfo("Europe/London")) - dt.timedelta(minutes=minutes_ago)
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


def pages_under_load(site, rounds):
    """As many clients as gunicorn has workers, each asking for the dashboard ``rounds``
    times at once: every worker busy. (status, body, seconds) of each answer."""
    port, headers = site["port"], site["headers"]

    def client(_):
        return [request(port, "GET", DASHBOARD_RENDERED, headers=headers) for _ in range(rounds)]

    with ThreadPoolExecutor(GUNICORN_WORKERS) as pool:
        answers = [
            answer for answers in pool.map(client, range(GUNICORN_WORKERS)) for answer in answers
        ]
    return answers


def ready_again(site, back_at):
    """The same gunicorn, no restart: ready again within a connect or two.

    /readyz answers from one worker; another whose connect failed a moment before the
    server came back (``back_at``, monotonic) still waits out its reconnect pause
    (core/postgresql/base.py) and answers 503 until then. Past that pause every worker
    connects again, which rounds of as many requests at once as there are workers check
    (one after another, the same idle worker tends to take them all).
    """
    port = site["port"]

    def ready():
        return request(port, "GET", "/readyz")[0] == 200

    assert wait_until(ready, timeout=30, interval=0.5), site["gunicorn"].tail()
    # Nothing a request can see marks the end of a worker's pause (a worker still in it and
    # one that is down look the same), so the test waits it out from the server's return.
    time.sleep(max(0.0, back_at + RECONNECT_AFTER + 0.5 - time.monotonic()))

    def every_worker_renders():
        answers = pages_under_load(site, rounds=2)
        return all(status == 200 for status, _, _ in answers)

    # Within the pause and a connect of each worker, not later.
    assert wait_until(every_worker_renders, timeout=5, interval=0.2), site["gunicorn"].tail()
    assert site["gunicorn"].popen.poll() is None


def test_a_hung_database_gives_quick_503s_and_the_same_processes_recover(site):
    port, postgres, headers = site["port"], site["postgres"], site["headers"]
    assert request(port, "GET", DASHBOARD_RENDERED, headers=headers)[0] == 200, site[
        "gunicorn"
    ].tail()
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

        status, body, seconds = post_run(site, form)
        assert status == 503, (body[:500], site["gunicorn"].tail())
        assert seconds < PAGE_WITHIN

        # Every worker busy with the hung database: each still answers within the bound.
        answers = pages_under_load(site, rounds=1)
        assert all(status == 503 and seconds < PAGE_WITHIN for status, _, seconds in answers), (
            answers,
            site["gunicorn"].tail(),
        )
        assert all(b"try again shortly" in body for _, body, _ in answers)

        # The probes of a hung database do not pile up: still answered in seconds.
        assert request(port, "GET", "/healthz")[0] == 200
    finally:
        postgres.resume()

    ready_again(site, back_at=time.monotonic())

    # The run posted during the hang was never written; posting it again writes it once.
    assert runs_in(site) == 0
    status, body, _ = post_run(site, form)
    assert status == 302, (body[:2000], site["gunicorn"].tail())
    assert post_run(site, form)[0] == 302  # a double submit lands on the same run
    assert runs_in(site) == 1


def test_a_stopped_database_gives_503s_at_once_and_the_same_processes_recover(site):
    port, postgres = site["port"], site["postgres"]
    runs_before = runs_in(site)
    form = run_form(site, uuid.uuid4(), minutes_ago=120)  # not overlapping the other test's

    postgres.stop()
    try:
        status, body, seconds = request(port, "GET", "/readyz")
        assert status == 503, site["gunicorn"].tail()
        assert "database" in json.loads(body)["failing"]
        assert seconds < REFUSED_WITHIN

        status, _, seconds = post_run(site, form)
        assert status == 503, site["gunicorn"].tail()
        assert seconds < REFUSED_WITHIN

        answers = pages_under_load(site, rounds=3)
        assert all(status == 503 and seconds < REFUSED_WITHIN for status, _, seconds in answers), (
            answers,
            site["gunicorn"].tail(),
        )
        assert request(port, "GET", "/healthz")[0] == 200
    finally:
        postgres.start()

    ready_again(site, back_at=time.monotonic())
    assert runs_in(site) == runs_before
    assert post_run(site, form)[0] == 302, site["gunicorn"].tail()
    assert runs_in(site) == runs_before + 1
