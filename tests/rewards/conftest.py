"""The real Celery worker fixture (see celery_worker.py)."""

from tests.rewards.celery_worker import worker  # noqa: F401 - a fixture
