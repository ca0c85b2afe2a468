import importlib
import pkgutil

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

import tests
from tests.access import ADMIN_LOGIN, JOIN, LOGIN, ROLES, World, url_patterns
from tests.factories import ParticipantFactory, ProgrammeFactory, StaffFactory, UserFactory


def collect_rules():
    rules = {}
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            found = importlib.import_module(f"tests.{module.name}.access_rules")
        except ModuleNotFoundError:
            continue
        duplicated = rules.keys() & found.RULES.keys()
        assert not duplicated, f"URL names with two rules: {duplicated}"
        rules.update(found.RULES)
    return rules


RULES = collect_rules()
CASES = [(name, role) for name in sorted(RULES) for role in ROLES]


def test_every_url_pattern_has_an_access_rule():
    missing = []
    for name, route in url_patterns():
        if route.startswith("admin/"):
            continue  # checked model by model below
        if name not in RULES:
            missing.append(f"{name or '(unnamed)'} → /{route}")
    assert not missing, (
        "URL patterns without an access rule in tests/*/access_rules.py:\n" + "\n".join(missing)
    )


def test_no_rule_is_left_without_its_pattern():
    names = {name for name, _ in url_patterns()}
    assert not set(RULES) - names


@pytest.fixture
def world(db):
    programme = ProgrammeFactory()
    return World(
        programme=programme,
        user=UserFactory(email="user@example.org"),
        participant=ParticipantFactory(programme=programme, user__email="a@example.org"),
        other=ParticipantFactory(programme=programme, user__email="b@example.org"),
        staff=StaffFactory(email="staff@example.org"),
        superuser=StaffFactory(email="root@example.org", is_superuser=True),
    )


def client_for(world, role):
    client = Client()
    person = {
        "anonymous": None,
        "user": world.user,
        "participant": world.participant.user,
        "other": world.other.user,
        "staff": world.staff,
        "superuser": world.superuser,
    }[role]
    if person is not None:
        client.force_login(person)
    return client


def assert_outcome(response, expected, url):
    if expected == LOGIN:
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), response["Location"]
    elif expected == JOIN:
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("programme:join")), response["Location"]
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), response["Location"]
    else:
        assert response.status_code == expected, f"{url}: {response.status_code} != {expected}"
    if response.get("Content-Type", "").startswith("text/html"):
        policy = response["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ):
            assert directive in policy, f"{url}: CSP lacks {directive}"
        assert "unsafe-inline" not in policy, url


@pytest.mark.parametrize(("name", "role"), CASES)
def test_access(world, name, role):
    rule = RULES[name]
    url = rule.resolve_url(world)
    response = getattr(client_for(world, role), rule.method)(url)
    assert_outcome(response, rule.expected(role), url)


ADMIN_CHANGELISTS = sorted(
    reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    for model in admin.site._registry
)


@pytest.mark.parametrize("url", ["/admin/", *ADMIN_CHANGELISTS])
@pytest.mark.parametrize("role", ROLES)
def test_admin_is_for_staff(world, url, role):
    response = client_for(world, role).get(url)
    if role in ("anonymous", "user", "participant", "other"):
        assert_outcome(response, ADMIN_LOGIN, url)
    elif role == "superuser" or url == "/admin/":
        assert_outcome(response, 200, url)
    else:
        # Staff see only what their permissions allow.
        assert_outcome(response, 403, url)
