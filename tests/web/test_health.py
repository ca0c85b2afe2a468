import threading
import time

import pytest
from django.db import OperationalError
from django.test import Client

from config.celery_app import app as celery_app
from web import context_processors, views


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_readyz_answers_when_database_and_broker_do(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_names_the_broker_when_it_does_not_answer(client, monkeypatch):
    # A real connection attempt to a port where nothing listens.
    # The app reads its settings namespaced (CELERY_…): the plain name alone is not read.
    monkeypatch.setitem(celery_app.conf, "CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})
    response = client.get("/readyz")
    assert response.status_code == 503
    assert set(response.json()["failing"]) == {"broker"}


@pytest.mark.django_db
def test_readyz_answers_503_in_seconds_when_a_probe_hangs(client, monkeypatch):
    hung = threading.Event()
    monkeypatch.setattr(views, "READYZ_TIMEOUT", 0.5, raising=False)
    monkeypatch.setattr(views, "_database_answers", lambda: hung.wait(10))
    started = time.monotonic()
    try:
        response = client.get("/readyz")
    finally:
        hung.set()
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert response.json()["failing"] == {"database": "TimeoutError"}


@pytest.mark.django_db
def test_a_page_whose_database_fails_answers_503_try_again_shortly(monkeypatch):
    def unreachable():
        raise OperationalError("connection timeout expired")

    monkeypatch.setattr(views, "active_programme", unreachable)
    # The error page itself must not need the database (brand, user, session).
    monkeypatch.setattr(context_processors, "active_programme", unreachable)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Please try again shortly." in response.content.decode()
