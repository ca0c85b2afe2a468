"""A real Celery worker for tests: a thread of this process consuming the real broker.

``celery.contrib.testing.worker.start_worker`` with the ``solo`` pool, on the app's Redis
broker (``REDIS_URL``) and writing to the test's PostgreSQL database. Use it in tests
marked ``services`` and ``django_db(transaction=True)``, so the worker sees the data.
"""

import time

import pytest
from django.conf import settings
from django.db import connection


@pytest.fixture
def worker():
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    from config.celery_app import app

    assert app.conf.broker_url == settings.REDIS_URL  # the real broker, not a stand-in
    app.control.purge()  # nothing left over from an earlier run

    def close_connection(**kwargs):
        connection.close()  # the worker thread's own; the test database can be dropped

    task_postrun.connect(close_connection, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield app
    finally:
        task_postrun.disconnect(close_connection)


def wait_for(condition, timeout=30):
    """Poll ``condition`` until it holds (work done by the worker thread) or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def queued_messages():
    """Messages waiting in the default queue of the real broker."""
    from config.celery_app import app

    with app.connection_for_write() as connection:
        return connection.default_channel.client.llen("celery")
