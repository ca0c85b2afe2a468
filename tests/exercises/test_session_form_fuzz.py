"""Hypothesis drives the session form: no server error, ever; valid input reads back unchanged.

Each example runs in its own transaction (hypothesis' Django TestCase), so the daily limit
and earlier examples never leak into the next one.
"""

import datetime as dt
import uuid

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from exercises.models import Exercise, StrengthSession
from exercises.services import catalogue_load
from tests.factories import ParticipantFactory, ProgrammeFactory

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text a browser could send in a number box or a select, and worse.
junk = st.one_of(
    st.none(),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(["", " ", "1.5", "1e3", "٣", "NaN", "0x10", "-0", "²"]),
    st.text(max_size=12),
)
moment_text = st.one_of(
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)).map(
        lambda moment: moment.strftime("%Y-%m-%dT%H:%M")
    ),
    st.text(max_size=20),
    st.none(),
)
notes = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=50
)


def clean_form_data(data):
    return {key: value for key, value in data.items() if value is not None}


class SessionFormFuzz(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.programme = ProgrammeFactory()
        cls.participant = ParticipantFactory(programme=cls.programme)
        catalogue_load()
        cls.exercise_ids = list(Exercise.objects.values_list("pk", flat=True))
        # Fixed once: a bound that moves with the clock makes hypothesis' replays differ.
        now = timezone.now().astimezone(dt.UTC).replace(tzinfo=None, second=0, microsecond=0)
        cls.latest = now - dt.timedelta(minutes=2)

    def post(self, data):
        # Hypothesis' TestCase sets up a fresh client for every example.
        self.client.force_login(self.participant.user)
        return self.client.post("/sessions/new/", data)

    @FUZZ
    @given(
        performed_at=moment_text,
        difficulty=junk,
        note=st.one_of(st.none(), st.text(max_size=40), st.just("x" * 2100)),
        total=st.one_of(st.integers(min_value=-2, max_value=40).map(str), junk),
        initial=st.one_of(st.sampled_from(["0", "1", "5"]), junk),
        rows=st.lists(
            st.tuples(
                st.one_of(st.sampled_from(["", "1", "-1", "99999999"]), junk),
                junk,
                junk,
                junk,
                st.sampled_from([None, "on", "", "yes"]),
            ),
            max_size=6,
        ),
        token=st.one_of(st.none(), st.just("not-a-uuid"), st.uuids().map(str)),
    )
    def test_it_never_answers_with_a_server_error(
        self, performed_at, difficulty, note, total, initial, rows, token
    ):
        data = {
            "performed_at": performed_at,
            "difficulty": difficulty,
            "notes": note,
            "submission_token": token,
            "items-TOTAL_FORMS": total,
            "items-INITIAL_FORMS": initial,
        }
        for index, (exercise, sets, reps, seconds, delete) in enumerate(rows):
            if exercise == "1" and self.exercise_ids:
                exercise = str(self.exercise_ids[0])
            data.update(
                {
                    f"items-{index}-exercise": exercise,
                    f"items-{index}-sets": sets,
                    f"items-{index}-reps": reps,
                    f"items-{index}-hold_s": seconds,
                    f"items-{index}-DELETE": delete,
                }
            )
        response = self.post(clean_form_data(data))
        assert response.status_code in (200, 302)

    @FUZZ
    @given(data=st.data())
    def test_valid_input_is_saved_and_reads_back_unchanged(self, data):
        starts = self.programme.starts_at.astimezone(dt.UTC).replace(tzinfo=None)
        moment = data.draw(
            st.datetimes(
                min_value=starts + dt.timedelta(minutes=1),
                max_value=self.latest,
                timezones=st.just(dt.UTC),
            )
        )
        local = moment.astimezone(self.participant.tz).strftime("%Y-%m-%dT%H:%M")
        rows = data.draw(
            st.lists(
                st.tuples(
                    st.sampled_from(self.exercise_ids),
                    st.integers(1, 20),
                    st.one_of(
                        st.tuples(st.integers(1, 200), st.none()),
                        st.tuples(st.none(), st.integers(1, 600)),
                    ),
                ),
                min_size=1,
                max_size=8,
            )
        )
        difficulty = data.draw(st.one_of(st.none(), st.integers(1, 10)))
        note = data.draw(notes).strip()
        post = {
            "performed_at": local,
            "difficulty": "" if difficulty is None else str(difficulty),
            "notes": note,
            "submission_token": str(uuid.uuid4()),
            "items-TOTAL_FORMS": str(len(rows)),
            "items-INITIAL_FORMS": "0",
        }
        for index, (exercise_id, sets, (reps, seconds)) in enumerate(rows):
            post[f"items-{index}-exercise"] = str(exercise_id)
            post[f"items-{index}-sets"] = str(sets)
            post[f"items-{index}-reps"] = "" if reps is None else str(reps)
            post[f"items-{index}-hold_s"] = "" if seconds is None else str(seconds)

        response = self.post(post)

        assert response.status_code == 302, response.context and (
            response.context["form"].errors,
            response.context["formset"].errors,
        )
        session = StrengthSession.objects.get(participant=self.participant)
        assert (
            session.performed_at.astimezone(self.participant.tz).strftime("%Y-%m-%dT%H:%M") == local
        )
        assert session.difficulty == difficulty
        assert session.notes == note
        assert [
            (item.exercise_id, item.sets, (item.reps, item.hold_s)) for item in session.items.all()
        ] == rows
        # And the edit form shows exactly that back.
        page = self.client.get(f"/sessions/{session.pk}/")
        assert page.context["form"].initial["performed_at"] == local
        shown = [
            (
                form.initial["exercise"],
                form.initial["sets"],
                (form.initial["reps"], form.initial["hold_s"]),
            )
            for form in page.context["formset"].forms
            if form.initial
        ]
        assert shown == rows
