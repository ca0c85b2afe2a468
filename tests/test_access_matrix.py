import importlib
import pkgutil

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import transaction
from django.test import Client
from django.urls import reverse

import tests
from tests.access import (
    ADMIN_LOGIN,
    ADMIN_ROLES,
    JOIN,
    LOGIN,
    ROLES,
    World,
    admin_actions,
    database_state,
    django_admin_routes,
    url_patterns,
)
from tests.factories import ParticipantFactory, ProgrammeFactory, StaffFactory, UserFactory


def collect_rules(kind):
    rules = {}
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            found = importlib.import_module(f"tests.{module.name}.access_rules")
        except ModuleNotFoundError:
            continue
        table = getattr(found, kind, {})
        duplicated = rules.keys() & table.keys()
        assert not duplicated, f"URL names with two rules: {duplicated}"
        rules.update(table)
    return rules


RULES = collect_rules("RULES")
ADMIN_RULES = collect_rules("ADMIN_RULES")


def test_every_url_pattern_has_an_access_rule():
    standard_admin = django_admin_routes()
    missing = []
    for name, route in url_patterns():
        if route in standard_admin:
            continue  # Django's own admin pages: checked model by model below
        rules = ADMIN_RULES if route.startswith("admin/") else RULES
        if (name or f"/{route}") not in rules:  # an unnamed pattern's rule is keyed by route
            missing.append(f"{name or '(unnamed)'} → /{route}")
    assert not missing, (
        "URL patterns without an access rule in tests/*/access_rules.py:\n" + "\n".join(missing)
    )


def test_every_admin_action_of_ours_has_an_access_rule():
    missing = set(admin_actions()) - ADMIN_RULES.keys()
    assert not missing, f"Admin actions without a rule in ADMIN_RULES: {sorted(missing)}"


def test_no_rule_is_left_without_its_pattern():
    names = {name or f"/{route}" for name, route in url_patterns()}
    assert not set(RULES) - names
    assert not set(ADMIN_RULES) - names - set(admin_actions())


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


def staff_holding(permissions):
    staff = StaffFactory(email="permitted@example.org")
    for permission in permissions:
        app_label, codename = permission.split(".")
        staff.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return staff


def client_for(world, role, permissions=()):
    # CSRF has its own tests (tests/core); here every POST reaches the view.
    client = Client(enforce_csrf_checks=False)
    if role in ("permitted", "short"):
        person = staff_holding(permissions)
    else:
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


def assert_rows_unchanged(before, after, role):
    changed = sorted(table for table in after if before.get(table) != after[table])
    assert not changed, f"{role} wrote to {changed}"


def check(world, rule, method, roles, permissions=()):
    """Ask as each role: the expected answer (never a 500), and no row changed unless the
    rule lets that role write. Each role asks in a savepoint rolled back afterwards, so one
    world serves them all and a permitted deletion does not change what the next one sees."""
    url = rule.resolve_url(world)
    body = rule.body(world) if method == "post" else {}
    problems = []
    for role in roles:
        with transaction.atomic():
            client = client_for(world, role, permissions)
            before = database_state()
            response = getattr(client, method)(url, body)
            after = database_state()
            transaction.set_rollback(True)
        try:
            if not rule.may_write(role, method):
                assert_rows_unchanged(before, after, role)
            assert_outcome(response, rule.expected(role, method), f"{role}: {method.upper()} {url}")
        except AssertionError as error:
            problems.append(str(error).splitlines()[0])
    assert not problems, "\n".join(problems)


# The site: every pattern, GET and POST, for every role ---------------------------------


@pytest.mark.parametrize(
    ("name", "method"), [(name, method) for name in sorted(RULES) for method in ("get", "post")]
)
def test_access(world, name, method):
    check(world, RULES[name], method, ROLES)


# The admin pages and actions of our own ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [(name, method) for name, rule in sorted(ADMIN_RULES.items()) for method in rule.methods],
)
def test_admin_access(world, name, method):
    rule = ADMIN_RULES[name]
    check(world, rule, method, ADMIN_ROLES, rule.permissions)


@pytest.mark.parametrize(
    ("name", "method", "permissions"),
    [
        pytest.param(name, method, permissions, id=f"{name}-{method}-{'+'.join(permissions)}")
        for name, rule in sorted(ADMIN_RULES.items())
        for method in rule.methods
        for permissions in rule.not_enough
    ],
)
def test_admin_refuses_staff_short_of_the_permissions(world, name, method, permissions):
    check(world, ADMIN_RULES[name], method, ["short"], permissions)


# Django's own admin pages, model by model ---------------------------------------------

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
