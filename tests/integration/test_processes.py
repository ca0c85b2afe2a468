"""The production processes, started for real: gunicorn, a Celery worker and Celery beat.

They run with production settings against the test database pytest-django created and
the run's Redis database (their keys apart from the tests' prefixed ones), so what is checked here is what a deployment does: the
probes answer, plain HTTP is sent to HTTPS, and a due level is announced exactly once
(one in-app notice and one email per participant) through the broker.
"""

import datetime as dt
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from email import message_from_bytes
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from celery import Celery
from django.conf import settings

from config.beat import heartbeat_path
from notifications.models import Notice
from programme.models import Run, Source
from programme.services import level_unlock_notice_key
from tests.conftest import _skip_or_fail, missing_services
from tests.factories import ParticipantFactory, ProgrammeFactory
from tests.strava.fake_strava import FakeStrava
from tests.strava.fixtures import ATHLETE_ID, connect, strava_event

pytestmark = [
    pytest.mark.services,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    # One deployment per run: under xdist (--dist loadgroup) these tests share one worker.
    pytest.mark.xdist_group("processes"),
]

PROJECT_DIR = Path(settings.BASE_DIR)
BIN_DIR = Path(sys.executable).parent

# Processes ------------------------------------------------------------------------


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def output(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, lines=40):
        text = "\n".join(self.output().splitlines()[-lines:])
        return f"--- {self.name} (exit code {self.popen.poll()}) ---\n{text}"

    def stop(self, timeout=15):
        """SIGTERM to the process group (warm shutdown), then SIGKILL if it lingers."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)


@dataclass
class Deployment:
    port: int
    redis_url: str
    mail_dir: Path
    beat_schedule: Path
    processes: dict

    def logs(self):
        return "\n\n".join(process.tail() for process in self.processes.values())

    def check_alive(self):
        dead = [p.name for p in self.processes.values() if p.popen.poll() is not None]
        assert not dead, f"{', '.join(dead)} exited early\n\n{self.logs()}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    """The test database, which exists once pytest-django's django_db_setup has run."""
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(db['NAME'], safe='')}"


# The processes get a Redis database of their own: their keys are unprefixed, and a queue
# shared with the rest of the run could be read by anything else consuming "celery" there.
# A checkout running its suite beside another sets TEST_PROCESS_REDIS_DB to keep them apart.
PROCESS_REDIS_DB = int(os.environ.get("TEST_PROCESS_REDIS_DB", "5"))


def process_redis_url():
    parts = urlsplit(settings.REDIS_URL)
    return urlunsplit(parts._replace(path=f"/{PROCESS_REDIS_DB}"))


def start(name, args, *, env, log_dir):
    log = log_dir / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(
            args,
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stop() reaches the children
        )
    return Process(name, popen, log)


def production_env(tmp, *, redis_url, mail_dir):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    env.update(
        PYTHONPATH=str(PROJECT_DIR),
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_DEBUG="false",
        DATABASE_URL=database_url(),
        REDIS_URL=redis_url,
        EMAIL_URL=f"filemail:///{mail_dir}",  # an absolute folder: filemail:////tmp/…
        DJANGO_MEDIA_ROOT=str(tmp / "media"),
    )
    return env


def collectstatic(env):
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"collectstatic failed:\n{result.stdout}\n{result.stderr}"


# HTTP -------------------------------------------------------------------------------


def get(port, path, headers=None):
    """One GET that does not follow redirects: (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def wait_until(condition, *, timeout, interval=0.5):
    """Call ``condition`` until it returns something truthy; that value, or None."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def ready_status(deployment):
    try:
        status, _, body = get(deployment.port, "/readyz")
    except OSError:
        return None
    return (status, body) if status == 200 else None


# The deployment -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def deployed_strava():
    """A fake Strava on loopback for the deployment (its base URLs go in the env)."""
    with FakeStrava(client_id="4242", client_secret="deployed-secret") as strava:  # noqa: S106
        strava.athlete_add(ATHLETE_ID)
        yield strava


@pytest.fixture(scope="module")
def deployment(django_db_setup, tmp_path_factory, deployed_strava):
    """gunicorn + worker + beat on loopback, ready to answer; stopped after the module."""
    if reason := missing_services():
        _skip_or_fail(reason)
    tmp = tmp_path_factory.mktemp("deployment")
    mail_dir = tmp / "mail"
    mail_dir.mkdir()
    redis_url = process_redis_url()
    redis.Redis.from_url(redis_url).delete("celery")  # no task left by an earlier run's beat
    env = production_env(tmp, redis_url=redis_url, mail_dir=mail_dir)
    env.update(
        STRAVA_CLIENT_ID=deployed_strava.client_id,
        STRAVA_CLIENT_SECRET=deployed_strava.client_secret,
        STRAVA_WEBHOOK_VERIFY_TOKEN="deployed-verify-token",  # noqa: S106
        STRAVA_OAUTH_URL=f"{deployed_strava.url}/oauth",
        STRAVA_API_URL=f"{deployed_strava.url}/api/v3",
    )
    collectstatic(env)

    port = free_port()
    beat_schedule = tmp / "celerybeat-schedule"
    commands = {
        "web": [
            BIN_DIR / "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--no-control-socket",  # else it takes over ~/.gunicorn/gunicorn.ctl
        ],
        "worker": [
            BIN_DIR / "celery",
            "-A",
            "config",
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            f"--hostname=integration-{secrets.token_hex(4)}@%h",
        ],
        "beat": [
            BIN_DIR / "celery",
            "-A",
            "config",
            "beat",
            "--loglevel=INFO",
            "--schedule",
            beat_schedule,
        ],
    }
    processes = {}
    deployment = Deployment(port, redis_url, mail_dir, beat_schedule, processes)
    try:
        for name, args in commands.items():
            processes[name] = start(name, [str(arg) for arg in args], env=env, log_dir=tmp)
        ready = wait_until(lambda: ready_status(deployment) or deployment.check_alive(), timeout=30)
        assert ready, f"/readyz did not answer 200 within 30 s\n\n{deployment.logs()}"
        yield deployment
    finally:
        for process in processes.values():
            process.stop()


@pytest.fixture(scope="module")
def celery_client(deployment):
    """A Celery client on the processes' broker (not the test settings' Redis database)."""
    client = Celery("integration-client", broker=deployment.redis_url, backend=deployment.redis_url)
    client.conf.broker_connection_retry_on_startup = True
    yield client
    client.close()


def run_unlock_task(celery_client, *, wait):
    result = celery_client.send_task("programme.tasks.unlock_due_levels")
    return result.get(timeout=wait) if wait else result


def sent_emails(mail_dir):
    """Every email the filemail backend wrote: one file each."""
    return [message_from_bytes(path.read_bytes()) for path in sorted(mail_dir.iterdir())]


# Tests ----------------------------------------------------------------------------------


def test_it_is_ready_when_database_and_broker_answer(deployment):
    status, _, body = get(deployment.port, "/readyz")
    assert (status, json.loads(body)) == (200, {"status": "ok"}), deployment.logs()

    status, _, body = get(deployment.port, "/healthz")
    assert (status, body) == (200, b"ok"), deployment.logs()


def test_it_sends_plain_http_to_https_and_serves_https(deployment):
    status, headers, _ = get(deployment.port, "/")
    assert status == 301, deployment.logs()
    assert headers["Location"] == f"https://127.0.0.1:{deployment.port}/"

    status, headers, body = get(deployment.port, "/", {"X-Forwarded-Proto": "https"})
    assert status == 200, f"{body[:2000]!r}\n\n{deployment.logs()}"
    assert "max-age=31536000" in headers["Strict-Transport-Security"]


def test_it_announces_a_due_level_once_with_one_email_per_participant(deployment, celery_client):
    programme = ProgrammeFactory()
    participants = ParticipantFactory.create_batch(3, programme=programme, reminder_emails=True)
    addresses = sorted(participant.user.email for participant in participants)
    level_1 = programme.levels.get(number=1)
    key = level_unlock_notice_key(level_1)

    def announced_and_emailed():
        deployment.check_alive()
        level_1.refresh_from_db()
        notices = Notice.objects.filter(key=key)
        return (
            level_1.announced_at is not None
            and notices.count() == len(participants)
            and not notices.filter(emailed_at__isnull=True).exists()
            and len(sent_emails(deployment.mail_dir)) == len(participants)
        )

    # Beat sends the task every 60 s; sending it now through the broker saves the wait.
    run_unlock_task(celery_client, wait=None)
    assert wait_until(announced_and_emailed, timeout=90), deployment.logs()

    assert sorted(Notice.objects.filter(key=key).values_list("participant", flat=True)) == sorted(
        participant.pk for participant in participants
    )
    assert list(programme.levels.filter(announced_at__isnull=False)) == [level_1]
    emails = sent_emails(deployment.mail_dir)
    assert sorted(email["To"] for email in emails) == addresses
    assert {email["Subject"] for email in emails} == {Notice.objects.filter(key=key).first().title}
    assert all(email["List-Unsubscribe"] for email in emails)

    # A second run (or a second beat) finds nothing left to claim.
    announced_at = level_1.announced_at
    assert run_unlock_task(celery_client, wait=30) == 0, deployment.logs()
    level_1.refresh_from_db()
    assert level_1.announced_at == announced_at
    assert Notice.objects.filter(key=key).count() == len(participants)
    assert Notice.objects.count() == len(participants)
    assert len(sent_emails(deployment.mail_dir)) == len(participants)


def test_it_starts_beat_with_its_schedule(deployment):
    beat = deployment.processes["beat"]
    started = wait_until(lambda: "beat: Starting..." in beat.output(), timeout=20)
    assert started, deployment.logs()
    # The banner names the schedule file it was given ("db -> …/celerybeat-schedule").
    assert str(deployment.beat_schedule) in beat.output(), deployment.logs()


def test_a_strava_event_becomes_a_counted_run_through_web_and_worker(deployment, deployed_strava):
    programme = ProgrammeFactory(starts_on=dt.date.today() - dt.timedelta(days=3))
    runner = ParticipantFactory(programme=programme)
    connect(runner, deployed_strava)
    activity_id = deployed_strava.activity_add(ATHLETE_ID, metres=5000, seconds=1800)
    event = strava_event(activity_id)
    connection = http.client.HTTPConnection("127.0.0.1", deployment.port, timeout=10)
    connection.request(
        "POST",
        "/strava/webhook/",
        body=json.dumps(event),
        headers={"Content-Type": "application/json", "X-Forwarded-Proto": "https"},
    )
    assert connection.getresponse().status == 200, deployment.logs()
    connection.close()

    def counted():
        deployment.check_alive()
        return Run.objects.filter(participant=runner, source=Source.STRAVA).first()

    run = wait_until(counted, timeout=60)
    assert run is not None, deployment.logs()
    assert (run.distance_m, run.status) == (5000, "counted")


def test_beat_leaves_a_heartbeat_that_its_health_check_accepts(deployment):
    """What the beat container's health check runs (docker-compose.yml), on the real beat."""
    heartbeat = heartbeat_path(deployment.beat_schedule)
    assert wait_until(heartbeat.exists, timeout=20), deployment.logs()
    check = subprocess.run(
        [sys.executable, "-m", "config.beat", str(deployment.beat_schedule)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stderr + deployment.logs()
