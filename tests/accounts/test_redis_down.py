"""Signing in, signing up and resetting a password go on while Redis is down or hung.

allauth's rate limits live in the default cache. Each test points that cache (and the
broker /readyz probes) at a redis-server of its own, then stops or hangs that server:
the shared Redis of the other tests is never touched.
"""

import logging
import time

import pytest
import redis
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import Client

from config.celery_app import app as celery_app
from tests.factories import UserFactory
from tests.faults.servers import OwnRedis, wait_until

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db]

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a-long and unusual passphrase"


@pytest.fixture
def own_redis(tmp_path, settings, monkeypatch):
    """The cache and the broker on a redis-server of this test's own."""
    server = OwnRedis(tmp_path)
    server.start()
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url}}
    # The app reads its settings namespaced (CELERY_…): the plain name alone is not read.
    monkeypatch.setitem(celery_app.conf, "CELERY_BROKER_URL", server.url)
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})
    yield server
    server.stop()


@pytest.fixture
def runner(db):
    return UserFactory(email="runner@example.org")


def visit_the_account_pages(client):
    """GET and POST sign-in, sign-up and password reset: their status codes, in order."""
    return [
        client.get("/accounts/login/").status_code,
        client.post("/accounts/login/", {"login": "runner@example.org", "password": PASSWORD})[
            "Location"
        ],
        Client().get("/accounts/signup/").status_code,
        Client()
        .post(
            "/accounts/signup/",
            {"email": "new@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        .status_code,
        Client().get("/accounts/password/reset/").status_code,
        Client().post("/accounts/password/reset/", {"email": "runner@example.org"}).status_code,
    ]


def test_the_account_pages_work_while_redis_is_down(client, own_redis, runner, caplog):
    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        visited = visit_the_account_pages(client)
    assert visited == [200, "/dashboard/", 200, 302, 200, 302]
    assert client.session["_auth_user_id"] == str(runner.pk)
    assert EmailAddress.objects.filter(email="new@example.org").exists()
    # Said once, not once per cache call.
    warnings = [record for record in caplog.records if record.name == "core.cache"]
    assert len(warnings) == 1
    assert "not answering" in warnings[0].getMessage()


def test_the_account_pages_answer_in_seconds_while_redis_hangs(client, own_redis, runner):
    own_redis.pause()  # the port accepts connections; nothing answers
    started = time.monotonic()
    visited = visit_the_account_pages(client)
    assert visited == [200, "/dashboard/", 200, 302, 200, 302]
    # One socket timeout, then this process's memory until Redis is tried again.
    assert time.monotonic() - started < 5


def test_failed_logins_are_still_limited_while_redis_is_down(client, own_redis, runner):
    own_redis.stop()
    statuses = [
        client.post(
            "/accounts/login/", {"login": "runner@example.org", "password": "wrong"}
        ).status_code
        for _ in range(7)
    ]
    # "login_failed": 5 a key per 5 minutes, counted in this process's memory.
    assert statuses == [200] * 5 + [429] * 2
    response = client.post(
        "/accounts/login/", {"login": "runner@example.org", "password": PASSWORD}
    )
    assert response.status_code == 429


def test_readyz_names_the_broker_while_redis_is_down(client, own_redis):
    own_redis.stop()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert set(response.json()["failing"]) == {"broker"}


def test_the_shared_cache_is_used_again_once_redis_answers(settings, own_redis, caplog):
    default = settings.CACHES["default"]
    settings.CACHES = {
        "default": {
            **default,
            "OPTIONS": {**default.get("OPTIONS", {}), "FAILOVER_RETRY_AFTER": 0.2},
        }
    }
    own_redis.stop()
    cache.set("during-the-outage", "kept in this process")
    assert cache.get("during-the-outage") == "kept in this process"

    own_redis.start()  # the same port, empty
    direct = redis.Redis.from_url(own_redis.url)

    def written_to_redis():
        cache.set("after-the-outage", "shared")
        return direct.exists(cache.make_and_validate_key("after-the-outage"))

    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert wait_until(written_to_redis, timeout=10)
    assert cache.get("after-the-outage") == "shared"
    assert "answers again" in caplog.records[-1].getMessage()
