"""A deployment of a fault test's own: its database, its Redis, its worker and beat.

The PostgreSQL cluster is the suite's own (``own_postgres`` in conftest.py, one per run, on
a spare port): it holds a migrated template database, and each test gets a fresh copy of
it. The Redis, the worker(s) and the beat(s) are the test's own. The processes run with
production settings, mail going to one file per email (``filemail://``), and the sweeps
shortened to seconds through their settings (config/settings/base.py), so a test can kill
a worker and watch the sweep mend what it left.

The test holds locks in the database (``hold``) to stop a worker at a chosen statement, then
SIGKILLs it there: no sleeps that hope to land mid-task.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import uuid
from email import message_from_bytes

import psycopg

from tests.faults.servers import OwnRedis, wait_until
from tests.integration.test_processes import BIN_DIR, PROJECT_DIR, production_env, start

TEMPLATE = "faults_template"

# The sweeps, in seconds (the production defaults are minutes).
SHORT_SWEEPS = {
    "UNLOCK_DUE_LEVELS_EVERY_SECONDS": "1",
    "STRANDED_NOTICE_EMAILS_EVERY_SECONDS": "1",
    "NOTICE_EMAIL_STRANDED_AFTER_SECONDS": "3",
    "STALLED_DRAWS_EVERY_SECONDS": "1",
    "DRAW_RUN_STALL_SECONDS": "3",
}

SCRIPT_PRELUDE = """
import json
import django
django.setup()
from django.test.utils import override_settings
# Fast hashing for the people a script makes; the processes keep production's.
_fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
_fast.enable()
"""


def migrate_template(postgres, tmp):
    """The suite's template database, migrated once (data migrations included)."""
    postgres.create_database(TEMPLATE)
    env = production_env(tmp, redis_url="redis://127.0.0.1:1/0", mail_dir=tmp)
    env.update(DATABASE_URL=postgres.url(TEMPLATE), DATABASE_STATEMENT_TIMEOUT="0")
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def database_from_template(postgres):
    name = f"faults_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres.url("postgres"), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    return name


class Stack:
    def __init__(self, tmp, postgres):
        self.tmp = tmp
        self.postgres = postgres
        self.database = database_from_template(postgres)
        self.redis = OwnRedis(tmp)
        self.redis.start()
        self.mail_dir = tmp / "mail"
        self.mail_dir.mkdir()
        self.env = production_env(tmp, redis_url=self.redis.url, mail_dir=self.mail_dir)
        self.env.update(DATABASE_URL=postgres.url(self.database), **SHORT_SWEEPS)
        self.processes = []
        self._held = []
        self._connection = None

    # Processes -----------------------------------------------------------------

    def worker(self, concurrency=2):
        """``celery worker`` as deployed (prefork), ready to consume."""
        number = len(self.processes)
        process = start(
            f"worker-{number}",
            [
                str(BIN_DIR / "celery"),
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={concurrency}",
                "--without-mingle",
                "--without-gossip",
                f"--hostname=faults-{number}-{secrets.token_hex(3)}@localhost",
            ],
            env=self.env,
            log_dir=self.tmp,
        )
        self.processes.append(process)
        ready = wait_until(lambda: " ready." in process.output() or self.check(process), timeout=60)
        assert ready, process.tail()
        return process

    def beat(self):
        number = len(self.processes)
        process = start(
            f"beat-{number}",
            [
                str(BIN_DIR / "celery"),
                "-A",
                "config",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(self.tmp / f"beat-{number}-schedule"),
            ],
            env=self.env,
            log_dir=self.tmp,
        )
        self.processes.append(process)
        started = wait_until(
            lambda: "beat: Starting..." in process.output() or self.check(process), timeout=60
        )
        assert started, process.tail()
        return process

    def check(self, *processes):
        """None while every process (default: all that were not killed) is running."""
        for process in processes or [p for p in self.processes if not getattr(p, "killed", 0)]:
            if process.popen.poll() is not None:
                raise AssertionError(f"{process.name} exited\n{self.logs()}")

    @staticmethod
    def kill(process):
        """SIGKILL to the worker and its children: no warm shutdown, nothing acknowledged."""
        os.killpg(process.popen.pid, signal.SIGKILL)
        process.popen.wait(10)
        process.killed = True

    def logs(self):
        return "\n\n".join(process.tail(60) for process in self.processes)

    def stop(self):
        for connection in [*self._held, self._connection]:
            if connection is not None:
                connection.close()
        for process in self.processes:  # the test is over: no warm shutdown to wait for
            if process.popen.poll() is None:
                self.kill(process)
        self.redis.stop()
        with psycopg.connect(self.postgres.url("postgres"), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    # The database --------------------------------------------------------------

    def script(self, code):
        """Run ``code`` in the app (production settings, this stack); what it prints as JSON."""
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT_PRELUDE + code],
            cwd=PROJECT_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    def connect(self, autocommit=True):
        return psycopg.connect(
            self.postgres.url(self.database), autocommit=autocommit, connect_timeout=5
        )

    def sql(self, query, params=()):
        """The rows of a query, or how many rows a statement changed (autocommit, on one
        connection kept for the test: the tests poll)."""
        if self._connection is None or self._connection.closed:
            self._connection = self.connect()
        cursor = self._connection.execute(query, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount

    def value(self, query, params=()):
        return self.sql(query, params)[0][0]

    def hold(self, statement, params=()):
        """Run ``statement`` (a LOCK, a SELECT … FOR UPDATE) in a transaction left open:
        (the connection, whose ``rollback()`` releases it; the rows selected, if any)."""
        connection = self.connect(autocommit=False)
        self._held.append(connection)
        cursor = connection.execute(statement, params)
        return connection, cursor.fetchall() if cursor.description else None

    def waiting(self, query_like):
        """How many of the app's statements like this (SQL LIKE) wait for a lock now."""
        return self.value(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
            " AND wait_event_type = 'Lock' AND query LIKE %s",
            (self.database, query_like),
        )

    def wait_for_blocked(self, query_like, count=1, timeout=60):
        blocked = wait_until(
            lambda: self.check() or self.waiting(query_like) >= count, timeout=timeout
        )
        assert blocked, f"no statement like {query_like!r} waits on a lock\n{self.logs()}"

    # Mail ----------------------------------------------------------------------

    def emails(self):
        """Every email sent so far: one file each."""
        return [message_from_bytes(path.read_bytes()) for path in sorted(self.mail_dir.iterdir())]

    def recipients(self):
        return sorted(email["To"] for email in self.emails())
