"""Stand-alone verifier for a published prize draw (spec: prize-draw v1).

    python -m rewards.verify ENTRIES_CSV --seed HEX --winners K --alternates M
        [--entropy TEXT] [--commitment HEX] [--digest HEX]

Standard library only and must never import Django, so that anyone can re-run a draw from
the published data with a plain ``python``. Exit status 0 on success; 2 with a one-line
reason on stderr for any problem.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from rewards.draw_core import (
    NonCanonicalEntries,
    commitment_for,
    draw_result,
    entries_digest,
    parse_entries,
)

EXIT_FAILED = 2
_HEX64_RE = re.compile(r"[0-9a-fA-F]{64}")


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
    return parser


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise _Failed(f"cannot read {path}: {exc.strerror or exc}") from None


def _take_entropy(argv: Sequence[str]) -> tuple[list[str], str]:
    """Take ``--entropy`` out before argparse sees it: entropy is free text, and argparse
    mangles values such as ``--`` or ones that look like options."""
    rest, entropy, index = [], "", 0
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


def _verify(argv: Sequence[str] | None) -> list[str]:
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
    try:
        entries = parse_entries(data)
    except NonCanonicalEntries as exc:
        raise _Failed(f"entries file is not canonical: {exc}") from None
    try:
        result = draw_result(
            entries,
            seed=seed,
            public_entropy=entropy,
            winners=args.winners,
            alternates=args.alternates,
        )
    except UnicodeEncodeError:  # e.g. undecodable bytes in argv (surrogate escapes)
        raise _Failed("--entropy is not valid UTF-8") from None
    return [f"{rank} {entrant} {role}\n" for rank, entrant, role in result]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the verifier; returns the process exit status."""
    try:
        lines = _verify(argv)
    except SystemExit as exc:  # argparse after --help
        return exc.code if isinstance(exc.code, int) else 0
    except _Failed as exc:
        print(f"rewards.verify: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    sys.stdout.write("".join(lines))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
