"""Command-line verifier: spec vector end to end, one-line failures, no Django needed."""

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rewards.draw_core import canonical_entries, draw_result
from rewards.verify import main

from .test_draw_core import (
    ENTROPY,
    SEED,
    VECTOR_COMMITMENT,
    VECTOR_CSV,
    VECTOR_DIGEST,
    VECTOR_RESULT,
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
