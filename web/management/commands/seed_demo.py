from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from exercises.demo import demo_routines_ensure
from rewards.demo import ensure_prizes
from web import demo


class Command(BaseCommand):
    help = (
        "Create (or refresh) a demo programme whose week 1 is open today, its prizes and "
        "draft draws, and a staff login."
    )

    def add_arguments(self, parser):
        parser.add_argument("--staff-email", default=demo.STAFF_EMAIL)
        parser.add_argument("--staff-password", default=demo.staff_password())

    @transaction.atomic
    def handle(self, *args, staff_email, staff_password, **options):
        now = timezone.now()
        programme = demo.ensure_programme(now=now)
        demo_routines_ensure(programme=programme)
        ensure_prizes(programme=programme)
        User = get_user_model()
        staff, _ = User.objects.get_or_create(
            email=staff_email,
            defaults={"is_staff": True, "is_superuser": True, "name": "Demo staff"},
        )
        staff.is_staff = staff.is_superuser = True
        staff.set_password(staff_password)
        staff.save()
        EmailAddress.objects.update_or_create(
            user=staff, email=staff_email, defaults={"verified": True, "primary": True}
        )
        demo.ensure_runners(programme=programme, now=now, password=staff_password)
        local_start = programme.starts_at.astimezone(programme.tz)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo programme “{programme.name}”: week 1 opened {local_start:%Y-%m-%d %H:%M %Z}."
            )
        )
        self.stdout.write(f"Staff login: {staff_email} / {staff_password}")
        self.stdout.write(f"Runner login: {demo.DEMO_RUNNERS[0][0]} / {staff_password}")
