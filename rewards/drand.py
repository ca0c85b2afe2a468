"""drand beacon rounds for the committed-beacon draw (spec: prize-draw v1.1).

Free of Django on purpose, like ``draw_core``: the stand-alone verifier uses it too. Parsing,
round times, messages and the entropy need only the standard library; checking a signature
needs a BLS12-381 library (py_ecc), imported only then, so that a verifier without it can
still re-run the ranking and say plainly that the signature was not checked.

Schemes, as drand defines them (drand/drand crypto/schemes.go, drand-client):

- ``bls-unchained-g1-rfc9380`` (quicknet): public key on G2 (96 bytes), signature on G1
  (48 bytes), message = sha256(round as 8-byte big-endian), hashed to G1 with RFC 9380's
  ``BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_``.
- ``pedersen-bls-chained`` (the League of Entropy "default" chain): public key on G1
  (48 bytes), signature on G2 (96 bytes), message = sha256(previous signature || round as
  8-byte big-endian), hashed to G2 with ``BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_``.
- ``pedersen-bls-unchained``: as the chained one, without the previous signature.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

__all__ = [
    "SCHEMES",
    "BeaconError",
    "BlsUnavailable",
    "Scheme",
    "beacon_name",
    "entropy_for",
    "first_round_after",
    "parse_beacon",
    "round_message",
    "round_time",
    "signature_bytes",
    "signature_problem",
    "verify_round",
]

_BEACON_RE = re.compile(r"drand:([0-9a-f]{64}):([1-9][0-9]{0,18})")
_HEX_RE = re.compile(r"(?:[0-9a-fA-F]{2})+")


class BeaconError(ValueError):
    """A beacon name, key or signature that is malformed (not merely wrong)."""


class BlsUnavailable(RuntimeError):
    """No BLS12-381 library is installed, so a signature cannot be checked here."""


@dataclass(frozen=True)
class Scheme:
    name: str
    signature_on_g1: bool  # else on G2; the public key is on the other group
    chained: bool
    dst: bytes

    @property
    def signature_length(self):
        return 48 if self.signature_on_g1 else 96

    @property
    def public_key_length(self):
        return 96 if self.signature_on_g1 else 48


SCHEMES = {
    scheme.name: scheme
    for scheme in (
        Scheme(
            "bls-unchained-g1-rfc9380", True, False, b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_"
        ),
        Scheme("pedersen-bls-chained", False, True, b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_"),
        Scheme(
            "pedersen-bls-unchained", False, False, b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_"
        ),
    )
}


def beacon_name(chain_hash, round_number):
    """``drand:<chain hash>:<round>``, as the draw publishes it."""
    return f"drand:{chain_hash}:{round_number}"


def parse_beacon(text):
    """(chain hash, round) of ``drand:<chain hash, 64 lowercase hex>:<round>``."""
    match = _BEACON_RE.fullmatch(text or "")
    if match is None:
        raise BeaconError(
            f"beacon {text!r} is not drand:<chain hash, 64 lowercase hex>:<round number>"
        )
    return match[1], int(match[2])


def round_time(*, genesis_time, period, round_number):
    """Unix time at which drand publishes ``round_number`` (round 1 is at genesis)."""
    return genesis_time + (round_number - 1) * period


def first_round_after(*, genesis_time, period, moment):
    """The first round whose time is strictly after the Unix time ``moment``."""
    if moment < genesis_time:
        return 1
    return int((moment - genesis_time) // period) + 2


def round_message(*, round_number, previous_signature=b"", chained):
    """The 32 bytes drand signs for a round."""
    round_bytes = round_number.to_bytes(8, "big")
    return hashlib.sha256((previous_signature if chained else b"") + round_bytes).digest()


def entropy_for(signature):
    """The round's randomness, which is the draw's public entropy: sha256(signature), hex."""
    return hashlib.sha256(signature).hexdigest()


def signature_bytes(text, *, length, what="signature"):
    """Bytes of a hex value of exactly ``length`` bytes; raises BeaconError with a reason."""
    text = (text or "").strip()
    if not text:
        raise BeaconError(f"the {what} is empty")
    if _HEX_RE.fullmatch(text) is None:
        raise BeaconError(f"the {what} is not hexadecimal")
    data = bytes.fromhex(text)
    if len(data) != length:
        raise BeaconError(
            f"the {what} has {len(data)} bytes; this chain's have {length} "
            f"({length * 2} hex characters)"
        )
    return data


def signature_problem(*, scheme, public_key, round_number, signature, previous_signature=b""):
    """None when ``signature`` is the chain's signature of the round, else the reason.

    Raises BlsUnavailable when no BLS12-381 library is installed.
    """
    scheme = SCHEMES[scheme] if isinstance(scheme, str) else scheme
    if scheme.chained and not previous_signature:
        return "this chain is chained: its previous signature is needed too"
    if not verify_round(
        scheme.name, bytes(public_key), round_number, bytes(signature), bytes(previous_signature)
    ):
        return "the signature is not the chain's signature of this round"
    return None


@functools.lru_cache(maxsize=64)  # pure and slow (pure-Python pairings): check each once
def verify_round(scheme_name, public_key, round_number, signature, previous_signature=b""):
    """True when ``signature`` verifies against ``public_key`` for the round, under the scheme."""
    try:
        from py_ecc.bls.g2_primitives import (
            pubkey_to_G1,
            signature_to_G2,
            subgroup_check,
        )
        from py_ecc.bls.hash_to_curve import hash_to_G1, hash_to_G2
        from py_ecc.optimized_bls12_381 import (
            FQ12,
            G1,
            G2,
            final_exponentiate,
            is_inf,
            neg,
            pairing,
        )
    except ImportError:
        raise BlsUnavailable("py_ecc is not installed") from None
    scheme = SCHEMES[scheme_name]
    if len(public_key) != scheme.public_key_length or len(signature) != scheme.signature_length:
        return False
    message = round_message(
        round_number=round_number, previous_signature=previous_signature, chained=scheme.chained
    )
    try:
        if scheme.signature_on_g1:
            key, sig = signature_to_G2(public_key), pubkey_to_G1(signature)
            hashed = hash_to_G1(message, scheme.dst, hashlib.sha256)
            generator = G2
        else:
            key, sig = pubkey_to_G1(public_key), signature_to_G2(signature)
            hashed = hash_to_G2(message, scheme.dst, hashlib.sha256)
            generator = G1
    except (ValueError, TypeError):  # not a point of the curve in compressed form
        return False
    if is_inf(key) or is_inf(sig) or not subgroup_check(key) or not subgroup_check(sig):
        return False
    # e(sig, generator) == e(hashed, key), as one product of pairings equal to one.
    if scheme.signature_on_g1:
        product = pairing(generator, sig, final_exponentiate=False) * pairing(
            neg(key), hashed, final_exponentiate=False
        )
    else:
        product = pairing(sig, generator, final_exponentiate=False) * pairing(
            hashed, neg(key), final_exponentiate=False
        )
    return final_exponentiate(product) == FQ12.one()
