import datetime as dt

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from core.public_pages import public_pages_changed
from programme.models import Programme
from tests.factories import ParticipantFactory, ProgrammeFactory, UserFactory

PUBLIC_PAGES = [
    "/",
    "/rules/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]


@pytest.mark.django_db
def test_it_shows_the_active_programme_and_its_weeks(client):
    programme = ProgrammeFactory(name="Harbour Six", rules="Runners must be kind.")
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Harbour Six" in body
    assert body.count("Level ") >= programme.weeks
    assert reverse("account_signup") in body


@pytest.mark.django_db
def test_it_says_so_when_no_programme_is_open(client):
    Programme.objects.all().delete()
    response = client.get("/")
    assert response.status_code == 200
    assert "no programme open" in response.content.decode().lower()


@pytest.mark.django_db
def test_the_rules_page_shows_the_programmes_rules_and_tickets(client):
    ProgrammeFactory(rules="Only one entry per person.")
    body = client.get("/rules/").content.decode()
    assert "Only one entry per person." in body
    assert "commit" in body.lower()  # how draws work


@pytest.mark.django_db
def test_branding_comes_from_the_programme(client):
    ProgrammeFactory(name="Acme Trail Club", primary_colour="#123456")
    body = client.get("/").content.decode()
    assert "Acme Trail Club" in body
    # The colours come in a stylesheet whose address changes with them (cached a day).
    assert "/brand.css?v=123456-" in body
    css = client.get("/brand.css")
    assert css["Content-Type"].startswith("text/css")
    assert "--brand: #123456" in css.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_page_has_a_strict_content_security_policy(client, url):
    ProgrammeFactory()
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (d.strip() for d in policy.split(";")) if part
    )
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in policy
    assert set(directives["script-src"].split()) <= {"'self'"} | {
        token for token in directives["script-src"].split() if token.startswith("'nonce-")
    }
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_need_no_nonce_so_they_can_be_cached(client, url):
    """No inline style or script: the page's bytes hold no per-response secret."""
    ProgrammeFactory()
    response = client.get(url)
    assert "'nonce-" not in response["Content-Security-Policy"]
    body = response.content.decode()
    assert "<style" not in body
    assert "nonce=" not in body


@pytest.mark.django_db
def test_a_missing_page_is_a_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_host_is_refused_with_400(client):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400


@pytest.mark.django_db
def test_the_weeks_open_at_the_programmes_own_local_time(client):
    ProgrammeFactory(time_zone="America/New_York")
    body = client.get("/").content.decode()
    assert "06:00 EST" in body
    assert "06:00 EST" in client.get("/rules/").content.decode()


def _moment(programme, moment):
    return dateformat.format(moment.astimezone(programme.tz), "j M Y, H:i e")


def _nav(body):
    return body.split('<nav aria-label="Main">')[1].split("</nav>")[0]


@pytest.mark.django_db
def test_the_landing_says_which_week_is_on_and_until_when_a_newcomer_can_earn_tickets(client):
    programme = ProgrammeFactory(starts_on=timezone.localdate() - dt.timedelta(days=8))
    body = client.get("/").content.decode()
    assert f"Week 2 of {programme.weeks} is on." in body
    assert f"Join by {_moment(programme, programme.ends_at)} to still earn" in body
    assert body.count("Open now") == 1
    week_2 = body.split("Week 2:")[1].split("</li>")[0]
    assert "Open now" in week_2
    assert "Opens" not in week_2
    assert "Ended" in body.split("Week 1:")[1].split("</li>")[0]


@pytest.mark.django_db
def test_weeks_a_draw_has_locked_no_longer_count_for_a_newcomer(client):
    programme = ProgrammeFactory(starts_on=timezone.localdate() - dt.timedelta(days=8))
    programme.levels.filter(number__gte=5).update(completions_locked_at=timezone.now())
    body = client.get("/").content.decode()
    assert f"Join by {_moment(programme, programme.week_start(5))} to still earn" in body

    # A queryset update sends no signal; in the app a draw closing saves the draw too,
    # which makes the cached public pages stale (web/signals.py).
    programme.levels.update(completions_locked_at=timezone.now())
    public_pages_changed()
    body = client.get("/").content.decode()
    assert "Join by" not in body
    assert "The weeks that earn draw tickets are over." in body


@pytest.mark.django_db
def test_before_the_start_every_week_says_when_it_opens(client):
    ProgrammeFactory(starts_on=timezone.localdate() + dt.timedelta(days=3))
    body = client.get("/").content.decode()
    assert "Open now" not in body
    assert "is on." not in body
    assert body.count("Opens") == 6


@pytest.mark.django_db
def test_the_title_says_the_programmes_name_once(client):
    ProgrammeFactory(name="Virtual Run")
    assert "<title>Virtual Run</title>" in client.get("/").content.decode()
    assert "<title>Official rules · Virtual Run</title>" in client.get("/rules/").content.decode()


@pytest.mark.django_db
def test_before_joining_the_nav_offers_joining_not_participant_pages(client):
    ProgrammeFactory()
    anonymous_nav = _nav(client.get("/").content.decode())
    assert "Dashboard" not in anonymous_nav
    assert "Sign in" in anonymous_nav

    client.force_login(UserFactory())
    nav = _nav(client.get("/").content.decode())
    assert reverse("programme:join") in nav
    for link in ("web:dashboard", "programme:runs", "exercises:sessions", "web:profile"):
        assert reverse(link) not in nav
    assert "Sign out" in nav


@pytest.mark.django_db
def test_a_participant_sees_their_pages_in_the_nav(client):
    participant = ParticipantFactory()
    client.force_login(participant.user)
    nav = _nav(client.get("/").content.decode())
    assert reverse("web:dashboard") in nav
    assert reverse("programme:runs") in nav
    assert reverse("programme:join") not in nav
