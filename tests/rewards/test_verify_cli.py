"""Command-line verifier: spec vector end to end, one-line failures, no Django needed."""

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rewards.draw_core import PARALLEL_MIN_BYTES, canonical_entries, draw_result, parse_entries
from rewards.verify import main

from .test_draw_core import (
    ENTROPY,
    SEED,
    VECTOR_COMMITMENT,
    VECTOR_CSV,
    VECTOR_DIGEST,
    VECTOR_RESULT,
    _random_file,
    rows_st,
    seeds,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_HEX = SEED.hex()
VECTOR_STDOUT = "".join(f"{rank} {entrant} {role}\n" for rank, entrant, role in VECTOR_RESULT)


def run_cli(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "rewards.verify", *args],
        cwd=REPO_ROOT,
        input=stdin,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture
def vector_file(tmp_path):
    path = tmp_path / "entries.csv"
    path.write_bytes(VECTOR_CSV)
    return path


def vector_args(path, *extra):
    return [
        str(path),
        "--seed",
        SEED_HEX,
        "--winners",
        "3",
        "--alternates",
        "2",
        "--entropy",
        ENTROPY,
        *extra,
    ]


def assert_one_line_failure(proc, *words):
    assert proc.returncode == 2
    assert proc.stdout == b""
    err = proc.stderr.decode()
    assert err.endswith("\n") and err.count("\n") == 1, err
    for word in words:
        assert word in err, err


def test_vector_via_subprocess(vector_file):
    proc = run_cli(
        *vector_args(vector_file, "--commitment", VECTOR_COMMITMENT, "--digest", VECTOR_DIGEST)
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == VECTOR_STDOUT
    assert proc.stdout.decode().splitlines() == [
        "1 6f03675a-1600-435a-8999-50d836f675cc winner",
        "2 0cb1e29c-658c-4a14-95e6-0af593bd04cf winner",
        "3 6513270e-269e-4d37-b2a7-4de452e6b438 winner",
        "4 892f902b-d23f-4824-928b-2f330c5c7fd0 alternate",
        "5 e8e25d94-0ed9-4475-9531-985d5d9dc9f8 alternate",
    ]
    assert proc.stderr == b""


def test_vector_from_stdin():
    proc = run_cli(*vector_args("-"), stdin=VECTOR_CSV)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == VECTOR_STDOUT


def test_uppercase_seed_and_hashes_accepted(vector_file):
    proc = run_cli(
        str(vector_file),
        "--seed",
        SEED_HEX.upper(),
        "--winners=3",
        "--alternates=2",
        f"--entropy={ENTROPY}",
        f"--commitment={VECTOR_COMMITMENT.upper()}",
        f"--digest={VECTOR_DIGEST.upper()}",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == VECTOR_STDOUT


def test_mismatched_commitment(vector_file):
    proc = run_cli(*vector_args(vector_file, "--commitment", "0" * 64))
    assert_one_line_failure(proc, "commitment")


def test_mismatched_digest(vector_file):
    proc = run_cli(*vector_args(vector_file, "--digest", "f" * 64))
    assert_one_line_failure(proc, "digest")


def test_non_canonical_file(tmp_path):
    path = tmp_path / "entries.csv"
    path.write_bytes(VECTOR_CSV.replace(b"\n", b"\r\n"))
    assert_one_line_failure(run_cli(*vector_args(path)), "not canonical", "line 1")


@pytest.mark.parametrize("seed", ["00", SEED_HEX + "00", "zz" * 32, " " + SEED_HEX[1:], ""])
def test_bad_seed(vector_file, seed):
    args = vector_args(vector_file)
    args[args.index("--seed") + 1] = seed
    assert main(args) == 2


def test_bad_seed_subprocess(vector_file):
    args = vector_args(vector_file)
    args[args.index("--seed") + 1] = SEED_HEX[:-2]
    assert_one_line_failure(run_cli(*args), "--seed")


@pytest.mark.parametrize(
    "args",
    [
        ["--winners", "-1"],
        ["--winners", "x"],
        ["--alternates", "1.5"],
    ],
)
def test_bad_counts_one_line(vector_file, args, capsys):
    base = vector_args(vector_file)
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[base.index(flag) + 1] = value
    assert main(base) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1


def test_missing_file_one_line(tmp_path, capsys):
    assert main(vector_args(tmp_path / "nope.csv")) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert "cannot read" in captured.err


def test_verifier_does_not_import_django():
    """The verifier must run from a plain python where Django is absent."""
    code = (
        "import sys; sys.modules['django'] = None; "  # any 'import django' now fails
        "import rewards.verify; "
        "sys.exit(rewards.verify.main(sys.argv[1:]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *vector_args("-")],
        cwd=REPO_ROOT,
        input=VECTOR_CSV,
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == VECTOR_STDOUT


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=rows_st,
    seed=seeds,
    entropy=st.one_of(
        st.text(alphabet="abcXYZ 0123-é", max_size=12), st.sampled_from(["--", "-x", "--seed"])
    ),
    winners=st.integers(0, 8),
    alternates=st.integers(0, 8),
)
def test_cli_output_equals_draw_result(capsys, rows, seed, entropy, winners, alternates):
    capsys.readouterr()  # drop output of earlier examples
    data = canonical_entries(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "entries.csv"
        path.write_bytes(data)
        status = main(
            [
                str(path),
                "--seed",
                seed.hex(),
                "--winners",
                str(winners),
                "--alternates",
                str(alternates),
                f"--entropy={entropy}",
            ]
        )
    captured = capsys.readouterr()
    assert status == 0, captured.err
    expected = draw_result(
        rows, seed=seed, public_entropy=entropy, winners=winners, alternates=alternates
    )
    assert captured.out == "".join(f"{r} {e} {role}\n" for r, e, role in expected)
    assert captured.err == ""


# The committed beacon (v1.1): real rounds from tests/fixtures/drand/rounds.json ---------------

ROUNDS = json.loads((REPO_ROOT / "tests" / "fixtures" / "drand" / "rounds.json").read_text())
QUICKNET = ROUNDS["chains"]["quicknet"]
DEFAULT = ROUNDS["chains"]["default"]
ROUND_123, ROUND_2 = (
    next(r for r in ROUNDS["rounds"] if r["chain"] == "quicknet" and r["round"] == number)
    for number in (123, 2)
)
CHAINED = next(r for r in ROUNDS["rounds"] if r["chain"] == "default")


def beacon_args(path, beacon_round=ROUND_123, chain=QUICKNET, *extra, entropy=None):
    """The vector's entries and seed, with a beacon round's randomness as the entropy."""
    signature = beacon_round["signature"]
    entropy = hashlib.sha256(bytes.fromhex(signature)).hexdigest() if entropy is None else entropy
    return [
        str(path),
        "--seed",
        SEED_HEX,
        "--winners",
        "3",
        "--alternates",
        "2",
        "--entropy",
        entropy,
        "--beacon",
        f"drand:{chain['hash']}:{beacon_round['round']}",
        "--beacon-signature",
        signature,
        "--beacon-public-key",
        chain["public_key"],
        *extra,
    ]


def expected_stdout(beacon_round):
    entropy = hashlib.sha256(bytes.fromhex(beacon_round["signature"])).hexdigest()
    rows = [tuple(line.split(",")) for line in VECTOR_CSV.decode().splitlines()[1:]]
    result = draw_result(
        [(entrant, int(tickets)) for entrant, tickets in rows],
        seed=SEED,
        public_entropy=entropy,
        winners=3,
        alternates=2,
    )
    return "".join(f"{rank} {entrant} {role}\n" for rank, entrant, role in result)


def test_a_quicknet_beacon_is_checked_and_gives_the_entropy(vector_file):
    proc = run_cli(*beacon_args(vector_file))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == expected_stdout(ROUND_123)
    assert "beacon signature verified" in proc.stderr.decode()
    # Without --entropy the verifier derives it from the signature.
    args = beacon_args(vector_file)
    index = args.index("--entropy")
    proc = run_cli(*args[:index], *args[index + 2 :])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == expected_stdout(ROUND_123)


def test_a_chained_beacon_needs_and_checks_the_previous_signature(vector_file):
    previous = ["--beacon-previous-signature", CHAINED["previous_signature"]]
    proc = run_cli(*beacon_args(vector_file, CHAINED, DEFAULT, *previous))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == expected_stdout(CHAINED)
    assert hashlib.sha256(bytes.fromhex(CHAINED["signature"])).hexdigest() == CHAINED["randomness"]

    proc = run_cli(*beacon_args(vector_file, CHAINED, DEFAULT))
    assert_one_line_failure(proc, "beacon signature mismatch")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"entropy": "beacon round 4242"}, ("entropy mismatch", "sha256(beacon signature)")),
        ({"round": 124}, ("beacon signature mismatch",)),
        ({"signature": ROUND_2["signature"]}, ("beacon signature mismatch",)),
        ({"public_key": DEFAULT["public_key"]}, ("has 48 bytes",)),
        ({"signature": "zz"}, ("--beacon-signature must be hexadecimal",)),
        ({"beacon": "drand:quicknet:123"}, ("--beacon:", "64 lowercase hex")),
    ],
)
def test_a_wrong_beacon_fails_in_one_line(vector_file, change, words):
    args = beacon_args(vector_file, entropy=change.get("entropy"))
    if "round" in change:
        args[args.index("--beacon") + 1] = f"drand:{QUICKNET['hash']}:{change['round']}"
    if "beacon" in change:
        args[args.index("--beacon") + 1] = change["beacon"]
    if "signature" in change:
        args[args.index("--beacon-signature") + 1] = change["signature"]
        if "entropy" not in change and len(change["signature"]) == 96:
            derived = hashlib.sha256(bytes.fromhex(change["signature"])).hexdigest()
            args[args.index("--entropy") + 1] = derived
    if "public_key" in change:
        args[args.index("--beacon-public-key") + 1] = change["public_key"]
    assert_one_line_failure(run_cli(*args), *words)


def test_beacon_options_go_together(vector_file):
    args = beacon_args(vector_file)
    index = args.index("--beacon-public-key")
    assert_one_line_failure(run_cli(*args[:index]), "go together")


def test_without_a_bls_library_the_signature_is_reported_unchecked(vector_file):
    """Ranking and entropy still check out with the standard library; the signature is not
    passed silently: a warning and exit status 3."""
    code = (
        "import sys; sys.modules['py_ecc'] = None; sys.modules['django'] = None; "
        "import rewards.verify; "
        "sys.exit(rewards.verify.main(sys.argv[1:]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *beacon_args(vector_file)],
        cwd=REPO_ROOT,
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout.decode() == expected_stdout(ROUND_123)
    assert "signature was NOT checked" in proc.stderr.decode()
    # A wrong entropy is still caught without the library.
    proc = subprocess.run(
        [sys.executable, "-c", code, *beacon_args(vector_file, entropy="beacon round 4242")],
        cwd=REPO_ROOT,
        capture_output=True,
        timeout=60,
    )
    assert_one_line_failure(proc, "entropy mismatch")


def test_a_file_big_enough_for_two_processes_verifies_as_one_process_draws(tmp_path):
    """Over PARALLEL_MIN_BYTES the command line scores the file's halves in two processes
    (rewards/draw_core.py): the same lines as one process, and a damaged file still fails
    with the one-process error naming its line."""
    data = _random_file(60_000)
    assert len(data) > PARALLEL_MIN_BYTES
    path = tmp_path / "entries.csv"
    path.write_bytes(data)
    expected = draw_result(
        parse_entries(data), seed=SEED, public_entropy=ENTROPY, winners=40, alternates=10
    )
    args = ["--seed", SEED_HEX, "--winners", "40", "--alternates", "10", "--entropy", ENTROPY]
    proc = run_cli(str(path), *args)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == "".join(f"{r} {e} {role}\n" for r, e, role in expected)

    lines = data.splitlines(keepends=True)
    path.write_bytes(b"".join([*lines[:-2], lines[-1], lines[-2]]))  # the last two swapped
    assert_one_line_failure(run_cli(str(path), *args), f"line {len(lines)}: ")
