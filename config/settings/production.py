"""Production: every secret from the environment, every deploy check satisfied."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES, env, mailer_from_url

# No default: a missing DJANGO_SECRET_KEY stops start-up with ImproperlyConfigured.
SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")

# One database connection per request by default. Kept connections (CONN_MAX_AGE=60) save a
# few milliseconds of CPU per page (bench/README.md), but a hung (not dead) PostgreSQL then
# holds every request on its kept connection until gunicorn's 30 s limit: libpq has no client
# timeout once connected. A new connection gives up after connect_timeout (5 s) and the page
# is a quick 503 (tests/faults/test_database_down_or_hung.py). Keep connections only behind a
# pooler that bounds its waits.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)

# HTTPS: the proxy in front terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Health probes come from inside the network over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Real mail or nothing: production has no console default.
MAILERS = {"default": mailer_from_url(env("EMAIL_URL"))}
ADMINS = [("Admin", email) for email in env.list("DJANGO_ADMIN_EMAILS", default=[])]
