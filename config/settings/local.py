"""Development: the run command's settings. Debug on unless DJANGO_DEBUG says otherwise."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A fixed key is fine for a laptop; production refuses to start without its own.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-development-key-not-for-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

# Emails are files under var/mail, each announced by one log line with its subject and first
# link (core.mail.DevelopmentEmailBackend); EMAIL_URL chooses any other backend.
if "EMAIL_URL" not in env:
    MAILERS = {
        "default": {
            "BACKEND": "core.mail.DevelopmentEmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
