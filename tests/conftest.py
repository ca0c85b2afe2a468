"""Shared fixtures: the people of every permission test, real services, a real browser.

Tests marked ``services`` need PostgreSQL (``DATABASE_URL``) and Redis (``REDIS_URL``);
tests marked ``browser`` need Debian's Chromium. Without them they are skipped with the
reason — and under ``CI=true`` they fail instead, so CI can never pass by skipping.
"""

import os
import shutil
from functools import cache

import pytest
from django.conf import settings

from tests.celery_worker import worker  # noqa: F401 - a fixture for tests marked services
from tests.factories import ParticipantFactory, ProgrammeFactory, StaffFactory, UserFactory

# The fake Strava and its runner, for tests/strava and the browser tests.
pytest_plugins = ["tests.strava.fixtures"]

# Playwright's sync API keeps an event loop in the test thread; Django's ORM refuses to
# run beside one unless told it is safe (it is: the loop is idle while we query).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@cache
def missing_services():
    """Why the real-service tests cannot run here, or "" when they can."""
    reasons = []
    if settings.DATABASES["default"]["ENGINE"] != "core.postgresql":
        reasons.append("DATABASE_URL does not point at PostgreSQL")
    if not settings.REDIS_URL:
        reasons.append("REDIS_URL is not set")
    else:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
        except redis.RedisError as error:
            reasons.append(f"Redis does not answer at REDIS_URL ({error})")
    return "; ".join(reasons)


def missing_browser():
    if shutil.which(CHROMIUM) is None and not os.path.exists(CHROMIUM):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    return ""


def missing_fault_servers():
    """The fault suite starts its own redis-server and PostgreSQL cluster."""
    from glob import glob

    missing = [name for name in ("redis-server",) if shutil.which(name) is None]
    if not glob("/usr/lib/postgresql/*/bin/initdb") and shutil.which("initdb") is None:
        missing.append("initdb (PostgreSQL server)")
    return f"not installed: {', '.join(missing)}" if missing else ""


def _skip_or_fail(reason):
    if IN_CI:
        pytest.fail(f"CI=true and this test cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _needs(request):
    if request.node.get_closest_marker("services") and (reason := missing_services()):
        _skip_or_fail(reason)
    if request.node.get_closest_marker("browser") and (reason := missing_browser()):
        _skip_or_fail(reason)
    if request.node.get_closest_marker("faults") and (reason := missing_fault_servers()):
        _skip_or_fail(reason)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits live in the cache; each test starts with none used.

    On Redis only this process's keys go (the test settings prefix them per xdist worker):
    clear() would empty the whole database, other workers' queued tasks included.
    """
    from django.core.cache import cache as django_cache

    if settings.REDIS_URL and django_cache.key_prefix:
        client = django_cache._cache.get_client(write=True)
        if keys := list(client.scan_iter(match=f"{django_cache.key_prefix}:*", count=1000)):
            client.delete(*keys)
    else:
        django_cache.clear()
    yield


# People ---------------------------------------------------------------------


@pytest.fixture
def programme(db):
    return ProgrammeFactory()


@pytest.fixture
def participant(programme):
    return ParticipantFactory(programme=programme, display_name="Alice")


@pytest.fixture
def other_participant(programme):
    return ParticipantFactory(programme=programme, display_name="Bob")


@pytest.fixture
def staff_user(db):
    return StaffFactory(email="staff@example.org")


@pytest.fixture
def superuser(db):
    return StaffFactory(email="root@example.org", is_superuser=True)


@pytest.fixture
def signed_in_user(db):
    """Signed up and verified, but not (yet) a participant."""
    return UserFactory(email="newcomer@example.org")


@pytest.fixture
def exercise_catalogue(db):
    """The standard catalogue by slug. The data migration loads it; this puts it back for
    transactional tests, which start from an emptied database once one has run."""
    from exercises.models import Exercise
    from exercises.services import catalogue_load

    catalogue_load()
    return {exercise.slug: exercise for exercise in Exercise.objects.all()}


# Browser ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _chromium():
    if reason := missing_browser():
        _skip_or_fail(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(_chromium, live_server):
    """A fresh browser context on a phone-sized screen, pointed at the live server."""
    context = _chromium.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="en-GB"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    yield page
    context.close()
    assert not errors, f"browser console errors: {errors}"


@pytest.fixture
def upload_root(settings, tmp_path):
    """Participants' private uploads go to a fresh folder, removed with the test."""
    folder = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    return folder


# Under CI nothing may pass by being skipped: a skip anywhere fails the run.
_skipped_in_ci = []


def pytest_runtest_logreport(report):
    if IN_CI and report.skipped:
        _skipped_in_ci.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if IN_CI and _skipped_in_ci and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if IN_CI and _skipped_in_ci:
        terminalreporter.write_line(
            f"CI=true: {len(_skipped_in_ci)} skipped test(s) fail the run: {_skipped_in_ci[:5]}",
            red=True,
        )
