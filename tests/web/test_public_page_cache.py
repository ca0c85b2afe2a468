"""Public pages are served to anonymous visitors from the cache, and never stale after a change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programme.models import Level
from tests.factories import ParticipantFactory, ProgrammeFactory

CACHED_PAGES = ["/", "/rules/", "/exercises/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", CACHED_PAGES)
def test_a_public_page_is_rendered_once_for_every_anonymous_visitor(
    client, django_assert_num_queries, url
):
    ProgrammeFactory()
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == first.content
    # The security headers are the middleware's, on the cached answer too.
    assert "Content-Security-Policy" in again
    assert again["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_a_request_with_a_query_string_is_rendered_each_time(client):
    """A made-up query string never becomes a cache entry: anyone could fill the cache."""
    ProgrammeFactory()
    url = "/?x=" + "y" * 400
    client.get(url)
    with CaptureQueriesContext(connection) as again:
        assert client.get(url).status_code == 200
    assert len(again) > 0


@pytest.mark.django_db
def test_a_change_shows_on_the_next_visit_after_it_commits(
    client, django_capture_on_commit_callbacks
):
    programme = ProgrammeFactory(name="Before the change")
    assert "Before the change" in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        programme.name = "After the change"
        programme.save()
    assert "After the change" in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_level_edit_makes_the_cached_rules_stale(client, django_capture_on_commit_callbacks):
    programme = ProgrammeFactory()
    client.get("/rules/")
    with django_capture_on_commit_callbacks(execute=True):
        Level.objects.filter(programme=programme, number=1).delete()
        Level.objects.create(
            programme=programme,
            number=1,
            title="Hill repeats galore",
            unlocks_at=programme.week_start(1),
        )
    assert "Hill repeats galore" in client.get("/rules/").content.decode()


@pytest.mark.django_db
def test_a_signed_in_visitor_never_gets_the_anonymous_copy(client):
    participant = ParticipantFactory()
    anonymous = client.get("/").content.decode()
    assert "Sign out" not in anonymous
    client.force_login(participant.user)
    signed_in = client.get("/").content.decode()
    assert "Sign out" in signed_in
    # …and their page (with their CSRF token) is not kept for anyone else.
    client.logout()
    client.cookies.clear()
    assert "Sign out" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_page_that_used_its_csp_nonce_is_never_cached(rf):
    from django.http import HttpResponse
    from django.middleware.csp import ContentSecurityPolicyMiddleware

    from core.public_pages import public_page

    calls = []

    @public_page
    def view(request):
        calls.append(1)
        return HttpResponse(f"<script nonce='{request._csp_nonce}'></script>")

    middleware = ContentSecurityPolicyMiddleware(view)
    middleware(rf.get("/nonce/"))
    middleware(rf.get("/nonce/"))
    assert len(calls) == 2
