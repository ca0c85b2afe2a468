"""Display names and time zones: the join form, the profile, the admin and the services
share one rule each (core.validators); bad input is refused, explained and changes nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from programme import services
from programme.errors import ProgrammeError
from programme.models import Participant, Programme
from tests.programme.test_admin import programme_form

BAD_ZONES = ["localtime", "posixrules", "Factory", "Etc/GMT+5", "US/Eastern", "Mars/Olympus"]


def join_form(**overrides):
    return {
        "display_name": "Nia",
        "time_zone": "Europe/Dublin",
        "units": "km",
        "country": "IE",
        "confirm_age": "on",
        "confirm_residence": "on",
        "accept_rules": "on",
        **overrides,
    }


def profile_form(participant, **overrides):
    return {
        "display_name": participant.display_name,
        "time_zone": participant.time_zone,
        "units": participant.units,
        "reminder_emails": "on",
        **overrides,
    }


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def participant_admin_form(participant, **overrides):
    formsets = {
        f"{prefix}-{key}": value
        for prefix in ("completions", "runs")
        for key, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        )
    }
    return {
        "display_name": participant.display_name,
        "country": str(participant.country),
        "time_zone": participant.time_zone,
        "units": participant.units,
        **formsets,
        **overrides,
    }


# Display names ----------------------------------------------------------------------


def test_joining_with_a_right_to_left_override_is_refused_and_explained(
    client, programme, signed_in_user
):
    client.force_login(signed_in_user)
    response = client.post("/join/", join_form(display_name="Nia\u202ekcaB"))
    assert response.status_code == 200
    assert "invisible or text-direction character (U+202E)" in response.content.decode()
    assert not Participant.objects.exists()


def test_the_profile_collapses_whitespace_like_the_join_form(client, participant):
    client.force_login(participant.user)
    response = client.post("/profile/", profile_form(participant, display_name=" Alice \t R. "))
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.display_name == "Alice R."


@pytest.mark.parametrize("name", ["Ali\u200bce", "Alice\u2066", "\u00a0\u200b"])
def test_the_profile_refuses_a_name_with_an_invisible_character(client, participant, name):
    client.force_login(participant.user)
    response = client.post("/profile/", profile_form(participant, display_name=name))
    assert response.status_code == 200
    assert "invisible or text-direction character" in response.content.decode()
    participant.refresh_from_db()
    assert participant.display_name == "Alice"


def test_the_profile_refuses_a_blank_name(client, participant):
    client.force_login(participant.user)
    response = client.post("/profile/", profile_form(participant, display_name=" \t "))
    assert response.status_code == 200
    assert "Enter a display name." in response.content.decode()
    participant.refresh_from_db()
    assert participant.display_name == "Alice"


def test_staff_editing_a_name_in_the_admin_meet_the_same_rule(admin_client, participant):
    url = reverse("admin:programme_participant_change", args=[participant.pk])
    refused = admin_client.post(
        url, participant_admin_form(participant, display_name="Ali\u202ece")
    )
    assert refused.status_code == 200
    assert "U+202E" in refused.content.decode()
    participant.refresh_from_db()
    assert participant.display_name == "Alice"
    saved = admin_client.post(url, participant_admin_form(participant, display_name=" Al  ice "))
    assert saved.status_code == 302
    participant.refresh_from_db()
    assert participant.display_name == "Al ice"


def test_the_services_normalise_and_refuse_names_themselves(programme, signed_in_user):
    with pytest.raises(ProgrammeError) as refused:
        services.participant_join(
            user=signed_in_user,
            programme=programme,
            display_name="Nia\u200b",
            time_zone="Europe/Dublin",
            units="km",
            country="IE",
            confirmed_age=True,
            confirmed_residence=True,
            accepted_rules=True,
        )
    assert refused.value.field == "display_name"
    assert not Participant.objects.exists()
    joined = services.participant_join(
        user=signed_in_user,
        programme=programme,
        display_name="  Nia \n K ",
        time_zone="Europe/Dublin",
        units="km",
        country="IE",
        confirmed_age=True,
        confirmed_residence=True,
        accepted_rules=True,
        now=timezone.now(),
    )
    assert joined.display_name == "Nia K"
    with pytest.raises(ProgrammeError):
        services.participant_update(participant=joined, display_name="\u202eNia")
    joined.refresh_from_db()
    assert joined.display_name == "Nia K"


# Time zones -------------------------------------------------------------------------


@pytest.mark.parametrize("zone", BAD_ZONES)
def test_joining_with_a_zone_that_is_no_place_is_refused(client, programme, signed_in_user, zone):
    client.force_login(signed_in_user)
    response = client.post("/join/", join_form(time_zone=zone))
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Participant.objects.exists()


@pytest.mark.parametrize("zone", BAD_ZONES)
def test_the_profile_refuses_a_zone_that_is_no_place(client, participant, zone):
    client.force_login(participant.user)
    response = client.post("/profile/", profile_form(participant, time_zone=zone))
    assert response.status_code == 200
    participant.refresh_from_db()
    assert participant.time_zone == "Europe/London"


def test_the_zone_lists_offer_only_real_places(client, participant):
    client.force_login(participant.user)
    body = client.get("/profile/").content.decode()
    assert 'value="Europe/London"' in body
    assert 'value="UTC"' in body
    for zone in BAD_ZONES:
        assert f'value="{zone}"' not in body


@pytest.mark.parametrize("zone", ["localtime", "Factory", "posixrules", "Etc/GMT-3"])
def test_a_programme_in_a_zone_that_is_no_place_is_refused_in_the_admin(admin_client, zone):
    response = admin_client.post(
        reverse("admin:programme_programme_add"), programme_form(time_zone=zone)
    )
    assert response.status_code == 200
    assert not Programme.objects.filter(slug="autumn-six").exists()


def test_a_participants_zone_is_checked_in_the_admin(admin_client, participant):
    url = reverse("admin:programme_participant_change", args=[participant.pk])
    response = admin_client.post(url, participant_admin_form(participant, time_zone="Factory"))
    assert response.status_code == 200
    participant.refresh_from_db()
    assert participant.time_zone == "Europe/London"
    page = admin_client.get(url).content.decode()
    assert '<select name="time_zone"' in page


def test_the_update_service_refuses_a_zone_that_is_no_place(participant):
    with pytest.raises(ProgrammeError) as refused:
        services.participant_update(participant=participant, time_zone="localtime")
    assert refused.value.field == "time_zone"
    participant.refresh_from_db()
    assert participant.time_zone == "Europe/London"


# Logo address -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "logo_url",
    [
        "javascript:alert(1)",
        "data:image/svg+xml;base64,PHN2Zz4=",
        "http://cdn.example.org/logo.png",
        "//cdn.example.org/logo.png",
    ],
)
def test_a_logo_that_is_not_https_or_on_this_site_is_refused_in_the_admin(admin_client, logo_url):
    response = admin_client.post(
        reverse("admin:programme_programme_add"), programme_form(logo_url=logo_url)
    )
    assert response.status_code == 200
    assert "Use an address starting with https://" in response.content.decode()
    assert not Programme.objects.filter(slug="autumn-six").exists()


@pytest.mark.parametrize("logo_url", ["https://cdn.example.org/logo.png", "/static/logo.svg"])
def test_an_https_or_site_logo_is_saved(admin_client, logo_url):
    response = admin_client.post(
        reverse("admin:programme_programme_add"), programme_form(logo_url=logo_url)
    )
    assert response.status_code == 302
    assert Programme.objects.get(slug="autumn-six").logo_url == logo_url
