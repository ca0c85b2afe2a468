"""Hypothesis drives the claim form: never a server error; valid input reads back unchanged."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rewards.models import Claim, DrawResult
from tests.factories import ParticipantFactory
from tests.rewards.factories import DrawFactory, complete, drawn

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FIELDS = [
    "size_system",
    "shoe_size",
    "full_name",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "phone",
]


@pytest.fixture
def claim_page(programme):
    participant = ParticipantFactory(programme=programme)
    complete(participant, 1)
    draw = DrawFactory(prize__programme=programme, winners=1, alternates=0)
    drawn(draw, staff=None)
    result = DrawResult.objects.get(draw=draw)
    client = Client()
    client.force_login(participant.user)
    return client, f"/prizes/{result.pk}/claim/"


anything = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", " ", "\x00", "42", "-1", "1e309", "NaN", "9.5", "eu", "GB", "ZZ"]),
)


@FUZZ
@given(data=st.fixed_dictionaries({}, optional={field: anything for field in FIELDS}))
def test_no_claim_input_makes_a_server_error(claim_page, data):
    client, url = claim_page
    with transaction.atomic():
        response = client.post(url, data)
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert Claim.objects.count() == 0
        transaction.set_rollback(True)


# Text as people type it: no surrounding spaces (forms strip them), no control characters.
line = (
    st.text(
        alphabet=st.characters(categories=["L", "N", "Zs", "P"], exclude_characters="\x00"),
        min_size=1,
        max_size=60,
    )
    .map(str.strip)
    .filter(bool)
)
valid_claims = st.fixed_dictionaries(
    {
        "size_system": st.sampled_from(["eu", "uk", "us_men", "us_women"]),
        "half_sizes": st.integers(min_value=0, max_value=24),  # all within every range
        "full_name": line,
        "address_line1": line,
        "address_line2": st.one_of(st.just(""), line),
        "city": line,
        "address": st.sampled_from(
            [
                ("GB", "", "SW1A 1AA"),
                ("DE", "", "10115"),
                ("US", "NY", "10001-1234"),
                ("FR", "", "75001"),
                ("HK", "", ""),
                ("JP", "", "100-0001"),
            ]
        ),
        "phone": st.from_regex(r"\+[1-9][0-9]{7,12}", fullmatch=True),
    }
)


@settings(FUZZ, max_examples=100)
@given(claim=valid_claims)
def test_a_valid_claim_is_saved_and_reads_back_unchanged(claim_page, claim):
    from rewards.sizes import SIZE_RANGES

    client, url = claim_page
    low, _high = SIZE_RANGES[claim["size_system"]]
    size = low + Decimal(claim["half_sizes"]) / 2
    country, region, postal_code = claim["address"]
    data = {
        "size_system": claim["size_system"],
        "shoe_size": str(size),
        "full_name": claim["full_name"],
        "address_line1": claim["address_line1"],
        "address_line2": claim["address_line2"],
        "city": claim["city"],
        "region": region,
        "postal_code": postal_code,
        "country": country,
        "phone": claim["phone"],
    }
    with transaction.atomic():
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        saved = Claim.objects.get()
        assert {field: str(getattr(saved, field)) for field in FIELDS if field != "shoe_size"} == {
            field: value for field, value in data.items() if field != "shoe_size"
        }
        assert saved.shoe_size == size
        transaction.set_rollback(True)
