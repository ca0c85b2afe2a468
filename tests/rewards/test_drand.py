"""drand rounds: times, messages, entropy and signatures, on real published rounds."""

import pytest

from rewards import drand
from tests.rewards.factories import ROUNDS

QUICKNET = ROUNDS["chains"]["quicknet"]


@pytest.mark.parametrize("found", ROUNDS["rounds"], ids=lambda r: f"{r['chain']}-{r['round']}")
def test_every_fixture_round_verifies_and_only_for_its_own_round(found):
    chain = ROUNDS["chains"][found["chain"]]
    check = {
        "scheme": chain["scheme"],
        "public_key": bytes.fromhex(chain["public_key"]),
        "signature": bytes.fromhex(found["signature"]),
        "previous_signature": bytes.fromhex(found.get("previous_signature", "")),
    }
    assert drand.signature_problem(round_number=found["round"], **check) is None
    assert drand.signature_problem(round_number=found["round"] + 1, **check) is not None
    if "randomness" in found:
        assert drand.entropy_for(check["signature"]) == found["randomness"]


def test_the_first_round_after_a_moment_is_strictly_after_it():
    genesis, period = QUICKNET["genesis_time"], QUICKNET["period"]

    def first(moment):
        return drand.first_round_after(genesis_time=genesis, period=period, moment=moment)

    assert first(genesis - 100) == 1
    assert first(genesis) == 2  # round 1 is at genesis: not after it
    assert first(genesis + 0.5) == 2
    assert first(genesis + 3) == 3
    round_123 = drand.round_time(genesis_time=genesis, period=period, round_number=123)
    assert round_123 == 1692803733
    assert first(round_123 - 1) == 123 and first(round_123) == 124


def test_beacon_names_are_strict():
    name = drand.beacon_name(QUICKNET["hash"], 123)
    assert drand.parse_beacon(name) == (QUICKNET["hash"], 123)
    for bad in ("", "drand:quicknet:1", f"drand:{QUICKNET['hash'].upper()}:1", name + "x"):
        with pytest.raises(drand.BeaconError):
            drand.parse_beacon(bad)
    with pytest.raises(drand.BeaconError):
        drand.parse_beacon(f"drand:{QUICKNET['hash']}:0")


def test_a_chained_scheme_without_its_previous_signature_is_refused():
    chained = next(r for r in ROUNDS["rounds"] if r["chain"] == "default")
    problem = drand.signature_problem(
        scheme="pedersen-bls-chained",
        public_key=bytes.fromhex(ROUNDS["chains"]["default"]["public_key"]),
        round_number=chained["round"],
        signature=bytes.fromhex(chained["signature"]),
    )
    assert "previous signature" in problem
