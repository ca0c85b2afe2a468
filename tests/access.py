"""The permission matrix: every URL pattern of the project, checked for every kind of visitor.

Each app lists its URL names in ``tests/<app>/access_rules.py`` as ``RULES = {name: Access}``.
``tests/test_access_matrix.py`` walks the URL resolver and fails for any pattern without a
rule, so a new page cannot ship without saying who may open it.

An expectation is a status code, or one of:
  LOGIN  – redirected to the sign-in page
  JOIN   – redirected to the join page (signed in, not a participant)
  ADMIN_LOGIN – redirected to the admin's sign-in page
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

LOGIN = "login"
JOIN = "join"
ADMIN_LOGIN = "admin-login"
ROLES = ("anonymous", "user", "participant", "other", "staff", "superuser")


@dataclass
class World:
    """The people of every permission test: A owns the objects, B is another participant."""

    programme: object
    user: object  # signed in and verified, not a participant
    participant: object  # A
    other: object  # B
    staff: object
    superuser: object
    objects: dict = field(default_factory=dict)

    def remember(self, key, make):
        """One object per test world, made on first use (e.g. A's run)."""
        if key not in self.objects:
            self.objects[key] = make()
        return self.objects[key]


@dataclass(frozen=True)
class Access:
    url: str | Callable[[World], str]
    anonymous: int | str = LOGIN
    user: int | str = JOIN
    participant: int | str = 200
    other: int | str = 200
    staff: int | str = JOIN
    superuser: int | str = JOIN
    method: str = "get"

    def resolve_url(self, world):
        return self.url(world) if callable(self.url) else self.url

    def expected(self, role):
        return getattr(self, role)


def public(url, method="get"):
    return Access(url, 200, 200, 200, 200, 200, 200, method=method)


def url_patterns(resolver=None, prefix="", namespace=None):
    """(qualified name or None, route text) for every pattern the project serves."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name
            if name and namespace:
                name = f"{namespace}:{name}"
            yield name, prefix + str(pattern.pattern)
