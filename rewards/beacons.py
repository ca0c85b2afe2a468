"""The drand chains a draw may commit to (``settings.DRAND_CHAINS``) and their addresses."""

import datetime as dt

from django.conf import settings

from . import drand


def chain_choices():
    """(name, label) of each known chain, the default first."""
    return [
        (name, f"{name} (every {chain['period']} s)")
        for name, chain in settings.DRAND_CHAINS.items()
    ]


def chain_named(name):
    """The chain's info (hash, public_key, genesis_time, period, scheme), or None."""
    return settings.DRAND_CHAINS.get(name)


def chain_name_for(chain_hash):
    for name, chain in settings.DRAND_CHAINS.items():
        if chain["hash"] == chain_hash:
            return name
    return ""


def round_for(chain, entries_close_by):
    """(round, its time) of the first round of ``chain`` after ``entries_close_by``."""
    round_number = drand.first_round_after(
        genesis_time=chain["genesis_time"],
        period=chain["period"],
        moment=entries_close_by.timestamp(),
    )
    at = drand.round_time(
        genesis_time=chain["genesis_time"], period=chain["period"], round_number=round_number
    )
    return round_number, dt.datetime.fromtimestamp(at, dt.UTC)


def round_url(beacon):
    """Where anyone reads the round (signature, randomness) on drand's HTTP relay."""
    chain_hash, round_number = drand.parse_beacon(beacon)
    return f"{settings.DRAND_RELAY_URL}/{chain_hash}/public/{round_number}"


def info_url(beacon):
    """The chain's info document: its public key, genesis time, period and scheme."""
    chain_hash, _round = drand.parse_beacon(beacon)
    return f"{settings.DRAND_RELAY_URL}/{chain_hash}/info"
