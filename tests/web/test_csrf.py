from pathlib import Path

import pytest
from django.test import Client

from tests.factories import ParticipantFactory, ProgrammeFactory

ROOT = Path(__file__).resolve().parents[2]
# Views that may skip CSRF protection, with the reason. Keep this empty unless a view
# truly cannot carry a token.
CSRF_EXEMPT_ALLOWED: dict[str, str] = {
    # RFC 8058 one-click unsubscribe: the mail provider POSTs with no session and no token;
    # the signed token in the URL is the permission, and it only turns reminders off.
    "programme/views.py": "unsubscribe",
    # Strava's webhook: Strava POSTs events with no session and no token; an event only
    # names ids the app then fetches from Strava with its own tokens.
    "strava/views.py": "webhook",
}

POST_URLS = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/logout/",
    "/accounts/password/reset/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/join/",
    "/sessions/new/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", POST_URLS)
def test_every_post_without_a_csrf_token_is_refused(url):
    programme = ProgrammeFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(ParticipantFactory(programme=programme).user)
    response = client.post(url, {"email": "x@example.org"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_no_view_is_csrf_exempt_outside_the_allow_list():
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        if any(part in path.parts for part in (".venv", "tests", "var")):
            continue
        if (
            "csrf_exempt" in path.read_text()
            and str(path.relative_to(ROOT)) not in CSRF_EXEMPT_ALLOWED
        ):
            offenders.append(str(path))
    assert not offenders
