"""The permission matrix: every URL pattern of the project, checked for every kind of visitor.

Each app lists its URL names in ``tests/<app>/access_rules.py`` as ``RULES = {name: Access}``,
and the admin pages and actions of its own as ``ADMIN_RULES = {name: AdminAccess}``.
``tests/test_access_matrix.py`` walks the URL resolver and the registered model admins and
fails for any pattern or action without a rule, so a new page cannot ship without saying
who may open it — with GET and with POST.

An expectation is a status code, or one of:
  LOGIN  – redirected to the sign-in page
  JOIN   – redirected to the join page (signed in, not a participant)
  ADMIN_LOGIN – redirected to the admin's sign-in page

Besides the answer, every case checks that the request changed no row in the database,
unless the rule names the role among those whose request may write (``writes``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib import admin
from django.contrib.admin import ActionLocation, AdminSite, ModelAdmin
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

LOGIN = "login"
JOIN = "join"
ADMIN_LOGIN = "admin-login"
ROLES = ("anonymous", "user", "participant", "other", "staff", "superuser")
# In the admin: "staff" hold no permission at all, "permitted" staff hold the rule's.
ADMIN_ROLES = ("anonymous", "participant", "other", "staff", "permitted", "superuser")


# POST answers: the six outcomes in ROLES order, or as_get(): as GET, but for the roles named.
def as_get(**differences):
    """POST is answered as GET, except for the roles named."""
    return differences


AS_GET = as_get()  # a form shown again with its errors, or a page that ignores the method
NOT_ALLOWED = (405,) * 6  # e.g. @require_safe: nobody may POST


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


def _resolve(value, world):
    return value(world) if callable(value) else value


@dataclass(frozen=True)
class Access:
    """A page of the site: GET outcomes by role, then POST outcomes (``post=``, required)."""

    url: str | Callable[[World], str]
    anonymous: int | str = LOGIN
    user: int | str = JOIN
    participant: int | str = 200
    other: int | str = 200
    staff: int | str = JOIN
    superuser: int | str = JOIN
    post: tuple | dict = field(kw_only=True)
    writes: tuple[str, ...] = field(default=(), kw_only=True)  # roles whose POST may save
    data: dict | Callable[[World], dict] | None = field(default=None, kw_only=True)

    methods = ("get", "post")

    def resolve_url(self, world):
        return _resolve(self.url, world)

    def body(self, world):
        return _resolve(self.data, world) or {}

    def expected(self, role, method="get"):
        if method == "get" or isinstance(self.post, dict) and role not in self.post:
            return getattr(self, role)
        if isinstance(self.post, dict):
            return self.post[role]
        return self.post[ROLES.index(role)]

    def may_write(self, role, method):
        return method == "post" and role in self.writes


def public(url, post=NOT_ALLOWED, **options):
    return Access(url, 200, 200, 200, 200, 200, 200, post=post, **options)


@dataclass(frozen=True, kw_only=True)
class AdminAccess:
    """A page or action of our own in the admin, for staff holding ``permissions``.

    Visitors who are not staff are sent to the admin's sign-in page; staff without the
    permissions, and staff holding only each set in ``not_enough``, are refused (403) and
    change nothing. Staff with the permissions and superusers get ``get`` and ``post``
    (None: the method is not part of the rule, e.g. an action is only ever posted).
    """

    url: str | Callable[[World], str]
    permissions: tuple[str, ...]
    get: int | None = 200
    post: int | None = 302
    data: dict | Callable[[World], dict] | None = None
    writes: bool = True  # the permitted request (with ``data``) saves something
    not_enough: tuple[tuple[str, ...], ...] = ()
    refusal: int = 403  # answer to staff short of the permissions

    @property
    def methods(self):
        return tuple(method for method in ("get", "post") if getattr(self, method) is not None)

    def resolve_url(self, world):
        return _resolve(self.url, world)

    def body(self, world):
        return _resolve(self.data, world) or {}

    def expected(self, role, method="get"):
        if role in ("anonymous", "participant", "other"):
            return ADMIN_LOGIN
        if role == "staff":
            return 403
        if role == "short":
            return self.refusal
        return getattr(self, method)

    def may_write(self, role, method):
        return self.writes and role in ("permitted", "superuser")


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


def django_admin_routes(site=admin.site, prefix="admin/"):
    """The routes Django's admin makes by itself: the site's and each model's standard pages.

    Any other route under the admin was added by one of our ``get_urls`` and needs a rule.
    """
    routes = set()
    for pattern in AdminSite.get_urls(site):
        if isinstance(pattern, URLPattern):
            routes.add(prefix + str(pattern.pattern))
    for model, model_admin in site._registry.items():
        model_prefix = f"{prefix}{model._meta.app_label}/{model._meta.model_name}/"
        for pattern in ModelAdmin.get_urls(model_admin):
            routes.add(model_prefix + str(pattern.pattern))
    return routes


def admin_actions(site=admin.site):
    """``action:<app>.<model>.<action>`` for every action of our own (not delete_selected),
    and ``…@change-form`` for those also offered on an object's own page."""
    for model, model_admin in site._registry.items():
        for action in model_admin.actions or ():
            function = getattr(model_admin, action) if isinstance(action, str) else action
            name = f"action:{model._meta.label_lower}.{function.__name__}"
            locations = getattr(function, "locations", [ActionLocation.CHANGE_LIST])
            if ActionLocation.CHANGE_LIST in locations:
                yield name
            if ActionLocation.CHANGE_FORM in locations:
                yield f"{name}@change-form"


def database_state():
    """Something that differs after any row is inserted, updated or deleted (sessions aside:
    signing in writes one). On PostgreSQL, its own per-table counters of this transaction's
    writes (one query, and it sees even a write that wrote the same values); elsewhere,
    every row of every table."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables"
                " WHERE relname <> %s",
                [Session._meta.db_table],
            )
            return {table: counts for table, *counts in cursor.fetchall()}
    return {
        model._meta.db_table: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model is not Session
    }
