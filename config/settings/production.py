"""Production: every secret from the environment, every deploy check satisfied."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES, env, mailer_from_url

# No default: a missing DJANGO_SECRET_KEY stops start-up with ImproperlyConfigured.
SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")

# Kept database connections: a connect per request cost more than most pages' queries
# (bench/README.md). A hung (not dead) PostgreSQL would hold requests on their kept
# connections, so the backend bounds every wait on the client: the health check before
# reuse gives up in 1 s, the reconnect after connect_timeout (5 s), and the page is a quick
# 503 (core/postgresql/base.py, tests/faults/test_database_down_or_hung.py). CONN_MAX_AGE=0
# opens one per request (e.g. behind a transaction-pooling PgBouncer).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)

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
