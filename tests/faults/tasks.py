"""A test-only task, loaded into a real worker with ``-I tests.faults.tasks``.

It stands for a long task (a draw, a FIT import): it says it started, holds until the test
releases it, then records that it finished. The files are the evidence, not the broker.
"""

import os
import time
from pathlib import Path
from uuid import uuid4

from celery import shared_task


@shared_task
def hold_then_record(folder, hold_limit_s=60):
    folder = Path(folder)
    (folder / f"started-{uuid4().hex}").write_text(str(os.getpid()))
    deadline = time.monotonic() + hold_limit_s
    while not (folder / "release").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the test never released the task")
        time.sleep(0.05)
    with (folder / "finished").open("a") as finished:
        finished.write(f"{os.getpid()}\n")
    return "finished"
