"""Tests: fast hashing, outbox email, eager nothing — Celery still goes through a broker."""

from .base import *  # noqa: F403
from .base import STORAGES, VAR_DIR

SECRET_KEY = "test-only-secret-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    **STORAGES,
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "test-private")},
    },
}
# Tests that need a worker start a real one; others never enqueue into a void.
CELERY_TASK_ALWAYS_EAGER = False
