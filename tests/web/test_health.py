import pytest

from config.celery_app import app as celery_app


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
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})
    response = client.get("/readyz")
    assert response.status_code == 503
    assert set(response.json()["failing"]) == {"broker"}
