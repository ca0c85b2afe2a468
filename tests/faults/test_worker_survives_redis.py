"""A real Celery worker outlives its Redis going away in the middle of a task.

The worker and the Redis are this test's own: a redis-server on a spare port (never the
shared one) and ``celery -A config.celery_app worker`` pointed at it. A long task is
running when Redis is killed; Redis comes back on the same port with its data (append-only
file, as in docker-compose.yml), and the worker must still be there, consume again, and
the task must have finished exactly once with nothing left behind to run it again.

Celery 5.7.0 fails this: after a connection loss its consumer calls ``collect()`` (which
detaches the transport even when closing a channel failed halfway) and then ``close()``,
whose late attempt to put the running task's message back reads ``hostname`` from the
detached transport: ``Unrecoverable error: AttributeError(... 'hostname')``, and the
worker exits. pyproject.toml keeps Celery below 5.7 until a release passes this test.
"""

import os
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings

from tests.conftest import _skip_or_fail
from tests.faults.servers import free_port, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.xdist_group("faults")]

PROJECT_DIR = Path(settings.BASE_DIR)
BIN_DIR = Path(sys.executable).parent
TASK = "tests.faults.tasks.hold_then_record"


class RedisServer:
    """A redis-server of our own. Its append-only file keeps the queue across a restart."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.popen = None

    def start(self):
        log = (self.folder / "redis.log").open("ab")
        self.popen = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",  # a SIGKILL loses nothing that was acknowledged
                "--dir",
                str(self.folder),
                "--daemonize",
                "no",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        assert wait_until(lambda: self._answers(client), timeout=10), self.log()

    def kill(self):
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(10)

    def stop(self):
        if self.popen and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def _answers(self, client):
        if self.popen.poll() is not None:
            raise AssertionError(f"redis-server exited\n{self.log()}")
        try:
            return client.ping()
        except redis.RedisError:
            return False

    def log(self):
        return (self.folder / "redis.log").read_text(errors="replace")


class Worker:
    """``celery worker`` on the given Redis: prefork with two children, as in Procfile.dev.

    Two, not one: with a free child the worker keeps a BRPOP open while the task runs,
    which is what the crash needs.
    """

    def __init__(self, folder, redis_url):
        self.log_path = folder / "worker.log"
        self.hostname = f"faults-{secrets.token_hex(4)}@localhost"
        # Without PYTEST_* and TEST_NAMESPACE: its test settings then prefix the broker keys
        # "test-main:", as the client below does (the Redis is ours alone anyway).
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("PYTEST_") and key != "TEST_NAMESPACE"
        }
        env.update(
            PYTHONPATH=str(PROJECT_DIR),
            PYTHONUNBUFFERED="1",
            DJANGO_SETTINGS_MODULE="config.settings.test",
            REDIS_URL=redis_url,  # the broker, the result backend and the cache
        )
        self.args = [
            str(BIN_DIR / "celery"),
            "-A",
            "config.celery_app",
            "worker",
            "-I",
            "tests.faults.tasks",
            "--loglevel=INFO",
            "--pool=prefork",
            "--concurrency=2",
            f"--hostname={self.hostname}",
        ]
        self.env = env
        self.popen = None

    def start(self):
        with self.log_path.open("wb") as out:
            self.popen = subprocess.Popen(
                self.args,
                cwd=PROJECT_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: stop() reaches the children
            )

    def alive(self):
        return self.popen.poll() is None

    def output(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log(self, lines=80):
        tail = "\n".join(self.output().splitlines()[-lines:])
        return f"--- worker (exit code {self.popen.poll()}) ---\n{tail}"

    def stop(self, timeout=20):
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        _skip_or_fail("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker(tmp_path, redis_server):
    worker = Worker(tmp_path, redis_server.url)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def client(redis_server):
    client = Celery("faults-client", broker=redis_server.url, backend=redis_server.url)
    client.conf.broker_connection_retry_on_startup = True
    # The worker runs the test settings of its "main" process: its broker keys carry that
    # prefix (config/settings/test.py), so the client's must too.
    client.conf.broker_transport_options = {"global_keyprefix": "test-main:"}
    yield client
    client.close()


def answers_ping(client, worker):
    """The worker replies over the broker: it is connected and consuming."""
    if not worker.alive():
        raise AssertionError(f"the worker exited\n{worker.log()}")
    try:
        return client.control.ping(destination=[worker.hostname], timeout=1)
    except Exception:  # noqa: BLE001 - the broker may still be coming back
        return None


def test_it_survives_redis_dying_mid_task_and_finishes_the_task_once(
    tmp_path, redis_server, worker, client
):
    work = tmp_path / "work"
    work.mkdir()
    assert wait_until(lambda: answers_ping(client, worker), timeout=60), worker.log()

    result = client.send_task(TASK, args=[str(work)], kwargs={"hold_limit_s": 30})
    assert wait_until(lambda: list(work.glob("started-*")), timeout=30), worker.log()

    redis_server.kill()
    lost = wait_until(lambda: "Connection to broker lost" in worker.output(), timeout=30)
    assert lost, worker.log()
    redis_server.start()  # the same port, the same append-only file

    assert wait_until(lambda: answers_ping(client, worker), timeout=60), worker.log()
    (work / "release").touch()

    assert result.get(timeout=60) == "finished", worker.log()
    # Exactly once: one finished run, and (once the late ack, sent after the result, is
    # in) no copy of the message left in the queue or among the unacknowledged ones for
    # Redis to hand out again an hour later.
    broker = redis.Redis.from_url(redis_server.url)
    settled = wait_until(
        lambda: not broker.llen("celery") and not broker.hlen("unacked"), timeout=10
    )
    assert settled, (broker.lrange("celery", 0, -1), broker.hgetall("unacked"), worker.log())
    assert worker.alive(), worker.log()
    assert (work / "finished").read_text().count("\n") == 1, worker.log()
