"""The Content-Security-Policy lets images load from 'self' and the configured logo's host,
and from no other host."""

import pytest
from django.core import checks

from tests.factories import ProgrammeFactory


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.django_db
def test_a_programme_with_an_external_logo_lets_images_load_from_that_host_only(client):
    ProgrammeFactory(logo_url="https://cdn.example.org/brand/logo.svg")
    response = client.get("/")
    assert '<img src="https://cdn.example.org/brand/logo.svg"' in response.content.decode()
    policy = directives(response)
    assert policy["img-src"] == ["'self'", "data:", "https://cdn.example.org"]
    # Nothing else widens: scripts, styles and the default stay on this site.
    assert policy["default-src"] == ["'self'"]
    assert "https://cdn.example.org" not in policy["script-src"]
    assert "*" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_logo_on_this_site_adds_no_host(client):
    ProgrammeFactory(logo_url="/static/logo.svg")
    response = client.get("/")
    assert directives(response)["img-src"] == ["'self'", "data:"]


@pytest.mark.django_db
def test_without_a_logo_images_come_from_this_site_alone(client):
    ProgrammeFactory()
    assert directives(client.get("/rules/"))["img-src"] == ["'self'", "data:"]


@pytest.mark.django_db
def test_the_configured_logo_host_is_allowed_when_no_programme_overrides_it(client, settings):
    settings.BRAND = {**settings.BRAND, "logo_url": "https://static.example.net/logo.png"}
    ProgrammeFactory()
    response = client.get("/")
    assert '<img src="https://static.example.net/logo.png"' in response.content.decode()
    assert directives(response)["img-src"] == ["'self'", "data:", "https://static.example.net"]


@pytest.mark.django_db
def test_the_programme_logo_host_and_the_configured_one_are_both_allowed(client, settings):
    settings.BRAND = {**settings.BRAND, "logo_url": "https://static.example.net/logo.png"}
    ProgrammeFactory(logo_url="https://cdn.example.org:8443/logo.svg")
    response = client.get("/")
    assert directives(response)["img-src"] == [
        "'self'",
        "data:",
        "https://static.example.net",
        "https://cdn.example.org:8443",
    ]


@pytest.mark.django_db
def test_an_unsafe_logo_saved_before_the_rule_is_not_shown_nor_allowed(client):
    programme = ProgrammeFactory()
    # A row from before the validator (the admin now refuses these).
    type(programme).objects.filter(pk=programme.pk).update(logo_url="javascript:alert(1)")
    response = client.get("/")
    assert "javascript:" not in response.content.decode()
    assert directives(response)["img-src"] == ["'self'", "data:"]


def test_a_configured_logo_that_is_not_https_stops_start_up(settings, db):
    # db: on SQLite, Celery's Django fix-up closes the connection while the checks import
    # the task modules.
    settings.BRAND = {**settings.BRAND, "logo_url": "http://static.example.net/logo.png"}
    errors = [error for error in checks.run_checks() if error.id == "core.E001"]
    assert len(errors) == 1
    assert "https://" in errors[0].msg
    settings.BRAND = {**settings.BRAND, "logo_url": "https://static.example.net/logo.png"}
    assert not [error for error in checks.run_checks() if error.id == "core.E001"]
