"""bin/worker, the Celery worker of `make run`: Ctrl-C (honcho's SIGTERM, or SIGINT) stops
it and its worker for good, with status 0, well before honcho's SIGKILL at 30 s."""

import os
import signal
import subprocess
import time

import pytest
from django.conf import settings

from tests.faults.servers import wait_until

pytestmark = pytest.mark.slow

ROOT = settings.BASE_DIR


def _processes_in_group(group):
    listing = subprocess.run(
        ["ps", "-eo", "pgid=,stat="], capture_output=True, text=True, check=True
    ).stdout
    return [
        line for line in listing.splitlines() if int(line.split()[0]) == group and "Z" not in line
    ]


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_ends_the_script_and_its_worker_with_status_0(tmp_path, stop_signal):
    # The embedded broker and development settings, as `make run` without services.
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL") and not k.startswith("DJANGO_")
    }
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        script = subprocess.Popen(
            ["bash", "bin/worker", "--loglevel=INFO", "--concurrency=1"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # as honcho starts it
        )
    try:
        assert wait_until(lambda: "ready." in log.read_text(), timeout=60), log.read_text()
        children = subprocess.run(
            ["ps", "-o", "pgid=", "--ppid", str(script.pid)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        # The Celery worker leads a process group of its own (bin/worker's job control).
        worker_groups = {int(group) for group in children.split()} - {script.pid}
        assert worker_groups
        started = time.monotonic()
        script.send_signal(stop_signal)
        assert script.wait(timeout=28) == 0, log.read_text()
        assert time.monotonic() - started < 25
        for group in worker_groups:
            assert wait_until(lambda group=group: not _processes_in_group(group), timeout=10)
        assert "starting it again" not in log.read_text()
    finally:
        if script.poll() is None:
            os.killpg(script.pid, signal.SIGKILL)
