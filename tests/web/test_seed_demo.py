import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import User
from programme.models import Level, Participant, Programme, Run


@pytest.mark.django_db
def test_seed_demo_makes_a_programme_whose_week_one_is_open_and_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (
        Programme.objects.count(),
        Level.objects.count(),
        Participant.objects.count(),
        Run.objects.count(),
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert (
        Programme.objects.count(),
        Level.objects.count(),
        Participant.objects.count(),
        Run.objects.count(),
    ) == counts

    programme = Programme.objects.get(slug="demo")
    assert programme.is_active
    now = timezone.now()
    week1, week2 = programme.levels.order_by("number")[:2]
    assert week1.unlocks_at <= now < week2.unlocks_at
    assert counts[1] == 6 and counts[3] > 0


@pytest.mark.django_db
def test_the_demo_staff_login_reaches_the_admin(capsys):
    call_command("seed_demo")
    printed = capsys.readouterr().out
    assert "Staff login: staff@example.com / virtualrun-demo" in printed
    staff = User.objects.get(email="staff@example.com")
    assert staff.is_staff and staff.check_password("virtualrun-demo")
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "staff@example.com", "password": "virtualrun-demo"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("minutes_open", [0, 6, 7 * 60])
def test_the_demo_seeds_in_the_first_minutes_of_week_one(minutes_open):
    """Runs from hours before week 1 opened move to its start, one after the other, and
    those that would then start in the future are left out."""
    from web import demo

    opened = demo.ensure_programme(now=timezone.now()).starts_at
    now = opened + dt.timedelta(minutes=minutes_open)
    programme = demo.ensure_programme(now=now)
    demo.ensure_runners(programme=programme, now=now, password="x-demo-password")  # noqa: S106

    starts = sorted(Run.objects.values_list("started_at", flat=True))
    assert starts and all(opened <= start <= now for start in starts)
    amara = list(Run.objects.filter(participant__display_name="Amara").order_by("started_at"))
    assert len(amara) == (2 if minutes_open >= 6 * 60 else 1)
