"""Tests: fast hashing, outbox email, eager nothing — Celery still goes through a broker.

pytest-xdist runs the suite in several processes (gw0, gw1, …). pytest-django gives each its
own database; the settings below give each its own Redis keys (cache and Celery broker, in the
one Redis database of REDIS_URL), embedded-broker folders and media folders, so one worker
never consumes, counts or clears another's.
"""

import os

from .base import *  # noqa: F403
from .base import CACHES, CELERY_BROKER_TRANSPORT_OPTIONS, REDIS_URL, STORAGES, VAR_DIR

#: "gw0", "gw1", … under xdist; "main" in a serial run. TEST_NAMESPACE (optional) keeps two
#: checkouts that run their suites at once on one Redis apart.
TEST_WORKER = os.environ.get("TEST_NAMESPACE", "") + os.environ.get("PYTEST_XDIST_WORKER", "main")
_worker_dir = VAR_DIR / "test" / TEST_WORKER

SECRET_KEY = "test-only-secret-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = _worker_dir / "media"
STORAGES = {
    **STORAGES,
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(_worker_dir / "private")},
    },
}
# Strava is on in tests, with a fake application; each test points the base URLs at its own
# local fake Strava (tests/strava/fake_strava.py).
STRAVA_CLIENT_ID = "12345"
STRAVA_CLIENT_SECRET = "test-secret"  # noqa: S105
STRAVA_WEBHOOK_VERIFY_TOKEN = "test-verify-token"  # noqa: S105
STRAVA_ENABLED = True
STRAVA_OAUTH_URL = "http://127.0.0.1:9/oauth"  # the discard port: a test that forgot the fake fails
STRAVA_API_URL = "http://127.0.0.1:9/api/v3"
SOCIALACCOUNT_PROVIDERS = {
    "strava": {"APPS": [{"client_id": STRAVA_CLIENT_ID, "secret": STRAVA_CLIENT_SECRET}]}
}

# Tests that need a worker start a real one; others never enqueue into a void.
CELERY_TASK_ALWAYS_EAGER = False

if REDIS_URL:
    # tests/conftest.py empties only this prefix before each test, never the whole database.
    CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": f"test-{TEST_WORKER}"}}
    # Every broker key (queues, unacked tasks, bindings, fanout channels) carries the prefix.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "global_keyprefix": f"test-{TEST_WORKER}:",
    }
else:
    _celery_dir = _worker_dir / "celery"
    for _folder in ("broker", "control", "processed", "results"):
        (_celery_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_RESULT_BACKEND = f"file://{_celery_dir / 'results'}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "data_folder_in": str(_celery_dir / "broker"),
        "data_folder_out": str(_celery_dir / "broker"),
        "control_folder": str(_celery_dir / "control"),
        "processed_folder": str(_celery_dir / "processed"),
    }
