"""Settings shared by every environment.

One ``env`` object reads the process environment (see README, "Configuration").
The defaults give the embedded set-up: SQLite in ``var/``, Celery on kombu's
filesystem transport, local-memory cache. ``DATABASE_URL`` and ``REDIS_URL`` switch
the same code to PostgreSQL and Redis.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# Core -----------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
SITE_ID = 1
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Database -------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A kept connection that broke (database restarted) is replaced, not reused.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A hung database must cost a request seconds, not a stuck worker (README, "What
    # happens when…"). connect_timeout bounds a connection to a server that accepts and
    # never answers; statement_timeout has the server cancel a runaway query. Web
    # requests get 15 s; the worker's container sets DATABASE_STATEMENT_TIMEOUT higher
    # (a million-entrant draw runs ~10 s); 0 turns it off (migrations).
    # client_connection_check_interval (PostgreSQL 14+): the server checks every second
    # that the client of a running statement is still there, and cancels it when not. A
    # worker killed while its statement waits for a lock then leaves nothing behind; without
    # it the statement would commit once the lock is free, e.g. an email claimed as sent by a
    # dead worker and never sent (tests/faults/test_worker_killed.py).
    # Kept connections (CONN_MAX_AGE, production) are bounded on the client too: the
    # health check before reuse in 1 s, every other exchange in statement_timeout + 1 s
    # (core/postgresql/base.py), since a hung server never runs its statement_timeout.
    statement_timeout = env.int("DATABASE_STATEMENT_TIMEOUT", default=15)
    DATABASES["default"]["ENGINE"] = "core.postgresql"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": env.int("DATABASE_CONNECT_TIMEOUT", default=5),
            "options": (
                f"-c statement_timeout={statement_timeout}s"
                f" -c client_connection_check_interval={env.int('DATABASE_CLIENT_CHECK_MS', default=1000)}ms"
            ),
            "wait_limit": statement_timeout + 1 if statement_timeout else None,
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; the timeout rides out
    # short write locks instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

# Applications ---------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    # The house, bottom up (pyproject.toml's import-linter contract holds it).
    "core",
    "notifications",
    "programme",
    "imports",
    "exercises",
    "rewards",
    "strava",
    "accounts",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Django's, with img-src also allowing the configured logo's host (core/csp.py).
    "core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A signed-in person's POST makes their cached pages stale (core/personal_pages.py).
    "core.personal_pages.PersonalPagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.branding",
                "web.context_processors.notices",
            ],
        },
    },
]

# Sessions live in the database (Django's default, said out loud): a Redis outage must
# not sign everybody out or break sign-in.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Static files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Participants' activity files (GPS tracks show where people live): never served.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(env.path("DJANGO_PRIVATE_ROOT", default=VAR_DIR / "private"))},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: Django itself sets no limit on a file's size; the import form enforces
# its own, and these keep a hostile request from filling memory first.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# The first handler drops any file over 20 MB, and files past 60 MB in one request, as the
# bytes arrive (imports/uploads.py); the other two are Django's defaults.
FILE_UPLOAD_HANDLERS = [
    "imports.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Raw activity files are deleted this many days after upload (the runs stay).
ACTIVITY_FILE_RETENTION_DAYS = env.int("ACTIVITY_FILE_RETENTION_DAYS", default=30)

# Cache: allauth's rate limits need a real cache, shared by every process.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache that answers from this process's memory while Redis does
            # not (core/cache.py): sign-in keeps working, its limits count per process.
            "BACKEND": "core.cache.FailoverRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                # A cache call takes a millisecond: a hung Redis fails fast instead of
                # holding a web worker. After a failure Redis is tried again in 5 s.
                "socket_connect_timeout": 0.5,
                "socket_timeout": 1,
                "FAILOVER_RETRY_AFTER": 5,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


# Email ----------------------------------------------------------------------
def mailer_from_url(url):
    """One MAILERS entry from an ``EMAIL_URL``, read by django-environ so every scheme means
    what it means there: ``smtps`` and ``smtp+tls`` use STARTTLS, ``smtp+ssl`` implicit TLS,
    and ``?EMAIL_USE_TLS=…``/``?EMAIL_USE_SSL=…`` switch them. Ours: ``filemail`` writes one
    file per email, and a port left out is 465 with SSL, 587 otherwise."""
    scheme = urlsplit(url).scheme
    if scheme not in environ.Env.EMAIL_SCHEMES:
        raise ValueError(f"EMAIL_URL has an unknown scheme: {scheme!r}")
    config = environ.Env.email_url_config(url)
    if scheme == "filemail":
        # As in SQLite URLs: filemail:////var/tmp/mail is the absolute folder /var/tmp/mail.
        if not config["EMAIL_FILE_PATH"]:
            raise ValueError(
                "EMAIL_URL: filemail:// needs a folder, e.g. filemail:////var/tmp/mail"
            )
        return {
            "BACKEND": "core.mail.OneFilePerEmailBackend",
            "OPTIONS": {"file_path": config["EMAIL_FILE_PATH"]},
        }
    if not scheme.startswith("smtp"):
        return {"BACKEND": config["EMAIL_BACKEND"]}
    use_ssl = environ.Env.parse_value(str(config.get("EMAIL_USE_SSL", False)), bool)
    use_tls = environ.Env.parse_value(str(config.get("EMAIL_USE_TLS", False)), bool)
    return {
        "BACKEND": config["EMAIL_BACKEND"],
        "OPTIONS": {
            "host": config["EMAIL_HOST"] or "localhost",
            "port": config["EMAIL_PORT"] or (465 if use_ssl else 587),
            "username": config["EMAIL_HOST_USER"] or "",
            "password": config["EMAIL_HOST_PASSWORD"] or "",
            "use_ssl": use_ssl,
            "use_tls": use_tls,
            "timeout": 10,
            # Any other query parameter is a backend option (?timeout=30); Django names the
            # unknown ones.
            **{name.lower(): value for name, value in config.get("OPTIONS", {}).items()},
        },
    }


MAILERS = {"default": mailer_from_url(env("EMAIL_URL", default="consolemail://"))}
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Virtual Run <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Accounts (django-allauth) ---------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:dashboard"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# allauth's default is only "optional": joining the programme needs a proven address.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Confirming signs in only the browser that signed up (allauth checks the sign-up is
# pending in that session): the link alone, opened anywhere else, signs nobody in; there
# the sign-in form has the confirmed address filled in (accounts.adapter).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
# Its sign-up takes as long for a taken address as for a new one (see the form).
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm", "login": "accounts.forms.LoginForm"}
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)

# Strava (README "Connect Strava"): hidden, not broken, until all three are set -------------
STRAVA_CLIENT_ID = env("STRAVA_CLIENT_ID", default="")
STRAVA_CLIENT_SECRET = env("STRAVA_CLIENT_SECRET", default="")
STRAVA_WEBHOOK_VERIFY_TOKEN = env("STRAVA_WEBHOOK_VERIFY_TOKEN", default="")
STRAVA_ENABLED = bool(STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET and STRAVA_WEBHOOK_VERIFY_TOKEN)
# Settings, so tests talk to a local fake on loopback and production to Strava.
STRAVA_OAUTH_URL = env("STRAVA_OAUTH_URL", default="https://www.strava.com/oauth")
STRAVA_API_URL = env("STRAVA_API_URL", default="https://www.strava.com/api/v3")
# Strava connects an account to a signed-in person; it never signs anybody in or up.
SOCIALACCOUNT_ADAPTER = "strava.adapter.StravaSocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = True  # the refresh token lives in SocialToken.token_secret
SOCIALACCOUNT_PROVIDERS = {
    "strava": {
        "APPS": [{"client_id": STRAVA_CLIENT_ID, "secret": STRAVA_CLIENT_SECRET}]
        if STRAVA_ENABLED
        else [],
    }
}

# Security headers (tightened further in production) --------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "web.views.csrf_failure"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

# Celery -----------------------------------------------------------------------
# The embedded broker names a host (ignored): without one kombu warns "No hostname was
# supplied" on each connection.
CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost//"
CELERY_RESULT_BACKEND = REDIS_URL or f"file://{VAR_DIR / 'celery' / 'results'}"
# Redis gives an unacknowledged message to another worker after this long. It must outlast
# the longest a message stays unacknowledged when all is well, or a slow task runs twice:
# a retry held for its countdown (send_notice_emails waits up to 8 minutes before its last
# try; import_activity_file under 3) and then run to the hard time limit
# (CELERY_TASK_TIME_LIMIT, 10 minutes; imports 90 s): 18 minutes at most. Longer only
# delays what a killed worker held; draws, imports and emails do not wait for it, their
# beat sweeps queue a lost task again within minutes. Celery wants the same value for the
# broker, the result backend and the app (its Redis caveats).
CELERY_VISIBILITY_TIMEOUT = 20 * 60
if not REDIS_URL:
    # The embedded broker: messages are files under var/, so a worker and beat run
    # on a laptop with no server at all.
    _broker_dir = VAR_DIR / "celery" / "broker"
    # kombu keeps its exchange tables in "control_folder", by default ./control wherever
    # the process was started.
    _control_dir = VAR_DIR / "celery" / "control"
    for _folder in (
        _broker_dir,
        _control_dir,
        VAR_DIR / "celery" / "processed",
        VAR_DIR / "celery" / "results",
    ):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(_control_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_TIMEZONE = "UTC"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 10 * 60  # the longest any task may run; see the visibility timeout
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Celery's own scheduler plus a heartbeat file that the beat container's health check reads
# (config/beat.py); beat wakes at least once a minute, so the heartbeat is never older.
CELERY_BEAT_SCHEDULER = "config.beat:HeartbeatScheduler"
CELERY_BEAT_MAX_INTERVAL = 60
# The sweeps that finish lost work: how often beat runs them, and how long work stays
# silent before they treat it as lost. The defaults are the production values; the fault
# tests (tests/faults) shorten them to seconds so a killed worker is mended within a test.
UNLOCK_DUE_LEVELS_EVERY_SECONDS = env.float("UNLOCK_DUE_LEVELS_EVERY_SECONDS", default=60.0)
STRANDED_NOTICE_EMAILS_EVERY_SECONDS = env.float(
    "STRANDED_NOTICE_EMAILS_EVERY_SECONDS", default=300.0
)
#: An owed email this old had its task lost (notifications.selectors.STRANDED_AFTER).
NOTICE_EMAIL_STRANDED_AFTER_SECONDS = env.int("NOTICE_EMAIL_STRANDED_AFTER_SECONDS", default=900)
STALLED_DRAWS_EVERY_SECONDS = env.float("STALLED_DRAWS_EVERY_SECONDS", default=60.0)
#: A draw run silent this long was lost (rewards.selectors.DRAW_RUN_STALL).
DRAW_RUN_STALL_SECONDS = env.int("DRAW_RUN_STALL_SECONDS", default=180)
CELERY_BEAT_SCHEDULE = {
    "unlock-due-levels": {
        "task": "programme.tasks.unlock_due_levels",
        "schedule": UNLOCK_DUE_LEVELS_EVERY_SECONDS,
    },
    "send-closing-reminders": {
        "task": "programme.tasks.send_closing_reminders",
        "schedule": crontab(minute=5),
    },
    "send-stranded-notice-emails": {
        "task": "notifications.tasks.send_stranded_notice_emails",
        "schedule": STRANDED_NOTICE_EMAILS_EVERY_SECONDS,
    },
    "requeue-stalled-imports": {"task": "imports.tasks.requeue_stalled_imports", "schedule": 60.0},
    "delete-expired-activity-files": {
        "task": "imports.tasks.delete_expired_activity_files",
        "schedule": crontab(hour=3, minute=30),
    },
    "forfeit-expired-claims": {
        "task": "rewards.tasks.forfeit_expired_claims",
        "schedule": crontab(hour=0, minute=15),
    },
    "requeue-stalled-draws": {
        "task": "rewards.tasks.requeue_stalled_draws",
        "schedule": STALLED_DRAWS_EVERY_SECONDS,
    },
    "run-strava-jobs": {"task": "strava.tasks.run_strava_jobs", "schedule": 60.0},
    "send-claim-reminders": {
        "task": "rewards.tasks.send_claim_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
}

# Logging: everything to stdout, one line per record --------------------------
LOG_LEVEL = env("DJANGO_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Replaces Django's own "django" handlers, which would print each record twice.
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}

# Absolute links in emails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Branding: the organiser's name and colours are settings, overridden per deployment.
BRAND = {
    "name": env("BRAND_NAME", default="Virtual Run"),
    "tagline": env("BRAND_TAGLINE", default=""),
    "primary_colour": env("BRAND_PRIMARY_COLOUR", default="#0b6e4f"),
    "accent_colour": env("BRAND_ACCENT_COLOUR", default="#f2a541"),
    "logo_url": env("BRAND_LOGO_URL", default=""),
}

# Prize draws commit to a round of one of these drand chains before entries close
# (prize-draw.md v1.1). Values from each chain's info document,
# https://api.drand.sh/<hash>/info (also drand/tlock-js and noislabs/drand-verify). Nothing
# is fetched at run time: staff paste the round's signature. The first is the default.
DRAND_CHAINS = {
    "quicknet": {
        "hash": "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
        "public_key": (
            "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3a"
            "c6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5"
            "a6e9c76a4bc09e76eae8991ef5ece45a"
        ),
        "genesis_time": 1692803367,
        "period": 3,
        "scheme": "bls-unchained-g1-rfc9380",
    },
    "default": {
        "hash": "8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce",
        "public_key": (
            "868f005eb8e6e4ca0a47c8a77ceaa5309a47978a7c71bc5cce96366b5d7a569937c529eeda66c729"
            "3784a9402801af31"
        ),
        "genesis_time": 1595431050,
        "period": 30,
        "scheme": "pedersen-bls-chained",
    },
}
# Where staff and entrants read a round: <relay>/<chain hash>/public/<round>.
DRAND_RELAY_URL = "https://api.drand.sh"
