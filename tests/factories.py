import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from exercises.models import Equipment, Exercise, Family, SessionExercise, StrengthSession
from programme.models import Level, Participant, Programme, Run


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"runner{n}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )


class StaffFactory(UserFactory):
    is_staff = True


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["slug"]
        skip_postgeneration_save = True

    name = "Spring Run"
    slug = factory.Sequence(lambda n: f"programme-{n}")
    time_zone = "Europe/London"
    unlock_time = dt.time(6, 0)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    is_active = True
    rules = "Be kind. Run honestly."

    @factory.post_generation
    def levels(programme, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        for number in range(1, programme.weeks + 1):
            Level.objects.get_or_create(
                programme=programme,
                number=number,
                defaults={
                    "title": f"Level {number}",
                    "unlocks_at": programme.week_start(number),
                    "goal_runs": 2,
                    "goal_distance_m": 5_000,
                    "tickets": number,
                },
            )


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    user = factory.SubFactory(UserFactory)
    programme = factory.LazyFunction(
        lambda: Programme.objects.active().first() or ProgrammeFactory()
    )
    display_name = factory.Sequence(lambda n: f"Runner {n}")
    time_zone = "Europe/London"
    units = "km"
    country = "GB"
    confirmed_age_at = factory.LazyFunction(timezone.now)
    confirmed_residence_at = factory.LazyFunction(timezone.now)
    consented_rules_at = factory.LazyFunction(timezone.now)


class RunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Run

    participant = factory.SubFactory(ParticipantFactory)
    started_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))
    distance_m = 5_000
    duration_s = 1_800


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"kit-{n}")
    name = factory.Sequence(lambda n: f"Kit {n}")


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test exercise {n}")
    slug = factory.Sequence(lambda n: f"test-exercise-{n}")
    family = Family.STRENGTHEN
    summary = "Something good for the feet."
    cues = "Stand tall.\nLift slowly.\nLower slowly."
    sets = 2
    reps = 10

    @factory.post_generation
    def equipment(exercise, create, extracted, **kwargs):
        if create and extracted:
            exercise.equipment.set(extracted)


class StrengthSessionFactory(factory.django.DjangoModelFactory):
    """A session row as stored, without the service's checks (for pages and permissions)."""

    class Meta:
        model = StrengthSession
        skip_postgeneration_save = True

    participant = factory.SubFactory(ParticipantFactory)
    level = factory.LazyAttribute(lambda o: o.participant.programme.levels.get(number=1))
    performed_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    difficulty = 5

    @factory.post_generation
    def items(session, create, extracted, **kwargs):
        """``items=[exercise, …]`` (default: one new exercise), 2 × 10 each."""
        if not create:
            return
        for position, exercise in enumerate(extracted or [ExerciseFactory()], start=1):
            SessionExercise.objects.create(
                session=session, exercise=exercise, position=position, sets=2, reps=10
            )
