"""The real Celery worker fixture, for browser tests that run a draw."""

from tests.rewards.celery_worker import worker  # noqa: F401 - a fixture
