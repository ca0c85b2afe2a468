"""Servers of a test's own, to break on purpose: Redis and PostgreSQL on spare ports.

The shared services (REDIS_URL, DATABASE_URL) are never stopped or paused by a test: a
fault test starts its own server in a temporary folder, then stops it (``stop``), hangs it
(``pause``, SIGSTOP to every process of that server) and brings it back (``start``,
``resume``). Each waits for the server with a deadline, never a fixed sleep.
"""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from glob import glob
from pathlib import Path


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, *, timeout, interval=0.1):
    """Call ``condition`` until it returns something truthy; that value, or None."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


class OwnServer:
    """A server in its own process group, so a signal reaches all of its processes."""

    popen = None
    stop_signal = signal.SIGTERM

    def _spawn(self, args, **kwargs):
        self.popen = subprocess.Popen(
            args,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            **kwargs,
        )

    def _signal(self, signum):
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, signum)

    def _descendants(self):
        """Every process started under this server. PostgreSQL's backends each lead a
        process group of their own (setsid), so the group's signal alone misses them."""
        children = {}
        for stat in glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:  # gone meanwhile
                continue
            children.setdefault(int(fields[1]), []).append(int(stat.split("/")[2]))
        found, queue = [], [self.popen.pid]
        while queue:
            for child in children.get(queue.pop(), []):
                found.append(child)
                queue.append(child)
        return found

    def _signal_tree(self, signum):
        if not (self.popen and self.popen.poll() is None):
            return
        self._signal(signum)
        for pid in self._descendants():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    def pause(self):
        """Hang it, every process (the connections already open too): the port still
        accepts connections, nothing answers."""
        self._signal_tree(signal.SIGSTOP)

    def resume(self):
        self._signal_tree(signal.SIGCONT)

    def stop(self):
        if self.popen and self.popen.poll() is None:
            self.resume()
            self._signal(self.stop_signal)
            try:
                self.popen.wait(20)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.popen.wait(5)

    def logs(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class OwnRedis(OwnServer):
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = folder / "redis.log"

    def start(self):
        self._spawn(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ]
        )
        assert wait_until(self.answers, timeout=10), f"redis-server did not start\n{self.logs()}"

    def answers(self):
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False


def postgres_bin(name):
    found = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name)]
    assert found[-1], f"{name} not found (apt-get install postgresql)"
    return found[-1]


class OwnPostgres(OwnServer):
    """A throwaway PostgreSQL cluster with trust authentication for ``postgres``.

    PostgreSQL refuses to run as root, so under root its folder belongs to the
    ``postgres`` user and its commands run as that user.
    """

    stop_signal = signal.SIGINT  # "fast" shutdown: SIGTERM would wait for the clients

    def __init__(self):
        # Not under pytest's tmp_path: that is private to root, and postgres must enter it.
        self.folder = Path(tempfile.mkdtemp(prefix="own-postgres-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self.log.touch()
        if self.as_postgres:
            os.chown(self.log, owner.pw_uid, owner.pw_gid)

    def _command(self, args):
        args = [str(arg) for arg in args]
        return ["runuser", "-u", "postgres", "--", *args] if self.as_postgres else args

    def url(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def init(self):
        subprocess.run(
            self._command(
                [postgres_bin("initdb"), "-D", self.data, "-U", "postgres", "--auth=trust", "-N"]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self):
        self._spawn(
            self._command(
                [
                    postgres_bin("postgres"),
                    "-D",
                    self.data,
                    "-p",
                    self.port,
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    f"unix_socket_directories={self.folder}",
                    "-c",
                    "fsync=off",
                ]
            )
        )
        assert wait_until(self.answers, timeout=30), f"postgres did not start\n{self.logs()}"

    def answers(self):
        import psycopg

        try:
            with psycopg.connect(self.url("postgres"), connect_timeout=1) as connection:
                return connection.execute("SELECT 1").fetchone() == (1,)
        except psycopg.Error:
            return False

    def create_database(self, name):
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

    def remove(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
