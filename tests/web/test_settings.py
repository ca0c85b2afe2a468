import os
import re
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.conf import settings
from django.db import OperationalError

from config.settings.base import mailer_from_url

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_passes_the_deploy_checks_without_a_warning():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        EMAIL_URL="smtp://mail.example.org:587",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="config.settings.production")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_DEBUG="true",
        EMAIL_URL="smtp://mail.example.org:587",
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off" in result.stderr


def test_tasks_are_acknowledged_late_and_requeued_when_a_worker_dies():
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_TIME_LIMIT <= 3600


def test_no_countdown_or_eta_outlives_the_redis_visibility_timeout():
    """On Redis an unacknowledged task comes back after the visibility timeout."""
    visibility_timeout = settings.CELERY_VISIBILITY_TIMEOUT
    longest = settings.CELERY_TASK_TIME_LIMIT
    for path in ROOT.glob("*/**/*.py"):
        if any(part in path.parts for part in (".venv", "tests", "var", "migrations")):
            continue
        for match in re.finditer(r"countdown=(\d+)", path.read_text()):
            longest = max(longest, int(match.group(1)))
        assert "eta=" not in path.read_text(), f"{path}: use beat, not ETAs"
    assert longest < visibility_timeout


def test_the_visibility_timeout_outlasts_the_longest_retry_and_run_but_not_by_hours(db):
    # db: on SQLite, Celery's Django fix-up closes the connection while tasks are imported.
    """A lost message comes back soon after anything alive could still hold it, no later."""
    from config.celery_app import app

    app.loader.import_default_modules()
    ours = [task for name, task in app.tasks.items() if not name.startswith("celery.")]
    longest_run = max(task.time_limit or settings.CELERY_TASK_TIME_LIMIT for task in ours)
    longest_wait = max(
        min(task.retry_backoff * 2 ** (task.max_retries - 1), task.retry_backoff_max)
        for task in ours
        if getattr(task, "autoretry_for", ()) and task.retry_backoff
    )
    assert (longest_run, longest_wait) == (600, 480)  # send_notice_emails' fifth try
    timeout = settings.CELERY_VISIBILITY_TIMEOUT
    assert longest_wait + longest_run < timeout <= 25 * 60
    assert app.conf.visibility_timeout == timeout
    if settings.REDIS_URL:
        assert app.conf.broker_transport_options["visibility_timeout"] == timeout
        assert app.conf.result_backend_transport_options == {"visibility_timeout": timeout}


@pytest.mark.parametrize(
    ("url", "backend", "options"),
    [
        ("consolemail://", "console.EmailBackend", {}),
        ("memorymail://", "locmem.EmailBackend", {}),
        (
            "filemail:////var/tmp/mail",
            "core.mail.OneFilePerEmailBackend",
            {"file_path": "/var/tmp/mail"},
        ),
        ("dummymail://", "dummy.EmailBackend", {}),
        (
            "filemail:///var/tmp/mail",
            "core.mail.OneFilePerEmailBackend",
            {"file_path": "var/tmp/mail"},
        ),
        (
            "smtp://user:p%40ss@mail.example.org:2525",
            "smtp.EmailBackend",
            {"host": "mail.example.org", "port": 2525, "username": "user", "password": "p@ss"},
        ),
    ],
)
def test_email_url_chooses_the_mailer(url, backend, options):
    mailer = mailer_from_url(url)
    assert mailer["BACKEND"].endswith(backend)
    assert options.items() <= mailer.get("OPTIONS", {}).items()


@pytest.mark.parametrize(
    ("url", "use_ssl", "use_tls", "port"),
    [
        ("smtp://mail.example.org", False, False, 587),
        ("smtps://mail.example.org", False, True, 587),
        ("smtp+tls://mail.example.org", False, True, 587),
        ("smtp+ssl://mail.example.org", True, False, 465),
        ("smtp://mail.example.org:25?EMAIL_USE_TLS=true", False, True, 25),
        ("smtp://mail.example.org?EMAIL_USE_SSL=1", True, False, 465),
        ("smtp+tls://mail.example.org?EMAIL_USE_TLS=false", False, False, 587),
    ],
)
def test_smtp_schemes_mean_what_django_environ_means(url, use_ssl, use_tls, port):
    options = mailer_from_url(url)["OPTIONS"]
    assert (options["use_ssl"], options["use_tls"], options["port"]) == (use_ssl, use_tls, port)


@pytest.mark.parametrize("scheme", ["smtp", "smtps", "smtp+tls", "smtp+ssl"])
def test_each_smtp_scheme_agrees_with_django_environ(scheme):
    url = f"{scheme}://mail.example.org"
    options = mailer_from_url(url)["OPTIONS"]
    environ_config = environ.Env.email_url_config(url)
    assert options["use_ssl"] == environ_config.get("EMAIL_USE_SSL", False)
    assert options["use_tls"] == environ_config.get("EMAIL_USE_TLS", False)


def test_other_email_url_parameters_are_smtp_options():
    options = mailer_from_url("smtp+ssl://mail.example.org?timeout=30&ssl_certfile=/etc/c.pem")
    assert options["OPTIONS"]["timeout"] == 30
    assert options["OPTIONS"]["ssl_certfile"] == "/etc/c.pem"


def test_a_mailer_from_email_url_is_accepted_by_django(settings):
    from django.core import mail

    settings.MAILERS = {"default": mailer_from_url("smtps://u:p@mail.example.org?timeout=5")}
    mailer = mail.mailers["default"]
    assert (mailer.host, mailer.port, mailer.use_tls, mailer.use_ssl) == (
        "mail.example.org",
        587,
        True,
        False,
    )
    assert (mailer.username, mailer.password, mailer.timeout) == ("u", "p", 5)


def test_filemail_needs_a_folder():
    with pytest.raises(ValueError, match="needs a folder"):
        mailer_from_url("filemail://")


def test_an_unknown_email_scheme_is_an_error_not_a_silent_default():
    with pytest.raises(ValueError, match="unknown scheme"):
        mailer_from_url("pigeon://loft")


def test_filemail_writes_one_file_per_email(tmp_path):
    from django.core.mail import EmailMessage

    from core.mail import OneFilePerEmailBackend

    backend = OneFilePerEmailBackend(file_path=tmp_path / "mail")
    sent = backend.send_messages(
        [EmailMessage(f"Hello {n}", "Body", "a@example.org", ["b@example.org"]) for n in range(3)]
    )
    files = sorted((tmp_path / "mail").iterdir())
    assert sent == len(files) == 3
    assert {f.read_text().split("Subject: ")[1].splitlines()[0] for f in files} == {
        "Hello 0",
        "Hello 1",
        "Hello 2",
    }


def test_production_security_settings_meet_the_targets():
    script = (
        "from config.settings import production as p; "
        "print(p.SECURE_HSTS_SECONDS, p.SESSION_COOKIE_SECURE, p.SESSION_COOKIE_HTTPONLY, "
        "p.CSRF_COOKIE_SECURE, p.SECURE_CONTENT_TYPE_NOSNIFF, p.SECURE_REFERRER_POLICY, "
        "p.SECURE_CROSS_ORIGIN_OPENER_POLICY, p.X_FRAME_OPTIONS, p.ACCOUNT_EMAIL_VERIFICATION)"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(DJANGO_SECRET_KEY="x" * 50, EMAIL_URL="smtp://mail.example.org:587")
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    hsts, *flags = result.stdout.split()
    assert int(hsts) >= 31_536_000
    assert flags == [
        "True",
        "True",
        "True",
        "True",
        "same-origin",
        "same-origin",
        "DENY",
        "mandatory",
    ]


@pytest.mark.django_db
def test_every_beat_entry_names_a_registered_task():
    from config.celery_app import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


@pytest.mark.services
@pytest.mark.django_db
def test_postgresql_connections_have_connect_and_statement_timeouts():
    from django.db import connection

    assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] == 5
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("15s",)
        # A statement whose client died is cancelled, not committed (tests/faults).
        cursor.execute("SHOW client_connection_check_interval")
        assert cursor.fetchone() == ("1s",)
        # The server itself ends a runaway query at the limit.
        cursor.execute("SET LOCAL statement_timeout = '50ms'")
        with pytest.raises(OperationalError, match="statement timeout"):
            cursor.execute("SELECT pg_sleep(2)")


def test_sessions_do_not_depend_on_redis():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_the_embedded_broker_keeps_its_exchange_tables_under_var(tmp_path):
    """kombu's filesystem transport writes ./control wherever a process starts, unless told."""
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from config.celery_app import app\n"
        "with app.connection_for_write() as connection:\n"
        "    app.amqp.queues[app.conf.task_default_queue](connection.default_channel).declare()\n"
        "    connection.as_uri()  # what the worker's banner and 'Connected to' line print\n"
        "print(settings.CELERY_BROKER_URL, settings.CELERY_BROKER_TRANSPORT_OPTIONS['control_folder'])"
    )
    environment = {
        k: v for k, v in os.environ.items() if k != "REDIS_URL" and not k.startswith("DJANGO_")
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.local", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    broker_url, control_folder = result.stdout.splitlines()[-1].split()
    # A URL with no host made kombu warn "No hostname was supplied" on every connection.
    assert "hostname" not in result.stdout + result.stderr
    assert broker_url == "filesystem://localhost//"
    assert Path(control_folder) == ROOT / "var" / "celery" / "control"
    assert (Path(control_folder) / "celery.exchange").is_file()
    assert not (tmp_path / "control").exists()


LONG_LINK = "http://127.0.0.1:8000/accounts/confirm-email/" + "MQ:1vAbCdEf" * 12 + "/"


def test_development_mail_is_a_file_and_one_log_line_with_the_whole_link(tmp_path, caplog):
    from django.core.mail import EmailMessage

    from core.mail import DevelopmentEmailBackend

    backend = DevelopmentEmailBackend(file_path=tmp_path / "mail")
    body = f"Héllo,\n\nTo confirm, go to {LONG_LINK}\n\nThen {LONG_LINK}x\n"
    with caplog.at_level("INFO", logger="core.mail"):
        backend.send_messages(
            [EmailMessage("Please confirm", body, "a@example.org", ["new@example.org"])]
        )
    (path,) = (tmp_path / "mail").iterdir()
    assert [record.getMessage() for record in caplog.records] == [
        f"Email to new@example.org: Please confirm {LONG_LINK} ({path})"
    ]


def test_the_run_command_writes_emails_to_var_mail_and_logs_them():
    script = (
        "from django.core.mail import send_mail; "
        f"send_mail('Welcome', 'Go to {LONG_LINK} now', None, ['new@example.org'])"
    )
    # manage.py's own settings (config.settings.local), with no EMAIL_URL.
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "EMAIL_URL"
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if "Email to" in line]
    assert f"INFO core.mail Email to new@example.org: Welcome {LONG_LINK} (" in line
    path = Path(line.rsplit("(", 1)[1].rstrip(")"))
    assert path.parent == ROOT / "var" / "mail"
    assert LONG_LINK[:40] in path.read_text()
    path.unlink()


def test_production_keeps_connections_checked_and_bounded():
    """Kept connections, each checked before reuse, on the backend that bounds every wait
    (a hung database must not hold them: config/settings/production.py)."""
    script = (
        "from config.settings import production as p; "
        "d = p.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], d['ENGINE'], d['OPTIONS']['wait_limit'])"
    )
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "CONN_MAX_AGE"
    }
    environment.update(
        DJANGO_SECRET_KEY="x" * 50,
        EMAIL_URL="smtp://mail.example.org:587",
        # Read, never connected to: the settings of a PostgreSQL deployment.
        DATABASE_URL="postgres://app@db.example.org:5432/virtualrun",
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    max_age, health_checks, engine, wait_limit = result.stdout.split()
    assert int(max_age) == 60
    assert health_checks == "True"
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert (engine, wait_limit) == ("core.postgresql", "16")
