"""Stand-alone verifier for a published prize draw (spec: prize-draw v1.1).

    python -m rewards.verify ENTRIES_CSV --seed HEX --winners K --alternates M
        [--entropy TEXT] [--commitment HEX] [--digest HEX]
        [--beacon drand:<chain>:<round> --beacon-signature HEX --beacon-public-key HEX
         [--beacon-previous-signature HEX]]

Standard library only and must never import Django, so that anyone can re-run a draw from
the published data with a plain ``python``. With the beacon options it also checks that the
entropy is SHA-256 of the signature (standard library) and that the signature is the
chain's, for that round, under its public key: that needs py_ecc (``pip install py_ecc``).

Exit status 0 on success; 2 with a one-line reason on stderr for any problem; 3 when the
ranking and the entropy check out but the signature could not be checked (no py_ecc).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from rewards import drand
from rewards.draw_core import (
    NonCanonicalEntries,
    commitment_for,
    draw_result_of_file,
    entries_digest,
)

EXIT_FAILED = 2
EXIT_SIGNATURE_UNCHECKED = 3
_HEX64_RE = re.compile(r"[0-9a-fA-F]{64}")
_HEX_RE = re.compile(r"(?:[0-9a-fA-F]{2})+")


class _Failed(Exception):
    """A one-line reason to print before exiting with EXIT_FAILED."""


class _Parser(argparse.ArgumentParser):
    # argparse prints the whole usage block on error; keep failures to one line.
    def error(self, message: str) -> NoReturn:
        raise _Failed(f"{message} (see --help)")


def _non_negative_int(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0: {text!r}")
    return value


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m rewards.verify",
        description="Re-run a published prize draw and print its ranked result.",
    )
    parser.add_argument("entries", metavar="ENTRIES_CSV", help="canonical entries file, or -")
    parser.add_argument("--seed", required=True, help="revealed seed, 64 hex characters")
    parser.add_argument("--winners", required=True, type=_non_negative_int, metavar="K")
    parser.add_argument("--alternates", required=True, type=_non_negative_int, metavar="M")
    parser.add_argument("--entropy", default="", help="public entropy (default: empty)")
    parser.add_argument("--commitment", help="published SHA-256 of the seed, to check")
    parser.add_argument("--digest", help="published SHA-256 of the entries file, to check")
    beacon = parser.add_argument_group("committed beacon (v1.1)")
    beacon.add_argument("--beacon", help="published beacon, drand:<chain hash>:<round>")
    beacon.add_argument("--beacon-signature", metavar="HEX", help="the round's signature")
    beacon.add_argument("--beacon-public-key", metavar="HEX", help="the chain's public key")
    beacon.add_argument(
        "--beacon-previous-signature",
        metavar="HEX",
        help="the round's previous signature (chained chains such as drand's default)",
    )
    return parser


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise _Failed(f"cannot read {path}: {exc.strerror or exc}") from None


def _take_entropy(argv: Sequence[str]) -> tuple[list[str], str | None]:
    """Take ``--entropy`` out before argparse sees it: entropy is free text, and argparse
    mangles values such as ``--`` or ones that look like options. None when not given."""
    rest: list[str] = []
    entropy: str | None = None
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg.startswith("--entropy="):
            entropy = arg.partition("=")[2]
        elif arg == "--entropy" and index + 1 < len(argv):
            entropy = argv[index + 1]
            index += 1
        else:
            rest.append(arg)
        index += 1
    return rest, entropy


class _Verified:
    def __init__(self, lines, notes, signature_checked=True):
        self.lines = lines
        self.notes = notes
        self.signature_checked = signature_checked


def _hex_option(value, name):
    value = value.strip()
    if not value or _HEX_RE.fullmatch(value) is None:
        raise _Failed(f"{name} must be hexadecimal bytes")
    return bytes.fromhex(value)


def _scheme_for(public_key, previous_signature):
    """The drand scheme a key implies: a G2 key (96 bytes) signs on G1 (quicknet); a G1 key
    (48 bytes) signs on G2, chained when the round has a previous signature."""
    if len(public_key) == 96:
        if previous_signature:
            raise _Failed("--beacon-previous-signature: this chain's rounds are not chained")
        return drand.SCHEMES["bls-unchained-g1-rfc9380"]
    if len(public_key) == 48:
        name = "pedersen-bls-chained" if previous_signature else "pedersen-bls-unchained"
        return drand.SCHEMES[name]
    raise _Failed(f"--beacon-public-key has {len(public_key)} bytes; drand keys have 48 or 96")


def _check_beacon(args, entropy):
    """The entropy the beacon gives, and whether its signature could be checked."""
    given = [args.beacon, args.beacon_signature, args.beacon_public_key]
    if all(value is None for value in given) and args.beacon_previous_signature is None:
        return entropy, None
    if any(value is None for value in given):
        raise _Failed("--beacon, --beacon-signature and --beacon-public-key go together")
    try:
        _chain, round_number = drand.parse_beacon(args.beacon.strip())
    except drand.BeaconError as exc:
        raise _Failed(f"--beacon: {exc}") from None
    signature = _hex_option(args.beacon_signature, "--beacon-signature")
    public_key = _hex_option(args.beacon_public_key, "--beacon-public-key")
    previous = b""
    if args.beacon_previous_signature is not None:
        previous = _hex_option(args.beacon_previous_signature, "--beacon-previous-signature")
    derived = drand.entropy_for(signature)
    if entropy is not None and entropy != derived:
        raise _Failed(f"entropy mismatch: sha256(beacon signature) is {derived}")
    scheme = _scheme_for(public_key, previous)
    if len(signature) != scheme.signature_length:
        raise _Failed(
            f"--beacon-signature has {len(signature)} bytes; this chain's have "
            f"{scheme.signature_length}"
        )
    try:
        problem = drand.signature_problem(
            scheme=scheme,
            public_key=public_key,
            round_number=round_number,
            signature=signature,
            previous_signature=previous,
        )
    except drand.BlsUnavailable:
        return derived, False
    if problem:
        raise _Failed(f"beacon signature mismatch: {problem} ({args.beacon})")
    return derived, True


def _verify(argv: Sequence[str] | None) -> _Verified:
    rest, entropy = _take_entropy(sys.argv[1:] if argv is None else list(argv))
    args = _build_parser().parse_args(rest)
    if _HEX64_RE.fullmatch(args.seed) is None:
        raise _Failed("--seed must be exactly 64 hex characters (32 bytes)")
    seed = bytes.fromhex(args.seed)
    if args.commitment is not None:
        actual = commitment_for(seed)
        if args.commitment.strip().lower() != actual:
            raise _Failed(f"commitment mismatch: sha256(seed) is {actual}")
    data = _read(args.entries)
    if args.digest is not None:
        actual = entries_digest(data)
        if args.digest.strip().lower() != actual:
            raise _Failed(f"digest mismatch: sha256(entries file) is {actual}")
    entropy, signature_checked = _check_beacon(args, entropy)
    try:
        # On two cores where it can (draw_core: a forked child takes half the file); the
        # same result, and the same error for a file that is not canonical.
        result = draw_result_of_file(
            data,
            seed=seed,
            public_entropy=entropy or "",
            winners=args.winners,
            alternates=args.alternates,
            parallel=True,
        )
    except NonCanonicalEntries as exc:
        raise _Failed(f"entries file is not canonical: {exc}") from None
    except UnicodeEncodeError:  # e.g. undecodable bytes in argv (surrogate escapes)
        raise _Failed("--entropy is not valid UTF-8") from None
    notes = []
    if signature_checked:
        notes.append(f"beacon signature verified: {args.beacon}")
    elif signature_checked is False:
        notes.append(
            "warning: the beacon signature was NOT checked against the public key: no "
            "BLS12-381 library (pip install py_ecc). The entropy does match the signature."
        )
    lines = [f"{rank} {entrant} {role}\n" for rank, entrant, role in result]
    return _Verified(lines, notes, signature_checked is not False)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the verifier; returns the process exit status."""
    try:
        verified = _verify(argv)
    except SystemExit as exc:  # argparse after --help
        return exc.code if isinstance(exc.code, int) else 0
    except _Failed as exc:
        print(f"rewards.verify: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    sys.stdout.write("".join(verified.lines))
    sys.stdout.flush()
    for note in verified.notes:
        print(f"rewards.verify: {note}", file=sys.stderr)
    return 0 if verified.signature_checked else EXIT_SIGNATURE_UNCHECKED


if __name__ == "__main__":
    sys.exit(main())
