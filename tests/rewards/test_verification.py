"""Anyone can check a Django draw: the stand-alone verifier and ``verify_draw`` agree with it."""

import io
import types
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rewards import drand
from rewards.draw_core import SEED_BYTES, draw_result
from rewards.models import DrawResult, DrawSnapshot
from rewards.services import draws
from rewards.verify import main as verify_main
from tests.factories import ParticipantFactory, ProgrammeFactory
from tests.rewards.factories import BEACON_ENTROPY, DrawFactory, closed, drawn, fixture_round

pytestmark = pytest.mark.django_db
OTHER_ROUND = fixture_round("quicknet", 2)

tickets_st = st.lists(st.integers(min_value=0, max_value=6), min_size=0, max_size=12)


def published(draw):
    """What the draw's public page publishes, as the verifier's arguments."""
    snapshot = DrawSnapshot.objects.get(draw=draw)
    return bytes(snapshot.entries), [
        "--seed",
        bytes(draw.seed).hex(),
        "--winners",
        str(draw.winners),
        "--alternates",
        str(draw.alternates),
        f"--entropy={draw.public_entropy}",
        "--commitment",
        draw.commitment,
        "--digest",
        snapshot.digest,
        "--beacon",
        draw.beacon,
        "--beacon-signature",
        draw.beacon_signature,
        "--beacon-public-key",
        draw.beacon_public_key,
    ]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    tickets=tickets_st,
    winners=st.integers(min_value=1, max_value=5),
    alternates=st.integers(min_value=0, max_value=5),
)
def test_the_verifier_agrees_with_the_django_draw(tickets, winners, alternates, tmp_path, capsys):
    with transaction.atomic():
        programme = ProgrammeFactory(slug="property", levels=False)
        for count in tickets:
            # the maintained sum of completions, as programme.services keeps it
            ParticipantFactory(programme=programme, tickets=count)
        draw = DrawFactory(
            prize__programme=programme, slug="property", winners=winners, alternates=alternates
        )
        drawn(draw, staff=None)
        data, arguments = published(draw)
        path = tmp_path / "entries.csv"
        path.write_bytes(data)
        capsys.readouterr()

        assert verify_main([str(path), *arguments]) == 0

        printed = capsys.readouterr().out.splitlines()
        stored = DrawResult.objects.filter(draw=draw).order_by("rank")
        assert printed == [f"{r.rank} {r.entrant} {r.role}" for r in stored]
        assert len(printed) == min(winners + alternates, sum(1 for t in tickets if t))
        transaction.set_rollback(True)


# Everything the ranking depends on is pinned, so every run checks the same draw: the
# scheduled seed, the entrants' public ids and the public entropy (and its tampered copy).
SEED = bytes(range(SEED_BYTES))
ENTRANTS = {uuid.UUID(int=number): tickets for number, tickets in enumerate((1, 3, 5, 2), 1)}
ENTROPY, TAMPERED_ENTROPY = BEACON_ENTROPY, "other"


def ranking(entropy):
    entries = sorted((str(entrant), tickets) for entrant, tickets in ENTRANTS.items())
    return draw_result(entries, seed=SEED, public_entropy=entropy, winners=2, alternates=1)


@pytest.fixture
def drawn_draw(programme, monkeypatch):
    monkeypatch.setattr(draws, "secrets", types.SimpleNamespace(token_bytes=lambda _: SEED))
    for entrant, count in ENTRANTS.items():
        ParticipantFactory(programme=programme, tickets=count, draw_id=entrant)
    draw = DrawFactory(prize__programme=programme, slug="checked", winners=2, alternates=1)
    drawn(draw, staff=None)
    stored = draw.results.order_by("rank").values_list("rank", "entrant", "role")
    assert [(rank, str(entrant), role) for rank, entrant, role in stored] == ranking(ENTROPY)
    return draw


def test_the_tampered_entropy_gives_another_ranking():
    """Otherwise the entropy case below could pass (or fail) by luck."""
    assert ranking(TAMPERED_ENTROPY) != ranking(ENTROPY)


def test_verify_draw_rechecks_a_stored_draw(drawn_draw):
    out = io.StringIO()
    call_command("verify_draw", "checked", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:5] == [
        f"entries digest ok: {drawn_draw.snapshot.digest}",
        "entries file canonical: 4 entrants, 11 tickets",
        f"commitment ok: {drawn_draw.commitment}",
        f"beacon ok: {drawn_draw.beacon}, entropy {BEACON_ENTROPY}",
        "result ok: 3 ranked entrants",
    ]
    first = drawn_draw.results.get(rank=1)
    assert lines[5] == f"1 {first.entrant} winner"


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (
            lambda d: DrawResult.objects.filter(draw=d, rank=1).update(entrant=uuid.uuid4()),
            "differs",
        ),
        (lambda d: DrawSnapshot.objects.filter(draw=d).update(digest="0" * 64), "digest"),
        (lambda d: type(d).objects.filter(pk=d.pk).update(commitment="f" * 64), "commitment"),
        (
            lambda d: type(d).objects.filter(pk=d.pk).update(public_entropy=TAMPERED_ENTROPY),
            "not SHA-256 of the beacon signature",
        ),
        (  # another real round's signature, and its entropy: not the committed round
            lambda d: (
                type(d)
                .objects.filter(pk=d.pk)
                .update(
                    beacon_signature=OTHER_ROUND["signature"],
                    public_entropy=drand.entropy_for(bytes.fromhex(OTHER_ROUND["signature"])),
                )
            ),
            "does not verify",
        ),
    ],
)
def test_verify_draw_fails_on_a_tampered_draw(drawn_draw, tamper, message):
    tamper(drawn_draw)
    with pytest.raises(CommandError, match=message):
        call_command("verify_draw", "checked", stdout=io.StringIO())


def test_verify_draw_before_the_draw_checks_the_entries_only(programme):
    ParticipantFactory(programme=programme, tickets=2)
    draw = DrawFactory(prize__programme=programme, slug="early")
    with pytest.raises(CommandError, match="not closed"):
        call_command("verify_draw", "early", stdout=io.StringIO())
    closed(draw)
    out = io.StringIO()
    call_command("verify_draw", "early", stdout=out)
    assert "the seed is still secret" in out.getvalue()
    assert bytes(type(draw).objects.get(pk=draw.pk).seed).hex() not in out.getvalue()
    with pytest.raises(CommandError, match="No draw"):
        call_command("verify_draw", "missing", stdout=io.StringIO())
